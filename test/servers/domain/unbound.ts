/**
 * Signs the test zones with ldns-signzone (at every start: signatures expire) and runs a
 * private validating unbound on port 53 of a loopback address, serving them as auth-zones
 * with `test.`'s key as the only trust anchor. Names outside `test.` are refused, so nothing
 * leaves the machine.
 */
import { execFile, spawn, ChildProcess } from 'node:child_process';
import { openSync, readFileSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DnsClient } from '../../../src/core/dns/client';
import type { ZoneText } from './zones';

const run = promisify(execFile);

async function keygen(dir: string, origin: string, ksk: boolean): Promise<string> {
  const args = ['-a', 'ECDSAP256SHA256', ...(ksk ? ['-k'] : []), origin];
  const { stdout } = await run('ldns-keygen', args, { cwd: dir });
  return join(dir, stdout.trim());
}

/** Signs each zone (children before parents, their DS added to the parent); returns the trust anchor file. */
export async function signZones(dir: string, zones: ZoneText[], tamper: Record<string, (signed: string) => string> = {}): Promise<string> {
  const ds = new Map<string, string>();
  // Children first: every zone except `test.` is a child of it.
  const ordered = [...zones].sort((a, b) => b.origin.length - a.origin.length);
  let anchor = '';
  for (const z of ordered) {
    const file = join(dir, `${z.origin}zone`);
    const text = z.text + z.children.map((c) => ds.get(c) ?? '').join('');
    writeFileSync(file, text);
    if (!z.signed) continue;
    const [ksk, zsk] = await Promise.all([keygen(dir, z.origin, true), keygen(dir, z.origin, false)]);
    await run('ldns-signzone', ['-f', `${file}.signed`, file, zsk, ksk], { cwd: dir });
    ds.set(z.origin, readFileSync(`${ksk}.ds`, 'utf8'));
    if (tamper[z.origin]) writeFileSync(`${file}.signed`, tamper[z.origin]!(readFileSync(`${file}.signed`, 'utf8')));
    if (z.origin === 'test.') anchor = `${ksk}.ds`;
  }
  return anchor;
}

export interface UnboundInstance {
  address: string;
  port: number;
  process: ChildProcess;
  log: string;
  stop(): Promise<void>;
}

export function unboundConfig(dir: string, address: string, port: number, anchor: string, zones: ZoneText[], validate = true): string {
  const auth = zones
    .map((z) => `auth-zone:\n  name: "${z.origin}"\n  zonefile: "${join(dir, `${z.origin}zone${z.signed ? '.signed' : ''}`)}"\n  for-upstream: yes\n  for-downstream: no\n  fallback-enabled: no\n`)
    .join('');
  return `server:
  interface: ${address}@${port}
  port: ${port}
  username: ""
  chroot: ""
  directory: "${dir}"
  pidfile: ""
  use-syslog: no
  logfile: ""
  verbosity: 1
  do-not-query-localhost: no
  do-ip6: no
${validate ? `  module-config: "validator iterator"\n  trust-anchor-file: "${anchor}"\n  val-log-level: 2\n` : '  module-config: "iterator"\n'}  local-zone: "test." transparent
  local-zone: "." refuse
  access-control: 127.0.0.0/8 allow
  num-threads: 1
  so-reuseport: no
${auth}`;
}

/**
 * Starts unbound and waits until it answers for `test.` (with AD when it validates). With
 * `validate` false it is a plain recursive resolver over the same signed zones: the
 * "resolver does not validate" case.
 */
export async function startUnbound(dir: string, address: string, port: number, anchor: string, zones: ZoneText[], validate = true): Promise<UnboundInstance> {
  const conf = join(dir, `unbound${validate ? '' : '-plain'}.conf`);
  writeFileSync(conf, unboundConfig(dir, address, port, anchor, zones, validate));
  await run('unbound-checkconf', [conf]).catch((e: { stderr?: string; stdout?: string }) => {
    throw new Error(`unbound-checkconf: ${e.stderr || e.stdout}`);
  });
  const log = join(dir, `unbound${validate ? '' : '-plain'}.log`);
  const fd = openSync(log, 'w');
  const child = spawn('unbound', ['-d', '-c', conf], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited = false;
  child.once('exit', () => (exited = true));
  const client = new DnsClient({ servers: [`${address}:${port}`], timeout: 300, attempts: 1 });
  for (let i = 0; ; i++) {
    try {
      const r = await client.query('test.', 'SOA');
      if (r.rcode === 'NOERROR' && r.authenticated === validate) break;
    } catch {
      /* not up yet */
    }
    if (exited || i > 50) {
      child.kill();
      throw new Error(`unbound did not come up on ${address}:${port}: ${readFileSync(log, 'utf8').slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    address,
    port,
    process: child,
    log,
    stop: () => new Promise<void>((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
