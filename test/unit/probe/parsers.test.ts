import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseImapCapabilities, parseImapGreeting, readImapResponse } from '../../../src/core/probe/dialects/imap';
import { isPop3Status, pop3PlaintextAuthSignals, readPop3Multiline } from '../../../src/core/probe/dialects/pop3';
import { parseSieveLine, readSieveResponse, sievePlaintextAuthSignals } from '../../../src/core/probe/dialects/sieve';
import { ehloCapabilities, parseSmtpLine, readSmtpReply, smtpPlaintextAuthSignals } from '../../../src/core/probe/dialects/smtp';
import { imapPlaintextAuthSignals } from '../../../src/core/probe/dialects/imap';
import { Wire, WireError } from '../../../src/core/probe/wire';
import { listen, type HostileServer } from '../../support/mailServers/listener';

/** A loopback server that sends `script` (in the given chunks) to whoever connects. */
let server: HostileServer;
let script: (string | Buffer)[] = [];

before(async () => {
  server = await listen('smtp', '127.0.0.1', (s, ctx) => {
    const chunks = script;
    // Separate writes, so multi-line replies really arrive split across reads.
    let i = 0;
    const next = () => {
      if (i < chunks.length) s.write(chunks[i++]!, () => ctx.setTimer(1, next));
    };
    next();
  });
});
after(() => server.close());

async function wireFor(chunks: (string | Buffer)[], limits?: { maxLineLength: number; maxTotalBytes: number }): Promise<Wire> {
  script = chunks;
  return Wire.open('127.0.0.1', server.port, 1000, undefined, null, limits);
}
const soon = () => Date.now() + 1000;

describe('SMTP replies', () => {
  it('parses reply lines, final or continued', () => {
    assert.deepEqual(parseSmtpLine('250-PIPELINING'), { code: 250, final: false, text: 'PIPELINING' });
    assert.deepEqual(parseSmtpLine('250 2.0.0 Ok'), { code: 250, final: true, text: '2.0.0 Ok' });
    assert.deepEqual(parseSmtpLine('220'), { code: 220, final: true, text: '' });
    assert.equal(parseSmtpLine('hello'), null);
    assert.equal(parseSmtpLine('25 short'), null);
  });

  it('reads a multi-line reply split across TCP segments', async () => {
    const wire = await wireFor(['250-mx.example.org\r\n250-PIPE', 'LINING\r\n250-AUTH PLAIN LOGIN\r\n', '250 STARTTLS\r\n']);
    const reply = await readSmtpReply(wire, soon(), 'EHLO');
    await wire.close();
    assert.equal(reply.code, 250);
    assert.deepEqual(ehloCapabilities(reply), ['PIPELINING', 'AUTH PLAIN LOGIN', 'STARTTLS']);
    assert.deepEqual(smtpPlaintextAuthSignals(ehloCapabilities(reply)), ["EHLO offers 'AUTH PLAIN LOGIN'"]);
  });

  it('rejects a line that is not an SMTP reply', async () => {
    const wire = await wireFor(['HTTP/1.1 400 Bad Request\r\n']);
    await assert.rejects(readSmtpReply(wire, soon(), 'the greeting'), (e: WireError) => e.kind === 'protocol' && /HTTP\/1.1/.test(e.message));
    await wire.close();
  });
});

describe('IMAP responses', () => {
  it('reads capabilities from the greeting code or an untagged CAPABILITY line', () => {
    assert.deepEqual(parseImapCapabilities('* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready'), ['IMAP4rev1', 'STARTTLS', 'LOGINDISABLED']);
    assert.deepEqual(parseImapCapabilities('* CAPABILITY IMAP4rev1 AUTH=PLAIN'), ['IMAP4rev1', 'AUTH=PLAIN']);
    assert.equal(parseImapCapabilities('* OK ready'), null);
  });

  it('tells OK, PREAUTH and BYE greetings apart', () => {
    assert.equal(parseImapGreeting('* OK ready').accepted, true);
    assert.equal(parseImapGreeting('* PREAUTH logged in as joe').preauth, true);
    assert.equal(parseImapGreeting('* BYE too many connections').accepted, false);
    assert.throws(() => parseImapGreeting('+OK pop3'), /IMAP greeting/);
  });

  it('collects untagged lines until the matching tagged completion', async () => {
    const wire = await wireFor(['* CAPABILITY IMAP4rev1 STARTTLS\r\n', 'a0 OK stray\r\n* OK still here\r\na1 OK done\r\n']);
    const r = await readImapResponse(wire, 'a1', soon(), 'CAPABILITY');
    await wire.close();
    assert.equal(r.status, 'OK');
    assert.equal(r.tagged, 'a1 OK done');
    assert.deepEqual(r.untagged, ['* CAPABILITY IMAP4rev1 STARTTLS', 'a0 OK stray', '* OK still here']);
  });

  it('plaintext signals: AUTH=PLAIN, or no LOGINDISABLED', () => {
    assert.deepEqual(imapPlaintextAuthSignals(['IMAP4rev1', 'STARTTLS', 'LOGINDISABLED']), []);
    assert.deepEqual(imapPlaintextAuthSignals(['IMAP4rev1', 'STARTTLS', 'AUTH=PLAIN']), ['CAPABILITY lists AUTH=PLAIN', 'no LOGINDISABLED, so the LOGIN command is allowed']);
  });
});

