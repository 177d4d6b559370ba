// Reads the server's answer to a hand-written ClientHello: ServerHello (or HelloRetryRequest),
// and for TLS 1.2 and older the ServerKeyExchange's group or DH size; or an alert; or an
// SSLv2 SERVER-HELLO. Hostile bytes give `malformed`, never an exception or a long wait.

/** SHA-256("HelloRetryRequest"): the random of a ServerHello that is really an HRR (RFC 8446 §4.1.3). */
const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

export interface ServerHelloInfo {
  /** The negotiated version's wire number (supported_versions wins over legacy_version). */
  version: number;
  suite: number;
  helloRetry: boolean;
  /** The group of the TLS 1.3 key_share (or the HRR's selected group). */
  group: number | null;
  /** The server sent renegotiation_info (RFC 5746 secure renegotiation). */
  secureRenegotiation: boolean;
  /** TLS ≤ 1.2 ECDHE: the ServerKeyExchange's named curve. */
  keyExchangeGroup: number | null;
  /** TLS ≤ 1.2 DHE: the bits of the ServerKeyExchange's prime. */
  dhBits: number | null;
}

export type ServerFlight =
  | { kind: 'hello'; hello: ServerHelloInfo }
  | { kind: 'alert'; level: number; description: number }
  | { kind: 'sslv2'; ciphers: number[] }
  /** Not (yet) enough bytes for an answer. */
  | { kind: 'incomplete' }
  | { kind: 'malformed'; reason: string };

export const ALERTS: Record<number, string> = {
  0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 40: 'handshake_failure', 47: 'illegal_parameter',
  50: 'decode_error', 70: 'protocol_version', 71: 'insufficient_security', 80: 'internal_error', 86: 'inappropriate_fallback',
  90: 'user_canceled', 109: 'missing_extension', 110: 'unsupported_extension', 112: 'unrecognized_name',
};

/** The longest first flight accepted (a certificate chain included). */
const MAX_FLIGHT = 256 * 1024;

class Reader {
  constructor(private readonly b: Buffer, public at = 0) {}
  get left() { return this.b.length - this.at; }
  need(n: number) { if (this.left < n) throw new RangeError('short'); }
  u8() { this.need(1); return this.b[this.at++]!; }
  u16() { this.need(2); const v = this.b.readUInt16BE(this.at); this.at += 2; return v; }
  u24() { this.need(3); const v = this.b.readUIntBE(this.at, 3); this.at += 3; return v; }
  bytes(n: number) { this.need(n); const v = this.b.subarray(this.at, this.at + n); this.at += n; return v; }
}

function parseServerHello(body: Buffer): ServerHelloInfo {
  const r = new Reader(body);
  const legacy = r.u16();
  const random = r.bytes(32);
  r.bytes(r.u8()); // session id
  const suite = r.u16();
  r.u8(); // compression
  const info: ServerHelloInfo = { version: legacy, suite, helloRetry: random.equals(HRR_RANDOM), group: null, secureRenegotiation: false, keyExchangeGroup: null, dhBits: null };
  if (r.left < 2) return info;
  const extensions = new Reader(r.bytes(r.u16()));
  while (extensions.left >= 4) {
    const type = extensions.u16();
    const data = new Reader(extensions.bytes(extensions.u16()));
    if (type === 0x002b && data.left >= 2) info.version = data.u16();
    else if (type === 0x0033 && data.left >= 2) info.group = data.u16();
    else if (type === 0xff01) info.secureRenegotiation = true;
  }
  return info;
}

/** Bits of a big-endian unsigned integer (leading zero bytes ignored). */
function bitLength(n: Buffer): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}

/** ECDHE: curve_type 3 + named group; DHE: the prime's length (RFC 4492 §5.4, RFC 5246 §7.4.3). */
function readKeyExchange(body: Buffer, hello: ServerHelloInfo, dhe: boolean): void {
  const r = new Reader(body);
  if (!dhe) {
    if (r.u8() === 3) hello.keyExchangeGroup = r.u16();
    return;
  }
  hello.dhBits = bitLength(r.bytes(r.u16()));
}

export interface FlightOptions {
  /**
   * TLS ≤ 1.2: which key exchange the chosen suite uses, to read on until its ServerKeyExchange
   * (or ServerHelloDone); null: stop at the ServerHello.
   */
  keyExchange?: (suite: number) => 'ecdhe' | 'dhe' | null;
}

