/**
 * Templates read as the template engine renders them: Mailu's Jinja configs (the corpus copies)
 * and small ones with whitespace control are rendered by the real Jinja (python3-jinja2), and
 * our reading of each rendered file is held against our reading of the template. Every setting
 * the rendered file has is found at the same place (section path) in the template, with the same
 * value wherever the template's value holds no placeholder (`{{ ' ' }}` aside, which renders a
 * space): lines that `{%- -%}` joins are one setting, settings in a `{% for %}` section sit in it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { lexDovecot } from '../../src/core/config/dovecot/lexer';
import { parseMainCf } from '../../src/core/config/postfix/mainCf';
import { parseMasterCf } from '../../src/core/config/postfix/masterCf';
import { isTemplateValue } from '../../src/core/config/templates';
import { jinjaInstalled, renderJinja } from '../support/oracles/jinja';
import { fixture } from '../support/paths';

const MAILU_VARS = {
  POSTMASTER: 'admin', DOMAIN: 'example.org', HOSTNAMES: 'mail.example.org,mx.example.org', PROXY_PROTOCOL_25: '', FRONT_ADDRESS: '192.0.2.10',
  SUBNET: '192.0.2.0/24', SUBNET6: 'fd00::/64', COMPRESSION: 'zstd', COMPRESSION_LEVEL: '3', FULL_TEXT_SEARCH: 'en,fr', FULL_TEXT_SEARCH_ATTACHMENTS: 'yes',
  FTS_ATTACHMENTS_ADDRESS: '192.0.2.11', CPU_COUNT: '2', MESSAGE_SIZE_LIMIT: '50000000', RELAYNETS: '198.51.100.0/24', RELAYHOST: '[relay.example.net]:587',
  RELAYUSER: 'user', RECIPIENT_DELIMITER: '+', OUTBOUND_TLS_LEVEL: 'dane', DEFER_ON_TLS_ERROR: 'true', ANTISPAM_ADDRESS: '192.0.2.12', REJECT_UNLISTED_RECIPIENT: 'yes',
};

/** `{{ ' ' }}` renders one space; any other placeholder makes the value unknown here. */
const plain = (v: string): string | undefined => {
  const spaced = v.replace(/\{\{-?\s*' '\s*-?\}\}/g, ' ');
  return isTemplateValue(spaced) ? undefined : spaced;
};

/** Settings by place (`namespace/mailbox/auto`), each with the values written there. */
type Reading = Map<string, string[]>;

function readDovecot(text: string): { settings: Reading; errors: string[] } {
  const settings: Reading = new Map();
  const errors: string[] = [];
  const stack: string[] = [];
  for (const st of lexDovecot(text, 'dovecot.conf')) {
    if (st.kind === 'sectionBegin') stack.push(st.type);
    else if (st.kind === 'sectionEnd') stack.pop();
    else if (st.kind === 'error') errors.push(`${st.range.start.line + 1}: ${st.message}`);
    else if (st.kind === 'setting') {
      const at = [...stack, st.name].join('/');
      settings.set(at, [...(settings.get(at) ?? []), st.value]);
    }
  }
  return { settings, errors };
}

function readMainCf(text: string): Reading {
  const settings: Reading = new Map();
  for (const e of parseMainCf(text, 'main.cf').entries) settings.set(e.name, [...(settings.get(e.name) ?? []), e.value]);
  return settings;
}

/** What differs, and how many values were compared. */
function compare(template: Reading, rendered: Reading): { problems: string[]; compared: string[] } {
  const problems: string[] = [];
  const compared: string[] = [];
  for (const [at, values] of rendered) {
    const written = template.get(at);
    if (!written) {
      problems.push(`${at} = ${values[0]} is in the rendered file, not where the template reading has it`);
      continue;
    }
    const known = written.map(plain);
    if (known.some((v) => v === undefined)) continue;
    for (const v of values) {
      if (known.includes(v)) compared.push(at);
      else problems.push(`${at}: rendered "${v}", the template reading has ${known.map((k) => `"${k}"`).join(' or ')}`);
    }
  }
  return { problems, compared };
}

