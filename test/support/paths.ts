// Where the repository and its test data are, seen from the compiled tests (out/test/support).
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
/** test/fixtures: every file a test reads as input (configs, the editor's workspace). */
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}
