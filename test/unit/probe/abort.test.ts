import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { fanOutSignal } from '../../../src/core/probe/abort';
import { probeMany } from '../../../src/core/probe/probeMany';

/** The warnings Node emitted while `run` ran (they arrive on a later tick). */
async function warningsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const onWarning = (w: Error) => seen.push(w.name);
  process.on('warning', onWarning);
  try {
    await run();
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    process.off('warning', onWarning);
  }
  return seen;
}

describe('fanOutSignal', () => {
  it('aborts with the outer signal and its reason, and takes many listeners without a warning', async () => {
    const outer = new AbortController();
    const run = fanOutSignal(outer.signal);
    const warnings = await warningsDuring(async () => {
      for (let i = 0; i < 30; i++) run.signal.addEventListener('abort', () => undefined);
    });
    assert.deepEqual(warnings, []);
    const reason = new Error('stop');
    outer.abort(reason);
    assert.equal(run.signal.aborted, true);
    assert.equal(run.signal.reason, reason);
  });

  it('is aborted at once when the outer signal already is, and works without one', () => {
    assert.equal(fanOutSignal(AbortSignal.abort('gone')).signal.reason, 'gone');
    assert.equal(fanOutSignal(undefined).signal.aborted, false);
  });

  it('dispose leaves no listener on the caller\'s signal', () => {
    const outer = new AbortController();
    const run = fanOutSignal(outer.signal);
    assert.equal(getEventListeners(outer.signal, 'abort').length, 1);
    run.dispose();
    assert.equal(getEventListeners(outer.signal, 'abort').length, 0);
  });
});

describe('probeMany with the caller\'s signal', () => {
  it('a dozen probes at once put one listener on it, so Node prints no MaxListenersExceededWarning', async () => {
    const outer = new AbortController();
    // Port 1 on loopback refuses at once: twelve probes start together and end quickly.
    const targets = Array.from({ length: 12 }, (_, i) => `smtp://127.0.0.${i + 1}:1`);
    let listenersWhileRunning = 0;
    const warnings = await warningsDuring(() => probeMany(targets, {
      concurrency: 12,
      signal: outer.signal,
      onStart: () => void (listenersWhileRunning = Math.max(listenersWhileRunning, getEventListeners(outer.signal, 'abort').length)),
    }));
    assert.ok(!warnings.includes('MaxListenersExceededWarning'), `warnings: ${warnings.join(', ')}`);
    assert.equal(listenersWhileRunning, 1);
    assert.equal(getEventListeners(outer.signal, 'abort').length, 0, 'none left after the run');
  });
});
