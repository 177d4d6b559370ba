/**
 * An implicit-TLS mail server that still "speaks" what no local OpenSSL serves: a ClientHello
 * offering one of `weak` (RC4, 3DES, EXPORT code points) gets a hand-made ServerHello choosing
 * it, an SSLv3 hello gets an SSLv3 ServerHello when `sslv3` is on, an SSLv2 hello an SSLv2
 * SERVER-HELLO when `sslv2` is on; the connection then closes, as a scanner only reads the
 * first flight. Every other connection is passed to a real Node TLS server with an SMTP
 * greeting behind it, so the probe's main handshake and the modern suites are real.
 */
import net from 'node:net';
import tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import { sharedCertificate } from '../certs';

export interface RawHelloOptions {
  /** Suites answered by hand, in the server's order of preference. */
  weak: number[];
  sslv3?: boolean;
  sslv2?: boolean;
  /** Connections after this many are accepted and never answered: a scan that stalls mid-way. */
  stallAfter?: number;
  /** A TLS 1.3 hello with an empty key_share list gets a handshake_failure alert, as from a server that mishandles it. */
  refuseEmptyKeyShare?: boolean;
  /** The real server's groups (OpenSSL's list, e.g. `X25519:ffdhe2048`); Node's default otherwise. */
  groups?: string;
}

export interface RawHelloServer {
  url: string;
  /** Connections accepted. */
  connections: number;
  /** Client connections still open. */
  open: number;
  close(): Promise<void>;
}

interface Hello {
  version: number;
  suites: number[];
  /** TLS 1.3 offered (supported_versions) with no key share at all. */
  tls13WithoutShare: boolean;
}

/** The extensions' types and bodies, from the start of the extensions block. */
function extensionsOf(b: Buffer, at: number, end: number): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  if (at + 2 > end) return out;
  const stop = Math.min(end, at + 2 + b.readUInt16BE(at));
  for (let p = at + 2; p + 4 <= stop; ) {
    const length = b.readUInt16BE(p + 2);
    out.set(b.readUInt16BE(p), b.subarray(p + 4, p + 4 + length));
    p += 4 + length;
  }
  return out;
}

function readHello(b: Buffer): Hello | null {
  if (b.length < 5 || b[0] !== 22) return null;
  const recordEnd = 5 + b.readUInt16BE(3);
  if (b.length < recordEnd) return null;
  let at = 9;
  const version = b.readUInt16BE(at);
  at += 2 + 32;
  at += 1 + b[at]!;
  const n = b.readUInt16BE(at);
  const suites: number[] = [];
  for (let i = 0; i < n; i += 2) suites.push(b.readUInt16BE(at + 2 + i));
  at += 2 + n;
  at += 1 + b[at]!; // compression methods
  const ext = extensionsOf(b, at, recordEnd);
  const versions = ext.get(0x002b);
  const tls13 = versions !== undefined && versions.subarray(1).some((_, i, v) => i % 2 === 0 && v.readUInt16BE(i) === 0x0304);
  const shares = ext.get(0x0033);
  return { version, suites, tls13WithoutShare: tls13 && (shares === undefined || shares.readUInt16BE(0) === 0) };
}

function serverHello(version: number, suite: number): Buffer {
  const extensions = version > 0x0300 ? Buffer.from([0x00, 0x05, 0xff, 0x01, 0x00, 0x01, 0x00]) : Buffer.alloc(0);
  const body = Buffer.concat([Buffer.from([version >> 8, version & 0xff]), randomBytes(32), Buffer.from([0, suite >> 8, suite & 0xff, 0]), extensions]);
  const hello = Buffer.concat([Buffer.from([2, 0, body.length >> 8, body.length & 0xff]), body]);
  const done = Buffer.from([14, 0, 0, 0]);
  const handshake = Buffer.concat([hello, done]);
  return Buffer.concat([Buffer.from([22, version >> 8, version & 0xff, handshake.length >> 8, handshake.length & 0xff]), handshake]);
}

const ALERT_PROTOCOL_VERSION = Buffer.from([21, 3, 1, 0, 2, 2, 70]);
const ALERT_HANDSHAKE_FAILURE = Buffer.from([21, 3, 3, 0, 2, 2, 40]);

/** SSLv2 SERVER-HELLO with RC4-MD5 and DES-CBC3-MD5, no certificate. */
function sslv2ServerHello(): Buffer {
  const specs = Buffer.from([0x01, 0x00, 0x80, 0x07, 0x00, 0xc0]);
  const connectionId = randomBytes(16);
  const body = Buffer.concat([Buffer.from([4, 0, 1, 0, 2, 0, 0, 0, specs.length, 0, 16]), specs, connectionId]);
  return Buffer.concat([Buffer.from([0x80 | (body.length >> 8), body.length & 0xff]), body]);
}

export async function startRawHelloServer(options: RawHelloOptions): Promise<RawHelloServer> {
  const { cert, key } = sharedCertificate();
  const real = tls.createServer({ cert, key, minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0', ...(options.groups ? { ecdhCurve: options.groups } : {}) }, (socket) => {
    socket.on('error', () => {});
    socket.write('220 raw.test ESMTP\r\n');
    socket.on('data', (d) => {
      const line = d.toString();
      if (/^EHLO/i.test(line)) socket.write('250-raw.test\r\n250 PIPELINING\r\n');
      else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
      else socket.write('250 ok\r\n');
    });
  });
  await new Promise<void>((resolve) => real.listen(0, '127.0.0.1', resolve));
  const realPort = (real.address() as net.AddressInfo).port;
  const sockets = new Set<net.Socket>();
  const state = { connections: 0 };
  const outer = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    // Read and drop what comes, so that the client's close is seen.
    if (options.stallAfter !== undefined && state.connections > options.stallAfter) return void socket.resume();
    let data = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data[0]! & 0x80) {
        socket.removeListener('data', onData);
        if (options.sslv2) socket.end(sslv2ServerHello());
        else socket.destroy();
        return;
      }
      const hello = readHello(data);
      if (!hello) return;
      socket.removeListener('data', onData);
      if (options.refuseEmptyKeyShare && hello.tls13WithoutShare) return void socket.end(ALERT_HANDSHAKE_FAILURE);
      const weak = options.weak.find((c) => hello.suites.includes(c));
      if (hello.version === 0x0300) {
        const pick = weak ?? hello.suites.find((c) => c !== 0x00ff);
        socket.end(options.sslv3 && pick !== undefined ? serverHello(0x0300, pick) : ALERT_PROTOCOL_VERSION);
        return;
      }
      if (weak !== undefined) return void socket.end(serverHello(Math.min(hello.version, 0x0303), weak));
      // Everything else goes to the real server, the bytes read so far first.
      const upstream = net.connect(realPort, '127.0.0.1');
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => socket.destroy());
      upstream.write(data);
      socket.pipe(upstream).pipe(socket);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => outer.listen(0, '127.0.0.1', resolve));
  const port = (outer.address() as net.AddressInfo).port;
  return {
    url: `smtps://127.0.0.1:${port}`,
    get open() {
      return [...sockets].filter((s) => s.remotePort !== realPort).length;
    },
    get connections() {
      return state.connections;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise<void>((resolve) => outer.close(() => resolve())), new Promise<void>((resolve) => real.close(() => resolve()))]);
    },
  };
}
