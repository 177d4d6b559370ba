// IMAP: untagged `*` lines, tagged completions, `[CAPABILITY ...]` in the greeting, STARTTLS.
import { DialogContext, Driver, GO, Greeting, ReplyCollector, commandDeadline, judged, protocolError, readReply } from './driver';
import type { Wire } from '../wire';

export interface ImapResponse {
  untagged: string[];
  /** The tagged completion line, tag included. */
  tagged: string;
  status: 'OK' | 'NO' | 'BAD';
}

/** Capabilities from `* CAPABILITY a b` or a `[CAPABILITY a b]` response code; null if none. */
export function parseImapCapabilities(line: string): string[] | null {
  const code = /\[CAPABILITY ([^\]]*)\]/i.exec(line);
  const plain = /^\* CAPABILITY (.*)$/i.exec(line);
  const list = code?.[1] ?? plain?.[1];
  return list === undefined ? null : list.split(/\s+/).filter(Boolean);
}

export function parseImapGreeting(line: string): Greeting {
  const m = /^\* (OK|PREAUTH|BYE)\b/i.exec(line);
  if (!m) throw protocolError('the greeting', line, 'an IMAP greeting (* OK, * PREAUTH or * BYE)', 'greeting');
  const kind = m[1]!.toUpperCase();
  return { accepted: kind !== 'BYE', text: line, preauth: kind === 'PREAUTH', capabilities: parseImapCapabilities(line) };
}

/** Collects untagged lines up to the completion tagged `tag`. */
export function imapResponse(tag: string, phase: string): ReplyCollector<ImapResponse> {
  const untagged: string[] = [];
  return (line) => {
    if (line.startsWith('* ') || line.startsWith('+')) {
      untagged.push(line);
      return undefined;
    }
    const m = /^(\S+) (OK|NO|BAD)\b/i.exec(line);
    if (m && m[1] === tag) return { untagged, tagged: line, status: m[2]!.toUpperCase() as ImapResponse['status'] };
    if (!m) throw protocolError(phase, line, `an IMAP response tagged ${tag}`);
    untagged.push(line);
    return undefined;
  };
}

/** Reads untagged lines until the completion tagged `tag`. */
export function readImapResponse(wire: Wire, tag: string, deadline: number, phase: string): Promise<ImapResponse> {
  return readReply(wire, deadline, phase, 'command', imapResponse(tag, phase));
}

async function capability(ctx: DialogContext, phase: string): Promise<string[]> {
  const tag = ctx.nextTag();
  ctx.wire.write(`${tag} CAPABILITY\r\n`);
  const response = await readImapResponse(ctx.wire, tag, commandDeadline(ctx), phase);
  if (response.status !== 'OK') throw protocolError(phase, response.tagged, `${tag} OK`);
  for (const line of [...response.untagged, response.tagged]) {
    const caps = parseImapCapabilities(line);
    if (caps) return caps;
  }
  return [];
}

export function imapPlaintextAuthSignals(caps: string[]): string[] {
  const upper = caps.map((c) => c.toUpperCase());
  const signals = upper.filter((c) => c === 'AUTH=PLAIN' || c === 'AUTH=LOGIN').map((c) => `CAPABILITY lists ${c}`);
  if (!upper.includes('LOGINDISABLED')) signals.push('no LOGINDISABLED, so the LOGIN command is allowed');
  return signals;
}

export const imapDriver: Driver = {
  async readGreeting(ctx) {
    return parseImapGreeting(await ctx.wire.readLine(Date.now() + ctx.timeouts.greeting, 'the greeting', 'greeting'));
  },
  async readCapabilities(ctx, greeting) {
    return greeting?.capabilities ?? capability(ctx, 'the CAPABILITY reply');
  },
  offersStartTls: (caps) => caps.some((c) => c.toUpperCase() === 'STARTTLS'),
  async startTls(ctx, inject) {
    const tag = ctx.nextTag();
    ctx.wire.write(inject ? `${tag} STARTTLS\r\n${ctx.nextTag()} NOOP\r\n` : `${tag} STARTTLS\r\n`);
    const response = await readImapResponse(ctx.wire, tag, commandDeadline(ctx), 'the STARTTLS reply');
    return { ok: response.status === 'OK', text: response.tagged };
  },
  capabilitiesAfterTls: (ctx) => capability(ctx, 'the CAPABILITY reply after TLS'),
  plaintextAuthSignals: imapPlaintextAuthSignals,
  async unpromptedAfterTls(ctx) {
    // Only our LOGOUT was sent inside TLS: any other tagged completion answers the injected NOOP.
    const tag = ctx.nextTag();
    ctx.wire.write(`${tag} LOGOUT\r\n`);
    const response = await readImapResponse(ctx.wire, tag, commandDeadline(ctx), 'the LOGOUT reply inside TLS');
    return response.untagged.filter((l) => !l.startsWith('*') && !l.startsWith('+'));
  },
  quitCommand: (ctx) => `${ctx.nextTag()} LOGOUT\r\n`,
  tlsSteps(ctx, inject) {
    const tag = ctx.nextTag();
    const send = inject ? `${tag} STARTTLS\r\n${ctx.nextTag()} NOOP\r\n` : `${tag} STARTTLS\r\n`;
    return [
      {
        send: null, awaited: 'the greeting', phase: 'greeting', answer: () => (line) => {
          const greeting = parseImapGreeting(line);
          return greeting.accepted && !greeting.preauth ? GO : { go: false, text: greeting.text };
        },
      },
      { send, awaited: 'the STARTTLS reply', phase: 'command', answer: () => judged(imapResponse(tag, 'the STARTTLS reply'), (r) => (r.status === 'OK' ? GO : { go: false, text: r.tagged })) },
    ];
  },
};
