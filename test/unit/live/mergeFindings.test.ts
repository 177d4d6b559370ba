// What each config file shows: static findings first, joined live findings after, no line said twice.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigFinding } from '../../../src/core/config/types';
import { mergeFindings, sameFindings } from '../../../src/core/live/mergeFindings';

const at = (file: string, line: number, message: string, id = 'x'): ConfigFinding => ({
  id, severity: 'warning', message, docUrl: 'https://example.org/doc',
  range: { file, start: { line, character: 0 }, end: { line, character: 5 } },
});

describe('mergeFindings', () => {
  it('appends live findings to their file after the static ones, and gives a file only live ones its own list', () => {
    const main = [at('/c/main.cf', 1, 'static one')];
    const live = [at('/c/main.cf', 4, 'served certificate differs', 'live-cert'), at('/c/other.cf', 2, 'only live', 'live-version')];
    const merged = mergeFindings(new Map([['/c/main.cf', main]]), live);
    assert.deepEqual(merged.get('/c/main.cf')!.map((f) => f.message), ['static one', 'served certificate differs']);
    assert.deepEqual(merged.get('/c/other.cf')!.map((f) => f.id), ['live-version']);
    assert.equal(main.length, 1, "the caller's list is not changed");
  });

  it('drops a live finding that says what a finding on the same line already says', () => {
    const merged = mergeFindings(new Map([['/c/main.cf', [at('/c/main.cf', 3, 'same words')]]]), [
      at('/c/main.cf', 3, 'same words', 'live'),
      at('/c/main.cf', 3, 'other words', 'live'),
      at('/c/main.cf', 7, 'same words', 'live'),
    ]);
    assert.deepEqual(merged.get('/c/main.cf')!.map((f) => `${f.range.start.line}:${f.message}`), ['3:same words', '3:other words', '7:same words']);
  });

  it('files with no findings at all are not listed', () => {
    assert.deepEqual([...mergeFindings(new Map(), []).keys()], []);
  });
});

describe('sameFindings', () => {
  it('equal content is the same list; any shown difference is not', () => {
    const a = [at('/f', 1, 'm')];
    assert.equal(sameFindings(a, [at('/f', 1, 'm')]), true);
    assert.equal(sameFindings(a, [at('/f', 2, 'm')]), false);
    assert.equal(sameFindings(a, [{ ...at('/f', 1, 'm'), severity: 'error' }]), false);
    assert.equal(sameFindings(a, []), false);
  });
});
