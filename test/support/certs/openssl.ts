/**
 * The openssl CLI, the one way the tests make keys and certificates. Errors carry openssl's own
 * message; output never goes to the console (private keys must not be printed).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

function failure(args: string[], err: unknown): Error {
  const e = err as { stderr?: string | Buffer; message: string };
  return new Error(`openssl ${args[0]} failed: ${String(e.stderr ?? e.message).trim()}`);
}

/** Runs one openssl command in `cwd`. */
export async function openssl(cwd: string, args: string[], env?: Record<string, string>): Promise<void> {
  try {
    await execFileAsync('openssl', args, { cwd, env: { ...process.env, ...env } });
  } catch (err) {
    throw failure(args, err);
  }
}

/** Runs one openssl command in `cwd` and waits for it (for `before` hooks and module setup). */
export function opensslSync(cwd: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw failure(args, err);
  }
}

/**
 * Runs openssl `steps` in a scratch directory holding `files` and returns the `outputs` named,
 * as text. The directory is removed afterwards.
 */
export function opensslScratch(steps: string[][], files: Record<string, string>, outputs: string[]): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'mail-tls-ssl-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    for (const args of steps) opensslSync(dir, args);
    return Object.fromEntries(outputs.map((o) => [o, readFileSync(join(dir, o), 'utf8')]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
