/** File and process helpers shared by the Postfix and Dovecot instance code. */
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes only when the content differs, then backdates the mtime: Postfix re-reads a config
 * younger than about 2 s in 300 ms steps on every command, which would slow every start.
 */
export function writeIfChanged(path: string, content: string, mode = 0o644): boolean {
  let old: string | null = null;
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    old = null;
  }
  if (old === content) return false;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content, { mode });
  backdate(path);
  return true;
}

export function backdate(path: string, seconds = 60): void {
  const past = new Date(Date.now() - seconds * 1000);
  utimesSync(path, past, past);
}

export function ensureDir(path: string, mode = 0o755, owner?: { uid: number; gid: number }): void {
  if (!existsSync(path)) mkdirSync(path, { recursive: true, mode });
  if (owner) chownSync(path, owner.uid, owner.gid);
}

/** uid/gid of a system account from /etc/passwd (no `id` process needed). */
export function systemUser(name: string): { uid: number; gid: number } | null {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f[2] && f[3]) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  return null;
}

export function systemGroup(name: string): number | null {
  for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f[2]) return Number(f[2]);
  }
  return null;
}

/**
 * Whether a process runs. `kill -0` succeeds on a zombie, and PID 1 here reaps late, so read
 * the state letter in /proc instead.
 */
export function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The command name of a process (from /proc), to make sure a stale pid is still ours. */
export function processName(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Pids whose command line contains `needle` (a config path that only our instance uses). */
export function findProcesses(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmdline.includes(needle) && isRunning(Number(entry))) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

export function readPidFile(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** SIGTERM, then wait for the process to end (or turn into a zombie); SIGKILL after the grace time. */
export async function terminate(pid: number, graceMs = 5000): Promise<void> {
  if (!isRunning(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        return;
      }
      await sleep(100);
      return;
    }
    await sleep(20);
  }
}
