// ClientHello bytes written by hand, for what Node's OpenSSL will not offer (SSLv2/SSLv3, RC4,
// 3DES, EXPORT, ...) and for enumerating suites and groups one hello at a time. No handshake is
// ever completed with these: the scan reads the server's first flight and closes.
import { createECDH, randomFillSync } from 'node:crypto';
import { ByteWriter } from './byteWriter';

/**
 * Random bytes for hellos from one pool filled 8 KiB at a time: a scan writes a hundred hellos
 * with three random fields each, and a call to the system's generator per field costs more
 * than the rest of the hello. The bytes only need to be unpredictable, never secret: no
 * handshake is completed with them.
 */
const pool = Buffer.alloc(8192);
let poolAt = pool.length;

function randomBytes(n: number): Buffer {
  if (poolAt + n > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += n;
  return pool.subarray(poolAt - n, poolAt);
}

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
  /**
   * TLS 1.3: an X25519 share (the default); none, so the server must ask (HRR); or a share for
   * the first group offered (the elliptic ones), for a server that refuses an empty share list.
   */
  keyShare?: 'x25519' | 'none' | 'first';
  /** Add TLS_FALLBACK_SCSV at the end of the suites. */
  fallbackScsv?: boolean;
}

/** RSA, ECDSA, EdDSA and RSA-PSS with SHA-1 to SHA-512: anything a server's certificate may need. */
const SIGNATURE_ALGORITHMS = [0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601, 0x0303, 0x0203, 0x0201, 0x0402, 0x0202];

/**
 * An IP literal (never sent as SNI, RFC 6066 §3): digits and dots, or any colon. Cheaper than
 * `net.isIP`, whose IPv6 pattern costs a tenth of a millisecond per host name: once a hello.
 */
function ipLiteral(name: string): boolean {
  return name.includes(':') || /^[\d.]+$/.test(name);
}

function extensions(w: ByteWriter, o: HelloOptions): void {
  const ext = (type: number, body: (w: ByteWriter) => void) => w.u16(type).sized(2, body);
  if (o.serverName && !ipLiteral(o.serverName)) {
    const name = Buffer.from(o.serverName, 'ascii');
    ext(0x0000, (e) => e.sized(2, (list) => list.u8(0).sized(2, (n) => n.bytes(name))));
  }
  ext(0x000a, (e) => e.sized(2, (list) => list.u16s(o.groups ?? Object.values(GROUPS))));
  ext(0x000b, (e) => e.sized(1, (list) => list.u8(0))); // ec_point_formats: uncompressed
  if (o.version === 'TLSv1.2' || o.version === 'TLSv1.3') ext(0x000d, (e) => e.sized(2, (list) => list.u16s(SIGNATURE_ALGORITHMS)));
  ext(0x0017, () => undefined); // extended_master_secret
  ext(0xff01, (e) => e.u8(0)); // renegotiation_info, empty: tells us whether the server does RFC 5746
  if (o.version === 'TLSv1.3') {
    ext(0x002b, (e) => e.sized(1, (list) => list.u16(0x0304))); // supported_versions: TLS 1.3 only
    ext(0x002d, (e) => e.sized(1, (list) => list.u8(1))); // psk_key_exchange_modes: psk_dhe_ke
    ext(0x0033, (e) => e.sized(2, (shares) => {
      const group = o.keyShare === 'first' ? o.groups?.[0] : o.keyShare === 'none' ? undefined : GROUPS.X25519;
      const key = group === undefined ? null : publicKeyFor(group);
      if (key) shares.u16(group!).sized(2, (k) => k.bytes(key));
    }));
  }
}

const EC_CURVES: Record<number, string> = { [GROUPS['P-256']]: 'prime256v1', [GROUPS['P-384']]: 'secp384r1', [GROUPS['P-521']]: 'secp521r1' };

/** The prime's length in bytes of each ffdhe group (RFC 7919): a key share is exactly that long. */
const FFDHE_BYTES: Record<number, number> = { [GROUPS.ffdhe2048]: 256, [GROUPS.ffdhe3072]: 384, [GROUPS.ffdhe4096]: 512, [GROUPS.ffdhe6144]: 768, [GROUPS.ffdhe8192]: 1024 };

/**
 * A public key the server will accept for `group`: any 32 or 56 bytes for X25519 and X448, a
 * real point for the NIST curves (a server checks it is on the curve), and for the ffdhe groups
 * the generator itself, 2 (g^1: inside the prime-order subgroup that RFC 7919 §5.1 has a server
 * check, and no secret is needed, since no handshake is finished).
 */
function publicKeyFor(group: number): Buffer | null {
  if (group === GROUPS.X25519) return randomBytes(32);
  if (group === GROUPS.X448) return randomBytes(56);
  const ffdhe = FFDHE_BYTES[group];
  if (ffdhe) return Buffer.alloc(ffdhe).fill(2, ffdhe - 1);
  const curve = EC_CURVES[group];
  return curve ? createECDH(curve).generateKeys() : null;
}

/** A ClientHello record. SSLv2 gets the SSLv2-compatible format (see sslv2Hello). */
export function clientHello(o: HelloOptions): Buffer {
  if (o.version === 'SSLv2') return sslv2Hello();
  if (o.suites.length === 0 || o.suites.length > MAX_SUITES_PER_HELLO) throw new RangeError(`a hello carries 1 to ${MAX_SUITES_PER_HELLO} suites, not ${o.suites.length}`);
  const wire = WIRE_VERSION[o.version];
  const w = new ByteWriter();
  // The record layer says TLS 1.0 (SSLv3 for an SSLv3 hello): what servers expect from a first flight.
  w.u8(22).u16(o.version === 'SSLv3' ? 0x0300 : 0x0301).sized(2, (record) => record.u8(1).sized(3, (body) => {
    body.u16(Math.min(wire, 0x0303)); // TLS 1.3 says 1.2 here and the real version in supported_versions
    body.bytes(randomBytes(32));
    body.sized(1, (id) => void (o.version === 'TLSv1.3' && id.bytes(randomBytes(32)))); // legacy_session_id (middlebox compatibility)
    body.sized(2, (list) => {
      list.u16s(o.suites);
      if (o.fallbackScsv) list.u16(FALLBACK_SCSV);
      if (o.version === 'SSLv3') list.u16(RENEGOTIATION_SCSV);
    });
    body.u8(1).u8(0); // compression: null only
    if (o.version !== 'SSLv3') body.sized(2, (e) => extensions(e, o));
  }));
  return w.done();
}

/** The SSLv2 cipher kinds (3-byte codes): RC4, RC2, IDEA, DES, 3DES, export and not. */
export const SSLV2_CIPHERS = [0x010080, 0x020080, 0x030080, 0x040080, 0x050080, 0x060040, 0x0700c0];

/** An SSLv2 CLIENT-HELLO offering SSLv2 only, with every SSLv2 cipher kind. */
export function sslv2Hello(): Buffer {
  const challenge = randomBytes(16);
  const body = new ByteWriter().u8(1).u16(0x0002).u16(SSLV2_CIPHERS.length * 3).u16(0).u16(challenge.length);
  for (const c of SSLV2_CIPHERS) body.u24(c);
  const bytes = body.bytes(challenge).done();
  return new ByteWriter().u16(0x8000 | bytes.length).bytes(bytes).done();
}
