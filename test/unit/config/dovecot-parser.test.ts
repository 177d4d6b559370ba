import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeDovecot } from '../../../src/core/config/dovecot/index';
import { visitSettings } from '../../../src/core/config/dovecot/visit';
import { expandBraces, segmentRegExp } from '../../../src/core/config/dovecot/glob';
import { lexDovecot } from '../../../src/core/config/dovecot/lexer';
import { analyzeText, ids, textAt, writeTree } from '../../support/dovecotText';

describe('Dovecot lexer: statements and exact ranges', () => {
  const text = [
    '# comment',
    'ssl = required',
    '  ssl_cert =   </etc/ssl/a b.pem  # trailing comment',
    'login_greeting = "Hi \\"there\\" # kept"',
    "auth_mechanisms = plain \\",
    '    login',
    'mail_plugins = $mail_plugins quota',
    'service imap-login {',
    '  inet_listener "imaps" {',
    '    port=993',
    '  }',
    '}',
    '!include_try conf.d/*.conf',
  ].join('\n');
  const st = lexDovecot(text, 'f');

  test('setting name and value ranges', () => {
    const s = st.filter((x) => x.kind === 'setting');
    assert.deepEqual(
      s.map((x) => [x.name, x.value, x.valueKind, textAt(text, x.nameRange), textAt(text, x.valueRange)]),
      [
        ['ssl', 'required', 'plain', 'ssl', 'required'],
        ['ssl_cert', '/etc/ssl/a b.pem', 'file', 'ssl_cert', '</etc/ssl/a b.pem'],
        ['login_greeting', 'Hi "there" # kept', 'quoted', 'login_greeting', '"Hi \\"there\\" # kept"'],
        ['auth_mechanisms', 'plain login', 'plain', 'auth_mechanisms', 'plain \\\n    login'],
        ['mail_plugins', '$mail_plugins quota', 'variable', 'mail_plugins', '$mail_plugins quota'],
        ['port', '993', 'plain', 'port', '993'],
      ],
    );
  });

  test('sections: type and (quoted) name ranges; includes', () => {
    const sections = st.filter((x) => x.kind === 'sectionBegin');
    assert.deepEqual(sections.map((x) => [x.type, x.name, textAt(text, x.typeRange), x.nameRange && textAt(text, x.nameRange)]), [
      ['service', 'imap-login', 'service', 'imap-login'],
      ['inet_listener', 'imaps', 'inet_listener', 'imaps'],
    ]);
    const inc = st.find((x) => x.kind === 'include');
    assert.ok(inc && inc.kind === 'include');
    assert.equal(inc.optional, true);
    assert.equal(textAt(text, inc.patternRange), 'conf.d/*.conf');
  });

  test('Dovecot errors: missing "{", garbage after "{", stray "}", unclosed section', () => {
    const a = analyzeText('service imap-login\nplugin { foo = bar }\n}\nprotocol imap {\n  ssl = yes\n');
    assert.deepEqual(ids(a), ['dovecot-syntax-error', 'dovecot-syntax-error', 'dovecot-syntax-error', 'dovecot-syntax-error']);
    assert.deepEqual(a.findings.map((f) => f.range.start.line), [0, 1, 2, 3]);
  });

  test('a continued statement cut by a blank or comment line is dropped, as Dovecot does', () => {
    const a = analyzeText('auth_mechanisms = plain \\\n\nssl = no\nlogin_greeting = x \\\n# c\n');
    assert.equal(a.effective('auth_mechanisms'), undefined);
    assert.equal(a.effective('login_greeting'), undefined);
    assert.equal(a.effective('ssl')?.value, 'no');
    assert.equal(ids(a).filter((i) => i === 'dovecot-continuation-dropped').length, 2);
  });

  test('a lone backslash line adds nothing to the statement it continues', () => {
    const a = analyzeText('service imap-login {\n  process_min_avail = 1\n\\\n}\nssl = required\n');
    assert.equal(a.effective('service/imap-login/process_min_avail')?.value, '1');
    assert.equal(a.effective('ssl')?.value, 'required');
    assert.deepEqual(ids(a), []);
  });

  test('"#" without a space before it starts a comment, with a warning and a fix', () => {
    const text = 'hostname = mail.example.org#x\n';
    const a = analyzeText(text);
    assert.equal(a.effective('hostname')?.value, 'mail.example.org');
    const f = a.findings.find((x) => x.id === 'dovecot-ambiguous-comment');
    assert.ok(f?.fix);
    assert.equal(f.fix.range.start.character, text.indexOf('#'));
  });

  test('CRLF line ends and binary noise do not leak into values', () => {
    const a = analyzeText('ssl = required\r\nlisten = 127.0.0.1\r\n');
    assert.equal(a.effective('ssl')?.value, 'required');
    assert.equal(a.effective('listen')?.value, '127.0.0.1');
  });
});

