// A letter grade per endpoint, after SSL Labs' SSL Server Rating Guide, adapted to mail (see
// the README's "Grades" section, which this file implements). The numeric score weighs
// protocol support (30 %), key exchange (30 %) and cipher strength (40 %); caps then lower it,
// each naming the finding behind it. Port 25 is opportunistic: there the alternative to weak
// TLS is plaintext, so weaknesses that cap a submission or IMAP port only mark it down to A-.
import type { Finding } from '../findings';
import { contextOf } from '../probe/findings';
import type { ProbeResult } from '../probe/types';
import { extraVersionsOf, smallestDhBits, suiteTablesOf } from './probeExtras';
import { suiteFacts, type SuiteFacts } from './suites';

export type Letter = 'A+' | 'A' | 'A-' | 'B' | 'C' | 'D' | 'E' | 'F' | 'T';

export const LETTERS: readonly Letter[] = ['A+', 'A', 'A-', 'B', 'C', 'D', 'E', 'F', 'T'];

/** Lower is better; T (trust) ranks with F. */
export function letterRank(letter: Letter): number {
  return letter === 'T' ? LETTERS.indexOf('F') : LETTERS.indexOf(letter);
}

export function worseOf(a: Letter, b: Letter): Letter {
  return letterRank(b) > letterRank(a) ? b : a;
}

export interface GradeReason {
  kind: 'cap' | 'score' | 'note';
  /** What a person reads, e.g. "capped at B: TLS 1.0 accepted (tls-legacy-version)". */
  text: string;
  /** The finding behind it, when one is. */
  findingId?: string;
  cap?: Letter;
}

export interface EndpointGrade {
  target: string;
  /** Null when the probe did not get far enough to grade. */
  letter: Letter | null;
  score: number | null;
  components: { protocol: number; keyExchange: number; cipher: number } | null;
  /** For T: what the endpoint would get with a trusted certificate. */
  ifTrusted?: Letter;
  reasons: GradeReason[];
}

const PROTOCOL_SCORE: Record<string, number> = { SSLv2: 0, SSLv3: 80, TLSv1: 90, 'TLSv1.1': 95, 'TLSv1.2': 100, 'TLSv1.3': 100 };
const NAMES: Record<string, string> = { SSLv2: 'SSL 2', SSLv3: 'SSL 3', TLSv1: 'TLS 1.0', 'TLSv1.1': 'TLS 1.1', 'TLSv1.2': 'TLS 1.2', 'TLSv1.3': 'TLS 1.3' };

export function letterForScore(score: number): Letter {
  return score >= 80 ? 'A' : score >= 65 ? 'B' : score >= 50 ? 'C' : score >= 35 ? 'D' : score >= 20 ? 'E' : 'F';
}

function keyScore(bits: number): number {
  return bits <= 0 ? 0 : bits < 512 ? 20 : bits < 1024 ? 40 : bits < 2048 ? 80 : bits < 4096 ? 90 : 100;
}

function cipherScore(bits: number): number {
  return bits <= 0 ? 0 : bits < 128 ? 20 : bits < 256 ? 80 : 100;
}

/** RSA-equivalent strength of a key or group (NIST SP 800-57 table 2). */
export function rsaEquivalent(type: string, bits: number | null): number | null {
  const t = type.toLowerCase();
  if (t === 'ed25519' || t === 'x25519') return 3072;
  if (t === 'ed448' || t === 'x448') return 7680;
  if (bits === null) return null;
  if (t === 'ec' || /^(p-|secp|prime|brainpool)/.test(t)) return bits >= 512 ? 15360 : bits >= 384 ? 7680 : bits >= 256 ? 3072 : bits >= 224 ? 2048 : 1024;
  return bits;
}

function groupEquivalent(group: string | null): number | null {
  if (!group) return null;
  const g = group.toLowerCase();
  const ffdhe = /ffdhe(\d+)/.exec(g) ?? /^dh\D*(\d+)/.exec(g);
  if (ffdhe) return Number(ffdhe[1]);
  if (g.includes('25519')) return 3072;
  if (g.includes('448')) return 7680;
  const curve = /(\d{3})/.exec(g);
  return curve ? rsaEquivalent('ec', Number(curve[1])) : null;
}

