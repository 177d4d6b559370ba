/**
 * A scriptable SMTP / LMTP / IMAP / POP3 / ManageSieve server on loopback. With no options it
 * behaves like a small, correct server (STARTTLS or implicit TLS, capabilities re-read after
 * TLS); each option turns one behaviour hostile. See ./scenarios for the named cases.
 */
import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { sharedCertificate } from '../certs';
import { DIALECTS, DialectReplies, HostileDialect } from './dialects';
import { ConnectionStats, HostileServer, listen, ListenerContext } from './listener';

/** What happens when TLS should start (after an accepted STARTTLS, or at once on implicit TLS). */
export type HandshakeBehaviour =
  | 'normal'
  /** Plaintext bytes instead of a ServerHello. */
  | 'garbage'
  /** TCP reset as soon as the ClientHello arrives. */
  | 'reset'
  /** Read the ClientHello and never answer. */
  | 'stall';

export interface MailServerOptions {
  dialect: HostileDialect;
  /** URL scheme the server is advertised under; by default the dialect (or its implicit-TLS name). */
  scheme?: string;
  /** `127.0.0.1` by default; `::1` for the IPv6 case. */
  host?: string;
  /** A free port by default; 25 for an MX (root only). */
  port?: number;
  implicitTls?: boolean;
  /**
   * Raw greeting bytes; `null` never greets; a function takes over the greeting entirely
   * (for streamed or endless greetings). Default: the dialect's greeting.
   */
  greeting?: string | Buffer | null | ((session: MailSession) => Promise<void>);
  greetingDelayMs?: number;
  capabilitiesBeforeTls?: string[];
  capabilitiesAfterTls?: string[];
  /** `refuse` answers STARTTLS with the dialect's refusal (454, NO, -ERR). */
  starttls?: 'accept' | 'refuse';
  handshake?: HandshakeBehaviour;
  /** Plaintext sent in the same write as the STARTTLS acceptance (response injection). */
  afterStarttlsReply?: string;
  /** Answers commands pipelined after STARTTLS inside the TLS session (CVE-2011-0411 class). */
  injectionVulnerable?: boolean;
  /** When set, every reply is written one byte at a time with this pause between bytes. */
  byteDelayMs?: number;
  /** Overrides for the TLS context, e.g. pinned versions or ciphers. */
  tls?: tls.SecureContextOptions;
  /** Decides per connection: a string is sent instead of the greeting and the connection closed. */
  admit?: (stats: ConnectionStats, socket: net.Socket) => string | null;
  /** Counters shared with other servers (e.g. every port of one host); fresh ones by default. */
  stats?: ConnectionStats;
  /** Handles a command before the dialect does; return true when handled. */
  onCommand?: (line: string, session: MailSession) => boolean | Promise<boolean>;
}

const IMPLICIT_SCHEME: Record<HostileDialect, string> = {
  smtp: 'smtps', lmtp: 'lmtp', imap: 'imaps', pop3: 'pop3s', sieve: 'sieve',
};

export async function startMailServer(options: MailServerOptions): Promise<HostileServer> {
  const scheme = options.scheme ?? (options.implicitTls ? IMPLICIT_SCHEME[options.dialect] : options.dialect);
  const cert = sharedCertificate();
  const secureContext = tls.createSecureContext({ key: cert.key, cert: cert.cert, ...options.tls });
  return listen(scheme, options.host ?? '127.0.0.1', (socket, ctx) => {
    const session = new MailSession(socket, ctx, options, secureContext);
    session.start().catch(() => socket.destroy());
  }, options.stats, options.port);
}

export class MailSession {
  socket: net.Socket;
  secure = false;
  private input = '';
  private busy = false;
  private paused = true;
  private readonly d: DialectReplies;

  constructor(
    private readonly raw: net.Socket,
    readonly ctx: ListenerContext,
    private readonly options: MailServerOptions,
    private readonly secureContext: tls.SecureContext,
  ) {
    this.socket = raw;
    this.d = DIALECTS[options.dialect];
    if (options.byteDelayMs !== undefined) raw.setNoDelay(true);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.input += chunk.toString('latin1');
    void this.drain();
  };

  async start(): Promise<void> {
    this.raw.on('data', this.onData);
    if (this.options.implicitTls) await this.startTls();
    this.paused = true;
    const rejection = this.options.admit?.(this.ctx.stats, this.raw) ?? null;
    if (rejection !== null) {
      await this.send(rejection);
      this.socket.end();
      return;
    }
    if (this.options.greetingDelayMs) await this.ctx.sleep(this.options.greetingDelayMs);
    const greeting = this.options.greeting;
    if (greeting === null) return;
    if (typeof greeting === 'function') await greeting(this);
    else await this.send(greeting ?? this.d.greeting(this.capabilities()));
    this.paused = false;
    await this.drain();
  }

