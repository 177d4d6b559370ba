// The responsiveness suite's measure: one extension's longest task in a CPU profile of the host.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarise, type CpuProfile } from '../../integration/suites/hostProfile';

const OURS = 'file:///ext/dist/extension.js';

/** root > timers > ours > vscodeApi, root > socket > theirs, plus idle and GC. */
function profile(samples: number[], deltaUs = 1000): CpuProfile {
  const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });
  return {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 5, 7, 8] },
      { id: 2, callFrame: frame('processTimers', 'node:internal/timers'), children: [3] },
      { id: 3, callFrame: frame('update', OURS), children: [4] },
      { id: 4, callFrame: frame('set', 'file:///vscode/extensionHostProcess.js') },
      { id: 5, callFrame: frame('onData', 'node:net'), children: [6] },
      { id: 6, callFrame: frame('deserialize', 'file:///vscode/extensionHostProcess.js') },
      { id: 7, callFrame: frame('(idle)') },
      { id: 8, callFrame: frame('(garbage collector)') },
    ],
    startTime: 0,
    samples,
    timeDeltas: samples.map(() => deltaUs),
  };
}

describe('summarise (host CPU profile)', () => {
  it('counts our frames and what they call, per task, and the host\'s longest task apart', () => {
    // Our 3 ms task, idle, then 5 ms of VS Code's own work.
    const s = summarise(profile([3, 4, 3, 7, 6, 6, 6, 6, 6, 7]), OURS, 1000);
    assert.equal(s.longestOwnMs, 3);
    assert.equal(s.longestBusyMs, 5);
    assert.deepEqual(s.ownHotspots, ['update:1 (3)']);
  });

  it('a change of outermost frame starts a new task even without idle between', () => {
    const s = summarise(profile([3, 3, 6, 3, 3, 3, 7]), OURS, 1000);
    assert.equal(s.longestOwnMs, 3, 'two tasks of ours, 2 ms and 3 ms, are not added up');
  });

  it('garbage collection inside our task does not split it', () => {
    const s = summarise(profile([3, 3, 8, 3, 3, 7]), OURS, 1000);
    assert.equal(s.longestOwnMs, 4);
    assert.equal(s.longestBusyMs, 5);
  });

  it('a long wait for the next sample counts as two intervals at most (the thread was not running)', () => {
    const s = summarise(profile([3, 3, 7], 40_000), OURS, 1000);
    assert.equal(s.longestOwnMs, 4);
  });
});
