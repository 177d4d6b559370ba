// The join of cipher settings with a live cipher scan, fed with real scans of the test Postfix
// (test/fixtures/live: port 25 with Postfix's defaults, and its implicit-TLS port 465, saved
// from `mail-tls probe --ciphers --json`; the test Dovecot's IMAPS and POP3S, TLS 1.2+ with its
// default cipher list, the same way; scripts/record-live-fixtures.mjs re-records them): where
// each weak class lands, what it says, how severe it is on the port, and the text the quick fix
// leaves behind.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzePath } from '../../../src/core/config';
import type { SourceRange } from '../../../src/core/config/types';
import { cipherHoverLines, endpointHoverLines, endpointNameAt } from '../../../src/core/live/cipherHover';
import { joinCiphers, ORDER_ID, WEAK_DH_ID, WEAK_SUITE_ID } from '../../../src/core/live/cipherJoin';
import type { JoinEndpoint } from '../../../src/core/live/joinFindings';
import { buildJoinEndpoints } from '../../../src/core/live/joinInputs';
import { mergeFindings } from '../../../src/core/live/mergeFindings';
import type { LiveFinding } from '../../../src/core/live/types';
import type { ProbeResult, Protocol } from '../../../src/core/probe/types';
import { fixture } from '../../support/paths';

