// The extension's contributed setting defaults are the core's constants, and one "expiring
// soon" rule holds for probed and configured certificates alike.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_EXPIRY_WARNING_DAYS, DEFAULT_TIMEOUTS, expiresSoon } from '../../src/core/defaults';
import { DEFAULT_TIMEOUTS as ENGINE_TIMEOUTS } from '../../src/core/probe';

const manifest = JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
};
const setting = (name: string) => manifest.contributes.configuration.properties[`mailTls.${name}`]?.default;

describe('defaults', () => {
  it("package.json's mailTls.timeouts default is the engine's DEFAULT_TIMEOUTS", () => {
    assert.deepEqual(setting('timeouts'), { ...DEFAULT_TIMEOUTS });
    assert.equal(ENGINE_TIMEOUTS, DEFAULT_TIMEOUTS, 'the engine exports the same object');
  });

  it('the greeting limit outlasts a postscreen greet pause (6 s) with room for DNSBL lookups', () => {
    assert.ok(DEFAULT_TIMEOUTS.greeting >= 10_000, `greeting ${DEFAULT_TIMEOUTS.greeting} ms`);
    assert.ok(DEFAULT_TIMEOUTS.total >= DEFAULT_TIMEOUTS.greeting + DEFAULT_TIMEOUTS.handshake);
  });

  it("package.json's mailTls.expiryWarningDays default is DEFAULT_EXPIRY_WARNING_DAYS", () => {
    assert.equal(setting('expiryWarningDays'), DEFAULT_EXPIRY_WARNING_DAYS);
  });

  it('expiring soon means fewer than the given whole days left, and not yet expired', () => {
    assert.equal(expiresSoon(29, 30), true);
    assert.equal(expiresSoon(0, 30), true);
    assert.equal(expiresSoon(30, 30), false);
    assert.equal(expiresSoon(-1, 30), false);
    assert.equal(expiresSoon(0, 0), false);
  });
});
