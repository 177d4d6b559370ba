// What each protocol's dialog must provide to the probe. The dialogs never send credentials.
import type { PhaseTimeouts } from '../types';
import { Wire, WireError, type ReadPhase } from '../wire';

export interface DialogContext {
  wire: Wire;
  timeouts: PhaseTimeouts;
  ehloName: string;
  /** A fresh IMAP tag (`a1`, `a2`, ...). */
  nextTag(): string;
}

export interface Greeting {
  /** False for 421/554, `* BYE`, `-ERR`, Sieve `NO`/`BYE`. */
  accepted: boolean;
  /** The greeting's lines joined with a newline. */
  text: string;
  /** IMAP `* PREAUTH`: the session is authenticated before any TLS. */
  preauth: boolean;
  /** Capabilities the greeting itself carries (IMAP `[CAPABILITY ...]`, Sieve). */
  capabilities: string[] | null;
}

export interface CommandReply {
  ok: boolean;
  text: string;
}

export interface Driver {
  readGreeting(ctx: DialogContext): Promise<Greeting>;
  /** The capability list, from the greeting when it has one, else by asking. */
  readCapabilities(ctx: DialogContext, greeting: Greeting | null): Promise<string[]>;
  offersStartTls(capabilities: string[]): boolean;
  /** The STARTTLS command; with `inject`, a harmless command follows in the same write. */
  startTls(ctx: DialogContext, inject: boolean): Promise<CommandReply>;
  /** The capability list after TLS (Sieve: the list the server re-sends unprompted). */
  capabilitiesAfterTls(ctx: DialogContext): Promise<string[]>;
  /** Signals that a client may authenticate in plaintext, as seen in the list before TLS. */
  plaintextAuthSignals(capabilities: string[]): string[];
  /**
   * After an injected STARTTLS and the handshake: asks one thing inside TLS and returns the
   * replies that arrived without being asked for there (the injected command's answer).
   */
  unpromptedAfterTls(ctx: DialogContext): Promise<string[]>;
  quitCommand(ctx: DialogContext): string;
}

export function commandDeadline(ctx: DialogContext): number {
  return Date.now() + ctx.timeouts.command;
}

export function protocolError(awaited: string, line: string, expected: string, phase: ReadPhase = 'command'): WireError {
  return new WireError('protocol', phase, `expected ${expected}, got: ${line.slice(0, 200)}`, undefined, awaited);
}
