// src/core/config/postfix/defaults.ts is what its generator makes from the installed Postfix's
// `postconf -d`: the table the effective values fall back on is Postfix's own.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';

test('defaults.ts matches postconf -d of the installed Postfix (generator --check)', () => {
  const script = resolve(__dirname, '../../../scripts/generate-postfix-defaults.mjs');
  const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /matches postconf -d/);
});
