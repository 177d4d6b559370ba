/**
 * The world a domain check needs, on loopback: a validating unbound serving the signed test
 * zones on port 53, MX hosts on port 25 and client services (from SRV) on free ports, all
 * serving a certificate from the test PKI, and an MTA-STS web server on 443. Each run takes
 * its own random 127.R.S.0/24 block (others may run the same tests at once). Needs root for
 * the standard ports.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import { join, resolve } from 'node:path';
import { startMailServer } from '../../support/mailServers/mailServer';
import type { HostileServer } from '../../support/mailServers/listener';
import { ensurePki, openssl, TestPki } from '../../support/certs';
import { signZones, startUnbound, UnboundInstance } from './unbound';
import { testPolicies, testZones, ZoneAddresses } from './zones';

const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
const PKI_ROOT = join(REPO_ROOT, '.test-run', 'mail-servers');

/** The domains and what each should show. */
export const TEST_DOMAINS = {
  good: 'good.test',
  badTlsa: 'badtlsa.test',
  stsBad: 'stsbad.test',
  nullMx: 'nullmx.test',
  unsigned: 'unsigned.test',
  bogus: 'bogus.test',
  taNames: 'tanames.test',
  dual: 'dual.test',
  bogusMx: 'bogusmx.test',
  cname: 'cname.test',
  nullMixed: 'nullmixed.test',
} as const;

export interface DomainEnvironment {
  /** `IP:53` of the validating resolver. */
  resolver: string;
  /** `IP:53` of a resolver serving the same zones without validating. */
  plainResolver: string;
  resolverAddress: string;
  addresses: ZoneAddresses;
  /** The test root CA (trust it for the MX certificates and the MTA-STS server). */
  caFile: string;
  /** Files under the run's directory: the resolver's log, zone files. */
  dir: string;
  /** A resolv.conf naming the resolver, for `unshare -m` oracles. */
  resolvConf: string;
  /** The `3 1 1` data of the key every MX serves. */
  leafSpki: string;
  servers: HostileServer[];
  unbound: UnboundInstance;
  plainUnbound: UnboundInstance;
  stop(): Promise<void>;
}

export function needsRoot(): string | null {
  return process.getuid?.() === 0 ? null : 'binding ports 25, 53 and 443 on loopback needs root (CI runs as root)';
}

const spki = (c: X509Certificate) => createHash('sha256').update(c.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');

/** A leaf for every test host name, issued by the test intermediate; and a next key for rollover. */
async function domainCertificate(dir: string, pki: TestPki): Promise<{ key: string; chain: string; leaf: X509Certificate; next: X509Certificate }> {
  const names = ['mx1.good.test', 'mx2.good.test', 'mx.badtlsa.test', 'mx.stsbad.test', 'mx.unsigned.test', 'mx.bogus.test', 'mx.dual.test', 'mta-sts.good.test', 'mta-sts.stsbad.test', 'mta-sts.redirect.test', 'mta-sts.large.test'];
  const ext = join(dir, 'leaf.ext');
  writeFileSync(ext, `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\n`);
  for (const k of ['leaf', 'next']) await openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(dir, `${k}.key`)]);
  await openssl(dir, ['req', '-new', '-key', join(dir, 'leaf.key'), '-subj', '/CN=mx1.good.test', '-out', join(dir, 'leaf.csr')]);
  await openssl(dir, ['x509', '-req', '-in', join(dir, 'leaf.csr'), '-CA', pki.certificates.intermediate.cert, '-CAkey', pki.certificates.intermediate.key, '-CAcreateserial', '-days', '200', '-extfile', ext, '-out', join(dir, 'leaf.pem')]);
  await openssl(dir, ['req', '-new', '-x509', '-key', join(dir, 'next.key'), '-subj', '/CN=next', '-days', '200', '-out', join(dir, 'next.pem')]);
  const chain = join(dir, 'chain.pem');
  writeFileSync(chain, readFileSync(join(dir, 'leaf.pem'), 'utf8') + readFileSync(pki.certificates.intermediate.cert, 'utf8'));
  return { key: join(dir, 'leaf.key'), chain, leaf: new X509Certificate(readFileSync(join(dir, 'leaf.pem'))), next: new X509Certificate(readFileSync(join(dir, 'next.pem'))) };
}

/** Replaces one match; throws when there is none (a signer's changed output would else go unnoticed). */
function tamperOnce(text: string, pattern: RegExp, replacement: (match: string, ...groups: string[]) => string): string {
  if (!pattern.test(text)) throw new Error(`tampering with a signed zone: ${pattern} not found`);
  return text.replace(pattern, replacement);
}

function canBind(address: string, port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = net.createServer();
    s.once('error', () => res(false));
    s.listen(port, address, () => s.close(() => res(true)));
  });
}

