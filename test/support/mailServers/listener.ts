/**
 * A loopback TCP listener that owns everything it starts: every accepted socket, every TLS
 * wrapper and every timer is tracked, so `close()` leaves no handle behind and a test can
 * compare the process's active resources before and after.
 */
import net from 'node:net';

export interface ConnectionStats {
  /** Connections accepted so far. */
  total: number;
  /** Connections open right now. */
  open: number;
  /** Most connections open at the same time, as the server's event loop saw them. */
  peak: number;
  /**
   * Most connections open at the same time, counting a new connection only once the events
   * that arrived with it were handled: a client that closes one connection and opens the next
   * may have its FIN read after the new accept in the same poll, which `peak` counts as overlap.
   */
  settledPeak: number;
  /** Connections open right now, counted the same way as `settledPeak`. */
  settledOpen: number;
  /** Bytes written to clients (plaintext side), counted as they are handed to the socket. */
  bytesSent: number;
  /** The SNI of each TLS handshake that completed, in order ('' when the client sent none). */
  servernames: string[];
}

export interface HostileServer {
  /** Engine target URL, e.g. `smtp://127.0.0.1:40123` or `smtp://[::1]:40123`. */
  url: string;
  host: string;
  port: number;
  stats: ConnectionStats;
  /** Destroys every socket, clears every timer, closes the listener. */
  close(): Promise<void>;
}

/** What a connection handler may use: tracked timers and sockets, released by `close()`. */
export interface ListenerContext {
  stats: ConnectionStats;
  /** Resolves after `ms`, unless the server closes first (then it never resolves). */
  sleep(ms: number): Promise<void>;
  setTimer(ms: number, fn: () => void): void;
  /**
   * Tracks a TLS wrapper of an accepted socket, so that `close()` destroys it too and the
   * connection counts as gone when the wrapper sees the client leave.
   */
  track(wrapper: net.Socket, accepted: net.Socket): void;
  closed(): boolean;
}

export type ConnectionHandler = (socket: net.Socket, ctx: ListenerContext) => void;

/** Fresh counters; pass one object to several servers to count them together (one host). */
export function newStats(): ConnectionStats {
  return { total: 0, open: 0, peak: 0, settledPeak: 0, settledOpen: 0, bytesSent: 0, servernames: [] };
}

export async function listen(
  scheme: string,
  host: string,
  onConnection: ConnectionHandler,
  stats: ConnectionStats = newStats(),
  listenPort = 0,
): Promise<HostileServer> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let isClosed = false;

  const goneHandlers = new WeakMap<net.Socket, () => void>();
  const track = (socket: net.Socket, accepted?: net.Socket): void => {
    sockets.add(socket);
    const onGone = accepted && goneHandlers.get(accepted);
    if (onGone) for (const event of ['end', 'error', 'close']) socket.once(event, onGone);
    // A hostile server must never throw into the test process: peers reset us on purpose.
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  };
  const setTimer = (ms: number, fn: () => void): void => {
    if (isClosed) return;
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const ctx: ListenerContext = {
    stats,
    sleep: (ms) => new Promise((resolve) => setTimer(ms, resolve)),
    setTimer,
    track,
    closed: () => isClosed,
  };

  const server = net.createServer((socket) => {
    if (isClosed) {
      socket.destroy();
      return;
    }
    track(socket);
    stats.total++;
    stats.open++;
    stats.peak = Math.max(stats.peak, stats.open);
    socket.once('close', () => stats.open--);
    let counted = false;
    let ended = false;
    const settle = setImmediate(() => {
      if (ended) return;
      counted = true;
      stats.settledOpen++;
      stats.settledPeak = Math.max(stats.settledPeak, stats.settledOpen);
    });
    const onGone = () => {
      if (ended) return;
      ended = true;
      clearImmediate(settle);
      if (counted) stats.settledOpen--;
    };
    goneHandlers.set(socket, onGone);
    for (const event of ['end', 'error', 'close']) socket.once(event, onGone);
    onConnection(socket, ctx);
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `${scheme}://${urlHost}:${port}`,
    host,
    port,
    stats,
    async close() {
      isClosed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Wait for the destroyed sockets' handles to be released as well.
      while (sockets.size > 0) await new Promise((r) => setImmediate(r));
    },
  };
}

/** A loopback port nothing listens on: free a moment ago (a closed port, or one to start a server on). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
