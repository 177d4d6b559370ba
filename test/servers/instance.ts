/**
 * Brings a Postfix + Dovecot test instance up and down. One instance per state file: its
 * directory and its ports derive from the state file's path, so `npm test` and the benchmark
 * can run side by side, and starting again replaces the instance that file names.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensurePki, SERVER_NAME } from '../support/certs';
import { DOVECOT_ADDRESSES, dovecotLayout, prepareDovecot, saslSocketPath, startDovecot, stopDovecot, type DovecotPorts } from './dovecot';
import { ensureDir } from './files';
import { postfixLayout, preparePostfix, startPostfix, stopPostfix, tail, type PostfixPorts } from './postfix';
import { ensurePrerequisites } from './prerequisites';
import { portIsFree, waitForListeners } from './readiness';
import { STATE_VERSION, type MainEndpoints, type TestServersState, type VariantEndpoints, type VariantName } from './state';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const RUN_ROOT = join(REPO_ROOT, '.test-run', 'mail-servers');
const VARIANTS: VariantName[] = ['expired', 'wrongHost', 'selfSigned', 'noIntermediate'];
const PORTS_PER_INSTANCE = 18;

function instanceId(stateFile: string): string {
  return createHash('sha256').update(resolve(stateFile)).digest('hex').slice(0, 8);
}

/** Dovecot's unix sockets live under the instance dir: fall back to /tmp when the repo path is long. */
function instanceDir(stateFile: string): string {
  const id = instanceId(stateFile);
  const inRepo = join(RUN_ROOT, id);
  return inRepo.length <= 60 ? inRepo : join('/tmp', `mail-tls-test-${id}`);
}

async function choosePorts(id: string): Promise<number> {
  // A fixed base per instance keeps the config files byte-identical from run to run. Below
  // Linux's ephemeral range (32768+), so no outgoing connection grabs one while we start.
  let base = 21000 + (parseInt(id, 16) % 100) * 100;
  for (let tries = 0; tries < 40; tries++) {
    const ports = Array.from({ length: PORTS_PER_INSTANCE }, (_, i) => base + i);
    const free = await Promise.all(ports.map(portIsFree));
    if (free.every(Boolean)) return base;
    base = 21000 + ((base - 21000 + 700) % 10000);
  }
  throw new Error('found no block of free loopback ports between 21000 and 31000');
}

function layoutPorts(base: number): { postfix: PostfixPorts; dovecot: DovecotPorts } {
  let next = base;
  const take = () => next++;
  const postfix: PostfixPorts = {
    smtp: take(), submission: take(), smtps: take(),
    variants: Object.fromEntries(VARIANTS.map((v) => [v, { smtp: take(), smtps: take() }])) as PostfixPorts['variants'],
    postscreen: 0,
  };
  const dovecot: DovecotPorts = { lmtp: take(), imap: take(), imaps: take(), pop3: take(), pop3s: take(), sieve: take() };
  postfix.postscreen = take();
  return { postfix, dovecot };
}

function endpoints(p: { postfix: PostfixPorts; dovecot: DovecotPorts }): MainEndpoints {
  const pf = (scheme: string, port: number) => `${scheme}://127.0.0.1:${port}`;
  const dv = (scheme: keyof DovecotPorts, ip: string) => `${scheme}://${ip}:${p.dovecot[scheme]}`;
  const { local, remote } = DOVECOT_ADDRESSES;
  return {
    smtp: pf('smtp', p.postfix.smtp),
    submission: pf('submission', p.postfix.submission),
    smtps: pf('smtps', p.postfix.smtps),
    postscreen: pf('smtp', p.postfix.postscreen),
    lmtp: dv('lmtp', local), imap: dv('imap', local), imaps: dv('imaps', local),
    pop3: dv('pop3', local), pop3s: dv('pop3s', local), sieve: dv('sieve', local),
    lmtpRemote: dv('lmtp', remote), imapRemote: dv('imap', remote), imapsRemote: dv('imaps', remote),
    pop3Remote: dv('pop3', remote), pop3sRemote: dv('pop3s', remote), sieveRemote: dv('sieve', remote),
  };
}

