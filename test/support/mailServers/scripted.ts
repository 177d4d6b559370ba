// Tiny scripted mail servers on loopback for the probe's unit tests: a line handler per
// protocol, STARTTLS done for real with node:tls, and a switch that makes the server keep
// what was pipelined after STARTTLS (the CVE-2011-0411 bug) instead of discarding it. For
// servers that misbehave on purpose, with connection counts, see ./scenarios.
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { KeyPair } from '../certs';

export interface FakeConnection {
  send(line: string): void;
  /** Switches to TLS now; `keepPipelined` keeps lines that arrived after STARTTLS (vulnerable). */
  startTls(keepPipelined?: boolean): void;
  close(): void;
  secure: boolean;
  /** Whatever the handler wants to remember per connection. */
  state: Record<string, unknown>;
  /** Order of acceptance, from 0. */
  index: number;
}

export interface FakeServerOptions {
  /**
   * Lines sent on connect (after the handshake for implicit TLS); none: the server never greets.
   * A function picks them per connection (`c.index` counts from 0).
   */
  greeting?: string[] | ((c: FakeConnection) => string[]);
  onLine?: (line: string, c: FakeConnection) => void;
  tls?: KeyPair & { options?: tls.SecureContextOptions };
  implicitTls?: boolean;
  host?: string;
}

export interface FakeServer {
  port: number;
  host: string;
  /** Connections accepted so far. */
  connections: number;
  /** Connections open now, as the server sees them (closed once the client's FIN or RST is read). */
  open: number;
  /** Every line received, across connections. */
  received: string[];
  close(): Promise<void>;
}

export async function startFakeServer(options: FakeServerOptions): Promise<FakeServer> {
  const sockets = new Set<net.Socket>();
  const context = options.tls ? tls.createSecureContext({ key: options.tls.key, cert: options.tls.cert, ...options.tls.options }) : null;
  const received: string[] = [];
  const info = { connections: 0, open: 0 };

  const server = net.createServer((raw) => {
    info.connections++;
    info.open++;
    sockets.add(raw);
    // Counted as gone once, when the raw socket or its TLS wrapper closes (the wrapper takes
    // over the handle, and with it the events).
    let gone = false;
    const onGone = () => {
      if (gone) return;
      gone = true;
      info.open--;
    };
    raw.on('close', () => {
      sockets.delete(raw);
      onGone();
    });
    raw.on('error', () => {});
    let socket: net.Socket = raw;
    let buffer = '';
    let paused = false;
    const conn: FakeConnection = {
      secure: false,
      state: {},
      index: info.connections - 1,
      send: (line) => {
        if (!socket.destroyed) socket.write(`${line}\r\n`);
      },
      close: () => socket.end(),
      startTls: (keepPipelined = false) => {
        if (!keepPipelined) buffer = '';
        paused = true;
        raw.removeListener('data', onData);
        const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: context! });
        sockets.add(secure);
        secure.on('close', onGone);
        secure.on('error', () => {});
        secure.on('secure', () => {
          socket = secure;
          conn.secure = true;
          paused = false;
          secure.on('data', onData);
          drain();
        });
      },
    };
    const drain = () => {
      let i: number;
      while (!paused && (i = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, i).replace(/\r$/, '');
        buffer = buffer.slice(i + 1);
        received.push(line);
        options.onLine?.(line, conn);
      }
    };
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      drain();
    };
    const greet = () => {
      const lines = typeof options.greeting === 'function' ? options.greeting(conn) : options.greeting ?? [];
      for (const line of lines) conn.send(line);
    };
    if (options.implicitTls) {
      const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: context! });
      sockets.add(secure);
      secure.on('close', onGone);
      secure.on('error', () => {});
      secure.on('secure', () => {
        socket = secure;
        conn.secure = true;
        secure.on('data', onData);
        greet();
      });
    } else {
      raw.on('data', onData);
      greet();
    }
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    host,
    get connections() {
      return info.connections;
    },
    get open() {
      return info.open;
    },
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An SMTP server: EHLO keywords, MAIL/RSET/NOOP/QUIT, STARTTLS with or without the injection bug. */
export function smtpHandler(opts: { keywords: string[]; afterTls?: string[]; mailReply?: string; vulnerable?: boolean; starttlsReply?: string }) {
  return (line: string, c: FakeConnection) => {
    const verb = line.split(' ')[0]!.toUpperCase();
    if (verb === 'EHLO' || verb === 'LHLO') {
      const keywords = c.secure ? (opts.afterTls ?? opts.keywords.filter((k) => k !== 'STARTTLS')) : opts.keywords;
      const lines = ['fake.example.org', ...keywords];
      lines.forEach((l, i) => c.send(`250${i === lines.length - 1 ? ' ' : '-'}${l}`));
    } else if (verb === 'MAIL') c.send(opts.mailReply ?? '250 2.1.0 Ok');
    else if (verb === 'RSET' || verb === 'NOOP') c.send('250 2.0.0 Ok');
    else if (verb === 'QUIT') {
      c.send('221 2.0.0 Bye');
      c.close();
    } else if (verb === 'STARTTLS' && !c.secure) {
      c.send(opts.starttlsReply ?? '220 2.0.0 Ready to start TLS');
      if (!opts.starttlsReply || opts.starttlsReply.startsWith('220')) c.startTls(opts.vulnerable);
    } else c.send('502 5.5.2 Error: command not recognized');
  };
}
