// Option handling shared by the commands that probe (`probe`, `domain`): one table of the
// options both take, one prologue, one reading of the probe settings; each bad value is a
// one-line UsageError (exit 2).
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { PhaseTimeouts } from '../core/probe/types';
import { type CliIo, UsageError } from './io';

/** The options both probing commands take; each adds its own beside them. */
export const PROBE_OPTIONS = {
  json: { type: 'boolean' },
  html: { type: 'string' },
  ca: { type: 'string' },
  'ca-file': { type: 'string' },
  ehlo: { type: 'string' },
  timeout: { type: 'string' },
  'no-versions': { type: 'boolean' },
  'no-injection': { type: 'boolean' },
  'max-connections': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ProbingCommand<O extends Options, T> {
  help: string;
  /** The command's own options. */
  options: O;
  /** The usage error when no operand is given. */
  missing: string;
  /** Reads one operand (a target URL, a domain); what it throws is a usage error. */
  operand: (text: string) => T;
}

/**
 * The prologue of a probing command: parses the line (shared and own options), prints the help
 * (then returns undefined), and reads every operand, each bad one a usage error.
 */
export function parseProbingCommand<O extends Options, T>(args: string[], io: CliIo, command: ProbingCommand<O, T>) {
  const { values, positionals } = parseCommandLine(args, { ...PROBE_OPTIONS, ...command.options });
  // The generic result type is only resolved at the call site: help is in PROBE_OPTIONS.
  if ((values as { help?: boolean }).help) {
    io.stdout(command.help);
    return undefined;
  }
  if (positionals.length === 0) throw new UsageError(command.missing);
  const operands = positionals.map((p) => {
    try {
      return command.operand(p);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  });
  return { values, operands };
}

/** What the shared options set for each probe, checked in this order: CA file, --servername, --ehlo, --timeout, --max-connections. */
export interface ProbeSettings {
  caFile?: string;
  caPem?: string;
  servername?: string;
  ehloName?: string;
  enumerateVersions: boolean;
  checkInjection: boolean;
  timeouts?: PhaseTimeouts;
  perHostConnections?: number;
}

export function probeSettings(values: { ca?: string; 'ca-file'?: string; servername?: string; ehlo?: string; timeout?: string; 'no-versions'?: boolean; 'no-injection'?: boolean; 'max-connections'?: string }): ProbeSettings {
  const { caFile, caPem } = caOption(values);
  if (values.servername !== undefined && !/^[A-Za-z0-9_.:-]+$/.test(values.servername)) throw new UsageError(`--servername '${values.servername}' is not a host name`);
  checkEhlo(values.ehlo);
  return {
    caFile,
    caPem,
    servername: values.servername,
    ehloName: values.ehlo,
    enumerateVersions: !values['no-versions'],
    checkInjection: !values['no-injection'],
    timeouts: timeoutOption('--timeout', values.timeout),
    perHostConnections: positiveInteger('--max-connections', values['max-connections']),
  };
}

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
