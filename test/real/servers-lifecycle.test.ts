/**
 * The test-server CLI's own contract, on a second instance next to the one `npm test` runs:
 * `start` brings everything up and publishes it, `start` again replaces the running
 * instance, `stop` ends every process and removes the instance directory.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { skipWithoutServers, type TestServersState } from '../servers/fixture';
import { findProcesses, isRunning } from '../servers/files';

const cli = resolve(__dirname, '..', 'servers', 'cli.js');

function run(command: 'start' | 'stop', stateFile: string): void {
  const r = spawnSync(process.execPath, [cli, command, '--state', stateFile], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${command} failed:\n${r.stdout}${r.stderr}`);
}

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as TestServersState;

test('start, start again, stop: no process or directory left behind', skipWithoutServers(), async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mail-tls-lifecycle-'));
  const stateFile = join(dir, 'state.json');
  t.after(() => {
    spawnSync(process.execPath, [cli, 'stop', '--state', stateFile]);
    rmSync(dir, { recursive: true, force: true });
  });

  run('start', stateFile);
  const first = read(stateFile);
  assert.ok(isRunning(first.pids.postfix) && isRunning(first.pids.dovecot));
  assert.ok(existsSync(first.instanceDir));

  run('start', stateFile);
  const second = read(stateFile);
  assert.equal(isRunning(first.pids.postfix), false, 'the first Postfix master is replaced');
  assert.equal(isRunning(first.pids.dovecot), false, 'the first Dovecot master is replaced');
  assert.ok(isRunning(second.pids.postfix) && isRunning(second.pids.dovecot));
  assert.deepEqual(second.endpoints, first.endpoints, 'the same state file keeps its ports');

  run('stop', stateFile);
  assert.equal(isRunning(second.pids.postfix), false);
  assert.equal(isRunning(second.pids.dovecot), false);
  assert.deepEqual(findProcesses(second.postfixConfigDir), [], 'no Postfix process of the instance runs');
  assert.deepEqual(findProcesses(second.dovecotConfigFile), [], 'no Dovecot master of the instance runs');
  assert.equal(existsSync(second.instanceDir), false, 'the instance directory is removed');
  assert.equal(existsSync(stateFile), false, 'the state file is removed');
});
