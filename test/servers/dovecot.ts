/**
 * A private Dovecot 2.3 (IMAP, POP3, ManageSieve, LMTP) with its own base_dir, state_dir and
 * log. It listens on 127.0.0.1 (Dovecot treats a same-IP peer as secured) and 127.0.0.2 (what
 * a remote client sees), and on one more loopback address per certificate variant, where a
 * `local <ip> { ssl_cert ... }` block swaps the certificate.
 */
import { spawn } from 'node:child_process';
import { chownSync, closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { TestPki } from '../support/certs';
import { ensureDir, findProcesses, isRunning, processName, sleep, readPidFile, systemGroup, terminate, writeIfChanged } from './files';
import type { VariantName } from './state';

export const DOVECOT_BINARY = '/usr/sbin/dovecot';
const DH_FILE = '/usr/share/dovecot/dh.pem';

export interface DovecotPorts {
  imap: number;
  imaps: number;
  pop3: number;
  pop3s: number;
  sieve: number;
  lmtp: number;
}

/** The loopback address each view listens on. */
export const DOVECOT_ADDRESSES = {
  local: '127.0.0.1',
  remote: '127.0.0.2',
  variants: { expired: '127.0.0.3', wrongHost: '127.0.0.4', selfSigned: '127.0.0.5', noIntermediate: '127.0.0.6' },
} as const satisfies { local: string; remote: string; variants: Record<VariantName, string> };

export interface DovecotInstance {
  configFile: string;
  baseDir: string;
  log: string;
}

export function dovecotLayout(dir: string): DovecotInstance {
  // base_dir holds unix sockets (108-byte path limit): keep it short.
  return { configFile: join(dir, 'dovecot.conf'), baseDir: join(dir, 'run'), log: join(dir, 'dovecot.log') };
}

/** The auth socket Postfix's submission service uses for SASL. */
export function saslSocketPath(dir: string): string {
  return join(dovecotLayout(dir).baseDir, 'auth-postfix');
}

function dovecotConf(dir: string, name: string, ports: DovecotPorts, pki: TestPki): string {
  const inst = dovecotLayout(dir);
  const good = pki.certificates.good;
  const addresses = [DOVECOT_ADDRESSES.local, DOVECOT_ADDRESSES.remote, ...Object.values(DOVECOT_ADDRESSES.variants)];
  const variants = (Object.entries(DOVECOT_ADDRESSES.variants) as [VariantName, string][]).map(
    ([variant, ip]) =>
      `# Certificate variant: ${variant}\nlocal ${ip} {\n  ssl_cert = <${pki.certificates[variant].chain}\n  ssl_key = <${pki.certificates[variant].key}\n}`,
  );
  return `# Private test instance: loopback only.
instance_name = ${name}
base_dir = ${inst.baseDir}
state_dir = ${join(dir, 'state')}
log_path = ${inst.log}
protocols = imap pop3 lmtp sieve
listen = ${addresses.join(', ')}
hostname = mail.test.example
ssl = yes
ssl_cert = <${good.chain}
ssl_key = <${good.key}
ssl_dh = <${DH_FILE}
disable_plaintext_auth = yes
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = ${join(dir, 'users')}
}
userdb {
  driver = static
  args = uid=dovenull gid=dovenull home=${join(dir, 'home')}/%n
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    port = ${ports.imap}
  }
  inet_listener imaps {
    port = ${ports.imaps}
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = ${ports.pop3}
  }
  inet_listener pop3s {
    port = ${ports.pop3s}
    ssl = yes
  }
}
service managesieve-login {
  inet_listener sieve {
    port = ${ports.sieve}
  }
}
service lmtp {
  inet_listener lmtp {
    port = ${ports.lmtp}
  }
}
service auth {
  unix_listener auth-postfix {
    mode = 0660
    user = postfix
    group = postfix
  }
}
${variants.join('\n')}
`;
}

export function prepareDovecot(dir: string, name: string, ports: DovecotPorts, pki: TestPki): DovecotInstance {
  const inst = dovecotLayout(dir);
  ensureDir(dir);
  writeIfChanged(inst.configFile, dovecotConf(dir, name, ports, pki));
  // The auth process runs as `dovecot`: the passwd-file must be readable by that group. No users.
  const users = join(dir, 'users');
  writeIfChanged(users, '', 0o640);
  const dovecotGid = systemGroup('dovecot');
  if (dovecotGid === null) throw new Error('the dovecot group is missing: is Dovecot installed?');
  chownSync(users, 0, dovecotGid);
  ensureDir(join(dir, 'state'));
  return inst;
}

export function dovecotMasterPid(inst: DovecotInstance): number | null {
  return readPidFile(join(inst.baseDir, 'master.pid'));
}

/**
 * Starts the master, which forks into the background once its listeners are bound. Its
 * stdio goes to a file: the daemon keeps the caller's stderr open, which would hang a pipe.
 */
export async function startDovecot(inst: DovecotInstance): Promise<number> {
  const out = openSync(`${inst.log}.stdio`, 'a');
  try {
    const child = spawn(DOVECOT_BINARY, ['-c', inst.configFile], { stdio: ['ignore', out, out] });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (c) => resolve(c));
    });
    if (code !== 0) throw new Error(`Dovecot did not start (exit ${code}); see ${inst.log}.stdio and ${inst.log}`);
  } finally {
    closeSync(out);
  }
  // The daemon writes master.pid just after it forks, so the file may lag the exit a little.
  const deadline = Date.now() + 5000;
  for (;;) {
    const pid = dovecotMasterPid(inst);
    if (pid && isRunning(pid)) return pid;
    if (Date.now() > deadline) throw new Error(`Dovecot started but wrote no master.pid in ${inst.baseDir}`);
    await sleep(10);
  }
}

export async function stopDovecot(inst: DovecotInstance): Promise<void> {
  const pid = dovecotMasterPid(inst);
  if (pid && processName(pid) === 'dovecot') await terminate(pid);
  // A master whose pid file is gone (its directory removed) is still found by its config path.
  for (const stray of findProcesses(inst.configFile)) await terminate(stray);
}
