// Entry point that VS Code loads in the extension host (`extensionTestsPath`): runs every
// compiled suite under ./suites with mocha and rejects when any test fails, which makes the
// workbench report a failure to the launcher (code-server or @vscode/test-electron).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

function suiteFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...suiteFiles(path));
    else if (entry.name.endsWith('.test.js')) files.push(path);
  }
  return files.sort();
}

/**
 * The code-server launcher sees the extension host's console mixed with the workbench's own
 * log in the browser console; it sets MAIL_TLS_CONSOLE_TAG so that mocha's lines can be told
 * apart. The host's `console` methods cannot be replaced (VS Code pins them to its forwarder),
 * so the tag goes on mocha's own output function.
 */
function tagMochaOutput(tag: string): void {
  const log = console.log.bind(console);
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => {
    const [first, ...rest] = args;
    if (typeof first === 'string') log(tag + first, ...rest);
    else log(tag.trimEnd(), ...args);
  };
}

export async function run(): Promise<void> {
  const tag = process.env.MAIL_TLS_CONSOLE_TAG;
  if (tag) tagMochaOutput(tag);
  // The launcher reads the plain text of the host's console; colours would only add escapes.
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env.MAIL_TLS_TEST_GREP;
  if (grep) mocha.grep(grep);
  // The restricted-mode run (a workspace VS Code really does not trust) holds the trust suite only.
  const restricted = process.env.MAIL_TLS_RESTRICTED === '1';
  for (const file of suiteFiles(join(__dirname, 'suites'))) {
    if (!restricted || file.endsWith('trust.test.js')) mocha.addFile(file);
  }

  let runner: Mocha.Runner | undefined;
  const failures = await new Promise<number>((resolve, reject) => {
    try {
      runner = mocha.run((count) => resolve(count));
    } catch (err) {
      reject(err);
    }
  });
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
  // A run that passes nothing, or a suite whose tests were all skipped (its `before` hook called
  // this.skip()), proves nothing about the feature it names: the run fails.
  const passed = runner?.stats?.passes ?? 0;
  if (passed === 0) throw new Error('no integration test passed');
  const skipped = grep ? [] : skippedSuites(mocha.suite);
  if (skipped.length > 0) throw new Error(`every test was skipped in: ${skipped.join('; ')} (are the test servers running? MAIL_TLS_TEST_SERVERS)`);
}

/** Suites with tests of their own, none of which ran. */
function skippedSuites(suite: Mocha.Suite): string[] {
  const own = suite.tests.length > 0 && suite.tests.every((t) => t.isPending()) ? [suite.fullTitle()] : [];
  return own.concat(...suite.suites.map(skippedSuites));
}
