// One connection to a mail server: line reading with deadlines and size limits, writes, the
// upgrade to TLS in place, and teardown that leaves no socket or timer behind.
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Direction } from './types';

export type WireErrorKind = 'timeout' | 'closed' | 'limit' | 'aborted' | 'network' | 'protocol';

/** Where in a connection's life an error happened; the timeout that applied follows from it. */
export type WirePhase = 'connect' | 'handshake' | 'greeting' | 'command' | 'read' | 'close' | 'abort';
/** A read awaits either the greeting or the reply to a command. */
export type ReadPhase = Extract<WirePhase, 'greeting' | 'command'>;

export class WireError extends Error {
  /** What was awaited, in words for a finding (`the STARTTLS reply`); the phase's name otherwise. */
  readonly awaited: string;
  constructor(
    readonly kind: WireErrorKind,
    readonly phase: WirePhase,
    message: string,
    readonly code?: string,
    awaited?: string,
  ) {
    super(message);
    this.awaited = awaited ?? phase;
  }
}

/**
 * The errors both kinds of connection end with, worded once: the Wire and the cipher scan's lean
 * connections (./helloConnection.ts) fail alike.
 */
export const wireErrors = {
  cancelled: (phase: WirePhase) => new WireError('aborted', phase, 'the probe was cancelled'),
  connectTimeout: (ms: number) => new WireError('timeout', 'connect', `no TCP connection within ${ms} ms`),
  replyTimeout: (phase: ReadPhase, awaited: string) => new WireError('timeout', phase, `no complete reply in time while waiting for ${awaited}`, undefined, awaited),
  lineTooLong: (limits: WireLimits) => new WireError('limit', 'read', `the server sent a line longer than ${limits.maxLineLength} bytes`),
  tooManyBytes: (limits: WireLimits) => new WireError('limit', 'read', `the server sent more than ${limits.maxTotalBytes} bytes`),
};

export interface WireLimits {
  /** Longest line accepted from the server, in bytes. */
  maxLineLength: number;
  /** Most bytes accepted from the server over the whole connection. */
  maxTotalBytes: number;
}

export const DEFAULT_LIMITS: WireLimits = { maxLineLength: 8192, maxTotalBytes: 1024 * 1024 };

export type Recorder = (direction: Direction, text: string) => void;

const NON_ASCII = /[\x80-\xff]/;

/** A line read as latin1, without its CR, as text: only bytes over 0x7f need decoding as UTF-8. */
export function decodeLine(raw: string): string {
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  return NON_ASCII.test(text) ? Buffer.from(text, 'latin1').toString('utf8') : text;
}

interface Waiter {
  phase: ReadPhase;
  awaited: string;
  resolve: (line: string) => void;
  reject: (err: WireError) => void;
}

export class Wire {
  private socket: net.Socket;
  private readonly sockets: net.Socket[] = [];
  private readonly closings: Promise<void>[] = [];
  private buffer = '';
  private readonly lines: string[] = [];
  private received = 0;
  private ended: WireError | null = null;
  private waiter: Waiter | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly onAbort = () => this.destroy(wireErrors.cancelled('abort'));

  private constructor(
    socket: net.Socket,
    private readonly record: Recorder | null,
    private readonly limits: WireLimits,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.socket = socket;
    this.adopt(socket);
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Opens a TCP connection; rejects with a WireError on failure, timeout or abort. */
  static open(host: string, port: number, timeoutMs: number, signal: AbortSignal | undefined, record: Recorder | null, limits: WireLimits = DEFAULT_LIMITS): Promise<Wire> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(wireErrors.cancelled('connect'));
      const socket = net.connect({ host, port, noDelay: true });
      const done = (err: WireError | null) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.removeListener('connect', onConnect);
        socket.removeListener('error', onError);
        if (err) {
          socket.on('error', () => {});
          // Settle only once the handle is gone, so the caller leaves nothing open behind.
          socket.once('close', () => reject(err));
          socket.destroy();
        } else resolve(new Wire(socket, record, limits, signal));
      };
      const onConnect = () => done(null);
      const onError = (e: NodeJS.ErrnoException) => done(new WireError('network', 'connect', e.message, e.code));
      const onAbort = () => done(wireErrors.cancelled('connect'));
      const timer = setTimeout(() => done(wireErrors.connectTimeout(timeoutMs)), timeoutMs);
      socket.once('connect', onConnect);
      socket.once('error', onError);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  get remoteAddress(): string | null {
    return this.socket.remoteAddress ?? null;
  }

