// ManageSieve (RFC 5804): capability lines (`"NAME" "value"`) ending in OK/NO/BYE; after
// STARTTLS the server re-sends its capabilities unprompted.
import { Driver, GO, Greeting, ReplyCollector, commandDeadline, judged, protocolError, readReply } from './driver';
import type { ReadPhase, Wire } from '../wire';

export type SieveLine =
  | { kind: 'capability'; name: string; value: string | null }
  | { kind: 'status'; status: 'OK' | 'NO' | 'BYE'; text: string };

function unquote(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

export function parseSieveLine(line: string): SieveLine | null {
  const status = /^(OK|NO|BYE)\b\s*(.*)$/i.exec(line);
  if (status) return { kind: 'status', status: status[1]!.toUpperCase() as 'OK' | 'NO' | 'BYE', text: status[2] ?? '' };
  const cap = /^"((?:[^"\\]|\\.)*)"(?:\s+"((?:[^"\\]|\\.)*)")?\s*$/.exec(line);
  if (!cap) return null;
  return { kind: 'capability', name: unquote(cap[1]!).toUpperCase(), value: cap[2] === undefined ? null : unquote(cap[2]) };
}

/** A capability as one string: `SASL PLAIN LOGIN`, `STARTTLS`, `SASL` for an empty list. */
export function sieveCapabilityText(line: Extract<SieveLine, { kind: 'capability' }>): string {
  return line.value ? `${line.name} ${line.value}` : line.name;
}

export interface SieveResponse {
  capabilities: string[];
  status: Extract<SieveLine, { kind: 'status' }>;
  lines: string[];
}

/** Collects capability lines up to the status line. */
export function sieveResponse(awaited: string, phase: ReadPhase = 'command'): ReplyCollector<SieveResponse> {
  const capabilities: string[] = [];
  const lines: string[] = [];
  return (raw) => {
    lines.push(raw);
    const parsed = parseSieveLine(raw);
    if (!parsed) throw protocolError(awaited, raw, 'a ManageSieve capability or OK/NO/BYE line', phase);
    if (parsed.kind === 'status') return { capabilities, status: parsed, lines };
    capabilities.push(sieveCapabilityText(parsed));
    return undefined;
  };
}

/** Reads capability lines up to the status line. */
export function readSieveResponse(wire: Wire, deadline: number, awaited: string, phase: ReadPhase = 'command'): Promise<SieveResponse> {
  return readReply(wire, deadline, awaited, phase, sieveResponse(awaited, phase));
}

const statusOk = (r: SieveResponse) => (r.status.status === 'OK' ? GO : { go: false, text: r.lines.join('\n') } as const);

export function sievePlaintextAuthSignals(caps: string[]): string[] {
  return caps
    .filter((c) => /^SASL\s/i.test(c) && /\b(PLAIN|LOGIN)\b/i.test(c))
    .map((c) => `capability '${c}' (SASL PLAIN/LOGIN offered before TLS)`);
}

export const sieveDriver: Driver = {
  async readGreeting(ctx): Promise<Greeting> {
    const r = await readSieveResponse(ctx.wire, Date.now() + ctx.timeouts.greeting, 'the greeting', 'greeting');
    return { accepted: r.status.status === 'OK', text: r.lines.join('\n'), preauth: false, capabilities: r.capabilities };
  },
  async readCapabilities(ctx, greeting) {
    if (greeting?.capabilities) return greeting.capabilities;
    ctx.wire.write('CAPABILITY\r\n');
    return (await readSieveResponse(ctx.wire, commandDeadline(ctx), 'the CAPABILITY reply')).capabilities;
  },
  offersStartTls: (caps) => caps.some((c) => c.toUpperCase() === 'STARTTLS'),
  async startTls(ctx, inject) {
    ctx.wire.write(inject ? 'STARTTLS\r\nNOOP\r\n' : 'STARTTLS\r\n');
    const r = await readSieveResponse(ctx.wire, commandDeadline(ctx), 'the STARTTLS reply');
    return { ok: r.status.status === 'OK', text: r.lines.join('\n') };
  },
  async capabilitiesAfterTls(ctx) {
    const r = await readSieveResponse(ctx.wire, commandDeadline(ctx), 'the capabilities re-sent after TLS');
    if (r.status.status !== 'OK') throw protocolError('the capabilities after TLS', r.lines.join(' '), 'OK');
    return r.capabilities;
  },
  plaintextAuthSignals: sievePlaintextAuthSignals,
  async unpromptedAfterTls(ctx) {
    // Inside TLS the server owes us the re-sent capabilities (one OK) and, after LOGOUT, one
    // more status before it closes. A status line beyond those answers the injected NOOP.
    const caps = await readSieveResponse(ctx.wire, commandDeadline(ctx), 'the capabilities re-sent after TLS');
    ctx.wire.write('LOGOUT\r\n');
    if (caps.capabilities.length === 0) return [caps.lines.join('\n')];
    const first = await readSieveResponse(ctx.wire, commandDeadline(ctx), 'the LOGOUT reply inside TLS');
    const second = await readSieveResponse(ctx.wire, Date.now() + 200, 'a further reply').catch(() => null);
    return second ? [first.lines.join('\n')] : [];
  },
  quitCommand: () => 'LOGOUT\r\n',
  tlsSteps: (_ctx, inject) => [
    { send: null, awaited: 'the greeting', phase: 'greeting', answer: () => judged(sieveResponse('the greeting', 'greeting'), statusOk) },
    { send: inject ? 'STARTTLS\r\nNOOP\r\n' : 'STARTTLS\r\n', awaited: 'the STARTTLS reply', phase: 'command', answer: () => judged(sieveResponse('the STARTTLS reply'), statusOk) },
  ],
};
