// The validating-resolver half of outbound DANE, joined from a domain check's evidence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinDaneResolver } from '../../../src/core/live/daneResolverJoin';

const range = { file: '/etc/postfix/main.cf', start: { line: 4, character: 26 }, end: { line: 4, character: 30 } };

test("a check through this machine's resolver that saw no AD bit: a warning at the DANE level", () => {
  const [f, ...rest] = joinDaneResolver({ level: 'dane', range }, [{ domain: 'example.org', servers: ['192.0.2.53:53'], validates: false, systemResolvers: true }]);
  assert.equal(rest.length, 0);
  assert.equal(f!.id, 'dane-resolver-not-validating');
  assert.deepEqual(f!.range, range);
  assert.match(f!.message, /resolver this machine uses \(192\.0\.2\.53:53\) gave no authenticated answer when example\.org was checked/);
  assert.match(f!.message, /quietly becomes opportunistic/);
  assert.match(joinDaneResolver({ level: 'dane-only', range }, [{ domain: 'e.org', servers: ['x'], validates: false, systemResolvers: true }])[0]!.message, /deferred/);
});

test('a validating resolver, or a resolver of the check\'s own (mailTls.resolver), says nothing about this machine', () => {
  assert.deepEqual(joinDaneResolver({ level: 'dane', range }, [{ domain: 'e.org', servers: ['127.0.0.1:53'], validates: true, systemResolvers: true }]), []);
  assert.deepEqual(joinDaneResolver({ level: 'dane', range }, [{ domain: 'e.org', servers: ['127.0.0.1:5300'], validates: false, systemResolvers: false }]), []);
  assert.deepEqual(joinDaneResolver({ level: 'dane', range }, []), []);
});
