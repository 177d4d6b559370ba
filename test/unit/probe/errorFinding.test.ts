// A failed phase becomes a finding: the phase (a union, not words) picks the timeout that
// applied and the hint; the words say what was awaited.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorFinding } from '../../../src/core/probe/probe';
import { parseTarget } from '../../../src/core/probe/target';
import { WireError } from '../../../src/core/probe/wire';

const timeouts = { connect: 1, greeting: 2, command: 3, handshake: 4, total: 5 };

describe('errorFinding', () => {
  it('a greeting timeout names the greeting limit and, on a STARTTLS port, the implicit-TLS twin', () => {
    const err = new WireError('timeout', 'greeting', 'no complete reply', undefined, 'the greeting');
    const f = errorFinding(err, parseTarget('smtp://127.0.0.1:2525'), timeouts);
    assert.equal(f.id, 'timeout');
    assert.equal(f.title, 'Timed out waiting for the greeting');
    assert.match(f.detail, /within 2 ms while waiting for the greeting/);
    assert.match(f.detail, /probe smtps:\/\/127\.0\.0\.1:2525 instead/);
  });

  it("a command's timeout names the command limit and what was awaited, without the twin hint", () => {
    const err = new WireError('timeout', 'command', 'no complete reply', undefined, 'the STARTTLS reply');
    const f = errorFinding(err, parseTarget('smtp://127.0.0.1:2525'), timeouts);
    assert.equal(f.title, 'Timed out waiting for the STARTTLS reply');
    assert.match(f.detail, /within 3 ms while waiting for the STARTTLS reply/);
    assert.doesNotMatch(f.detail, /instead/);
  });

  it('connect and handshake errors keep their own findings', () => {
    const target = parseTarget('imaps://127.0.0.1:9993');
    assert.equal(errorFinding(new WireError('network', 'connect', 'connect ECONNREFUSED', 'ECONNREFUSED'), target, timeouts).id, 'connect-failed');
    assert.equal(errorFinding(new WireError('closed', 'handshake', 'closed in the handshake'), target, timeouts).id, 'tls-handshake-failed');
    assert.equal(errorFinding(new WireError('protocol', 'command', 'expected x', undefined, 'the CAPA reply'), target, timeouts).title, 'Unexpected reply to the CAPA reply');
  });
});