/** Findings that mean no TLS session can be had at all (F), and those that mean the probe itself failed (no grade). */
const NO_TLS = new Set(['starttls-not-offered', 'starttls-refused', 'tls-handshake-failed']);

class Caps {
  readonly reasons: GradeReason[] = [];
  cap(letter: Letter, what: string, findingId?: string): void {
    this.reasons.push({ kind: 'cap', cap: letter, text: `capped at ${letter}: ${what}${findingId ? ` (${findingId})` : ''}`, ...(findingId ? { findingId } : {}) });
  }
  note(text: string, findingId?: string): void {
    this.reasons.push({ kind: 'note', text, ...(findingId ? { findingId } : {}) });
  }
  lowest(): Letter | null {
    let out: Letter | null = null;
    for (const r of this.reasons) if (r.cap && r.cap !== 'T') out = out ? worseOf(out, r.cap) : r.cap;
    return out;
  }
  has(letter: Letter): boolean {
    return this.reasons.some((r) => r.cap === letter);
  }
}

export function gradeEndpoint(result: ProbeResult): EndpointGrade {
  const context = contextOf(result.protocol);
  const opportunistic = context === 'opportunistic';
  const byId = new Map<string, Finding>();
  for (const f of result.findings) if (!byId.has(f.id)) byId.set(f.id, f);
  const base = { target: result.target };

  const noTls = result.findings.find((f) => NO_TLS.has(f.id));
  if (noTls) {
    return { ...base, letter: 'F', score: 0, components: null, reasons: [{ kind: 'cap', cap: 'F', findingId: noTls.id, text: `F: no TLS session is possible: ${noTls.title} (${noTls.id})` }] };
  }
  if (!result.ok || !result.tls) {
    const why = result.findings.find((f) => f.severity === 'error') ?? result.findings[0];
    return { ...base, letter: null, score: null, components: null, reasons: [{ kind: 'note', text: `not graded: the probe did not complete${why ? `: ${why.title} (${why.id})` : ''}`, ...(why ? { findingId: why.id } : {}) }] };
  }

  const caps = new Caps();
  const tables = suiteTablesOf(result);
  const accepted = [...(Object.keys(result.versions) as (keyof typeof result.versions)[]).filter((v) => result.versions[v] === true), ...extraVersionsOf(result)];
  if (!accepted.includes(result.tls.version as never)) accepted.push(result.tls.version as never);
  const protocolScores = accepted.map((v) => PROTOCOL_SCORE[v] ?? 100);
  const protocol = (Math.max(...protocolScores) + Math.min(...protocolScores)) / 2;

  // Cipher strength: every accepted suite when the probe enumerated them, else the negotiated one.
  const negotiated = result.tls.cipherStandardName || result.tls.cipher;
  const facts: (SuiteFacts & { name: string })[] = tables
    ? tables.flatMap((t) => t.suites.map((s) => ({ ...suiteFacts(s.name), name: s.name, bits: s.bits, forwardSecret: s.forwardSecret, aead: s.aead, anonymous: s.anonymous })))
    : [{ name: negotiated, ...suiteFacts(negotiated) }];
  const bits = facts.map((f) => f.bits);
  const cipher = (cipherScore(Math.max(...bits)) + cipherScore(Math.min(...bits))) / 2;

  const leaf = result.certificate?.chain[0];
  const certKey = leaf ? rsaEquivalent(leaf.keyType, leaf.keyBits) : null;
  const groupKey = groupEquivalent(result.tls.group);
  const anonymous = facts.filter((f) => f.anonymous);
  const dhBits = smallestDhBits(result);
  // Anonymous key exchange scores 0 where clients need authentication; on port 25 the authenticated suites count.
  const kxBits = anonymous.length && !opportunistic ? 0 : Math.min(...[certKey, groupKey, dhBits].filter((b): b is number => b !== null), 4096);
  const keyExchange = keyScore(kxBits);

  const score = Math.round(0.3 * protocol + 0.3 * keyExchange + 0.4 * cipher);
  const components = { protocol, keyExchange, cipher };
  const reasons: GradeReason[] = [{ kind: 'score', text: `score ${score} (${letterForScore(score)}): protocol support ${protocol}, key exchange ${keyExchange}, cipher strength ${cipher}${tables ? '' : ' (negotiated suite only: the suites were not enumerated)'}` }];

  // Protocols.
  const legacy = accepted.filter((v) => v === 'TLSv1' || v === 'TLSv1.1' || v === 'SSLv3' || v === 'SSLv2');
  const legacyNames = legacy.map((v) => NAMES[v]).join(' and ');
  if (accepted.includes('SSLv2' as never)) caps.cap('F', 'SSL 2 accepted', idFor(byId, /sslv2/i));
  if (accepted.includes('SSLv3' as never)) caps.cap(opportunistic ? 'B' : 'C', 'SSL 3 accepted', idFor(byId, /sslv3/i));
  if (legacy.some((v) => v === 'TLSv1' || v === 'TLSv1.1')) {
    if (opportunistic) caps.cap('A-', `${legacyNames} accepted; on port 25 a sender that has nothing better would otherwise send plaintext, so not capped at B`, 'tls-legacy-version');
    else caps.cap('B', `${legacyNames} accepted`, 'tls-legacy-version');
  }
  if (result.versions['TLSv1.2'] === false && result.versions['TLSv1.3'] === false) caps.cap('B', 'neither TLS 1.2 nor TLS 1.3 accepted');
  if (byId.has('tls13-not-supported')) {
    if (opportunistic) caps.note('TLS 1.3 not supported: noted, not capped on port 25', 'tls13-not-supported');
    else caps.cap('A-', 'TLS 1.3 not supported', 'tls13-not-supported');
  }

  // Suites (the negotiated one, or all of them when enumerated).
  const suiteWord = tables ? 'accepted suites include' : 'negotiated';
  if (anonymous.length) {
    const names = anonymous.map((f) => f.name).slice(0, 3).join(', ');
    if (opportunistic) caps.cap('A-', `anonymous suites (${names}): on port 25 they still protect against a passive listener, so not capped like on 465, 587 or 993`, idFor(byId, /anon/i));
    else caps.cap('F', `${suiteWord} anonymous suites (${names}): no server authentication`, idFor(byId, /anon/i));
  }
  const nulls = facts.filter((f) => f.bits === 0);
  if (nulls.length) caps.cap('F', `${suiteWord} NULL encryption (${nulls[0]!.name})`, idFor(byId, /null/i));
  const exports = facts.filter((f) => f.export);
  if (exports.length) caps.cap('F', `${suiteWord} EXPORT suites (${exports[0]!.name})`, idFor(byId, /export/i));
  const rc4 = facts.filter((f) => f.rc4);
  if (rc4.length) caps.cap(opportunistic ? 'B' : 'C', `${suiteWord} RC4 (${rc4[0]!.name})`, idFor(byId, /rc4/i));
  const des = facts.filter((f) => f.tripleDes);
  if (des.length) caps.cap(opportunistic ? 'A-' : 'C', `${suiteWord} 3DES (${des[0]!.name}, SWEET32)`, idFor(byId, /3des|sweet32/i));
  const noFs = facts.filter((f) => !f.forwardSecret);
  if (noFs.length) {
    const all = noFs.length === facts.length;
    if (all && !opportunistic) caps.cap('B', `no forward secrecy (${noFs[0]!.name})`, idFor(byId, /forward|(^|-)fs(-|$)|pfs/i));
    else caps.cap('A-', `suites without forward secrecy accepted (${noFs[0]!.name})`, idFor(byId, /forward|(^|-)fs(-|$)|pfs/i));
  }
  const noAead = facts.filter((f) => !f.aead && f.bits > 0);
  if (noAead.length === facts.length && !opportunistic) caps.cap('A-', `no AEAD suite (${noAead[0]!.name})`);

  // The certificate.
  const trustIds = ['cert-untrusted', 'cert-self-signed', 'cert-hostname-mismatch', 'cert-not-yet-valid', 'cert-expired'];
  let trustProblem = false;
  for (const id of trustIds) {
    const f = byId.get(id);
    if (!f) continue;
    if (opportunistic) {
      if (id === 'cert-expired' || id === 'cert-not-yet-valid') caps.cap('B', `${f.title.toLowerCase()}: senders that check (MTA-STS, DANE-TA) refuse it`, id);
      else caps.cap('A-', `${f.title.toLowerCase()}: most senders on port 25 do not check, but MTA-STS senders refuse it (DANE-EE can pin it instead)`, id);
    } else {
      trustProblem = true;
      caps.reasons.push({ kind: 'cap', cap: 'T', findingId: id, text: `T (not trusted): ${f.title.toLowerCase()} (${id}); clients that check refuse the connection` });
    }
  }
  if (byId.has('cert-chain-incomplete')) caps.cap(opportunistic ? 'A-' : 'B', 'the certificate chain is incomplete', 'cert-chain-incomplete');
  const weakKey = byId.get('cert-weak-key');
  if (weakKey) caps.cap(certKey !== null && certKey < 1024 ? 'F' : 'B', `weak certificate key (${leaf?.keyType.toUpperCase()} ${leaf?.keyBits ?? '?'} bits)`, 'cert-weak-key');
  const weakSig = byId.get('cert-weak-signature');
  if (weakSig) caps.cap(/md5/i.test(weakSig.detail) ? 'F' : 'B', `weak certificate signature (${/md5/i.test(weakSig.detail) ? 'MD5' : 'SHA-1'})`, 'cert-weak-signature');

  // The dialog.
  const plainAuth = byId.get('plaintext-auth-before-tls');
  if (plainAuth) caps.cap(opportunistic ? 'B' : 'F', 'password login offered before TLS', 'plaintext-auth-before-tls');
  if (byId.has('starttls-command-injection')) caps.cap(opportunistic ? 'C' : 'F', 'STARTTLS command injection', 'starttls-command-injection');
  if (byId.has('imap-preauth')) caps.cap('F', 'IMAP PREAUTH before TLS', 'imap-preauth');
  if (byId.has('starttls-not-enforced')) caps.cap('C', 'mail accepted before TLS on a submission port', 'starttls-not-enforced');
  // Key exchange: SSL Labs gives F under 1024 bits (Logjam) and caps 1024-2047 at B.
  if (dhBits !== null && dhBits < 2048) caps.cap(dhBits < 1024 ? 'F' : opportunistic ? 'A-' : 'B', `DH parameters of ${dhBits} bits`, idFor(byId, /^dh-/));

  // Any other finding still counts: an error caps at C, a warning at A- (SSL Labs' "warnings").
  const named = new Set(caps.reasons.map((r) => r.findingId).filter(Boolean));
  const ruled = new Set(['dh-weak', ...trustIds, 'tls-legacy-version', 'tls13-not-supported', 'cert-chain-incomplete', 'cert-weak-key', 'cert-weak-signature', 'plaintext-auth-before-tls', 'starttls-command-injection', 'imap-preauth', 'starttls-not-enforced']);
  for (const f of byId.values()) {
    if (named.has(f.id) || ruled.has(f.id)) continue;
    if (f.severity === 'error') caps.cap('C', f.title.toLowerCase(), f.id);
    else if (f.severity === 'warning') caps.cap('A-', f.title.toLowerCase(), f.id);
  }

  let letter: Letter = letterForScore(score);
  const lowest = caps.lowest();
  if (lowest) letter = worseOf(letter, lowest);
  // A+ needs what SSL Labs' "exceptional" means for mail: TLS 1.3, nothing legacy, every suite forward secret and AEAD, no caps.
  if (letter === 'A' && !lowest) {
    const exceptional = tables !== null && result.versions['TLSv1.3'] === true && legacy.length === 0 && facts.every((f) => f.forwardSecret && f.aead);
    if (exceptional) {
      letter = 'A+';
      caps.note('A+: TLS 1.3, no legacy versions, every accepted suite forward secret and AEAD');
    } else if (tables === null) caps.note('A, not A+: the cipher suites were not enumerated, so their strength is not known');
  }
  if (trustProblem) return { ...base, letter: 'T', ifTrusted: letter, score, components, reasons: [...reasons, ...caps.reasons] };
  return { ...base, letter, score, components, reasons: [...reasons, ...caps.reasons] };
}

/** The id of a finding matching `pattern`, so that a cap names it when the probe raised one. */
function idFor(byId: Map<string, Finding>, pattern: RegExp): string | undefined {
  for (const id of byId.keys()) if (pattern.test(id)) return id;
  return undefined;
}
