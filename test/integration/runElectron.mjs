// Runs the same integration suites in desktop VS Code through @vscode/test-electron, for
// machines that can download a VS Code build (it fetches one into .vscode-test/ on first use).
// Where no download server is reachable, use test/integration/runCodeServer.mjs instead.
//
//   npm run test:electron                     (latest stable)
//   VSCODE_TEST_VERSION=1.90.0 npm run test:electron   (the minimum engines.vscode)
//
// Needs `tsc -p .` and `node esbuild.mjs` first (the npm script does both).
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const workspace = join(repoRoot, 'test', 'fixtures', 'workspace');

try {
  const code = await runTests({
    version: process.env.VSCODE_TEST_VERSION ?? 'stable',
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(repoRoot, 'out', 'test', 'integration', 'index.js'),
    extensionTestsEnv: {
      MAIL_TLS_INTEGRATION: 'electron',
      ...(process.env.MAIL_TLS_TEST_SERVERS ? { MAIL_TLS_TEST_SERVERS: process.env.MAIL_TLS_TEST_SERVERS } : {}),
      ...(process.env.MAIL_TLS_TEST_GREP ? { MAIL_TLS_TEST_GREP: process.env.MAIL_TLS_TEST_GREP } : {}),
    },
    // A throwaway profile: no other extensions, no workspace-trust prompt, no welcome page.
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--user-data-dir', join(repoRoot, '.vscode-test', 'user-data'),
    ],
  });
  process.exit(code);
} catch (err) {
  console.error(`VS Code integration run failed: ${err?.message ?? err}`);
  process.exit(1);
}
