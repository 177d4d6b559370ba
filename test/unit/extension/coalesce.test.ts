// A burst of change events runs the work once; dispose drops a pending run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as wait } from 'node:timers/promises';
import { coalesce } from '../../../src/extension/util/coalesce';

describe('coalesce', () => {
  it('runs once for a burst, and again for a request after the run', async () => {
    let runs = 0;
    let ran: () => void = () => undefined;
    const request = coalesce(() => {
      runs++;
      ran();
    }, 10);
    const first = new Promise<void>((resolve) => (ran = resolve));
    for (let i = 0; i < 100; i++) request();
    assert.equal(runs, 0, 'not synchronously');
    await first;
    await wait(50);
    assert.equal(runs, 1, 'one run for the burst');
    const second = new Promise<void>((resolve) => (ran = resolve));
    request();
    await second;
    assert.equal(runs, 2);
    request.dispose();
  });

  it('dispose cancels the pending run and ignores later requests', async () => {
    let runs = 0;
    const request = coalesce(() => runs++, 10);
    request();
    request.dispose();
    request();
    await wait(100);
    assert.equal(runs, 0);
  });
});
