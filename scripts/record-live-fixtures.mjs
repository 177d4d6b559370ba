// Records the real cipher scans the unit tests of the config join are fed (test/fixtures/live):
// the test servers' Postfix port 25 (its defaults) and 465, and Dovecot's IMAPS and POP3S, each
// probed by the built CLI with `--ciphers --json`, trusting the test CA.
//
//   npx tsc -p . && node esbuild.mjs
//   node out/test/servers/cli.js start --state .test-run/dev.json
//   node scripts/record-live-fixtures.mjs --state .test-run/dev.json [--out DIR] [--only dovecot-imaps-scan,...]
//
// The tests count suites per version: re-record only when the test servers change.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const FIXTURES = {
  'postfix-smtp-scan': 'smtp',
  'postfix-smtps-scan': 'smtps',
  'dovecot-imaps-scan': 'imaps',
  'dovecot-pop3s-scan': 'pop3s',
};

const { values } = parseArgs({ options: { state: { type: 'string' }, out: { type: 'string', default: 'test/fixtures/live' }, only: { type: 'string' } } });
if (!values.state) {
  console.error('usage: node scripts/record-live-fixtures.mjs --state FILE [--out DIR] [--only NAME,...]');
  process.exit(2);
}
const state = JSON.parse(readFileSync(values.state, 'utf8'));
const names = values.only ? values.only.split(',') : Object.keys(FIXTURES);
mkdirSync(values.out, { recursive: true });
for (const name of names) {
  const endpoint = state.endpoints[FIXTURES[name]];
  if (!endpoint) throw new Error(`no fixture named ${name} (known: ${Object.keys(FIXTURES).join(', ')})`);
  // Exit status 1 means an error finding (port 25 has some): the JSON is still complete.
  let out;
  try {
    out = execFileSync(process.execPath, ['dist/cli.js', 'probe', endpoint, '--ciphers', '--json', '--ca', state.caFile, '--servername', state.serverName], { encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch (err) {
    if (err.status !== 1) throw err;
    out = err.stdout;
  }
  const [result] = JSON.parse(out);
  if (!result?.ciphers) throw new Error(`${endpoint}: no cipher scan in the result`);
  writeFileSync(join(values.out, `${name}.json`), `${JSON.stringify(result, null, 1)}\n`);
  console.log(`${name}: ${endpoint}, ${result.ciphers.versions.filter((v) => v.accepted).map((v) => `${v.version} ${v.suites.length}`).join(', ')}`);
}
