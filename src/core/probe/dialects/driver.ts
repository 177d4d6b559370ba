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

/**
 * Takes a reply one line at a time: undefined while it goes on, the reply once it is complete;
 * throws a protocol error on a line that cannot belong to it. The dialogs read through these
 * over a Wire, and the cipher scan's connections in their data handler, line by line as lines
 * come, with no promise or timer per line.
 */
export type ReplyCollector<R> = (line: string) => R | undefined;

/** Reads one reply from the wire through `collect`. */
export async function readReply<R>(wire: Wire, deadline: number, awaited: string, phase: ReadPhase, collect: ReplyCollector<R>): Promise<R> {
  for (;;) {
    const reply = collect(await wire.readLine(deadline, awaited, phase));
    if (reply !== undefined) return reply;
  }
}

/** Go on to the next step; or the way to TLS ends here, with the answer's text (a refusing greeting is checked for a rate limit). */
export type StepAnswer = { go: true } | { go: false; text: string };

export const GO: StepAnswer = { go: true };

/** One step of a side connection's way to TLS: the command (none for the greeting) and its answer. */
export interface TlsStep {
  send: string | null;
  /** What the step waits for, in words (`the STARTTLS reply`), and which timeout applies. */
  awaited: string;
  phase: ReadPhase;
  /** A fresh collector of the answer. */
  answer(): ReplyCollector<StepAnswer>;
}

/** How long a step's answer may take: the greeting has its own timeout, each command the command timeout. */
export function stepTimeout(step: TlsStep, timeouts: PhaseTimeouts): number {
  return step.phase === 'greeting' ? timeouts.greeting : timeouts.command;
}

/** A collector of `R` whose complete reply is judged into a step's answer. */
export function judged<R>(collect: ReplyCollector<R>, judge: (reply: R) => StepAnswer): ReplyCollector<StepAnswer> {
  return (line) => {
    const reply = collect(line);
    return reply === undefined ? undefined : judge(reply);
  };
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
  /**
   * From the greeting to the answer to STARTTLS, for side connections that need nothing else
   * (version checks, the injection test, the cipher scan). With `inject`, a harmless command
   * follows STARTTLS in the same write.
   */
  tlsSteps(ctx: Pick<DialogContext, 'ehloName' | 'nextTag'>, inject: boolean): TlsStep[];
}

export function commandDeadline(ctx: DialogContext): number {
  return Date.now() + ctx.timeouts.command;
}

export function protocolError(awaited: string, line: string, expected: string, phase: ReadPhase = 'command'): WireError {
  return new WireError('protocol', phase, `expected ${expected}, got: ${line.slice(0, 200)}`, undefined, awaited);
}
