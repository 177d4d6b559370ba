/**
 * A private Postfix on 127.0.0.1 high ports: its own config directory, queue and log file,
 * started with `master -w` (what `postfix start` ends in, minus the integrity checks that
 * cost a second). Certificate variants are extra smtpd services with their own
 * `smtpd_tls_chain_files`, so nothing global changes while tests run in parallel.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureDir, findProcesses, processName, readPidFile, systemGroup, systemUser, terminate, writeIfChanged } from './files';
import type { TestPki } from '../support/certs';
import type { VariantName } from './state';

const run = promisify(execFile);
export const POSTFIX_DAEMON_DIR = '/usr/lib/postfix/sbin';

export interface PostfixPorts {
  smtp: number;
  submission: number;
  smtps: number;
  variants: Record<VariantName, { smtp: number; smtps: number }>;
  postscreen: number;
}

export interface PostfixInstance {
  configDir: string;
  queueDir: string;
  log: string;
}

export function postfixLayout(dir: string): PostfixInstance {
  return { configDir: join(dir, 'etc'), queueDir: join(dir, 'queue'), log: join(dir, 'maillog') };
}

function mainCf(dir: string, pki: TestPki, saslSocket: string): string {
  const good = pki.certificates.good;
  return `# Private test instance: loopback only, never delivers mail.
compatibility_level = 3.6
queue_directory = ${join(dir, 'queue')}
data_directory = ${join(dir, 'data')}
maillog_file = ${join(dir, 'maillog')}
maillog_file_prefixes = ${dir}
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mail.test.example
mydestination =
relay_domains =
local_recipient_maps =
default_transport = error:this test instance does not deliver mail
local_transport = error:this test instance does not deliver mail
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_banner = $myhostname ESMTP Postfix (test instance)
smtpd_tls_chain_files = ${good.key}, ${good.chain}
smtpd_tls_security_level = may
smtpd_tls_received_header = no
smtpd_sasl_type = dovecot
smtpd_sasl_path = ${saslSocket}
`;
}

function masterCf(ports: PostfixPorts, pki: TestPki): string {
  const line = (port: number, opts: string[]) =>
    [`127.0.0.1:${port} inet n - n - - smtpd`, ...opts.map((o) => `  -o ${o}`)].join('\n');
  const submission = [
    'syslog_name=postfix/submission',
    'smtpd_tls_security_level=encrypt',
    'smtpd_tls_auth_only=yes',
    'smtpd_sasl_auth_enable=yes',
    'smtpd_client_restrictions=permit_sasl_authenticated,reject',
  ];
  const services = [
    '# Listeners (all on 127.0.0.1).',
    line(ports.smtp, ['syslog_name=postfix/smtp']),
    line(ports.submission, submission),
    line(ports.smtps, ['syslog_name=postfix/smtps', 'smtpd_tls_wrappermode=yes', 'smtpd_sasl_auth_enable=yes']),
  ];
  for (const [name, p] of Object.entries(ports.variants) as [VariantName, { smtp: number; smtps: number }][]) {
    const c = pki.certificates[name];
    const chain = `smtpd_tls_chain_files=${c.key},${c.chain}`;
    services.push(`# Certificate variant: ${name}`);
    services.push(line(p.smtp, [`syslog_name=postfix/${name}`, chain]));
    services.push(line(p.smtps, [`syslog_name=postfix/${name}-smtps`, chain, 'smtpd_tls_wrappermode=yes']));
  }
  // postscreen as an MX runs it, with its deep protocol tests; the greet pause is shortened
  // from 6 s to 1 s so that tests stay quick (the pregreet test itself is unchanged).
  services.push('# postscreen in front of smtpd (the "smtpd" pass service below)');
  services.push([`127.0.0.1:${ports.postscreen} inet n - n - 1 postscreen`, ...[
    'syslog_name=postfix/postscreen',
    'postscreen_access_list=',
    'postscreen_greet_action=enforce',
    'postscreen_greet_wait=1s',
    'postscreen_pipelining_enable=yes',
    'postscreen_pipelining_action=enforce',
    'postscreen_non_smtp_command_enable=yes',
    'postscreen_non_smtp_command_action=enforce',
    'postscreen_bare_newline_enable=yes',
    'postscreen_bare_newline_action=enforce',
  ].map((o) => `  -o ${o}`)].join('\n'));
  services.push('smtpd pass - - n - - smtpd\n  -o syslog_name=postfix/postscreen-smtpd');
  // The internal services smtpd needs; chroot off everywhere (no chroot jail to populate).
  const internal = [
    'tlsproxy unix - - n - 0 tlsproxy',
    'dnsblog unix - - n - 0 dnsblog',
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'tlsmgr unix - - n 1000? 1 tlsmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'proxymap unix - - n - - proxymap',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'showq unix n - n - - showq',
    'postlog unix-dgram n - n - 1 postlogd',
  ];
  return [...services, '# Internal services', ...internal, ''].join('\n');
}

const QUEUE_DIRS: [string, number, 'postfix' | 'root', 'postdrop' | null][] = [
  ['active', 0o700, 'postfix', null], ['bounce', 0o700, 'postfix', null], ['corrupt', 0o700, 'postfix', null],
  ['defer', 0o700, 'postfix', null], ['deferred', 0o700, 'postfix', null], ['flush', 0o700, 'postfix', null],
  ['hold', 0o700, 'postfix', null], ['incoming', 0o700, 'postfix', null], ['private', 0o700, 'postfix', null],
  ['saved', 0o700, 'postfix', null], ['trace', 0o700, 'postfix', null],
  ['maildrop', 0o730, 'postfix', 'postdrop'], ['public', 0o710, 'postfix', 'postdrop'], ['pid', 0o755, 'root', null],
];

/** Writes main.cf/master.cf and the queue layout `post-install create-missing` would make. */
export function preparePostfix(dir: string, ports: PostfixPorts, pki: TestPki, saslSocket: string): PostfixInstance {
  const inst = postfixLayout(dir);
  const postfix = systemUser('postfix');
  const postdrop = systemGroup('postdrop');
  if (!postfix || postdrop === null) throw new Error('the postfix user or postdrop group is missing: is Postfix installed?');
  ensureDir(dir);
  ensureDir(inst.configDir);
  writeIfChanged(join(inst.configDir, 'main.cf'), mainCf(dir, pki, saslSocket));
  writeIfChanged(join(inst.configDir, 'master.cf'), masterCf(ports, pki));
  ensureDir(join(dir, 'data'), 0o700, postfix);
  ensureDir(inst.queueDir, 0o755, { uid: 0, gid: 0 });
  for (const [name, mode, owner, group] of QUEUE_DIRS) {
    const uid = owner === 'postfix' ? postfix.uid : 0;
    const gid = group === 'postdrop' ? postdrop : owner === 'postfix' ? postfix.gid : 0;
    ensureDir(join(inst.queueDir, name), mode, { uid, gid });
  }
  return inst;
}