describe('templates: our reading agrees with what Jinja renders', () => {
  test('python3-jinja2 renders (scripts/install-system-packages.sh installs it)', () => {
    assert.ok(jinjaInstalled(), 'no python3 with jinja2: run scripts/install-system-packages.sh');
    assert.equal(renderJinja("a = 1{{ ' ' }}\n  {%- if X -%}\n  b\n{%- endif %}\n", { X: true }), 'a = 1 b');
  });

  test("Mailu's dovecot.conf: mail_plugins joined across Jinja lines, mailbox settings inside the for-loop's sections", () => {
    const template = readFileSync(fixture('corpus/mailu/dovecot/dovecot.conf'), 'utf8');
    const ours = readDovecot(template);
    const rendered = readDovecot(renderJinja(template, MAILU_VARS));
    assert.deepEqual(rendered.errors, [], 'the rendered file reads cleanly');
    assert.deepEqual(ours.errors, [], 'the template reads cleanly');
    const { problems, compared } = compare(ours.settings, rendered.settings);
    assert.deepEqual(problems, []);
    for (const at of ['mail_plugins', 'namespace/mailbox/auto', 'plugin/fts_autoindex', 'service/inet_listener/port']) assert.ok(compared.includes(at), `${at} was compared`);
    assert.ok(compared.length >= 40, `only ${compared.length} values compared`);
  });

  test("Mailu's main.cf and master.cf: the same parameters and services as rendered", () => {
    const main = readFileSync(fixture('corpus/mailu/postfix/main.cf'), 'utf8');
    const { problems, compared } = compare(readMainCf(main), readMainCf(renderJinja(main, MAILU_VARS)));
    assert.deepEqual(problems, []);
    assert.ok(compared.length >= 30, `only ${compared.length} values compared`);
    const master = readFileSync(fixture('corpus/mailu/postfix/master.cf'), 'utf8');
    const services = (text: string) => parseMasterCf(text, 'master.cf').entries.map((e) => `${e.service}/${e.type}`).filter((s) => !isTemplateValue(s));
    const renderedServices = services(renderJinja(master, MAILU_VARS));
    assert.ok(renderedServices.length >= 20, `${renderedServices.length} services rendered`);
    for (const s of renderedServices) assert.ok(services(master).includes(s), `${s} is rendered but not read from the template`);
  });

  test('whitespace control in a main.cf and a dovecot.conf: joined values equal the rendered ones, both branches taken', () => {
    const main = [
      'smtpd_tls_mandatory_protocols = >=TLSv1.2',
      '{%- if LEGACY -%}',
      ', TLSv1',
      '{%- endif %}',
      'smtpd_tls_exclude_ciphers = aNULL',
      '  {{- ", eNULL" -}}',
      '  , RC4',
      'smtpd_tls_loglevel = 1',
      '',
    ].join('\n');
    const m = compare(readMainCf(main), readMainCf(renderJinja(main, { LEGACY: true })));
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.compared.sort(), ['smtpd_tls_loglevel', 'smtpd_tls_mandatory_protocols']);
    const dovecot = [
      'protocols = imap{{ " " }}',
      '  {%- if POP -%}',
      '    pop3',
      '  {%- endif %}',
      '',
      '{%- if TLS %}',
      'ssl = required',
      '{% endif -%}',
      '',
      'ssl_min_protocol = TLSv1.2',
      'service imap-login {',
      '  {%- for port in PORTS %}',
      '  inet_listener imap{{ port }} {',
      '    port = 0',
      '  }',
      '  {%- endfor %}',
      '}',
      '',
    ].join('\n');
    const ours = readDovecot(dovecot);
    const rendered = readDovecot(renderJinja(dovecot, { POP: true, TLS: true, PORTS: [143, 10143] }));
    assert.deepEqual([ours.errors, rendered.errors], [[], []]);
    const d = compare(ours.settings, rendered.settings);
    assert.deepEqual(d.problems, []);
    assert.deepEqual([...new Set(d.compared)].sort(), ['service/inet_listener/port', 'ssl', 'ssl_min_protocol']);
    assert.deepEqual(rendered.settings.get('protocols'), ['imap pop3']);
  });
});
