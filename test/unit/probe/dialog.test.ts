// The probe against scripted loopback servers: each finding fires on the behaviour that
// defines it, and not on the safe variant.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defaultEhloName, probe } from '../../../src/core/probe';
import type { ProbeOptions, ProbeResult } from '../../../src/core/probe/types';
import { selfSigned, type KeyPair } from '../../support/certs';
import { FakeServer, smtpHandler, startFakeServer } from '../../support/mailServers/scripted';

let pair: KeyPair;
const servers: FakeServer[] = [];
before(() => {
  pair = selfSigned('localhost');
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function serve(options: Parameters<typeof startFakeServer>[0]): Promise<FakeServer> {
  const s = await startFakeServer({ tls: pair, ...options });
  servers.push(s);
  return s;
}

const ids = (r: ProbeResult) => r.findings.map((f) => f.id).sort();
const fast: ProbeOptions = { enumerateVersions: false, checkInjection: false, servername: 'localhost' };

describe('SMTP dialog', () => {
  it('reads capabilities before and after TLS and records a transcript', async () => {
    const s = await serve({ greeting: ['220-fake.example.org ESMTP', '220 welcome'], onLine: smtpHandler({ keywords: ['PIPELINING', 'STARTTLS', 'SIZE 1000'], afterTls: ['PIPELINING', 'AUTH PLAIN'] }) });
    const r = await probe(`smtp://127.0.0.1:${s.port}`, { ...fast, caFile: undefined });
    assert.equal(r.ok, true);
    assert.equal(r.greeting, '220-fake.example.org ESMTP\n220 welcome');
    assert.deepEqual(r.capabilities, { beforeTls: ['PIPELINING', 'STARTTLS', 'SIZE 1000'], afterTls: ['PIPELINING', 'AUTH PLAIN'] });
    assert.equal(r.tls?.version, 'TLSv1.3');
    assert.equal(r.certificate?.chain[0]?.subject, 'CN=localhost');
    assert.equal(r.certificate?.hostnameMatches, true);
    assert.deepEqual(ids(r), ['cert-self-signed'], 'a self-signed certificate, and nothing else');
    const sent = r.transcript.filter((e) => e.direction === 'client').map((e) => e.text);
    assert.deepEqual(sent, [`EHLO ${defaultEhloName()}`, 'STARTTLS', `EHLO ${defaultEhloName()}`, 'QUIT']);
    assert.match(defaultEhloName(), /^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'a fully qualified name');
    assert.ok(r.transcript.every((e, i) => i === 0 || e.at >= r.transcript[i - 1]!.at), 'time offsets only grow');
    assert.ok(r.timings.connect !== null && r.timings.handshake !== null && r.timings.starttls !== null);
  });

  it('uses the EHLO name given', async () => {
    const s = await serve({ greeting: ['220 hi'], onLine: smtpHandler({ keywords: ['STARTTLS'] }) });
    await probe(`smtp://127.0.0.1:${s.port}`, { ...fast, ehloName: 'probe.example.net' });
    assert.ok(s.received.includes('EHLO probe.example.net'));
  });

  it('starttls-not-offered, and plaintext AUTH before TLS', async () => {
    const s = await serve({ greeting: ['220 hi'], onLine: smtpHandler({ keywords: ['PIPELINING', 'AUTH PLAIN LOGIN'] }) });
    const r = await probe(`smtp://127.0.0.1:${s.port}`, fast);
    assert.equal(r.ok, false);
    assert.deepEqual(ids(r), ['plaintext-auth-before-tls', 'starttls-not-offered']);
    const auth = r.findings.find((f) => f.id === 'plaintext-auth-before-tls')!;
    assert.equal(auth.severity, 'warning', 'port 25: a warning');
    assert.match(auth.detail, /AUTH PLAIN LOGIN/);
    assert.match(r.findings.find((f) => f.id === 'starttls-not-offered')!.detail, /PIPELINING, AUTH PLAIN LOGIN/);
  });

  it('submission: MAIL accepted before TLS is starttls-not-enforced; a 530 is not', async () => {
    const open = await serve({ greeting: ['220 hi'], onLine: smtpHandler({ keywords: ['PIPELINING', 'STARTTLS', 'AUTH PLAIN'] }) });
    const r = await probe(`submission://127.0.0.1:${open.port}`, fast);
    assert.deepEqual(ids(r), ['cert-self-signed', 'plaintext-auth-before-tls', 'starttls-not-enforced']);
    assert.equal(r.findings.find((f) => f.id === 'plaintext-auth-before-tls')!.severity, 'error', 'submission: an error');
    assert.match(r.findings.find((f) => f.id === 'starttls-not-enforced')!.detail, /250 2\.1\.0 Ok/);
    assert.ok(open.received.includes('MAIL FROM:<>') && open.received.includes('RSET'), 'MAIL then RSET, no credentials');

    const strict = await serve({ greeting: ['220 hi'], onLine: smtpHandler({ keywords: ['STARTTLS'], mailReply: '530 5.7.0 Must issue a STARTTLS command first' }) });
    const ok = await probe(`submission://127.0.0.1:${strict.port}`, fast);
    assert.deepEqual(ids(ok), ['cert-self-signed']);
  });

  it('port 25 accepting MAIL before TLS is normal: not checked', async () => {
    const s = await serve({ greeting: ['220 hi'], onLine: smtpHandler({ keywords: ['STARTTLS'] }) });
    const r = await probe(`smtp://127.0.0.1:${s.port}`, fast);
    assert.ok(!ids(r).includes('starttls-not-enforced'));
    assert.ok(!s.received.some((l) => l.startsWith('MAIL')));
  });

  it('starttls-refused quotes the server', async () => {
    const s = await serve({ greeting: ['220 hi'], onLine: smtpHandler({ keywords: ['STARTTLS'], starttlsReply: '454 4.7.0 TLS not available due to local problem' }) });
    const r = await probe(`smtp://127.0.0.1:${s.port}`, fast);
    assert.deepEqual(ids(r), ['starttls-refused']);
    assert.match(r.findings[0]!.detail, /454 4\.7\.0 TLS not available/);
  });

  it('greeting-rejected (421) ends the probe without side connections', async () => {
    const s = await serve({ greeting: ['421 4.7.0 Too many connections, try again later'] });
    const r = await probe(`smtp://127.0.0.1:${s.port}`, { servername: 'localhost' });
    assert.deepEqual(ids(r), ['greeting-rejected']);
    assert.match(r.findings[0]!.detail, /421 4\.7\.0 Too many connections/);
    assert.equal(s.connections, 1, 'no version or injection connections to a server that refuses');
    assert.deepEqual(r.versions, { TLSv1: null, 'TLSv1.1': null, 'TLSv1.2': null, 'TLSv1.3': null });
  });

  it('implicit TLS: handshake first, then the greeting', async () => {
    const s = await serve({ implicitTls: true, greeting: ['220 smtps ready'], onLine: smtpHandler({ keywords: ['AUTH PLAIN'] }) });
    const r = await probe(`smtps://127.0.0.1:${s.port}`, fast);
    assert.equal(r.ok, true);
    assert.equal(r.greeting, '220 smtps ready');
    assert.deepEqual(r.capabilities, { beforeTls: [], afterTls: ['AUTH PLAIN'] });
    assert.equal(r.timings.starttls, null);
  });
});

describe('IMAP, POP3 and ManageSieve dialogs', () => {
  const imap = (caps: string, greeting = `* OK [CAPABILITY ${caps}] ready`) => serve({
    greeting: [greeting],
    onLine: (line, c) => {
      const [tag, command] = line.split(' ');
      if (command === 'CAPABILITY') c.send(`* CAPABILITY ${c.secure ? 'IMAP4rev1 AUTH=PLAIN' : caps}`), c.send(`${tag} OK done`);
      else if (command === 'STARTTLS') c.send(`${tag} OK begin TLS`), c.startTls();
      else if (command === 'LOGOUT') c.send('* BYE bye'), c.send(`${tag} OK done`), c.close();
      else c.send(`${tag} OK`);
    },
  });

  it('IMAP: LOGINDISABLED before TLS, no finding; AUTH=PLAIN without it, a finding', async () => {
    const safe = await imap('IMAP4rev1 STARTTLS LOGINDISABLED');
    const r = await probe(`imap://127.0.0.1:${safe.port}`, fast);
    assert.equal(r.ok, true);
    assert.deepEqual(r.capabilities.beforeTls, ['IMAP4rev1', 'STARTTLS', 'LOGINDISABLED']);
    assert.deepEqual(r.capabilities.afterTls, ['IMAP4rev1', 'AUTH=PLAIN']);
    assert.deepEqual(ids(r), ['cert-self-signed']);
    assert.ok(!safe.received.some((l) => /CAPABILITY/.test(l) && !/a\d+ CAPABILITY/.test(l)));

    const open = await imap('IMAP4rev1 STARTTLS AUTH=PLAIN');
    const o = await probe(`imap://127.0.0.1:${open.port}`, fast);
    const f = o.findings.find((x) => x.id === 'plaintext-auth-before-tls')!;
    assert.equal(f.severity, 'error');
    assert.match(f.detail, /AUTH=PLAIN/);
  });

  it('IMAP: PREAUTH greeting', async () => {
    const s = await imap('IMAP4rev1', '* PREAUTH [CAPABILITY IMAP4rev1] logged in as nobody');
    const r = await probe(`imap://127.0.0.1:${s.port}`, fast);
    assert.deepEqual(ids(r), ['imap-preauth']);
    assert.match(r.findings[0]!.detail, /PREAUTH/);
  });

  it('POP3: STLS with USER before TLS', async () => {
    const s = await serve({
      greeting: ['+OK ready'],
      onLine: (line, c) => {
        if (line === 'CAPA') {
          c.send('+OK');
          for (const l of c.secure ? ['USER', 'SASL PLAIN'] : ['USER', 'STLS', 'TOP']) c.send(l);
          c.send('.');
        } else if (line === 'STLS') c.send('+OK begin'), c.startTls();
        else if (line === 'QUIT') c.send('+OK bye'), c.close();
        else c.send('-ERR unknown');
      },
    });
    const r = await probe(`pop3://127.0.0.1:${s.port}`, fast);
    assert.equal(r.ok, true);
    assert.deepEqual(r.capabilities, { beforeTls: ['USER', 'STLS', 'TOP'], afterTls: ['USER', 'SASL PLAIN'] });
    assert.deepEqual(ids(r), ['cert-self-signed', 'plaintext-auth-before-tls']);
  });

  it('ManageSieve: reads the capabilities the server re-sends after TLS', async () => {
    const caps = (c: { secure: boolean; send(l: string): void }) => {
      c.send('"IMPLEMENTATION" "fake"');
      c.send(c.secure ? '"SASL" "PLAIN"' : '"SASL" ""');
      if (!c.secure) c.send('"STARTTLS"');
      c.send('OK "ready"');
    };
    // The greeting is the capability list: send it on connect.
    const greeted = await serve({ greeting: ['"IMPLEMENTATION" "fake"', '"SASL" ""', '"STARTTLS"', 'OK "ready"'], onLine: (line, c) => {
      if (line === 'STARTTLS') {
        c.send('OK "begin"');
        c.startTls();
        const wait = setInterval(() => c.secure && (clearInterval(wait), caps(c)), 1);
      } else if (line === 'LOGOUT') c.send('OK "bye"'), c.close();
    } });
    const r = await probe(`sieve://127.0.0.1:${greeted.port}`, fast);
    assert.equal(r.ok, true, JSON.stringify(r.findings));
    assert.deepEqual(r.capabilities, { beforeTls: ['IMPLEMENTATION fake', 'SASL', 'STARTTLS'], afterTls: ['IMPLEMENTATION fake', 'SASL PLAIN'] });
    assert.deepEqual(ids(r), ['cert-self-signed']);
  });
});
