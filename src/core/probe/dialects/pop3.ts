// POP3: `+OK`/`-ERR` status lines, CAPA's multi-line list ending in `.`, STLS.
import { DialogContext, Driver, GO, ReplyCollector, StepAnswer, commandDeadline, protocolError } from './driver';
import type { ReadPhase, Wire } from '../wire';

export function isPop3Status(line: string): boolean {
  return /^(\+OK|-ERR)(\s|$)/i.test(line);
}

/** Reads a multi-line body up to the lone `.`, undoing dot-stuffing. */
export async function readPop3Multiline(wire: Wire, deadline: number, phase: string): Promise<string[]> {
  const lines: string[] = [];
  for (;;) {
    const line = await wire.readLine(deadline, phase);
    if (line === '.') return lines;
    lines.push(line.startsWith('.') ? line.slice(1) : line);
  }
}

/** A status line, which is the whole reply. */
function pop3Status(awaited: string, phase: ReadPhase = 'command'): ReplyCollector<string> {
  return (line) => {
    if (!isPop3Status(line)) throw protocolError(awaited, line, 'a POP3 status line (+OK or -ERR)', phase);
    return line;
  };
}

async function status(wire: Wire, deadline: number, awaited: string, phase: ReadPhase = 'command'): Promise<string> {
  return pop3Status(awaited, phase)(await wire.readLine(deadline, awaited, phase))!;
}

function positive(line: string): StepAnswer {
  return line.toUpperCase().startsWith('+OK') ? GO : { go: false, text: line };
}

async function capa(ctx: DialogContext, phase: string): Promise<string[]> {
  ctx.wire.write('CAPA\r\n');
  const deadline = commandDeadline(ctx);
  const first = await status(ctx.wire, deadline, phase);
  if (!first.toUpperCase().startsWith('+OK')) return [];
  return (await readPop3Multiline(ctx.wire, deadline, phase)).map((l) => l.trim()).filter(Boolean);
}

export function pop3PlaintextAuthSignals(caps: string[]): string[] {
  const signals: string[] = [];
  for (const cap of caps) {
    const words = cap.toUpperCase().split(/\s+/);
    if (words[0] === 'USER') signals.push('CAPA lists USER (USER/PASS login)');
    if (words[0] === 'SASL' && (words.includes('PLAIN') || words.includes('LOGIN'))) signals.push(`CAPA lists '${cap}'`);
  }
  return signals;
}

export const pop3Driver: Driver = {
  async readGreeting(ctx) {
    const line = await status(ctx.wire, Date.now() + ctx.timeouts.greeting, 'the greeting', 'greeting');
    return { accepted: line.toUpperCase().startsWith('+OK'), text: line, preauth: false, capabilities: null };
  },
  readCapabilities: (ctx) => capa(ctx, 'the CAPA reply'),
  offersStartTls: (caps) => caps.some((c) => c.toUpperCase() === 'STLS'),
  async startTls(ctx, inject) {
    ctx.wire.write(inject ? 'STLS\r\nNOOP\r\n' : 'STLS\r\n');
    const line = await status(ctx.wire, commandDeadline(ctx), 'the STLS reply');
    return { ok: line.toUpperCase().startsWith('+OK'), text: line };
  },
  capabilitiesAfterTls: (ctx) => capa(ctx, 'the CAPA reply after TLS'),
  plaintextAuthSignals: pop3PlaintextAuthSignals,
  async unpromptedAfterTls(ctx) {
    // CAPA's answer is one status line and capability names up to `.`; a second status line
    // means the first one answered the injected NOOP.
    ctx.wire.write('CAPA\r\n');
    const deadline = commandDeadline(ctx);
    const first = await status(ctx.wire, deadline, 'the CAPA reply inside TLS');
    if (!first.toUpperCase().startsWith('+OK')) return [first];
    const body = await readPop3Multiline(ctx.wire, deadline, 'the CAPA reply inside TLS');
    return body.some(isPop3Status) ? [first] : [];
  },
  quitCommand: () => 'QUIT\r\n',
  tlsSteps: (_ctx, inject) => [
    { send: null, awaited: 'the greeting', phase: 'greeting', answer: () => (line) => positive(pop3Status('the greeting', 'greeting')(line)!) },
    { send: inject ? 'STLS\r\nNOOP\r\n' : 'STLS\r\n', awaited: 'the STLS reply', phase: 'command', answer: () => (line) => positive(pop3Status('the STLS reply')(line)!) },
  ],
};