export function postfixMasterPid(inst: PostfixInstance): number | null {
  return readPidFile(join(inst.queueDir, 'pid', 'master.pid'));
}

/** Starts the master and waits for its initialisation status (`-w`); returns its pid. */
export async function startPostfix(inst: PostfixInstance): Promise<number> {
  try {
    await run(join(POSTFIX_DAEMON_DIR, 'master'), ['-c', inst.configDir, '-w'], { timeout: 15000 });
  } catch (err) {
    throw new Error(`Postfix did not start: ${(err as Error).message.trim()}\n${tail(inst.log)}`);
  }
  const pid = postfixMasterPid(inst);
  if (!pid) throw new Error(`Postfix started but wrote no master.pid\n${tail(inst.log)}`);
  return pid;
}

export async function stopPostfix(inst: PostfixInstance): Promise<void> {
  const pid = postfixMasterPid(inst);
  // A stale pid file may name a reused pid: only signal a Postfix master.
  if (pid && processName(pid) === 'master') await terminate(pid);
  // A master whose pid file is gone (its directory removed) is still found by its config path.
  for (const stray of findProcesses(`master -c ${inst.configDir} `)) await terminate(stray);
}

export function tail(path: string, lines = 15): string {
  if (!existsSync(path)) return `(no log at ${path})`;
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
