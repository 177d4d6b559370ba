/**
 * A stub resolver client: one question per message to a recursive (ideally validating)
 * resolver over UDP, again over TCP when the answer comes back truncated. Each attempt has
 * its own timeout; the next server (or the same one again) is tried after a timeout; an
 * AbortSignal cancels at once and closes the socket. Counts the messages it sent.
 */
import { randomInt } from 'node:crypto';
import * as dgram from 'node:dgram';
import { getServers } from 'node:dns';
import { isIP, Socket } from 'node:net';
import { decodeHeader, decodeResponse, encodeQuery, normalName, QueryFlags } from './message';
import type { DnsResponse, RecordTypeName } from './types';

export interface ResolverAddress {
  host: string;
  port: number;
}

export interface DnsClientOptions {
  /** Resolvers as `IP`, `IP:PORT` or `[IPv6]:PORT`; default: the system's (`dns.getServers()`). */
  servers?: readonly string[];
  /** Milliseconds to wait for each attempt. Default 2000. */
  timeout?: number;
  /** Attempts per question, spread over the servers in turn. Default 2. */
  attempts?: number;
}

export class DnsError extends Error {
  constructor(
    readonly kind: 'timeout' | 'network' | 'format' | 'aborted',
    message: string,
  ) {
    super(message);
    this.name = 'DnsError';
  }
}

/** Parses `IP`, `IP:PORT`, `[IPv6]` or `[IPv6]:PORT`; throws an Error saying what is wrong. */
export function parseResolver(text: string): ResolverAddress {
  const t = text.trim();
  let host = t;
  let port = 53;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (bracket) {
    host = bracket[1]!;
    if (bracket[2] !== undefined) port = Number(bracket[2]);
  } else if (isIP(t) !== 6) {
    const m = /^([^:]+):(\d+)$/.exec(t);
    if (m) {
      host = m[1]!;
      port = Number(m[2]);
    }
  }
  if (isIP(host) === 0) throw new Error(`resolver '${text}' is not an IP address (IP[:PORT], [IPv6]:PORT)`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`resolver '${text}': port must be 1 to 65535`);
  return { host, port };
}

export function formatResolver(r: ResolverAddress): string {
  return isIP(r.host) === 6 ? `[${r.host}]:${r.port}` : `${r.host}:${r.port}`;
}

/** The system's resolvers (Node reads /etc/resolv.conf once, at start-up). */
export function systemResolvers(): ResolverAddress[] {
  return getServers().map(parseResolver);
}

export class DnsClient {
  readonly servers: readonly ResolverAddress[];
  private readonly timeout: number;
  private readonly attempts: number;
  /** Messages sent (UDP and TCP), for the report and the benchmark. */
  queries = 0;

  constructor(options: DnsClientOptions = {}) {
    this.servers = options.servers?.length ? options.servers.map(parseResolver) : systemResolvers();
    if (this.servers.length === 0) throw new Error('no DNS resolver: the system has none configured; give one with --resolver IP[:PORT]');
    this.timeout = options.timeout ?? 2000;
    this.attempts = options.attempts ?? 2;
  }

  /** Asks one question. Rejects with DnsError when no server answered, or with the abort reason. */
  async query(name: string, type: RecordTypeName, signal?: AbortSignal, flags: QueryFlags = {}): Promise<DnsResponse> {
    let last: DnsError | null = null;
    for (let attempt = 0; attempt < this.attempts; attempt++) {
      const server = this.servers[attempt % this.servers.length]!;
      try {
        return await this.ask(server, normalName(name) || '.', type, signal, flags);
      } catch (err) {
        if (signal?.aborted) throw signal.reason ?? err;
        if (!(err instanceof DnsError)) throw err;
        last = err;
      }
    }
    throw last ?? new DnsError('network', 'no resolver answered');
  }

  private async ask(server: ResolverAddress, name: string, type: RecordTypeName, signal: AbortSignal | undefined, flags: QueryFlags): Promise<DnsResponse> {
    const id = randomInt(0, 65536);
    const query = encodeQuery(id, name, type, flags);
    const where = formatResolver(server);
    const matches = (buf: Buffer) => {
      const h = decodeHeader(buf);
      return h !== null && h.id === id && h.questionName === name.replace(/^\.$/, '') && h.questionType === type ? h : null;
    };
    this.queries++;
    const udp = await exchangeUdp(server, query, matches, this.timeout, signal);
    if (!matches(udp)!.truncated) return decodeOrThrow(udp, name, type, where, false);
    this.queries++;
    const tcp = await exchangeTcp(server, query, this.timeout, signal);
    if (!matches(tcp)) throw new DnsError('format', `${where} sent a TCP answer that does not match the question`);
    return decodeOrThrow(tcp, name, type, where, true);
  }
}

function decodeOrThrow(buf: Buffer, name: string, type: RecordTypeName, where: string, tcp: boolean): DnsResponse {
  try {
    return decodeResponse(buf, name, type, where, tcp);
  } catch (err) {
    throw new DnsError('format', `${where} sent an answer that does not decode: ${(err as Error).message}`);
  }
}

/** Runs `start` until it settles, the timer fires or the signal aborts; `stop` always runs. */
function bounded<T>(timeout: number, signal: AbortSignal | undefined, what: string, start: (done: (v: T) => void, fail: (e: Error) => void) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let stop: () => void = () => undefined;
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      stop();
      f();
    };
    const onAbort = () => finish(() => reject(signal!.reason));
    const timer = setTimeout(() => finish(() => reject(new DnsError('timeout', `${what}: no answer within ${timeout} ms`))), timeout);
    signal?.addEventListener('abort', onAbort, { once: true });
    stop = start((v) => finish(() => resolve(v)), (e) => finish(() => reject(e)));
  });
}

function exchangeUdp(server: ResolverAddress, query: Buffer, matches: (b: Buffer) => unknown, timeout: number, signal?: AbortSignal): Promise<Buffer> {
  const where = formatResolver(server);
  return bounded(timeout, signal, where, (done, fail) => {
    const socket = dgram.createSocket(isIP(server.host) === 6 ? 'udp6' : 'udp4');
    // Answers from elsewhere, or to another question, are ignored (spoofing, late replies).
    socket.on('message', (msg, from) => {
      if (from.port === server.port && matches(msg)) done(msg);
    });
    socket.on('error', (err) => fail(new DnsError('network', `${where}: ${err.message}`)));
    socket.send(query, server.port, server.host, (err) => err && fail(new DnsError('network', `${where}: ${err.message}`)));
    return () => socket.close();
  });
}

/** A TCP answer is at most 65535 bytes: the two-byte length prefix says so. */
function exchangeTcp(server: ResolverAddress, query: Buffer, timeout: number, signal?: AbortSignal): Promise<Buffer> {
  const where = `${formatResolver(server)} (TCP)`;
  return bounded(timeout, signal, where, (done, fail) => {
    const socket = new Socket();
    let got = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) done(got.subarray(2, 2 + got.readUInt16BE(0)));
    });
    socket.on('error', (err) => fail(new DnsError('network', `${where}: ${err.message}`)));
    socket.on('close', () => fail(new DnsError('network', `${where}: closed before the whole answer`)));
    socket.connect(server.port, server.host, () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(query.length);
      socket.write(Buffer.concat([length, query]));
    });
    return () => socket.destroy();
  });
}
