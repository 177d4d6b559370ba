// The config worker client in plain Node, with the real worker thread (tsc puts configWorker.js
// next to workerClient.js): analyses, unsaved buffers, cancellation, caps, hover, a runaway job.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_CONFIG_BYTES } from '../../../src/core/defaults';
import { MAX_FINDINGS_PER_FILE } from '../../../src/extension/workspace/analysisJob';
import { ConfigWorkerClient } from '../../../src/extension/workspace/workerClient';
import { bigMainCf } from '../../support/bigConfigs';
import { fixture } from '../../support/paths';

const workspace = fixture('workspace');
const fixtureMain = join(workspace, 'postfix', 'main.cf');
const request = (root: string, overrides: Record<string, string> = {}) => ({ root, overrides, expiryWarningDays: 30 });
const live = () => new AbortController().signal;

describe('ConfigWorkerClient', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mail-tls-worker-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('analyses in the worker: findings, endpoints, joins and reads as plain data; hover from the retained analysis', async () => {
    const client = new ConfigWorkerClient();
    try {
      const data = (await client.analyze(request(fixtureMain), live()))!;
      assert.ok(data.findings.some((f) => f.id === 'postfix-deprecated-parameter' && f.range.start.line === 8), 'smtpd_use_tls is reported');
      assert.ok(data.endpoints.length > 0, 'master.cf listeners');
      assert.ok(data.joins.some((j) => j.minVersion), 'a join names the oldest TLS version allowed');
      assert.ok(data.reads.includes(fixtureMain) && data.reads.includes(join(workspace, 'postfix', 'master.cf')));
      const facts = await client.hover(fixtureMain, fixtureMain, 9, 'smtpd_tls_security_level');
      assert.equal(facts?.server, 'postfix');
      assert.ok(facts.perService.some((row) => row.fromThisLine));
      assert.equal(client.starts, 1);
    } finally {
      client.dispose();
    }
  });

  it('an unsaved buffer wins over the disk', async () => {
    const client = new ConfigWorkerClient();
    try {
      const text = 'myhostname = x.example.test\nsmtpd_tls_security_level = none\nsmtpd_tls_security_level = may\n';
      const data = (await client.analyze(request(fixtureMain, { [fixtureMain]: text }), live()))!;
      const duplicate = data.findings.find((f) => f.id === 'postfix-duplicate-parameter' && f.range.file === fixtureMain);
      assert.ok(duplicate, JSON.stringify(data.findings.map((f) => f.id)));
      assert.equal(duplicate.range.start.line, 1);
    } finally {
      client.dispose();
    }
  });

  it('a job cancelled while queued never runs; the running one is ignored; the latest lands', async () => {
    const client = new ConfigWorkerClient();
    const big = join(dir, 'a', 'main.cf');
    mkdirSync(join(dir, 'a'), { recursive: true });
    writeFileSync(big, bigMainCf(2_000_000));
    try {
      const first = new AbortController();
      const second = new AbortController();
      const p1 = client.analyze(request(big), first.signal);
      const p2 = client.analyze(request(big), second.signal);
      const p3 = client.analyze(request(fixtureMain), live());
      assert.equal(client.busy, 3);
      first.abort();
      second.abort();
      assert.equal(client.busy, 2, 'the queued job left the queue at once; the running one is still owed');
      assert.equal(await p2, undefined);
      assert.equal(await p1, undefined, 'a result for a cancelled job is dropped');
      const latest = await p3;
      assert.equal(latest?.root, fixtureMain);
    } finally {
      client.dispose();
    }
  });

  it('caps findings per file with a note, and reports a file over the size limit instead of reading it', async () => {
    const client = new ConfigWorkerClient();
    const many = join(dir, 'b', 'main.cf');
    const huge = join(dir, 'c', 'main.cf');
    mkdirSync(join(dir, 'b'), { recursive: true });
    mkdirSync(join(dir, 'c'), { recursive: true });
    writeFileSync(many, bigMainCf(1_000_000));
    writeFileSync(huge, bigMainCf(MAX_CONFIG_BYTES + 1024));
    try {
      const capped = (await client.analyze(request(many), live()))!;
      const inFile = capped.findings.filter((f) => f.range.file === many);
      assert.equal(inFile.length, MAX_FINDINGS_PER_FILE + 1);
      const note = inFile.find((f) => f.id === 'findings-capped');
      assert.match(note?.message ?? '', /^\d+ more findings in this file are not listed/);
      const tooLarge = (await client.analyze(request(huge), live()))!;
      const warning = tooLarge.findings.find((f) => f.id === 'config-too-large');
      assert.equal(warning?.range.file, huge);
      assert.match(warning.message, /8\.0 MiB/);
    } finally {
      client.dispose();
    }
  });

  it('replaces a runaway worker and says so', async () => {
    const reasons: string[] = [];
    const client = new ConfigWorkerClient({ jobTimeoutMs: 50, onRestart: (reason) => reasons.push(reason) });
    const big = join(dir, 'd', 'main.cf');
    mkdirSync(join(dir, 'd'), { recursive: true });
    writeFileSync(big, bigMainCf(3_000_000));
    try {
      await assert.rejects(client.analyze(request(big), live()), /ran past 50 ms/);
      assert.equal(reasons.length, 1);
    } finally {
      client.dispose();
    }
    const fresh = new ConfigWorkerClient();
    try {
      assert.ok(await fresh.analyze(request(fixtureMain), live()), 'a fresh client still works');
    } finally {
      fresh.dispose();
    }
  });
});