function variantEndpoints(p: { postfix: PostfixPorts; dovecot: DovecotPorts }, v: VariantName): VariantEndpoints {
  const ip = DOVECOT_ADDRESSES.variants[v];
  const dv = (scheme: keyof DovecotPorts) => `${scheme}://${ip}:${p.dovecot[scheme]}`;
  return {
    smtp: `smtp://127.0.0.1:${p.postfix.variants[v].smtp}`,
    smtps: `smtps://127.0.0.1:${p.postfix.variants[v].smtps}`,
    imap: dv('imap'), imaps: dv('imaps'), pop3: dv('pop3'), pop3s: dv('pop3s'), sieve: dv('sieve'),
  };
}

/** Stops whatever runs in an instance directory and removes it. */
async function stopDir(dir: string): Promise<void> {
  await Promise.all([stopPostfix(postfixLayout(join(dir, 'postfix'))), stopDovecot(dovecotLayout(join(dir, 'dovecot')))]);
  rmSync(dir, { recursive: true, force: true });
}

/** `log` hears about slow steps (a replaced instance, certificates generated). */
export async function startServers(stateFile: string, log: (line: string) => void = () => {}): Promise<TestServersState> {
  ensurePrerequisites(REPO_ROOT);
  const id = instanceId(stateFile);
  const dir = instanceDir(stateFile);
  if (existsSync(dir)) {
    const began = Date.now();
    await stopDir(dir);
    log(`stopped the previous instance in ${dir} (${Date.now() - began} ms)`);
  }
  rmSync(stateFile, { force: true });
  ensureDir(RUN_ROOT);
  const began = Date.now();
  const [pki, base] = await Promise.all([ensurePki(RUN_ROOT, () => log('generating the test certificates')), choosePorts(id)]);
  if (Date.now() - began > 200) log(`certificates and ports ready in ${Date.now() - began} ms`);
  const ports = layoutPorts(base);
  const dovecotDir = join(dir, 'dovecot');
  const dovecot = prepareDovecot(dovecotDir, `mail-tls-test-${id}`, ports.dovecot, pki);
  const postfix = preparePostfix(join(dir, 'postfix'), ports.postfix, pki, saslSocketPath(dovecotDir));
  const main = endpoints(ports);
  const variants = Object.fromEntries(VARIANTS.map((v) => [v, variantEndpoints(ports, v)])) as TestServersState['variants'];
  try {
    const [dovecotPid, postfixPid] = await Promise.all([startDovecot(dovecot), startPostfix(postfix)]);
    const urls = [...Object.values(main), ...Object.values(variants).flatMap((v) => Object.values(v))];
    await waitForListeners(urls);
    const state: TestServersState = {
      version: STATE_VERSION,
      instanceDir: dir,
      startedAt: new Date().toISOString(),
      serverName: SERVER_NAME,
      caFile: pki.caFile,
      endpoints: main,
      variants,
      certificates: pki.certificates,
      postfixConfigDir: postfix.configDir,
      dovecotConfigFile: dovecot.configFile,
      postfixLog: postfix.log,
      dovecotLog: dovecot.log,
      pids: { postfix: postfixPid, dovecot: dovecotPid },
    };
    writeFileSync(`${stateFile}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(`${stateFile}.tmp`, stateFile);
    return state;
  } catch (err) {
    const logs = `--- Postfix log\n${tail(postfix.log)}\n--- Dovecot log\n${tail(dovecot.log)}`;
    await stopDir(dir);
    throw new Error(`${(err as Error).message}\n${logs}`);
  }
}

export async function stopServers(stateFile: string): Promise<void> {
  let dir = instanceDir(stateFile);
  if (existsSync(stateFile)) {
    try {
      const recorded = (JSON.parse(readFileSync(stateFile, 'utf8')) as TestServersState).instanceDir;
      // Only ever remove a directory this module creates.
      if (recorded && (recorded.startsWith(`${RUN_ROOT}/`) || recorded.startsWith('/tmp/mail-tls-test-'))) dir = recorded;
    } catch {
      // A half-written state file: fall back to the derived directory.
    }
  }
  await stopDir(dir);
  rmSync(stateFile, { force: true });
}
