/** What a CLI command may touch, so commands can be run in-process by tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
/** The command could not finish: a file vanished, the output pipe closed, an internal error. */
export const EXIT_FAILURE = 3;

/** A bad command line: printed as one line, exit 2, never a stack trace (other errors exit 3). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** By name, not `instanceof`: each command is a bundle of its own, with its own copy of the class. */
export function isUsageError(err: unknown): err is UsageError {
  return err instanceof Error && err.name === 'UsageError';
}
