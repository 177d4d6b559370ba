// ClientHello bytes written by hand, for what Node's OpenSSL will not offer (SSLv2/SSLv3, RC4,
// 3DES, EXPORT, ...) and for enumerating suites and groups one hello at a time. No handshake is
// ever completed with these: the scan reads the server's first flight and closes.
import { randomBytes } from 'node:crypto';

export type HelloVersion = 'SSLv2' | 'SSLv3' | 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export const WIRE_VERSION: Record<Exclude<HelloVersion, 'SSLv2'>, number> = { SSLv3: 0x0300, TLSv1: 0x0301, 'TLSv1.1': 0x0302, 'TLSv1.2': 0x0303, 'TLSv1.3': 0x0304 };

/** Named groups (RFC 8446 §4.2.7, RFC 7919), by the names OpenSSL and sslscan print. */
export const GROUPS = {
  X25519: 0x001d,
  X448: 0x001e,
  'P-256': 0x0017,
  'P-384': 0x0018,
  'P-521': 0x0019,
  ffdhe2048: 0x0100,
  ffdhe3072: 0x0101,
  ffdhe4096: 0x0102,
  ffdhe6144: 0x0103,
  ffdhe8192: 0x0104,
} as const;
export type GroupName = keyof typeof GROUPS;
export const GROUP_NAMES = Object.keys(GROUPS) as GroupName[];
export function groupName(code: number): string {
  return GROUP_NAMES.find((n) => GROUPS[n] === code) ?? `group 0x${code.toString(16).padStart(4, '0')}`;
}

/** TLS_FALLBACK_SCSV (RFC 7507) and TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746). */
export const FALLBACK_SCSV = 0x5600;
export const RENEGOTIATION_SCSV = 0x00ff;

/** Most suites in one hello: some servers choke on longer lists (testssl.sh does the same). */
export const MAX_SUITES_PER_HELLO = 128;

export interface HelloOptions {
  version: HelloVersion;
  /** Suite code points in the order offered (at most MAX_SUITES_PER_HELLO). */
  suites: readonly number[];
  /** SNI; left out for IP addresses. */
  serverName?: string;
  /** supported_groups, in order; default: every group of GROUPS. */
  groups?: readonly number[];
  /** TLS 1.3: send an X25519 share (the default), or none, so the server must ask (HRR). */
  keyShare?: 'x25519' | 'none';
  /** Add TLS_FALLBACK_SCSV at the end of the suites. */
  fallbackScsv?: boolean;
}

const u8 = (n: number) => Buffer.from([n & 0xff]);
const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u24 = (n: number) => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
const vec8 = (b: Buffer) => Buffer.concat([u8(b.length), b]);
const vec16 = (b: Buffer) => Buffer.concat([u16(b.length), b]);
const list16 = (values: readonly number[]) => vec16(Buffer.concat(values.map(u16)));
const ext = (type: number, body: Buffer) => Buffer.concat([u16(type), vec16(body)]);

/** RSA, ECDSA, EdDSA and RSA-PSS with SHA-1 to SHA-512: anything a server's certificate may need. */
const SIGNATURE_ALGORITHMS = [0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601, 0x0303, 0x0203, 0x0201, 0x0402, 0x0202];

/**
 * An IP literal (never sent as SNI, RFC 6066 §3): digits and dots, or any colon. Cheaper than
 * `net.isIP`, whose IPv6 pattern costs a tenth of a millisecond per host name: once a hello.
 */
function ipLiteral(name: string): boolean {
  return name.includes(':') || /^[\d.]+$/.test(name);
}

function extensions(o: HelloOptions): Buffer {
  const parts: Buffer[] = [];
  if (o.serverName && !ipLiteral(o.serverName)) {
    const name = Buffer.from(o.serverName, 'ascii');
    parts.push(ext(0x0000, vec16(Buffer.concat([u8(0), vec16(name)]))));
  }
  const groups = o.groups ?? Object.values(GROUPS);
  parts.push(ext(0x000a, list16(groups)));
  parts.push(ext(0x000b, vec8(Buffer.from([0])))); // ec_point_formats: uncompressed
  if (o.version === 'TLSv1.2' || o.version === 'TLSv1.3') parts.push(ext(0x000d, list16(SIGNATURE_ALGORITHMS)));
  parts.push(ext(0x0017, Buffer.alloc(0))); // extended_master_secret
  parts.push(ext(0xff01, vec8(Buffer.alloc(0)))); // renegotiation_info: tells us whether the server does RFC 5746
  if (o.version === 'TLSv1.3') {
    parts.push(ext(0x002b, vec8(u16(0x0304)))); // supported_versions: TLS 1.3 only
    parts.push(ext(0x002d, vec8(Buffer.from([1])))); // psk_key_exchange_modes: psk_dhe_ke
    const share = o.keyShare === 'none' ? Buffer.alloc(0) : Buffer.concat([u16(GROUPS.X25519), vec16(randomBytes(32))]);
    parts.push(ext(0x0033, vec16(share)));
  }
  return Buffer.concat(parts);
}

/** A ClientHello record. SSLv2 gets the SSLv2-compatible format (see sslv2Hello). */
export function clientHello(o: HelloOptions): Buffer {
  if (o.version === 'SSLv2') return sslv2Hello();
  if (o.suites.length === 0 || o.suites.length > MAX_SUITES_PER_HELLO) throw new RangeError(`a hello carries 1 to ${MAX_SUITES_PER_HELLO} suites, not ${o.suites.length}`);
  const wire = WIRE_VERSION[o.version];
  const suites = [...o.suites, ...(o.fallbackScsv ? [FALLBACK_SCSV] : []), ...(o.version === 'SSLv3' ? [RENEGOTIATION_SCSV] : [])];
  const body = Buffer.concat([
    u16(Math.min(wire, 0x0303)), // TLS 1.3 says 1.2 here and the real version in supported_versions
    randomBytes(32),
    vec8(o.version === 'TLSv1.3' ? randomBytes(32) : Buffer.alloc(0)), // legacy_session_id (middlebox compatibility)
    list16(suites),
    vec8(Buffer.from([0])), // compression: null only
    ...(o.version === 'SSLv3' ? [] : [vec16(extensions(o))]),
  ]);
  const handshake = Buffer.concat([u8(1), u24(body.length), body]);
  // The record layer says TLS 1.0 (SSLv3 for an SSLv3 hello): what servers expect from a first flight.
  return Buffer.concat([u8(22), u16(o.version === 'SSLv3' ? 0x0300 : 0x0301), vec16(handshake)]);
}

/** The SSLv2 cipher kinds (3-byte codes): RC4, RC2, IDEA, DES, 3DES, export and not. */
export const SSLV2_CIPHERS = [0x010080, 0x020080, 0x030080, 0x040080, 0x050080, 0x060040, 0x0700c0];

/** An SSLv2 CLIENT-HELLO offering SSLv2 only, with every SSLv2 cipher kind. */
export function sslv2Hello(): Buffer {
  const specs = Buffer.concat(SSLV2_CIPHERS.map(u24));
  const challenge = randomBytes(16);
  const body = Buffer.concat([u8(1), u16(0x0002), u16(specs.length), u16(0), u16(challenge.length), specs, challenge]);
  return Buffer.concat([u16(0x8000 | body.length), body]);
}