describe('Dovecot includes', () => {
  test('globs relative to the including file, sorted, dot files skipped, [..] and ? classes', () => {
    const dir = writeTree({
      'dovecot.conf': '!include conf.d/*.conf\n!include extra/[0-9]?.conf\n',
      'conf.d/20-b.conf': 'ssl_min_protocol = TLSv1.3\n!include ../extra/nested.inc\n',
      'conf.d/10-a.conf': 'ssl_min_protocol = TLSv1.2\n',
      'conf.d/.hidden.conf': 'ssl = no\n',
      'extra/12.conf': 'login_greeting = twelve\n',
      'extra/ab.conf': 'login_greeting = letters\n',
      'extra/nested.inc': 'hostname = nested\n',
    });
    const a = analyzeDovecot(join(dir, 'dovecot.conf'), { checkCertificateFiles: false });
    assert.deepEqual(
      a.files.map((f) => f.slice(dir.length + 1)),
      ['dovecot.conf', 'conf.d/10-a.conf', 'conf.d/20-b.conf', 'extra/nested.inc', 'extra/12.conf'],
    );
    assert.equal(a.effective('ssl_min_protocol')?.value, 'TLSv1.3');
    assert.equal(a.effective('ssl_min_protocol')?.file, join(dir, 'conf.d/20-b.conf'));
    assert.equal(a.effective('login_greeting')?.value, 'twelve');
    assert.equal(a.effective('ssl'), undefined);
  });

  test('!include of a missing file or an empty glob is an error; !include_try is fine', () => {
    const a = analyzeText('!include nope.conf\n!include none/*.conf\n!include_try nope2.conf\n!include_try none/*.conf\n');
    assert.deepEqual(ids(a), ['dovecot-include-missing', 'dovecot-include-missing']);
    assert.deepEqual(a.findings.map((f) => f.range.start.line), [0, 1]);
  });

  test('include cycles are reported, not followed', () => {
    const dir = writeTree({ 'dovecot.conf': '!include a.conf\n', 'a.conf': 'ssl = yes\n!include b.conf\n', 'b.conf': '!include a.conf\n!include ../' + 'x/../dovecot.conf\n' });
    const a = analyzeDovecot(join(dir, 'dovecot.conf'), { checkCertificateFiles: false });
    assert.ok(ids(a).includes('dovecot-include-cycle'));
    assert.equal(a.files.length, 3);
  });

  test('includes inside sections nest their settings there', () => {
    const a = analyzeText('service imap-login {\n  !include listener.inc\n}\n', { 'listener.inc': 'inet_listener imaps {\n  port = 1993\n  ssl = yes\n}\n' });
    assert.equal(a.effective('service/imap-login/inet_listener/imaps/port')?.value, '1993');
  });

  test('an aborted signal stops reading includes without throwing', () => {
    const controller = new AbortController();
    controller.abort();
    const a = analyzeText('ssl = required\n!include a.conf\n', { 'a.conf': 'ssl = no\n' }, { signal: controller.signal });
    assert.equal(a.document.aborted, true);
    assert.equal(a.effective('ssl')?.value, 'required');
  });

  test('unsaved editor text wins over the disk', () => {
    const dir = writeTree({ 'dovecot.conf': 'ssl = yes\n!include b.conf\n', 'b.conf': 'ssl_min_protocol = TLSv1.2\n' });
    const b = join(dir, 'b.conf');
    const a = analyzeDovecot(join(dir, 'dovecot.conf'), { checkCertificateFiles: false, readText: (p) => (p === b ? 'ssl_min_protocol = TLSv1.3\n' : undefined) });
    assert.equal(a.effective('ssl_min_protocol')?.value, 'TLSv1.3');
  });
});

