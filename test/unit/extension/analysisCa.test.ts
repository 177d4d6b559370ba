// The editor's analysis job takes mailTls.caFile and mailTls.lint.ignore to the config core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAnalysis } from '../../../src/extension/workspace/analysisJob';
import { privateRootAndLeaf } from '../../support/certs';

test('mailTls.caFile names the private root of a configured certificate; mailTls.lint.ignore suppresses ids', () => {
  const d = mkdtempSync(join(tmpdir(), 'mailtls-job-'));
  const { caFile, certFile, keyFile } = privateRootAndLeaf(d, 'mx.example.org');
  writeFileSync(join(d, 'main.cf'), `smtpd_tls_security_level = may\nsmtpd_tls_chain_files = ${keyFile}, ${certFile}\n`);
  writeFileSync(join(d, 'master.cf'), 'smtp inet n - y - - smtpd\n');
  const ids = (extra: object) => runAnalysis({ root: join(d, 'main.cf'), overrides: {}, expiryWarningDays: 30, ...extra }).analyses.flatMap((a) => a.findings.map((f) => f.id));
  assert.ok(ids({}).includes('postfix-cert-chain-incomplete'));
  assert.ok(!ids({ caFile }).includes('postfix-cert-chain-incomplete'));
  const ignored = runAnalysis({ root: join(d, 'main.cf'), overrides: {}, expiryWarningDays: 30, ignore: ['postfix-cert-chain-incomplete'] }).analyses[0]!;
  assert.ok(!ignored.findings.some((f) => f.id === 'postfix-cert-chain-incomplete'));
  assert.deepEqual(ignored.suppressed.map((s) => s.finding.id), ['postfix-cert-chain-incomplete']);
});
