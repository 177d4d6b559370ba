// SMTP and LMTP: multi-line replies (`250-...` then `250 ...`), EHLO/LHLO, STARTTLS.
import { CommandReply, DialogContext, Driver, GO, Greeting, ReplyCollector, commandDeadline, judged, protocolError, readReply } from './driver';
import type { ReadPhase, Wire } from '../wire';

export interface SmtpReply {
  code: number;
  /** Each line's text after the code and separator. */
  lines: string[];
}

const REPLY_LINE = /^(\d{3})([ -])(.*)$/;

/** Parses one reply line; null when it is not `NNN text` or `NNN-text`. */
export function parseSmtpLine(line: string): { code: number; final: boolean; text: string } | null {
  const m = REPLY_LINE.exec(line) ?? (/^\d{3}$/.test(line) ? [line, line, ' ', ''] : null);
  if (!m) return null;
  return { code: Number(m[1]), final: m[2] === ' ', text: m[3] ?? '' };
}

/** Collects one complete (possibly multi-line) reply. */
export function smtpReply(awaited: string, phase: ReadPhase = 'command'): ReplyCollector<SmtpReply> {
  const lines: string[] = [];
  return (raw) => {
    const parsed = parseSmtpLine(raw);
    if (!parsed) throw protocolError(awaited, raw, 'an SMTP reply line (NNN text)', phase);
    lines.push(parsed.text);
    return parsed.final ? { code: parsed.code, lines } : undefined;
  };
}

/** Reads one complete (possibly multi-line) reply. */
export function readSmtpReply(wire: Wire, deadline: number, awaited: string, phase: ReadPhase = 'command'): Promise<SmtpReply> {
  return readReply(wire, deadline, awaited, phase, smtpReply(awaited, phase));
}

export function replyText(reply: SmtpReply): string {
  return reply.lines.map((l, i) => `${reply.code}${i === reply.lines.length - 1 ? ' ' : '-'}${l}`).join('\n');
}

/** EHLO keywords: every line after the first (which names the server). */
export function ehloCapabilities(reply: SmtpReply): string[] {
  return reply.lines.slice(1).map((l) => l.trim()).filter(Boolean);
}

function hasKeyword(caps: string[], keyword: string): boolean {
  return caps.some((c) => c.split(/\s+/)[0]!.toUpperCase() === keyword);
}

export function smtpPlaintextAuthSignals(caps: string[]): string[] {
  return caps.filter((c) => /^AUTH[ =]/i.test(c)).map((c) => `EHLO offers '${c}'`);
}

export function smtpDriver(hello: 'EHLO' | 'LHLO'): Driver & { mailBeforeTls(ctx: DialogContext, caps: string[]): Promise<SmtpReply> } {
  const greet = async (ctx: DialogContext): Promise<SmtpReply> => {
    ctx.wire.write(`${hello} ${ctx.ehloName}\r\n`);
    return readSmtpReply(ctx.wire, commandDeadline(ctx), hello);
  };
  return {
    async readGreeting(ctx): Promise<Greeting> {
      const reply = await readSmtpReply(ctx.wire, Date.now() + ctx.timeouts.greeting, 'the greeting', 'greeting');
      return { accepted: reply.code === 220, text: replyText(reply), preauth: false, capabilities: null };
    },
    async readCapabilities(ctx) {
      const reply = await greet(ctx);
      if (reply.code !== 250) throw protocolError(hello, replyText(reply), `250 to ${hello}`);
      return ehloCapabilities(reply);
    },
    offersStartTls: (caps) => hasKeyword(caps, 'STARTTLS'),
    async startTls(ctx, inject): Promise<CommandReply> {
      ctx.wire.write(inject ? 'STARTTLS\r\nNOOP\r\n' : 'STARTTLS\r\n');
      const reply = await readSmtpReply(ctx.wire, commandDeadline(ctx), 'the STARTTLS reply');
      return { ok: reply.code === 220, text: replyText(reply) };
    },
    async capabilitiesAfterTls(ctx) {
      const reply = await greet(ctx);
      if (reply.code !== 250) throw protocolError(`${hello} after TLS`, replyText(reply), `250 to ${hello}`);
      return ehloCapabilities(reply);
    },
    plaintextAuthSignals: smtpPlaintextAuthSignals,
    async unpromptedAfterTls(ctx) {
      // QUIT's answer is 221; any reply before it answers the injected NOOP.
      ctx.wire.write('QUIT\r\n');
      const unprompted: string[] = [];
      for (;;) {
        const reply = await readSmtpReply(ctx.wire, commandDeadline(ctx), 'the QUIT reply inside TLS');
        if (reply.code === 221) return unprompted;
        unprompted.push(replyText(reply));
      }
    },
    quitCommand: () => 'QUIT\r\n',
    tlsSteps(ctx, inject) {
      const refusal = (code: number) => (reply: SmtpReply) => (reply.code === code ? GO : { go: false, text: replyText(reply) } as const);
      return [
        { send: null, awaited: 'the greeting', phase: 'greeting', answer: () => judged(smtpReply('the greeting', 'greeting'), refusal(220)) },
        {
          send: `${hello} ${ctx.ehloName}\r\n`, awaited: hello, phase: 'command', answer: () => judged(smtpReply(hello), (reply) => {
            if (reply.code !== 250) throw protocolError(hello, replyText(reply), `250 to ${hello}`);
            return GO;
          }),
        },
        { send: inject ? 'STARTTLS\r\nNOOP\r\n' : 'STARTTLS\r\n', awaited: 'the STARTTLS reply', phase: 'command', answer: () => judged(smtpReply('the STARTTLS reply'), refusal(220)) },
      ];
    },
    /** `MAIL FROM:<>` then `RSET` (pipelined when offered): does the server take mail before TLS? */
    async mailBeforeTls(ctx, caps) {
      const pipelining = hasKeyword(caps, 'PIPELINING');
      ctx.wire.write(pipelining ? 'MAIL FROM:<>\r\nRSET\r\n' : 'MAIL FROM:<>\r\n');
      const mail = await readSmtpReply(ctx.wire, commandDeadline(ctx), 'the MAIL FROM reply');
      if (!pipelining) ctx.wire.write('RSET\r\n');
      await readSmtpReply(ctx.wire, commandDeadline(ctx), 'the RSET reply');
      return mail;
    },
  };
}
