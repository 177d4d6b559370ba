// Which certificate file the config says a declared Dovecot endpoint serves: the global
// ssl_cert, or the one of a `local <address> { }` block that matches the listener's address.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzePath } from '../../../src/core/config';
import { buildJoinEndpoints } from '../../../src/core/live/joinInputs';
import { opensslScratch as openssl } from '../../support/certs';

describe('buildJoinEndpoints: the certificate a Dovecot listener serves', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'join-inputs-'));
    for (const name of ['global', 'local']) {
      const pem = openssl([['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${name}.test`, '-days', '30', '-keyout', 'key.pem', '-out', 'cert.pem']], {}, ['key.pem', 'cert.pem']);
      writeFileSync(join(dir, `${name}.key`), pem['key.pem']!);
      writeFileSync(join(dir, `${name}.crt`), pem['cert.pem']!);
    }
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  function joinsFor(conf: string) {
    const file = join(dir, 'dovecot.conf');
    writeFileSync(file, conf);
    const [analysis] = analyzePath(file);
    assert.ok(analysis?.dovecot, 'analysed as Dovecot');
    return buildJoinEndpoints({ analyses: [analysis] }, analysis.endpoints);
  }

  const base = (extra: string) => [
    'protocols = imap',
    'ssl = required',
    `ssl_cert = <${dir}/global.crt`,
    `ssl_key = <${dir}/global.key`,
    extra,
    'service imap-login {',
    '  inet_listener imap {',
    '    port = 0',
    '  }',
    '  inet_listener imaps {',
    '    address = 127.0.0.2',
    '    port = 10993',
    '    ssl = yes',
    '  }',
    '  inet_listener imaps_other {',
    '    address = 127.0.0.3',
    '    port = 10993',
    '    ssl = yes',
    '  }',
    '}',
    '',
  ].join('\n');

  it('without a local block: the global file, at the global ssl_cert line', () => {
    const joins = joinsFor(base(''));
    assert.deepEqual(joins.map((j) => j.target).sort(), ['imaps://127.0.0.2:10993', 'imaps://127.0.0.3:10993']);
    for (const j of joins) {
      assert.deepEqual(j.certificates?.map((c) => c.file), [join(dir, 'global.crt')]);
      assert.equal(j.certificates?.[0]?.range.start.line, 2);
    }
  });

  it('a local block for one address: that address serves its file, the other the global one', () => {
    const joins = joinsFor(base(`local 127.0.0.3 {\n  ssl_cert = <${dir}/local.crt\n  ssl_key = <${dir}/local.key\n}`));
    const byTarget = new Map(joins.map((j) => [j.target, j]));
    assert.deepEqual(byTarget.get('imaps://127.0.0.2:10993')?.certificates?.map((c) => c.file), [join(dir, 'global.crt')]);
    const local = byTarget.get('imaps://127.0.0.3:10993')?.certificates;
    assert.deepEqual(local?.map((c) => c.file), [join(dir, 'local.crt')]);
    assert.equal(local?.[0]?.range.start.line, 5, 'blamed on the ssl_cert line inside the local block');
  });
});
