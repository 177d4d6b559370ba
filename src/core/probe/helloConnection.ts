// One connection of the cipher scan: the way to TLS (greeting, EHLO, STARTTLS) read and judged
// in the data handler, then a hand-written hello and the server's first flight as raw bytes.
// A scan opens a hundred of these, so each is one socket, one listener per event, one timer
// re-armed per phase, and no promise or timer per line; its CPU is most of a scan's on our side.
// It fails the way a Wire does (WireError by phase, RateLimitedGreeting, a protocol error).
import * as net from 'node:net';
import { isRateLimitGreeting } from './backoff';
import { stepTimeout, type ReplyCollector, type StepAnswer, type TlsStep } from './dialects/driver';
import type { ConnectionSettings } from './drivers';
import { RateLimitedGreeting } from './rateLimit';
import { DEFAULT_LIMITS, WireError, WireLimits, decodeLine, wireErrors } from './wire';

type Outcome = { answer: Buffer | null } | { error: unknown };

const NOTHING = Buffer.alloc(0);

/**
 * Takes `steps` to TLS, writes `hello` and collects the answer until `complete` says so, the
 * server closes, the bytes reach the cap, or the handshake timeout passes. Resolves with what
 * came (empty: closed without a word), or null when a step's answer ended the way (STARTTLS
 * declined); settles only once the socket is closed.
 */
export function helloAfterSteps(s: ConnectionSettings, steps: readonly TlsStep[], hello: Buffer, complete: (answer: Buffer) => boolean, limits: WireLimits = DEFAULT_LIMITS): Promise<Buffer | null> {
  s.onConnect?.();
  return new Promise((resolve, reject) => {
    if (s.signal.aborted) return reject(wireErrors.cancelled('connect'));
    const socket = net.connect({ host: s.target.host, port: s.target.port, noDelay: true });
    let outcome: Outcome | null = null;
    /** -1 while connecting, then the step whose answer is awaited; steps.length once the hello is out. */
    let at = -1;
    let collect: ReplyCollector<StepAnswer> | null = null;
    let text = '';
    let lineBytes = 0;
    let answer: Buffer = NOTHING;
    let timer = setTimeout(() => end({ error: wireErrors.connectTimeout(s.timeouts.connect) }), s.timeouts.connect);

    const end = (o: Outcome) => {
      if (outcome) return;
      outcome = o;
      clearTimeout(timer);
      s.signal.removeEventListener('abort', onAbort);
      socket.destroy();
    };
    const onAbort = () => end({ error: wireErrors.cancelled('abort') });
    const arm = (ms: number, onTimeout: () => void) => {
      clearTimeout(timer);
      timer = setTimeout(onTimeout, ms);
    };
    const raw = () => at >= steps.length;

    const next = () => {
      at++;
      const step = steps[at];
      if (step) {
        if (step.send) socket.write(step.send, 'latin1');
        collect = step.answer();
        arm(stepTimeout(step, s.timeouts), () => end({ error: wireErrors.replyTimeout(step.phase, step.awaited) }));
        return;
      }
      // Lines after STARTTLS's answer and before TLS are dropped, as a Wire drops them.
      collect = null;
      text = '';
      socket.write(hello);
      arm(s.timeouts.handshake, () =>
        end(answer.length > 0 ? { answer } : { error: new WireError('timeout', 'handshake', `no answer to the ClientHello within ${s.timeouts.handshake} ms`) }));
    };

    /** One line of a step's answer; false once the connection is over or the hello went out. */
    const takeLine = (line: string): boolean => {
      const step = steps[at]!;
      if (line.length > limits.maxLineLength) {
        end({ error: wireErrors.lineTooLong(limits) });
        return false;
      }
      let verdict: StepAnswer | undefined;
      try {
        verdict = collect!(line);
      } catch (err) {
        end({ error: err });
        return false;
      }
      if (verdict === undefined) return true;
      if (!verdict.go) {
        end(step.phase === 'greeting' && isRateLimitGreeting(verdict.text) ? { error: new RateLimitedGreeting(verdict.text) } : { answer: null });
        return false;
      }
      next();
      return !raw();
    };

    socket.once('connect', next);
    socket.on('data', (chunk: Buffer) => {
      if (outcome) return;
      if (raw()) {
        answer = answer.length === 0 ? chunk : Buffer.concat([answer, chunk]);
        if (answer.length > limits.maxTotalBytes || complete(answer)) end({ answer });
        return;
      }
      lineBytes += chunk.length;
      if (lineBytes > limits.maxTotalBytes) return end({ error: wireErrors.tooManyBytes(limits) });
      text += chunk.toString('latin1');
      let newline: number;
      while ((newline = text.indexOf('\n')) >= 0) {
        const line = decodeLine(text.slice(0, newline));
        text = text.slice(newline + 1);
        if (!takeLine(line)) return;
      }
      if (text.length > limits.maxLineLength) end({ error: wireErrors.lineTooLong(limits) });
    });
    socket.on('end', () => {
      // A last line without its newline still counts, as on a Wire.
      if (!outcome && !raw() && at >= 0 && text) {
        const rest = text;
        text = '';
        takeLine(decodeLine(rest));
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (at < 0) end({ error: new WireError('network', 'connect', e.message, e.code) });
      else if (!raw()) end({ error: new WireError('network', 'read', e.message, e.code) });
      // After the hello a reset is the server's refusal: what came is the answer.
      else end({ answer });
    });
    socket.once('close', () => {
      if (!outcome) {
        const step = steps[at];
        if (raw()) end({ answer });
        else if (step) end({ error: new WireError('closed', step.phase, `the server closed the connection while waiting for ${step.awaited}`, undefined, step.awaited) });
        else end({ error: new WireError('network', 'connect', 'the connection closed before it was established') });
      }
      const o = outcome!;
      if ('error' in o) reject(o.error);
      else resolve(o.answer);
    });
    s.signal.addEventListener('abort', onAbort, { once: true });
  });
}
