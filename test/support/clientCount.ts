/**
 * Counts this process's own client connections per host as written in `net.connect()`, through
 * Node's `net.client.socket` diagnostics channel: from the connect call until the socket's
 * 'close' (its descriptor released), the strictest window. This is the strict view of a per-host cap; a server's view can show a
 * moment of overlap when it reads a FIN after the next connection's accept.
 */
import diagnostics from 'node:diagnostics_channel';
import type net from 'node:net';

export interface ClientConnectionCounter {
  /** Most connections open at once to `address` as the client named it (e.g. `127.0.0.1`). */
  peak(address: string): number;
  /** Highest per-address peak. */
  maxPeak(): number;
  /** Connections open now, all addresses. */
  open(): number;
  /** Connections made so far: compare with the servers' count to prove none escaped the channel. */
  total(): number;
  dispose(): void;
}

export function countClientConnections(): ClientConnectionCounter {
  const open = new Map<string, number>();
  const peaks = new Map<string, number>();
  let total = 0;
  const onSocket = (message: unknown) => {
    const socket = (message as { socket: net.Socket }).socket;
    // The channel fires before net.connect() calls socket.connect(): wrap that one call to
    // learn the host and count from the moment the SYN can leave, not from the server's answer.
    const connect = socket.connect;
    socket.connect = function (this: net.Socket, ...args: unknown[]) {
      socket.connect = connect;
      const first = (Array.isArray(args[0]) ? args[0][0] : args[0]) as { host?: string } | undefined;
      const address = (first?.host ?? 'localhost').replace(/^\[(.*)\]$/, '$1');
      total++;
      const n = (open.get(address) ?? 0) + 1;
      open.set(address, n);
      peaks.set(address, Math.max(peaks.get(address) ?? 0, n));
      socket.once('close', () => open.set(address, (open.get(address) ?? 1) - 1));
      return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
    } as typeof socket.connect;
  };
  diagnostics.subscribe('net.client.socket', onSocket);
  return {
    peak: (address) => peaks.get(address) ?? 0,
    maxPeak: () => Math.max(0, ...peaks.values()),
    open: () => [...open.values()].reduce((a, b) => a + b, 0),
    total: () => total,
    dispose: () => diagnostics.unsubscribe('net.client.socket', onSocket),
  };
}