const FIXTURES = fixture('live');
const scan = (name: string, target: string, protocol: Protocol): ProbeResult => ({ ...JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')), target, protocol });

/** The text after applying a finding's fix, as the editor's quick fix would. */
function applyFix(finding: LiveFinding): string {
  const fix = finding.fix!;
  const text = readFileSync(fix.range.file, 'utf8');
  const offset = (p: SourceRange['start']) => text.split('\n').slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(0, offset(fix.range.start)) + fix.newText + text.slice(offset(fix.range.end));
}

const lineOf = (r: SourceRange) => readFileSync(r.file, 'utf8').split('\n')[r.start.line]!;

describe('joinCiphers: Postfix', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'cipher-join-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const MASTER = [
    '127.0.0.1:25 inet n - n - - smtpd',
    '127.0.0.1:587 inet n - n - - smtpd',
    '  -o smtpd_tls_security_level=encrypt',
    '',
  ].join('\n');

  function joins(main: string, master = MASTER): JoinEndpoint[] {
    const conf = join(dir, `c${Math.random().toString(36).slice(2)}`);
    mkdirSync(conf);
    writeFileSync(join(conf, 'main.cf'), main);
    writeFileSync(join(conf, 'master.cf'), master);
    const analyses = analyzePath(conf);
    return buildJoinEndpoints({ analyses }, analyses.flatMap((a) => a.endpoints));
  }
  const at = (list: JoinEndpoint[], port: number) => list.find((j) => j.target.endsWith(`:${port}`))!;
  const byClass = (findings: LiveFinding[], cls: string) => findings.filter((f) => f.explains === cls);

  it("with Postfix's defaults: anonymous suites on port 25 are information at the service line, and the fix writes the exclusion into main.cf", () => {
    const list = joins('smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/ssl/mx.pem\n');
    const result = scan('postfix-smtp-scan', at(list, 25).target, 'smtp');
    const findings = joinCiphers([{ endpoint: at(list, 25), result }]);
    const [anon, ...more] = byClass(findings, 'cipher-anonymous');
    assert.equal(more.length, 0, 'one finding for the class, not one per suite');
    assert.equal(anon!.id, WEAK_SUITE_ID);
    // The probe's own severity for the same class on the same port.
    assert.equal(anon!.severity, result.findings.find((f) => f.id === 'cipher-anonymous')!.severity);
    assert.equal(anon!.severity, 'info');
    assert.match(lineOf(anon!.range), /^127\.0\.0\.1:25 inet/);
    assert.match(anon!.message, /accepted 12 anonymous \(aNULL\) suite\(s\) through smtpd_tls_ciphers = medium \(Postfix's default\): AECDH-AES256-SHA, ADH-AES256-SHA.* and 8 more \(TLSv1, TLSv1\.1, TLSv1\.2\)/);
    assert.match(anon!.message, /Add smtpd_tls_exclude_ciphers = aNULL\./);
    assert.equal(anon!.docUrl, 'https://www.postfix.org/postconf.5.html#smtpd_tls_ciphers');
    assert.equal(applyFix(anon!), 'smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/ssl/mx.pem\nsmtpd_tls_exclude_ciphers = aNULL\n');
    const kRsa = byClass(findings, 'cipher-no-forward-secrecy')[0]!;
    assert.match(kRsa.message, /16 no forward secrecy suite/);
    assert.equal(kRsa.fix!.newText, 'smtpd_tls_exclude_ciphers = kRSA\n');
  });

  it('on a port that requires TLS the same suites are an error, blamed on the mandatory grade', () => {
    const list = joins('smtpd_tls_security_level = may');
    const result = scan('postfix-smtps-scan', at(list, 587).target, 'submission');
    const anon = byClass(joinCiphers([{ endpoint: at(list, 587), result }]), 'cipher-anonymous')[0]!;
    assert.equal(anon.severity, 'error');
    assert.match(anon.message, /through smtpd_tls_mandatory_ciphers = medium \(Postfix's default\)/);
    assert.match(lineOf(anon.range), /^127\.0\.0\.1:587 inet/);
    // main.cf without a final newline: the new line starts with one.
    assert.equal(applyFix(anon), 'smtpd_tls_security_level = may\nsmtpd_tls_mandatory_exclude_ciphers = aNULL\n');
  });

  it('an explicit grade carries the finding; an existing exclusion list is extended', () => {
    const main = 'smtpd_tls_ciphers = medium\nsmtpd_tls_exclude_ciphers = RC4, 3DES\nmyhostname = mx.example.org\n';
    const list = joins(main);
    const anon = byClass(joinCiphers([{ endpoint: at(list, 25), result: scan('postfix-smtp-scan', at(list, 25).target, 'smtp') }]), 'cipher-anonymous')[0]!;
    assert.equal(lineOf(anon.range), 'smtpd_tls_ciphers = medium');
    assert.equal(anon.range.start.character, 'smtpd_tls_ciphers = '.length);
    assert.match(anon.message, /through smtpd_tls_ciphers = medium: .*Add aNULL to smtpd_tls_exclude_ciphers \(now RC4, 3DES\)/);
    assert.equal(applyFix(anon), 'smtpd_tls_ciphers = medium\nsmtpd_tls_exclude_ciphers = RC4, 3DES, aNULL\nmyhostname = mx.example.org\n');
  });

  it('a -o exclusion is extended without spaces (a master.cf option is one word)', () => {
    const master = '127.0.0.1:25 inet n - n - - smtpd\n  -o smtpd_tls_exclude_ciphers=RC4\n';
    const list = joins('', master);
    const anon = byClass(joinCiphers([{ endpoint: at(list, 25), result: scan('postfix-smtp-scan', at(list, 25).target, 'smtp') }]), 'cipher-anonymous')[0]!;
    assert.equal(applyFix(anon), '127.0.0.1:25 inet n - n - - smtpd\n  -o smtpd_tls_exclude_ciphers=RC4,aNULL\n');
  });

  it('a -o grade gets its exclusion as a -o of the same service', () => {
    const master = '127.0.0.1:25 inet n - n - - smtpd\n  -o smtpd_tls_ciphers=low\nsmtp unix - - n - - smtp\n';
    const list = joins('myhostname = mx.example.org\n', master);
    const anon = byClass(joinCiphers([{ endpoint: at(list, 25), result: scan('postfix-smtp-scan', at(list, 25).target, 'smtp') }]), 'cipher-anonymous')[0]!;
    assert.equal(lineOf(anon.range), '  -o smtpd_tls_ciphers=low');
    assert.equal(applyFix(anon), '127.0.0.1:25 inet n - n - - smtpd\n  -o smtpd_tls_ciphers=low\n  -o smtpd_tls_exclude_ciphers=aNULL\nsmtp unix - - n - - smtp\n');
  });

  it("a rewritten tls_medium_cipherlist is the setting behind the suites; the grade is named beside it", () => {
    const list = joins('tls_medium_cipherlist = aNULL:HIGH:MEDIUM\n');
    const anon = byClass(joinCiphers([{ endpoint: at(list, 25), result: scan('postfix-smtp-scan', at(list, 25).target, 'smtp') }]), 'cipher-anonymous')[0]!;
    assert.equal(lineOf(anon.range), 'tls_medium_cipherlist = aNULL:HIGH:MEDIUM');
    assert.match(anon.message, /through tls_medium_cipherlist = aNULL:HIGH:MEDIUM \(picked by smtpd_tls_ciphers = medium\)/);
  });

  it('an exclusion that is written but not in force points at a reload instead of offering a fix', () => {
    const list = joins('smtpd_tls_exclude_ciphers = aNULL\n');
    const anon = byClass(joinCiphers([{ endpoint: at(list, 25), result: scan('postfix-smtp-scan', at(list, 25).target, 'smtp') }]), 'cipher-anonymous')[0]!;
    assert.match(anon.message, /smtpd_tls_exclude_ciphers = aNULL already excludes them: the running server may use another config or not have been reloaded/);
    assert.equal(anon.fix, undefined);
  });

  it('with TLS required, smtpd_tls_exclude_ciphers counts as well as the mandatory exclusions', () => {
    const list = joins('smtpd_tls_exclude_ciphers = aNULL\n');
    const anon = byClass(joinCiphers([{ endpoint: at(list, 587), result: scan('postfix-smtps-scan', at(list, 587).target, 'submission') }]), 'cipher-anonymous')[0]!;
    assert.match(anon.message, /smtpd_tls_exclude_ciphers = aNULL already excludes them/);
    assert.equal(anon.fix, undefined);
  });

  it('endpoints sharing a written setting and a severity share one finding per class', () => {
    const master = '127.0.0.1:25 inet n - n - - smtpd\n127.0.0.1:2525 inet n - n - - smtpd\n';
    const list = joins('smtpd_tls_ciphers = medium\n', master);
    const probed = [25, 2525].map((port) => ({ endpoint: at(list, port), result: scan('postfix-smtp-scan', at(list, port).target, 'smtp') }));
    const anon = byClass(joinCiphers(probed), 'cipher-anonymous');
    // One copy per endpoint (each endpoint's probe finding leads to the line), one message.
    assert.deepEqual(anon.map((f) => f.target), probed.map((p) => p.endpoint.target));
    assert.equal(new Set(anon.map((f) => f.message)).size, 1);
    assert.match(anon[0]!.message, /The server on :25 and :2525 accepted 12 anonymous/);
    // The Problems panel shows it once.
    const shown = mergeFindings(new Map(), anon).get(anon[0]!.range.file)!;
    assert.equal(shown.length, 1);
  });

  it('DH under 2048 bits is blamed on the DH file setting and tied to the anonymous suites that used it', () => {
    const list = joins('');
    const dh = joinCiphers([{ endpoint: at(list, 25), result: scan('postfix-smtp-scan', at(list, 25).target, 'smtp') }]).filter((f) => f.id === WEAK_DH_ID);
    assert.equal(dh.length, 1);
    assert.match(dh[0]!.message, /primes of 1024 bits with smtpd_tls_dh1024_param_file unset.*They are all anonymous suites: excluding aNULL removes them/);
    assert.equal(dh[0]!.fix, undefined);
  });

  it("the client's order with weak suites lands at tls_preempt_cipherlist, whose fix makes the server's order win", () => {
    const list = joins('tls_preempt_cipherlist = no\n');
    const order = joinCiphers([{ endpoint: at(list, 25), result: scan('postfix-smtp-scan', at(list, 25).target, 'smtp') }]).filter((f) => f.id === ORDER_ID);
    assert.equal(order.length, 1, 'one finding for all versions');
    assert.match(order[0]!.message, /follows the client's order \(TLSv1, TLSv1\.1, TLSv1\.2\) and accepts 28 weak suite/);
    assert.equal(applyFix(order[0]!), 'tls_preempt_cipherlist = yes\n');
  });

  it('says nothing without a cipher scan', () => {
    const list = joins('');
    const result = { ...scan('postfix-smtp-scan', at(list, 25).target, 'smtp'), ciphers: null };
    assert.deepEqual(joinCiphers([{ endpoint: at(list, 25), result }]), []);
  });

  it('the hover on a written grade lists what each endpoint accepted through it, endpoints that saw the same sharing a line', () => {
    const master = '127.0.0.1:25 inet n - n - - smtpd\n127.0.0.1:2525 inet n - n - - smtpd\n';
    const list = joins('smtpd_tls_ciphers = medium\ntls_eecdh_auto_curves = X25519 prime256v1\n', master);
    const results = new Map(list.map((j) => [j.target, scan('postfix-smtp-scan', j.target, 'smtp')]));
    const file = list[0]!.ciphers!.settings.find((s) => s.name === 'smtpd_tls_ciphers')!.range.file;
    // Twice the same endpoints, as when main.cf and master.cf are analysed as two roots.
    const lines = cipherHoverLines([...list, ...list], (t) => results.get(t), file, 0);
    assert.equal(lines.length, 1);
    assert.deepEqual(lines[0]!.targets, list.map((j) => j.target));
    assert.match(lines[0]!.text, /^TLSv1, TLSv1\.1: 16 suite\(s\): 6 insecure \(AECDH-AES256-SHA, ADH-AES256-SHA, ADH-CAMELLIA256-SHA, …\), 4 weak .* · TLSv1\.2: 56 suite\(s\): 12 insecure/);
    const curves = cipherHoverLines(list, (t) => results.get(t), file, 1);
    assert.equal(curves[0]!.text, 'groups accepted: X25519, X448, P-256, P-521, P-384');
    assert.deepEqual(cipherHoverLines(list, () => undefined, file, 0), [], 'nothing before a probe');
  });

  it("the hover on a service line left at Postfix's defaults names the default grade and what it let in, by version and grade", () => {
    const list = joins('smtpd_tls_security_level = may\n');
    const results = new Map(list.map((j) => [j.target, scan(j.target.endsWith(':25') ? 'postfix-smtp-scan' : 'postfix-smtps-scan', j.target, 'smtp')]));
    const master = list[0]!.ciphers!.settings.find((s) => s.role === 'list')!.range.file;
    const lines = endpointHoverLines([...list, ...list], (t) => results.get(t), master, 0);
    assert.equal(lines.length, 1, 'only the endpoint declared on line 0, once');
    assert.deepEqual(lines[0]!.targets, [at(list, 25).target]);
    assert.match(lines[0]!.text, /^smtpd_tls_ciphers = medium \(Postfix's default\): TLSv1, TLSv1\.1: 16 suite\(s\): 6 insecure \(AECDH-AES256-SHA, ADH-AES256-SHA, ADH-CAMELLIA256-SHA, …\), 4 weak .* · TLSv1\.2: 56 suite\(s\): 12 insecure/);
    assert.doesNotMatch(lines[0]!.text, /TLS_AES/, 'TLS 1.3 suites are not the grade\'s');
    // The submission port requires TLS: the mandatory grade is the default that let them in.
    assert.match(endpointHoverLines(list, (t) => results.get(t), master, 1)[0]!.text, /^smtpd_tls_mandatory_ciphers = medium \(Postfix's default\): /);
    assert.deepEqual(endpointHoverLines(list, (t) => results.get(t), master, 2), [], 'a -o line is not the declaration');
    assert.deepEqual(endpointHoverLines(list, () => undefined, master, 0), [], 'nothing before a probe');
  });

  it('a grade written in main.cf leaves nothing for the service line: its own line has the hover', () => {
    const list = joins('smtpd_tls_ciphers = high\n');
    const results = new Map(list.map((j) => [j.target, scan('postfix-smtp-scan', j.target, 'smtp')]));
    const master = list[0]!.ciphers!.settings.find((s) => s.role === 'exclude')!.range.file;
    assert.deepEqual(endpointHoverLines(list, (t) => results.get(t), master, 0), []);
  });

  it('endpointNameAt: the service name of an inet line, the inet_listener of Dovecot, nothing elsewhere', () => {
    assert.deepEqual(endpointNameAt('postfix-master', '127.0.0.1:25 inet n - n - - smtpd', 3), { start: 0, end: 12 });
    assert.equal(endpointNameAt('postfix-master', '127.0.0.1:25 inet n - n - - smtpd', 20), undefined);
    assert.equal(endpointNameAt('postfix-master', 'pickup unix n - y 60 1 pickup', 2), undefined);
    assert.equal(endpointNameAt('postfix-master', '#smtp inet n - n - - smtpd', 2), undefined);
    assert.deepEqual(endpointNameAt('dovecot', '  inet_listener imaps {', 5), { start: 2, end: 21 });
    assert.equal(endpointNameAt('dovecot', '  port = 993', 3), undefined);
    assert.equal(endpointNameAt('postfix-main', 'smtp inet n - n - - smtpd', 1), undefined);
  });
});

describe('joinCiphers: postscreen, whose STARTTLS is tlsproxy\'s', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'cipher-join-postscreen-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  // postscreen's own -o smtpd_tls_* options do not reach tlsproxy: this one must not count.
  const MASTER = [
    '127.0.0.1:25 inet n - n - 1 postscreen',
    '  -o smtpd_tls_exclude_ciphers=aNULL',
    'smtpd pass - - n - - smtpd',
    'tlsproxy unix - - n - 0 tlsproxy',
    '',
  ].join('\n');

  function postscreenJoin(main: string, master = MASTER): JoinEndpoint {
    const conf = join(dir, `c${Math.random().toString(36).slice(2)}`);
    mkdirSync(conf);
    writeFileSync(join(conf, 'main.cf'), main);
    writeFileSync(join(conf, 'master.cf'), master);
    const analyses = analyzePath(conf);
    return buildJoinEndpoints({ analyses }, analyses.flatMap((a) => a.endpoints)).find((j) => j.target.endsWith(':25'))!;
  }
  const anonOf = (endpoint: JoinEndpoint) => joinCiphers([{ endpoint, result: scan('postfix-smtp-scan', endpoint.target, 'smtp') }]).find((f) => f.explains === 'cipher-anonymous')!;

  it("with tlsproxy's defaults the smtpd_tls_* settings of main.cf decide, not postscreen's -o; the fix goes to main.cf", () => {
    const endpoint = postscreenJoin('smtpd_tls_security_level = may\n');
    const anon = anonOf(endpoint);
    assert.match(lineOf(anon.range), /^127\.0\.0\.1:25 inet .* postscreen$/);
    assert.match(anon.message, /through smtpd_tls_ciphers = medium \(Postfix's default; tlsproxy's tlsproxy_tls_ciphers, which defaults to it\)/);
    assert.doesNotMatch(anon.message, /already excludes/);
    assert.equal(applyFix(anon), 'smtpd_tls_security_level = may\nsmtpd_tls_exclude_ciphers = aNULL\n');
    const hover = endpointHoverLines([endpoint], () => scan('postfix-smtp-scan', endpoint.target, 'smtp'), anon.range.file, 0);
    assert.match(hover[0]!.text, /^smtpd_tls_ciphers = medium \(Postfix's default; tlsproxy's tlsproxy_tls_ciphers defaults to it\): TLSv1, TLSv1\.1: 16 suite/);
  });

  it("the oldest version allowed is tlsproxy's too: postscreen's -o smtpd_tls_protocols does not count", () => {
    const master = MASTER.replace('  -o smtpd_tls_exclude_ciphers=aNULL\n', '  -o smtpd_tls_protocols=>=TLSv1.2\n');
    assert.equal(postscreenJoin('', master).minVersion!.version, 'TLSv1', "tlsproxy's default (smtpd_tls_protocols' default, >=TLSv1), not postscreen's -o");
    const written = postscreenJoin('tlsproxy_tls_protocols = >=TLSv1.2\n', master).minVersion!;
    assert.equal(written.setting, 'tlsproxy_tls_protocols');
    assert.equal(lineOf(written.range), 'tlsproxy_tls_protocols = >=TLSv1.2');
    const inherited = postscreenJoin('smtpd_tls_protocols = !SSLv2, !SSLv3, !TLSv1\n', master).minVersion!;
    assert.deepEqual([inherited.setting, inherited.version, lineOf(inherited.range)], ['smtpd_tls_protocols', 'TLSv1.1', 'smtpd_tls_protocols = !SSLv2, !SSLv3, !TLSv1']);
  });

  it('written tlsproxy_tls_* settings carry the finding and take the fix', () => {
    const main = 'tlsproxy_tls_ciphers = medium\ntlsproxy_tls_exclude_ciphers = RC4\nsmtpd_tls_exclude_ciphers = aNULL\n';
    const anon = anonOf(postscreenJoin(main));
    assert.equal(lineOf(anon.range), 'tlsproxy_tls_ciphers = medium');
    assert.match(anon.message, /Add aNULL to tlsproxy_tls_exclude_ciphers \(now RC4\)/);
    assert.equal(applyFix(anon), 'tlsproxy_tls_ciphers = medium\ntlsproxy_tls_exclude_ciphers = RC4, aNULL\nsmtpd_tls_exclude_ciphers = aNULL\n');
  });

  it("an exclusion among the tlsproxy service's -o options is in force (tlsproxy_tls_security_level = encrypt: the mandatory one)", () => {
    const master = MASTER.replace('0 tlsproxy\n', '0 tlsproxy\n  -o tlsproxy_tls_security_level=encrypt\n  -o smtpd_tls_mandatory_exclude_ciphers=aNULL\n');
    const endpoint = postscreenJoin('', master);
    assert.equal(endpoint.ciphers!.mandatory, true);
    assert.deepEqual(endpoint.ciphers!.settings.map((s) => s.name).slice(0, 3), ['smtpd_tls_mandatory_ciphers', 'smtpd_tls_exclude_ciphers', 'smtpd_tls_mandatory_exclude_ciphers']);
    const anon = anonOf(endpoint);
    assert.match(anon.message, /through smtpd_tls_mandatory_ciphers = medium .*smtpd_tls_mandatory_exclude_ciphers = aNULL already excludes them/);
    assert.equal(anon.fix, undefined);
  });
});

describe('joinCiphers: Dovecot 2.3 and 2.4 names', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'cipher-join-dovecot-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function joinsFor(conf: string): JoinEndpoint[] {
    const file = join(dir, `dovecot-${Math.random().toString(36).slice(2)}.conf`);
    writeFileSync(file, conf);
    const analyses = analyzePath(file);
    assert.ok(analyses[0]?.dovecot, 'analysed as Dovecot');
    return buildJoinEndpoints({ analyses }, analyses.flatMap((a) => a.endpoints));
  }
  const listener = 'service imap-login {\n  inet_listener imaps {\n    address = 127.0.0.1\n    port = 993\n    ssl = yes\n  }\n}\n';

  // The Postfix scans stand in for a Dovecot that lets the same suites through its cipher list.
  it('2.3: the cipher list gets the exclusion before @STRENGTH; ssl_prefer_server_ciphers becomes yes', () => {
    const list = joinsFor(`protocols = imap\nlisten = 127.0.0.1\nssl = required\nssl_cipher_list = ALL:!LOW@STRENGTH\nssl_prefer_server_ciphers = no\n${listener}`);
    const endpoint = list.find((j) => j.target.endsWith(':993'))!;
    assert.deepEqual(endpoint.ciphers!.settings.map((s) => s.name), ['ssl_cipher_list', 'ssl_cipher_suites', 'ssl_prefer_server_ciphers', 'ssl_curve_list', 'ssl_dh']);
    const findings = joinCiphers([{ endpoint, result: scan('postfix-smtps-scan', endpoint.target, 'imaps') }]);
    const anon = findings.find((f) => f.explains === 'cipher-anonymous')!;
    assert.equal(anon.severity, 'error');
    assert.equal(lineOf(anon.range), 'ssl_cipher_list = ALL:!LOW@STRENGTH');
    assert.match(anon.message, /through ssl_cipher_list = ALL:!LOW@STRENGTH: .*Add :!aNULL to ssl_cipher_list/);
    assert.match(applyFix(anon), /^ssl_cipher_list = ALL:!LOW:!aNULL@STRENGTH$/m);
    const order = findings.find((f) => f.id === ORDER_ID)!;
    assert.match(applyFix(order), /^ssl_prefer_server_ciphers = yes$/m);
  });

  it('2.4: ssl_server_prefer_ciphers (also inside an ssl_server group) becomes server; ssl_server_dh_file is the DH setting', () => {
    const conf = `dovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.0\nprotocols = imap\nlisten = 127.0.0.1\nssl = required\nssl_cipher_list = HIGH\nssl_server {\n  prefer_ciphers = client\n}\n${listener}`;
    const endpoint = joinsFor(conf).find((j) => j.target.endsWith(':993'))!;
    assert.deepEqual(endpoint.ciphers!.settings.map((s) => s.name), ['ssl_cipher_list', 'ssl_cipher_suites', 'ssl_server_prefer_ciphers', 'ssl_curve_list', 'ssl_server_dh_file']);
    const findings = joinCiphers([{ endpoint, result: scan('postfix-smtps-scan', endpoint.target, 'imaps') }]);
    const order = findings.find((f) => f.id === ORDER_ID)!;
    assert.equal(lineOf(order.range), '  prefer_ciphers = client');
    assert.match(applyFix(order), /^ {2}prefer_ciphers = server$/m);
    assert.match(applyFix(findings.find((f) => f.explains === 'cipher-anonymous')!), /^ssl_cipher_list = HIGH:!aNULL$/m);
  });

  it("with Dovecot's default list (which excludes every weak class) the real Dovecot accepts none: no finding", () => {
    const list = joinsFor(`protocols = imap pop3\nlisten = 127.0.0.1\nssl = required\n${listener}service pop3-login {\n  inet_listener pop3s {\n    port = 995\n    ssl = yes\n  }\n}\n`);
    for (const [port, name, protocol] of [[993, 'dovecot-imaps-scan', 'imaps'], [995, 'dovecot-pop3s-scan', 'pop3s']] as const) {
      const endpoint = list.find((j) => j.target.endsWith(`:${port}`))!;
      assert.deepEqual(joinCiphers([{ endpoint, result: scan(name, endpoint.target, protocol) }]), [], `${protocol}: nothing weak, nothing to blame`);
    }
  });

  it('a list that lets anonymous suites in (here a Postfix scan stands in: no test Dovecot is that weak) is blamed on the default', () => {
    const endpoint = joinsFor(`protocols = imap\nlisten = 127.0.0.1\nssl = required\n${listener}`).find((j) => j.target.endsWith(':993'))!;
    const anon = joinCiphers([{ endpoint, result: scan('postfix-smtps-scan', endpoint.target, 'imaps') }]).find((f) => f.explains === 'cipher-anonymous')!;
    assert.match(anon.message, /ssl_cipher_list = .*\(Dovecot's default\).*already excludes them/);
    assert.match(lineOf(anon.range), /inet_listener imaps/);
    assert.equal(anon.fix, undefined);
  });

  it("the hover on the inet_listener line names Dovecot's default ssl_cipher_list and ssl_cipher_suites and what the real Dovecot let in", () => {
    const endpoint = joinsFor(`protocols = imap\nlisten = 127.0.0.1\nssl = required\n${listener}`).find((j) => j.target.endsWith(':993'))!;
    const result = scan('dovecot-imaps-scan', endpoint.target, 'imaps');
    const lines = endpointHoverLines([endpoint], () => result, endpoint.declaredAt.file, endpoint.declaredAt.start.line);
    assert.equal(lineOf(endpoint.declaredAt).trim(), 'inet_listener imaps {');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!.text, /^ssl_cipher_list = ALL:!kRSA.*… \(Dovecot's default\): TLSv1\.2: 28 suite\(s\): /);
    assert.doesNotMatch(lines[0]!.text, /TLSv1,|insecure|weak/, 'TLS 1.2 only, nothing weak');
    assert.match(lines[1]!.text, /^ssl_cipher_suites.* \(Dovecot's default\): TLSv1\.3: 3 suite\(s\)/);
  });
});