  get tlsSocket(): tls.TLSSocket | null {
    return this.socket instanceof tls.TLSSocket ? this.socket : null;
  }

  /** Lines already received and not yet read (a server that talks out of turn). */
  get pendingLines(): number {
    return this.lines.length + (this.buffer ? 1 : 0);
  }

  write(text: string): void {
    if (this.ended) return;
    for (const line of text.split('\r\n')) if (line) this.record?.('client', line);
    this.socket.write(text, 'latin1');
  }

  note(text: string): void {
    this.record?.('info', text);
  }

  /** The next line from the server, without its line ending, before `deadline` (epoch ms). */
  readLine(deadline: number, awaited: string, phase: ReadPhase = 'command'): Promise<string> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.ended) return Promise.reject(this.ended.kind === 'closed' ? new WireError('closed', phase, this.ended.message, undefined, awaited) : this.ended);
    return new Promise((resolve, reject) => {
      this.waiter = { phase, awaited, resolve, reject };
      const ms = Math.max(0, deadline - Date.now());
      this.timer = setTimeout(() => {
        this.timer = null;
        const w = this.waiter;
        this.waiter = null;
        w?.reject(wireErrors.replyTimeout(phase, awaited));
      }, ms);
    });
  }

  /**
   * Upgrades the connection to TLS in place; resolves once the handshake is done. With
   * `beforeWriting`, a TLS 1.3 handshake also waits (briefly) for the server's session ticket:
   * our next command then acknowledges it, and a server that leaves Nagle on (Postfix) does
   * not hold its reply back until our delayed ACK, 40 ms later.
   */
  async startTls(options: tls.ConnectionOptions, timeoutMs: number, beforeWriting = false, onSocket?: (secure: tls.TLSSocket) => void): Promise<tls.TLSSocket> {
    let ticket = false;
    const started = Date.now();
    const secure = await this.handshake(options, timeoutMs, () => (ticket = true), onSocket);
    if (beforeWriting && !ticket && secure.getProtocol() === 'TLSv1.3') {
      const ms = Math.min(200, Math.max(5, Date.now() - started));
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          secure.removeListener('session', done);
          secure.removeListener('close', done);
          // 'session' fires inside OpenSSL's read path; writing from there stalls the socket.
          setImmediate(resolve);
        };
        const timer = setTimeout(done, ms);
        secure.once('session', done);
        secure.once('close', done);
      });
    }
    return secure;
  }

  private handshake(options: tls.ConnectionOptions, timeoutMs: number, onSession: () => void, onSocket?: (secure: tls.TLSSocket) => void): Promise<tls.TLSSocket> {
    if (this.ended) return Promise.reject(this.ended);
    const plain = this.socket;
    if (this.pendingLines > 0) {
      this.note(`the server sent ${this.pendingLines} line(s) after its STARTTLS reply, before TLS; discarded`);
      this.lines.length = 0;
      this.buffer = '';
    }
    plain.removeListener('data', this.onData);
    plain.removeListener('end', this.onEnd);
    plain.removeListener('close', this.onClose);
    const secure = tls.connect({ ...options, socket: plain });
    this.socket = secure;
    this.track(secure);
    secure.on('error', () => {});
    secure.once('session', onSession);
    onSocket?.(secure);
    return new Promise((resolve, reject) => {
      const finish = (err: WireError | null) => {
        clearTimeout(timer);
        this.signal?.removeEventListener('abort', onAbort);
        secure.removeListener('secureConnect', onSecure);
        secure.removeListener('error', onError);
        secure.removeListener('close', onEarlyClose);
        if (err) {
          this.destroy(err);
          reject(err);
        } else {
          this.adopt(secure);
          resolve(secure);
        }
      };
      const onSecure = () => finish(null);
      const onError = (e: NodeJS.ErrnoException) => finish(new WireError('network', 'handshake', e.message, e.code));
      const onEarlyClose = () => finish(new WireError('closed', 'handshake', 'the server closed the connection during the TLS handshake'));
      const onAbort = () => finish(wireErrors.cancelled('handshake'));
      const timer = setTimeout(() => finish(new WireError('timeout', 'handshake', `no TLS handshake within ${timeoutMs} ms`)), timeoutMs);
      secure.once('secureConnect', onSecure);
      secure.once('error', onError);
      secure.once('close', onEarlyClose);
      this.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Sends a polite goodbye and waits at most `waitMs` for one line (0: for the write only), then closes. */
  async quit(command: string, waitMs: number): Promise<void> {
    if (!this.ended) {
      this.write(command);
      if (waitMs > 0) await this.readLine(Date.now() + waitMs, 'the reply to the goodbye').catch(() => undefined);
      else await new Promise<void>((resolve) => this.socket.write('', () => resolve()));
    }
    this.destroy();
  }

  /** Closes every socket of this connection and fails any pending read. */
  destroy(reason?: WireError): void {
    this.fail(reason ?? (() => new WireError('closed', 'close', 'the connection was closed')));
    this.signal?.removeEventListener('abort', this.onAbort);
    // Outermost first: a TLS socket closes the TCP socket under it itself.
    for (const s of [...this.sockets].reverse()) s.destroy();
  }

  /** Resolves once every socket of this connection has closed (after `destroy`). */
  whenClosed(): Promise<void> {
    return Promise.all(this.closings).then(() => undefined);
  }

  private track(socket: net.Socket): void {
    this.sockets.push(socket);
    // `socket.closed` turns true before the handle is gone; the 'close' event comes after.
    this.closings.push(new Promise<void>((resolve) => socket.once('close', () => resolve())));
  }

  /** Closes the connection and resolves once no handle is left. */
  close(): Promise<void> {
    this.destroy();
    return this.whenClosed();
  }

  private adopt(socket: net.Socket): void {
    if (!this.sockets.includes(socket)) this.track(socket);
    socket.on('error', this.onError);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
  }

  private readonly onData = (chunk: Buffer) => {
    this.received += chunk.length;
    if (this.received > this.limits.maxTotalBytes) {
      this.destroy(wireErrors.tooManyBytes(this.limits));
      return;
    }
    this.buffer += chunk.toString('latin1');
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const raw = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      if (!this.pushLine(raw)) return;
    }
    if (this.buffer.length > this.limits.maxLineLength) {
      this.destroy(wireErrors.lineTooLong(this.limits));
    }
  };

  private pushLine(raw: string): boolean {
    const line = decodeLine(raw);
    if (line.length > this.limits.maxLineLength) {
      this.destroy(wireErrors.lineTooLong(this.limits));
      return false;
    }
    this.record?.('server', line);
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      this.clearTimer();
      w.resolve(line);
    } else this.lines.push(line);
    return true;
  }

  private readonly onEnd = () => {
    if (this.buffer) {
      const rest = this.buffer;
      this.buffer = '';
      this.pushLine(rest);
    }
    this.fail(() => new WireError('closed', 'read', 'the server closed the connection'));
  };

  private readonly onClose = () => this.fail(() => new WireError('closed', 'read', 'the connection was closed'));

  private readonly onError = (e: NodeJS.ErrnoException) => this.fail(new WireError('network', 'read', e.message, e.code));

  /**
   * Ends the connection for reads. `cause` may be a factory: an error object captures a stack,
   * which a connection that is already over (two or three closes each) need not pay for.
   */
  private fail(cause: WireError | (() => WireError)): void {
    this.clearTimer();
    const w = this.waiter;
    if (this.ended && !w) return;
    const err = typeof cause === 'function' ? cause() : cause;
    if (!this.ended) this.ended = err;
    this.waiter = null;
    if (w) w.reject(err.kind === 'closed' ? new WireError('closed', w.phase, `${err.message} while waiting for ${w.awaited}`, undefined, w.awaited) : err);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