describe('POP3 responses', () => {
  it('reads CAPA up to the lone dot, undoing dot-stuffing', async () => {
    const wire = await wireFor(['TOP\r\nUSER\r\n..odd\r\n', 'SASL PLAIN LOGIN\r\n.\r\n']);
    const lines = await readPop3Multiline(wire, soon(), 'CAPA');
    await wire.close();
    assert.deepEqual(lines, ['TOP', 'USER', '.odd', 'SASL PLAIN LOGIN']);
    assert.deepEqual(pop3PlaintextAuthSignals(lines), ['CAPA lists USER (USER/PASS login)', "CAPA lists 'SASL PLAIN LOGIN'"]);
    assert.deepEqual(pop3PlaintextAuthSignals(['TOP', 'STLS', 'SASL GSSAPI']), []);
  });

  it('recognises status lines', () => {
    assert.ok(isPop3Status('+OK Dovecot ready.'));
    assert.ok(isPop3Status('-ERR nope'));
    assert.ok(isPop3Status('+OK'));
    assert.ok(!isPop3Status('+OKAY'));
  });
});

describe('ManageSieve responses', () => {
  it('parses capability and status lines', () => {
    assert.deepEqual(parseSieveLine('"IMPLEMENTATION" "Dovecot Pigeonhole"'), { kind: 'capability', name: 'IMPLEMENTATION', value: 'Dovecot Pigeonhole' });
    assert.deepEqual(parseSieveLine('"STARTTLS"'), { kind: 'capability', name: 'STARTTLS', value: null });
    assert.deepEqual(parseSieveLine('"SASL" ""'), { kind: 'capability', name: 'SASL', value: '' });
    assert.deepEqual(parseSieveLine('OK "Dovecot ready."'), { kind: 'status', status: 'OK', text: '"Dovecot ready."' });
    assert.equal(parseSieveLine('garbage'), null);
  });

  it('reads the capability list up to OK', async () => {
    const wire = await wireFor(['"IMPLEMENTATION" "Test"\r\n"SASL" "PLAIN LOGIN"\r\n', '"STARTTLS"\r\n"VERSION" "1.0"\r\nOK "ready"\r\n']);
    const r = await readSieveResponse(wire, soon(), 'the greeting');
    await wire.close();
    assert.deepEqual(r.capabilities, ['IMPLEMENTATION Test', 'SASL PLAIN LOGIN', 'STARTTLS', 'VERSION 1.0']);
    assert.equal(r.status.status, 'OK');
    assert.equal(sievePlaintextAuthSignals(r.capabilities).length, 1);
    assert.deepEqual(sievePlaintextAuthSignals(['SASL', 'STARTTLS']), [], 'an empty SASL list is right');
  });
});

describe('Wire limits', () => {
  it('stops at a line longer than the limit', async () => {
    const wire = await wireFor(['220 ' + 'x'.repeat(5000)], { maxLineLength: 1000, maxTotalBytes: 1 << 20 });
    await assert.rejects(wire.readLine(soon(), 'the greeting'), (e: WireError) => e.kind === 'limit' && /longer than 1000/.test(e.message));
    await wire.close();
  });

  it('stops once the server sent more than the total limit', async () => {
    const wire = await wireFor(Array.from({ length: 20 }, () => '250-' + 'y'.repeat(200) + '\r\n'), { maxLineLength: 1000, maxTotalBytes: 2000 });
    const read = async () => {
      for (;;) await wire.readLine(soon(), 'EHLO');
    };
    await assert.rejects(read(), (e: WireError) => e.kind === 'limit' && /more than 2000 bytes/.test(e.message));
    await wire.close();
  });

  it('decodes UTF-8 and strips CRLF', async () => {
    const wire = await wireFor([Buffer.from('220 grüße\r\n', 'utf8')]);
    assert.equal(await wire.readLine(soon(), 'g'), '220 grüße');
    await wire.close();
  });
});
