// What the Check Domain input box accepts, and what it says about everything else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainInputProblem, parseDomainInput } from '../../../src/extension/domain/domainInput';

test('domain names pass, normalised', () => {
  assert.equal(domainInputProblem('example.org'), undefined);
  assert.equal(parseDomainInput('  Example.ORG. '), 'example.org');
  assert.equal(parseDomainInput('good.test'), 'good.test');
  assert.equal(parseDomainInput('xn--bcher-kva.example'), 'xn--bcher-kva.example');
});

test('everything else says what to type instead', () => {
  assert.match(domainInputProblem('')!, /Type a domain name/);
  assert.match(domainInputProblem('smtp://mx.example.org')!, /without a scheme/);
  assert.match(domainInputProblem('postmaster@example.org')!, /domain of the address: example\.org/);
  assert.match(domainInputProblem('192.0.2.1')!, /IP address has no MX/);
  assert.match(domainInputProblem('[2001:db8::1]')!, /IP address has no MX/);
  assert.match(domainInputProblem('example.org:25')!, /without a port/);
  assert.match(domainInputProblem('exa mple.org')!, /not a domain name/);
  assert.match(domainInputProblem('-bad-.org')!, /not a domain name/);
  assert.equal(parseDomainInput('smtp://x'), undefined);
});
