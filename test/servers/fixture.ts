/**
 * For test files: the running test servers, from the state file `npm test` names in
 * MAIL_TLS_TEST_SERVERS. Without it the calling test is skipped, so the real-server suites
 * still run (as skips) under a bare `node --test`.
 *
 *   test('probes STARTTLS', async (t) => {
 *     const servers = getTestServers(t);
 *     if (!servers) return;
 *     await probe(servers.endpoints.smtp, { caFile: servers.caFile, servername: servers.serverName });
 *   });
 */
import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { STATE_VERSION, type TestServersState } from './state';

export type { CertificateFiles, MainEndpoints, TestServersState, VariantEndpoints, VariantName } from './state';

export const TEST_SERVERS_ENV = 'MAIL_TLS_TEST_SERVERS';
export const SKIP_REASON =
  `${TEST_SERVERS_ENV} is not set: the real Postfix/Dovecot test servers run under \`npm test\` ` +
  '(or: node out/test/servers/cli.js start --state FILE, then MAIL_TLS_TEST_SERVERS=FILE)';

let cached: { file: string; state: TestServersState } | null = null;

/** The state, or null when no servers were started. Throws when the named file is unusable. */
export function loadTestServers(): TestServersState | null {
  const file = process.env[TEST_SERVERS_ENV];
  if (!file) return null;
  if (cached?.file === file) return cached.state;
  const state = JSON.parse(readFileSync(file, 'utf8')) as TestServersState;
  if (state.version !== STATE_VERSION) {
    throw new Error(`${file} has state version ${state.version}, expected ${STATE_VERSION}: restart the test servers`);
  }
  cached = { file, state };
  return state;
}

/** The state; when there are no servers, skips the test `t` (if given) and returns null. */
export function getTestServers(t?: TestContext): TestServersState | null {
  const state = loadTestServers();
  if (!state) t?.skip(SKIP_REASON);
  return state;
}

/** For `describe`/`test` options: `{ skip: reason }` when the servers are not running. */
export function skipWithoutServers(): { skip?: string } {
  return process.env[TEST_SERVERS_ENV] ? {} : { skip: SKIP_REASON };
}