  capabilities(): string[] {
    return this.secure
      ? this.options.capabilitiesAfterTls ?? this.d.capabilitiesAfterTls
      : this.options.capabilitiesBeforeTls ?? this.d.capabilitiesBeforeTls;
  }

  /** Writes `data`, byte by byte when `byteDelayMs` is set; resolves once handed to the socket. */
  async send(data: string | Buffer): Promise<void> {
    const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    const delay = this.options.byteDelayMs;
    if (delay === undefined) {
      if (this.socket.destroyed) return;
      this.ctx.stats.bytesSent += buf.length;
      this.socket.write(buf);
      return;
    }
    for (let i = 0; i < buf.length; i++) {
      await this.ctx.sleep(delay);
      if (this.socket.destroyed) return;
      this.ctx.stats.bytesSent++;
      this.socket.write(buf.subarray(i, i + 1));
    }
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (!this.paused && !this.socket.destroyed) {
        const end = this.input.indexOf('\n');
        if (end < 0) break;
        const line = this.input.slice(0, end).replace(/\r$/, '');
        this.input = this.input.slice(end + 1);
        await this.handle(line);
      }
    } finally {
      this.busy = false;
    }
  }

  private async handle(line: string): Promise<void> {
    if (this.options.onCommand && (await this.options.onCommand(line, this))) return;
    if (!this.secure && this.d.isStarttls(line)) {
      if (this.options.starttls === 'refuse') {
        await this.send(this.d.starttlsRefused(line));
        return;
      }
      await this.send(this.d.starttlsAccepted(line) + (this.options.afterStarttlsReply ?? ''));
      await this.startTls();
      return;
    }
    const reply = this.d.reply(line, this.capabilities(), this.secure);
    await this.send(reply.text);
    if (reply.close) this.socket.end();
  }

  /** Starts TLS on the raw socket; never resolves when the handshake behaviour is hostile. */
  private startTls(): Promise<void> {
    this.paused = true;
    // A safe server forgets what was pipelined before the handshake; a vulnerable one keeps it.
    if (!this.options.injectionVulnerable) this.input = '';
    this.raw.removeListener('data', this.onData);
    const behaviour = this.options.handshake ?? 'normal';
    const never = new Promise<void>(() => undefined);
    if (behaviour === 'stall') {
      this.raw.on('data', () => undefined);
      return never;
    }
    if (behaviour === 'reset') {
      this.raw.once('data', () => this.raw.resetAndDestroy());
      return never;
    }
    if (behaviour === 'garbage') {
      this.raw.on('data', () => undefined);
      this.raw.write('this is not TLS, just plaintext garbage\r\n\x00\xff\xfe garbage garbage\r\n', 'latin1');
      return never;
    }
    const secure = new tls.TLSSocket(rawStream(this.raw), { isServer: true, secureContext: this.secureContext });
    this.ctx.track(secure, this.raw);
    // Read from the start: application data that arrives with the client's Finished must not
    // wait in the TLS layer for a 'data' listener attached later.
    secure.on('data', this.onData);
    return new Promise<void>((resolve) => {
      secure.once('secure', () => {
        this.ctx.stats.servernames.push(secure.servername || '');
        this.socket = secure;
        this.secure = true;
        const after = this.options.implicitTls ? undefined : this.d.afterHandshake?.(this.capabilities());
        void (after ? this.send(after) : Promise.resolve()).then(() => {
          this.paused = false;
          resolve();
        });
      });
    });
  }
}

/**
 * The accepted socket as a plain stream for the TLS layer. TLS over the socket's own handle
 * would consume its events; through this stream the raw socket keeps reporting the client's
 * FIN and RST at once, which the connection counts rely on.
 */
function rawStream(raw: net.Socket): Duplex {
  const stream = new Duplex({
    read: () => undefined,
    write: (chunk: Buffer, _encoding, callback) => {
      if (raw.destroyed) callback();
      else raw.write(chunk, () => callback());
    },
    final: (callback) => {
      raw.end();
      callback();
    },
    destroy: (err, callback) => {
      raw.destroy();
      callback(err);
    },
  });
  raw.on('data', (chunk: Buffer) => stream.push(chunk));
  raw.once('end', () => stream.push(null));
  raw.once('close', () => stream.destroy());
  stream.on('error', () => undefined);
  return stream;
}