describe('Dovecot effective settings', () => {
  test('later assignments win, sections merge across files, $name refers to the previous value', () => {
    const a = analyzeText('mail_plugins = quota\nprotocols = $protocols imap\nprotocols = $protocols pop3\nprotocol imap {\n  mail_plugins = $mail_plugins imap_quota\n}\n');
    assert.equal(a.effective('protocols')?.value, ' imap pop3');
    assert.equal(a.effective('mail_plugins')?.value, 'quota');
    assert.equal(a.effective('mail_plugins', { protocol: 'imap' })?.value, 'quota imap_quota');
    assert.equal(a.effective('mail_plugins', { protocol: 'pop3' })?.value, 'quota');
  });

  test('filters: protocol, local, remote, and negated protocols', () => {
    const a = analyzeText('ssl = yes\nprotocol !lmtp {\n  ssl = required\n}\nlocal 127.0.0.2 {\n  protocol imap {\n    ssl_cert = </b.pem\n  }\n}\nssl_cert = </a.pem\n');
    assert.equal(a.effective('ssl')?.value, 'yes');
    assert.equal(a.effective('ssl', { protocol: 'imap' })?.value, 'required');
    assert.equal(a.effective('ssl', { protocol: 'lmtp' })?.value, 'yes');
    assert.equal(a.effective('ssl_cert', { protocol: 'imap', local: '127.0.0.2' })?.value, '</b.pem');
    assert.equal(a.effective('ssl_cert', { protocol: 'imap' })?.value, '</a.pem');
  });

  test('local/remote filters match networks', () => {
    const a = analyzeText('remote 192.0.2.0/24 {\n  ssl = required\n}\nremote 2001:db8::/32 {\n  ssl = no\n}\n');
    assert.equal(a.effective('ssl', { remote: '192.0.2.77' })?.value, 'required');
    assert.equal(a.effective('ssl', { remote: '192.0.3.77' }), undefined);
    assert.equal(a.effective('ssl', { remote: '2001:db8::9' })?.value, 'no');
  });

  test('every setting is visited once, in source order', () => {
    const a = analyzeText('a = 1\nx {\n  b = 2\n}\nc = 3\n');
    assert.deepEqual(visitSettings(a.document.children).map((v) => v.node.name), ['a', 'b', 'c']);
  });
});

describe('glob segment matcher', () => {
  test('*, ?, [..], [!..] and escapes', () => {
    assert.ok(segmentRegExp('*.conf').test('10-ssl.conf'));
    assert.ok(!segmentRegExp('*.conf').test('10-ssl.conf.bak'));
    assert.ok(segmentRegExp('??-*.conf').test('10-a.conf'));
    assert.ok(segmentRegExp('[0-9]*').test('9x'));
    assert.ok(!segmentRegExp('[!0-9]*').test('9x'));
    assert.ok(segmentRegExp('a\\*b').test('a*b'));
    assert.ok(!segmentRegExp('a\\*b').test('axb'));
    assert.ok(segmentRegExp('[').test('['));
  });

  test('{a,b} alternatives (GLOB_BRACE), nested, in order; lone braces stay literal', () => {
    assert.deepEqual(expandBraces('x{b,a}.conf'), ['xb.conf', 'xa.conf']);
    assert.deepEqual(expandBraces('{1,2{a,b}}-{x,y}'), ['1-x', '1-y', '2a-x', '2a-y', '2b-x', '2b-y']);
    assert.deepEqual(expandBraces('{a}.conf'), ['{a}.conf']);
    assert.deepEqual(expandBraces('{a,b.conf'), ['{a,b.conf']);
    assert.equal(expandBraces('{a,b}'.repeat(20)).length, 1000, 'bounded');
  });
});
