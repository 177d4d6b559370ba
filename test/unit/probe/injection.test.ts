// STARTTLS command injection (CVE-2011-0411 class): a server that keeps what was pipelined
// after STARTTLS and answers it inside TLS must be reported; one that discards it must not.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { probe } from '../../../src/core/probe';
import type { ProbeResult } from '../../../src/core/probe/types';
import { selfSigned, type KeyPair } from '../../support/certs';
import { FakeConnection, FakeServer, smtpHandler, startFakeServer } from '../../support/mailServers/scripted';

let pair: KeyPair;
const servers: FakeServer[] = [];
before(() => {
  pair = selfSigned('localhost');
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function serve(greeting: string[], onLine: (line: string, c: FakeConnection) => void): Promise<FakeServer> {
  const s = await startFakeServer({ tls: pair, greeting, onLine });
  servers.push(s);
  return s;
}

const injection = (r: ProbeResult) => r.findings.find((f) => f.id === 'starttls-command-injection');
const options = { enumerateVersions: false, servername: 'localhost' };

function imapHandler(vulnerable: boolean) {
  return (line: string, c: FakeConnection) => {
    const [tag, command] = line.split(' ');
    if (command === 'STARTTLS') c.send(`${tag} OK begin`), c.startTls(vulnerable);
    else if (command === 'CAPABILITY') c.send('* CAPABILITY IMAP4rev1 AUTH=PLAIN'), c.send(`${tag} OK`);
    else if (command === 'LOGOUT') c.send('* BYE'), c.send(`${tag} OK logged out`), c.close();
    else c.send(`${tag} OK ${command} completed`);
  };
}

function pop3Handler(vulnerable: boolean) {
  return (line: string, c: FakeConnection) => {
    if (line === 'STLS') c.send('+OK begin'), c.startTls(vulnerable);
    else if (line === 'CAPA') c.send('+OK'), c.send(c.secure ? 'USER' : 'STLS'), c.send('.');
    else if (line === 'QUIT') c.send('+OK bye'), c.close();
    else c.send('-ERR not in this state');
  };
}

function sieveHandler(vulnerable: boolean) {
  return (line: string, c: FakeConnection) => {
    if (line === 'STARTTLS') {
      c.send('OK "begin"');
      c.startTls(vulnerable);
      // The server re-sends its capabilities once TLS is up (RFC 5804).
      const wait = setInterval(() => {
        if (!c.secure) return;
        clearInterval(wait);
        c.send('"IMPLEMENTATION" "fake"'), c.send('"SASL" "PLAIN"'), c.send('OK "TLS ready"');
      }, 1);
    } else if (line === 'LOGOUT') c.send('OK "bye"'), c.close();
    else if (line === 'NOOP') c.send('OK "NOOP done"');
    else c.send('NO "unknown"');
  };
}
const sieveGreeting = ['"IMPLEMENTATION" "fake"', '"SASL" ""', '"STARTTLS"', 'OK "ready"'];

describe('STARTTLS command injection', () => {
  it('SMTP: a vulnerable server answers the pipelined NOOP inside TLS', async () => {
    const s = await serve(['220 hi'], smtpHandler({ keywords: ['STARTTLS'], vulnerable: true }));
    const r = await probe(`smtp://127.0.0.1:${s.port}`, options);
    const f = injection(r);
    assert.ok(f, JSON.stringify(r.findings));
    assert.equal(f.severity, 'error');
    assert.match(f.detail, /250 2\.0\.0 Ok/);
    assert.ok(s.received.includes('NOOP'), 'the NOOP was sent');
    assert.equal(s.connections, 2, 'main dialog plus one injection connection');
  });

  it('SMTP: a server that discards it is not reported', async () => {
    const s = await serve(['220 hi'], smtpHandler({ keywords: ['STARTTLS'], vulnerable: false }));
    const r = await probe(`smtp://127.0.0.1:${s.port}`, options);
    assert.equal(injection(r), undefined);
    assert.ok(r.transcript.some((e) => e.direction === 'info' && /injection test: discarded/.test(e.text)));
  });

  for (const [name, scheme, handler, greeting] of [
    ['IMAP', 'imap', imapHandler, ['* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready']],
    ['POP3', 'pop3', pop3Handler, ['+OK ready']],
    ['ManageSieve', 'sieve', sieveHandler, sieveGreeting],
  ] as const) {
    it(`${name}: vulnerable is reported, safe is not`, async () => {
      const bad = await serve([...greeting], handler(true));
      const good = await serve([...greeting], handler(false));
      const [rb, rg] = await Promise.all([probe(`${scheme}://127.0.0.1:${bad.port}`, options), probe(`${scheme}://127.0.0.1:${good.port}`, options)]);
      assert.ok(injection(rb), `${name} vulnerable: ${JSON.stringify(rb.findings)} ${JSON.stringify(rb.transcript.filter((e) => e.direction === 'info'))}`);
      assert.equal(injection(rg), undefined, `${name} safe: ${JSON.stringify(rg.findings)}`);
      assert.ok(rg.ok && rb.ok);
    });
  }

  it('--no-injection (checkInjection: false) opens no extra connection', async () => {
    const s = await serve(['220 hi'], smtpHandler({ keywords: ['STARTTLS'], vulnerable: true }));
    const r = await probe(`smtp://127.0.0.1:${s.port}`, { ...options, checkInjection: false });
    assert.equal(injection(r), undefined);
    assert.equal(s.connections, 1);
    assert.ok(!s.received.includes('NOOP'));
  });
});