/** A 127.R.S block whose port 25, 53 and 443 addresses are free. */
async function chooseBlock(): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const block = `127.${100 + Math.floor(Math.random() * 150)}.${Math.floor(Math.random() * 256)}`;
    const free = await Promise.all([canBind(`${block}.1`, 25), canBind(`${block}.10`, 443), canBind(`${block}.53`, 53), canBind(`${block}.54`, 53)]);
    if (free.every(Boolean)) return block;
  }
  throw new Error('no free 127.R.S.0/24 block found for the domain test environment');
}

export async function startDomainEnvironment(): Promise<DomainEnvironment> {
  const why = needsRoot();
  if (why) throw new Error(why);
  mkdirSync(join(REPO_ROOT, '.test-run'), { recursive: true });
  const dir = mkdtempSync(join(REPO_ROOT, '.test-run', 'domain-'));
  const pki = await ensurePki(PKI_ROOT);
  const [block, cert] = await Promise.all([chooseBlock(), domainCertificate(dir, pki)]);
  const addresses: ZoneAddresses = {
    mx1: `${block}.1`, mx2: `${block}.2`, badTlsa: `${block}.3`, stsBad: `${block}.4`, unsigned: `${block}.5`, bogus: `${block}.6`, taNames: `${block}.7`, dual: `${block}.8`, dual6: null, bogusMx: `${block}.9`, web: `${block}.10`, resolver: `${block}.53`,
  };
  const plainAddress = `${block}.54`;
  const servers: HostileServer[] = [];
  let unbound: UnboundInstance | null = null;
  let plainUnbound: UnboundInstance | null = null;
  let web: https.Server | null = null;
  const stop = async () => {
    await Promise.all([unbound?.stop(), plainUnbound?.stop()]);
    await Promise.all(servers.map((s) => s.close()));
    await new Promise<void>((r) => (web ? web.close(() => r()) : r()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const tls = { key: readFileSync(cert.key), cert: readFileSync(cert.chain) };
    for (const host of [addresses.mx1, addresses.mx2, addresses.badTlsa, addresses.stsBad, addresses.unsigned, addresses.bogus, addresses.taNames, addresses.dual]) {
      servers.push(await startMailServer({ dialect: 'smtp', host, port: 25, tls }));
    }
    // IPv6 has one loopback address: [::1]:25 is shared by every run on this machine. The
    // AAAA of mx.dual.test is published only when this run got it.
    try {
      servers.push(await startMailServer({ dialect: 'smtp', host: '::1', port: 25, tls }));
      addresses.dual6 = '::1';
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' && code !== 'EADDRNOTAVAIL' && code !== 'EAFNOSUPPORT') throw err;
    }
    const submission = await startMailServer({ dialect: 'smtp', scheme: 'submission', host: addresses.mx1, tls });
    const imaps = await startMailServer({ dialect: 'imap', implicitTls: true, host: addresses.mx1, tls });
    servers.push(submission, imaps);

    const policies = testPolicies();
    web = https.createServer({ ...tls }, (req, res) => {
      const name = String(req.headers.host ?? '').toLowerCase();
      // A redirect that RFC 8461 §3.3 says not to follow.
      if (name === 'mta-sts.redirect.test') return void res.writeHead(301, { location: 'https://mta-sts.good.test/.well-known/mta-sts.txt' }).end();
      const policy = policies[name];
      if (req.url !== '/.well-known/mta-sts.txt' || !policy) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/plain' }).end(policy);
    });
    await new Promise<void>((r, j) => web!.once('error', j).listen(443, addresses.web, () => r()));

    const issuer = new X509Certificate(readFileSync(pki.certificates.intermediate.cert));
    const zones = testZones({ addresses, leafSpki: spki(cert.leaf), issuerSpki: spki(issuer), nextSpki: spki(cert.next), srvPorts: { submission: submission.port, imaps: imaps.port }, stsId: '20261202T000000' });
    const anchor = await signZones(dir, zones, {
      // One changed digit in the signed TLSA data: its RRSIG no longer verifies (bogus).
      'bogus.test.': (text) => text.replace(/(_25\._tcp\.mx\.bogus\.test\.\s+\d+\s+IN\s+TLSA\s+3 1 1 )([0-9a-f])/, (_m, head: string, d: string) => head + (d === '0' ? '1' : '0')),
      // The MX preference changed after signing: the domain's own MX RRset no longer verifies.
      'bogusmx.test.': (text) => tamperOnce(text, /^(bogusmx\.test\.\s+\d+\s+IN\s+MX\s+)10 /m, (_m, head: string) => `${head}11 `),
    });
    [unbound, plainUnbound] = await Promise.all([
      startUnbound(dir, addresses.resolver, 53, anchor, zones),
      startUnbound(dir, plainAddress, 53, anchor, zones, false),
    ]);
    const resolvConf = join(dir, 'resolv.conf');
    writeFileSync(resolvConf, `nameserver ${addresses.resolver}\noptions trust-ad edns0\n`);
    return { resolver: `${addresses.resolver}:53`, plainResolver: `${plainAddress}:53`, plainUnbound, resolverAddress: addresses.resolver, addresses, caFile: pki.caFile, dir, resolvConf, leafSpki: spki(cert.leaf), servers, unbound, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
