// The responsiveness suite's measure: one extension's CPU time within each turn of the event
// loop, from a CPU profile of the extension host.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isNodeTlsFrame, summarise, type CpuProfile } from '../../support/hostProfile';

const OURS = 'file:///ext/dist/extension.js';

/** Samples 1 ms apart (or `deltaUs`) from t = 0: node 3 is our code, 4 VS Code called by it, 6 VS Code alone, 7 idle. */
function profile(samples: number[], deltaUs = 1000): CpuProfile {
  const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });
  return {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 5, 7] },
      { id: 2, callFrame: frame('processTimers', 'node:internal/timers'), children: [3] },
      { id: 3, callFrame: frame('update', OURS), children: [4] },
      { id: 4, callFrame: frame('set', 'file:///vscode/extensionHostProcess.js') },
      { id: 5, callFrame: frame('onData', 'node:net'), children: [6] },
      { id: 6, callFrame: frame('deserialize', 'file:///vscode/extensionHostProcess.js') },
      { id: 7, callFrame: frame('(idle)') },
    ],
    startTime: 0,
    samples,
    timeDeltas: samples.map((_, i) => (i === 0 ? 0 : deltaUs)),
  };
}

describe('summarise (host CPU profile)', () => {
  it('counts our frames and what they call, per window, and not VS Code\'s own work', () => {
    // t = 0..9 ms: ours 3 ms, idle, VS Code 5 ms, idle; one window over all of it.
    const s = summarise(profile([3, 4, 3, 7, 6, 6, 6, 6, 6, 7]), OURS, 1000, [{ start: 0, end: 10_000 }]);
    assert.equal(s.longestOwnMs, 3);
    assert.deepEqual(s.ownHotspots, ['update:1 (3)']);
  });

  it('work of ours in different turns is not added up', () => {
    const s = summarise(profile([3, 3, 6, 3, 3, 3, 7]), OURS, 1000, [{ start: 0, end: 2500 }, { start: 2500, end: 7000 }]);
    assert.equal(s.longestOwnMs, 3);
    assert.deepEqual(s.window, { start: 2500, end: 7000 });
  });

  it('a long wait for the next sample counts as one interval (the thread was not running)', () => {
    const s = summarise(profile([3, 3, 7], 40_000), OURS, 1000, [{ start: 0, end: 200_000 }]);
    assert.equal(s.longestOwnMs, 2);
  });

  it('no window when none of our code ran', () => {
    const s = summarise(profile([6, 6, 7]), OURS, 1000, [{ start: 0, end: 10_000 }]);
    assert.equal(s.window, undefined);
    assert.equal(s.longestOwnMs, 0);
  });

  it('counts Node\'s TLS layer as ours when asked, and reports the whole window\'s CPU and its native part', () => {
    const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });
    const tls: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 4, 5, 6] },
        { id: 2, callFrame: frame('onhandshakedone', 'node:_tls_wrap'), children: [3] },
        { id: 3, callFrame: frame('onSecure', OURS) },
        { id: 4, callFrame: frame('ssl_read', 'node:_tls_wrap') },
        { id: 5, callFrame: frame('(program)') },
        { id: 6, callFrame: frame('(idle)') },
      ],
      startTime: 0,
      samples: [4, 4, 3, 5, 5, 6],
      timeDeltas: [0, 1000, 1000, 1000, 1000, 1000],
    };
    const window = [{ start: 0, end: 10_000 }];
    const bundleOnly = summarise(tls, OURS, 1000, window);
    assert.equal(bundleOnly.longestOwnMs, 1);
    assert.equal(bundleOnly.windowCpuMs, 5, 'idle is not CPU');
    assert.equal(bundleOnly.windowNativeMs, 2);
    const withTls = summarise(tls, OURS, 1000, window, isNodeTlsFrame);
    assert.equal(withTls.longestOwnMs, 3);
    assert.ok(isNodeTlsFrame('node:internal/tls/secure-context') && !isNodeTlsFrame('node:net'));
  });
});
