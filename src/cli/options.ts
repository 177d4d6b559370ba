// Option handling shared by the commands that probe (`probe`, `domain`): each bad value is a
// one-line UsageError (exit 2).
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { PhaseTimeouts } from '../core/probe/types';
import { type CliIo, UsageError } from './io';

/** parseArgs, with its complaints turned into usage errors. */
export function parseCommandLine<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, allowPositionals: true, strict: true, options });
  } catch (err) {
    // parseArgs explains itself in one sentence; drop its hint about `--` for unknown options.
    throw new UsageError((err as Error).message.split('. To specify')[0]!.replace(/\.$/, ''));
  }
}

export function positiveInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${name} takes a positive whole number, not '${text}'`);
  return Number(text);
}

/** `--ca FILE` (alias `--ca-file`): read now, so that a bad file is a usage error before any connection. */
export function caOption(values: { ca?: string; 'ca-file'?: string }): { caFile?: string; caPem?: string } {
  if (values.ca && values['ca-file'] && values.ca !== values['ca-file']) throw new UsageError('give --ca or --ca-file, not both');
  const caFile = values.ca ?? values['ca-file'];
  if (caFile === undefined) return {};
  let caPem: string;
  try {
    caPem = readFileSync(caFile, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the CA file '${caFile}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!caPem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`${caFile}: no PEM certificate in the CA file`);
  return { caFile, caPem };
}

export function checkEhlo(ehlo: string | undefined): void {
  if (ehlo !== undefined && !/^(?:[A-Za-z0-9-]+\.)*[A-Za-z0-9-]+$|^\[[0-9A-Fa-f.:]+\]$/.test(ehlo)) throw new UsageError(`--ehlo '${ehlo}' is not a host name`);
}

/** `--timeout MS`: that limit for each phase, and four times it for the whole probe. */
export function timeoutOption(name: string, text: string | undefined): PhaseTimeouts | undefined {
  const ms = positiveInteger(name, text);
  return ms === undefined ? undefined : { connect: ms, greeting: ms, command: ms, handshake: ms, total: ms * 4 };
}

/** `--html FILE`: writes the report; a file that cannot be written is a runtime failure (exit 3). */
export function writeHtmlReport(path: string, html: string, io: CliIo): void {
  try {
    writeFileSync(path, html);
  } catch (err) {
    throw new Error(`cannot write the report to '${path}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  io.stderr(`report written to ${path} (${Buffer.byteLength(html)} bytes)\n`);
}