/**
 * Parses what the server sent so far. `incomplete` means: read more. The answer is complete at
 * the first alert, at a TLS 1.3 ServerHello or HRR, or at a TLS ≤ 1.2 ServerHello (with the
 * ServerKeyExchange when `keyExchange` asks for it).
 */
export function parseServerFlight(data: Buffer, options: FlightOptions = {}): ServerFlight {
  if (data.length > MAX_FLIGHT) return { kind: 'malformed', reason: `more than ${MAX_FLIGHT} bytes before the handshake's end` };
  if (data.length >= 1 && data[0]! & 0x80) return parseSslv2(data); // TLS record types are 20 to 24
  let at = 0;
  let handshake = Buffer.alloc(0);
  let hello: ServerHelloInfo | null = null;
  try {
    while (data.length - at >= 5) {
      const type = data[at]!;
      const length = data.readUInt16BE(at + 3);
      if (type < 20 || type > 24 || data[at + 1] !== 3 || length > 18432) return { kind: 'malformed', reason: `not a TLS record (bytes ${data.subarray(at, at + 5).toString('hex')})` };
      if (data.length - at - 5 < length) break;
      const fragment = data.subarray(at + 5, at + 5 + length);
      at += 5 + length;
      if (type === 21) {
        if (hello) return { kind: 'hello', hello }; // an alert after the hello: the hello still says what was chosen
        if (fragment.length < 2) return { kind: 'malformed', reason: 'a short alert' };
        return { kind: 'alert', level: fragment[0]!, description: fragment[1]! };
      }
      if (type !== 22) {
        if (hello) return { kind: 'hello', hello };
        return { kind: 'malformed', reason: `record type ${type} before the ServerHello` };
      }
      handshake = Buffer.concat([handshake, fragment]);
      // Handshake messages may span records: take every complete one.
      while (handshake.length >= 4) {
        const msgLength = handshake.readUIntBE(1, 3);
        if (handshake.length < 4 + msgLength) break;
        const msgType = handshake[0]!;
        const body = handshake.subarray(4, 4 + msgLength);
        handshake = handshake.subarray(4 + msgLength);
        if (!hello) {
          if (msgType !== 2) return { kind: 'malformed', reason: `handshake message ${msgType} before the ServerHello` };
          hello = parseServerHello(body);
          if (hello.helloRetry || hello.version >= 0x0304 || !options.keyExchange?.(hello.suite)) return { kind: 'hello', hello };
        } else if (msgType === 12) {
          readKeyExchange(body, hello, options.keyExchange?.(hello.suite) === 'dhe');
          return { kind: 'hello', hello };
        } else if (msgType === 14) return { kind: 'hello', hello }; // ServerHelloDone: no key exchange message
      }
    }
  } catch {
    return { kind: 'malformed', reason: 'a truncated or inconsistent handshake message' };
  }
  return { kind: 'incomplete' };
}

/** SSLv2 SERVER-HELLO (message type 4): the cipher kinds the server would use. */
function parseSslv2(data: Buffer): ServerFlight {
  if (data.length < 2) return { kind: 'incomplete' };
  const length = ((data[0]! & 0x7f) << 8) | data[1]!;
  if (data.length < 2 + length) return data.length > MAX_FLIGHT ? { kind: 'malformed', reason: 'too long' } : { kind: 'incomplete' };
  const r = new Reader(data.subarray(2, 2 + length));
  try {
    if (r.u8() !== 4) return { kind: 'malformed', reason: 'an SSLv2 record that is not a SERVER-HELLO' };
    r.u8(); // session id hit
    r.u8(); // certificate type
    r.u16(); // version
    const certLength = r.u16();
    const specLength = r.u16();
    r.u16(); // connection id length
    r.bytes(certLength);
    const specs = r.bytes(specLength);
    const ciphers: number[] = [];
    for (let i = 0; i + 3 <= specs.length; i += 3) ciphers.push(specs.readUIntBE(i, 3));
    return { kind: 'sslv2', ciphers };
  } catch {
    return { kind: 'malformed', reason: 'a truncated SSLv2 SERVER-HELLO' };
  }
}
