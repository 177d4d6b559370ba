// The one endpoint verdict the explorer, the hover and the probe summary show.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpointStatus } from '../../src/core/endpointStatus';

const f = (severity: 'error' | 'warning' | 'info') => ({ severity });

describe('endpointStatus', () => {
  it('running and errored win over any stored result; nothing stored is unprobed', () => {
    assert.equal(endpointStatus({ running: true, errored: true, result: { ok: true, findings: [] } }), 'running');
    assert.equal(endpointStatus({ errored: true }), 'failed');
    assert.equal(endpointStatus({}), 'unprobed');
  });

  it('a probe without a TLS session fails even without findings', () => {
    assert.equal(endpointStatus({ result: { ok: false, findings: [] } }), 'failed');
  });

  it("the worst severity of the probe's findings decides; info alone passes", () => {
    assert.equal(endpointStatus({ result: { ok: true, findings: [f('info')] } }), 'passed');
    assert.equal(endpointStatus({ result: { ok: true, findings: [f('info'), f('warning')] } }), 'warning');
    assert.equal(endpointStatus({ result: { ok: true, findings: [f('warning'), f('error')] } }), 'failed');
  });

  it('findings joining config and live result make the status worse, never better', () => {
    assert.equal(endpointStatus({ result: { ok: true, findings: [] }, joined: [f('warning')] }), 'warning');
    assert.equal(endpointStatus({ result: { ok: true, findings: [f('warning')] }, joined: [f('error')] }), 'failed');
    assert.equal(endpointStatus({ result: { ok: true, findings: [f('error')] }, joined: [f('info')] }), 'failed');
    assert.equal(endpointStatus({ joined: [f('error')] }), 'unprobed', 'no verdict before a probe');
  });
});
