// The probe's main dialog as phases on one time axis (connect, greeting, each command,
// the handshake, the capabilities again, and the checks on other connections), each with the
// transcript lines that belong to it. Positions are milliseconds since the probe started.
import type { ProbeResult, TranscriptEntry } from '../probe/types';

export type PhaseKind = 'connect' | 'greeting' | 'command' | 'starttls' | 'handshake' | 'checks';

export interface Phase {
  kind: PhaseKind;
  label: string;
  start: number;
  end: number;
  lines: TranscriptEntry[];
}

export interface Timeline {
  /** The axis runs from 0 to this (the whole probe). */
  total: number;
  phases: Phase[];
}

const TLS_UP = /^TLS established/;
const STARTTLS = /^(STARTTLS|STLS)$/i;

/** The verb of a command line, without an IMAP tag: `a1 STARTTLS` → `STARTTLS`. */
export function commandVerb(text: string, dialect: 'imap' | 'other'): string {
  const words = text.trim().split(/\s+/);
  const verb = (dialect === 'imap' ? words[1] : words[0]) ?? '';
  return verb.toUpperCase();
}

export function buildTimeline(result: ProbeResult): Timeline {
  const t = result.timings;
  const entries = result.transcript;
  const dialect = result.protocol === 'imap' || result.protocol === 'imaps' ? 'imap' : 'other';
  // The main dialog ends with its last client or server line; what follows is side connections.
  let mainEnd = -1;
  entries.forEach((e, i) => {
    if (e.direction !== 'info') mainEnd = i;
  });
  const phases: Phase[] = [];
  const firstClient = entries.findIndex((e) => e.direction === 'client');
  const tlsUp = entries.findIndex((e) => e.direction === 'info' && TLS_UP.test(e.text));
  const implicit = result.tlsMode === 'implicit';

  // The greeting: every line before the first command (for implicit TLS, after the handshake).
  const greetingLines = entries.slice(0, firstClient < 0 ? mainEnd + 1 : firstClient).filter((e) => !(implicit && e.direction === 'info' && TLS_UP.test(e.text)));
  const greetingEnd = greetingLines.length ? greetingLines[greetingLines.length - 1]!.at : null;
  if (greetingEnd !== null && t.greeting !== null) {
    const greetingStart = greetingEnd - t.greeting;
    if (implicit && t.handshake !== null) {
      const handshakeStart = greetingStart - t.handshake;
      if (t.connect !== null) phases.push(phase('connect', 'Connect', handshakeStart - t.connect, handshakeStart, []));
      phases.push(phase('handshake', 'TLS handshake', handshakeStart, greetingStart, tlsUp >= 0 ? [entries[tlsUp]!] : []));
    } else if (t.connect !== null) phases.push(phase('connect', 'Connect', greetingStart - t.connect, greetingStart, []));
    phases.push(phase('greeting', 'Greeting', greetingStart, greetingEnd, greetingLines));
  } else if (t.connect !== null) {
    const start = entries[0]?.at ?? 0;
    phases.push(phase('connect', 'Connect', Math.max(0, start - t.connect), start, []));
  }

  // One phase per command; after STARTTLS's reply, the handshake gets its own.
  let afterTls = implicit;
  for (let i = Math.max(firstClient, 0); firstClient >= 0 && i <= mainEnd; ) {
    const command = entries[i]!;
    let j = i + 1;
    while (j <= mainEnd && entries[j]!.direction !== 'client') j++;
    const lines = entries.slice(i, j);
    const verb = commandVerb(command.text, dialect);
    if (STARTTLS.test(verb) && !afterTls) {
      const reply = lines.find((e) => e.direction === 'server');
      phases.push(phase('starttls', verb, command.at, reply?.at ?? command.at, reply ? [command, reply] : [command]));
      if (reply && t.handshake !== null) {
        const rest = lines.slice(lines.indexOf(reply) + 1);
        phases.push(phase('handshake', 'TLS handshake', reply.at, reply.at + t.handshake, rest));
      }
      afterTls = true;
    } else {
      const end = lines[lines.length - 1]!.at;
      const repeated = afterTls && phases.some((p) => p.kind === 'command' && p.label === verb);
      phases.push(phase('command', repeated ? `${verb} again` : verb, command.at, end, lines));
    }
    i = j;
  }

  const checks = entries.slice(mainEnd + 1);
  if (checks.length) {
    const start = phases.length ? Math.max(...phases.map((p) => p.end)) : 0;
    phases.push(phase('checks', mainEnd < 0 ? 'Connection attempt' : 'Other connections', start, Math.max(t.total, checks[checks.length - 1]!.at), checks));
  }
  const total = Math.max(t.total, ...phases.map((p) => p.end), 1);
  return { total, phases };
}

function phase(kind: PhaseKind, label: string, start: number, end: number, lines: TranscriptEntry[]): Phase {
  const s = Math.max(0, start);
  return { kind, label, start: s, end: Math.max(s, end), lines };
}
