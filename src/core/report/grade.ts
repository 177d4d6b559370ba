// A letter grade per endpoint, after SSL Labs' SSL Server Rating Guide, adapted to mail (see
// the README's "Grades" section, which this file implements). The numeric score weighs
// protocol support (30 %), key exchange (30 %) and cipher strength (40 %); caps then lower it,
// each naming the finding behind it. Port 25 is opportunistic: there the alternative to weak
// TLS is plaintext, so weaknesses that cap a submission or IMAP port only mark it down to A-.
import type { Finding } from '../findings';
import { contextOf } from '../probe/findings';
import type { ProbeResult } from '../probe/types';
import { versionLabel } from '../probe/versions';
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
  /** Otherwise what was measured, as the text quotes it: "RSA 2048-bit certificate key". */
  fact?: string;
  cap?: Letter;
}

/** What stands behind a reason: a finding of the probe, or a fact it measured. */
type Source = { findingId: string } | { fact: string };

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

/** `what` followed by its source: the finding's id in parentheses, or the fact when `what` does not already quote it. */
function withSource(what: string, source: Source): string {
  if ('findingId' in source) return `${what} (${source.findingId})`;
  return what.includes(source.fact) ? what : `${what} (measured: ${source.fact})`;
}

class Caps {
  readonly reasons: GradeReason[] = [];
  cap(letter: Letter, what: string, source: Source): void {
    this.reasons.push({ kind: 'cap', cap: letter, text: `capped at ${letter}: ${withSource(what, source)}`, ...source });
  }
  note(what: string, source: Source): void {
    this.reasons.push({ kind: 'note', text: withSource(what, source), ...source });
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
    const source: Source = why ? { findingId: why.id } : { fact: result.tls ? 'the capabilities after TLS were not read' : 'no TLS session was established' };
    const what = `not graded: the probe did not complete${why ? `: ${why.title}` : ''}`;
    return { ...base, letter: null, score: null, components: null, reasons: [{ kind: 'note', text: withSource(what, source), ...source }] };
  }

  const caps = new Caps();
  /** The finding `id` when the probe raised it, else the measured fact. */
  const behind = (id: string, fact: string): Source => (byId.has(id) ? { findingId: id } : { fact });
  const tables = suiteTablesOf(result);
  const accepted: string[] = [...(Object.keys(result.versions) as (keyof typeof result.versions)[]).filter((v) => result.versions[v] === true), ...extraVersionsOf(result)];
  if (!accepted.includes(result.tls.version)) accepted.push(result.tls.version);
  const byScore = [...accepted].sort((a, b) => (PROTOCOL_SCORE[a] ?? 100) - (PROTOCOL_SCORE[b] ?? 100));
  const worstVersion = byScore[0]!;
  const bestVersion = byScore[byScore.length - 1]!;
  const protocolOf = (v: string) => PROTOCOL_SCORE[v] ?? 100;
  const protocol = (protocolOf(bestVersion) + protocolOf(worstVersion)) / 2;

  // Cipher strength: every accepted suite when the probe enumerated them, else the negotiated one.
  const negotiated = result.tls.cipherStandardName || result.tls.cipher;
  const facts: (SuiteFacts & { name: string })[] = tables
    ? tables.flatMap((t) => t.suites.map((s) => ({ ...suiteFacts(s.name), name: s.name, bits: s.bits, forwardSecret: s.forwardSecret, aead: s.aead, anonymous: s.anonymous })))
    : [{ name: negotiated, ...suiteFacts(negotiated) }];
  const weakest = facts.reduce((a, b) => (b.bits < a.bits ? b : a));
  const strongest = facts.reduce((a, b) => (b.bits > a.bits ? b : a));
  const cipher = (cipherScore(strongest.bits) + cipherScore(weakest.bits)) / 2;

  const leaf = result.certificate?.chain[0];
  const certKey = leaf ? rsaEquivalent(leaf.keyType, leaf.keyBits) : null;
  const groupKey = groupEquivalent(result.tls.group);
  const anonymous = facts.filter((f) => f.anonymous);
  const dhBits = smallestDhBits(result);
  // Anonymous key exchange scores 0 where clients need authentication; on port 25 the authenticated suites count.
  const anonymousKx = anonymous.length > 0 && !opportunistic;
  const kxBits = anonymousKx ? 0 : Math.min(...[certKey, groupKey, dhBits].filter((b): b is number => b !== null), 4096);
  const keyExchange = keyScore(kxBits);

  const score = Math.round(0.3 * protocol + 0.3 * keyExchange + 0.4 * cipher);
  const components = { protocol, keyExchange, cipher };
  const parts = `protocol support ${protocol}, key exchange ${keyExchange}, cipher strength ${cipher}`;
  const reasons: GradeReason[] = [{ kind: 'score', fact: parts, text: `score ${score} (${letterForScore(score)}): ${parts}${tables ? '' : ' (negotiated suite only: the suites were not enumerated)'}` }];
  // Each component under 100 says what was measured to mark it down.
  const deduction = (what: string, value: number, fact: string) => {
    if (value < 100) reasons.push({ kind: 'score', fact, text: `${what} ${value}: ${fact}` });
  };
  deduction('protocol support', protocol, worstVersion === bestVersion
    ? `only ${versionLabel(worstVersion)} accepted (${protocolOf(worstVersion)})`
    : `worst accepted ${versionLabel(worstVersion)} (${protocolOf(worstVersion)}), best ${versionLabel(bestVersion)} (${protocolOf(bestVersion)})`);
  const limits: string[] = [];
  if (anonymousKx) limits.push(`anonymous key exchange (${anonymous[0]!.name})`);
  else {
    if (certKey !== null && certKey === kxBits && leaf) limits.push(`${leaf.keyType.toUpperCase()} ${leaf.keyBits ?? '?'}-bit certificate key${certKey !== leaf.keyBits ? ` (${certKey}-bit RSA equivalent)` : ''}`);
    if (groupKey !== null && groupKey === kxBits) limits.push(`group ${result.tls.group} (${groupKey}-bit RSA equivalent)`);
    if (dhBits !== null && dhBits === kxBits) limits.push(`DH parameters of ${dhBits} bits`);
  }
  deduction('key exchange', keyExchange, limits.join(' and ') || `${kxBits}-bit key exchange`);
  deduction('cipher strength', cipher, !tables
    ? `negotiated ${negotiated} (${weakest.bits}-bit cipher)`
    : weakest.bits === strongest.bits
      ? `every accepted suite has ${weakest.bits}-bit encryption (${weakest.name})`
      : `weakest accepted suite ${weakest.name} (${weakest.bits} bits), strongest ${strongest.name} (${strongest.bits} bits)`);

  // Protocols.
  const legacy = accepted.filter((v) => v === 'TLSv1' || v === 'TLSv1.1' || v === 'SSLv3' || v === 'SSLv2');
  const tlsLegacy = legacy.filter((v) => v === 'TLSv1' || v === 'TLSv1.1');
  if (accepted.includes('SSLv2')) caps.cap('F', 'SSL 2 accepted', behind('sslv2-accepted', 'SSL 2 accepted'));
  if (accepted.includes('SSLv3')) caps.cap(opportunistic ? 'B' : 'C', 'SSL 3 accepted', behind('sslv3-accepted', 'SSL 3 accepted'));
  if (tlsLegacy.length) {
    const names = `${tlsLegacy.map(versionLabel).join(' and ')} accepted`;
    if (opportunistic) caps.cap('A-', `${names}; on port 25 a sender that has nothing better would otherwise send plaintext, so not capped at B`, behind('tls-legacy-version', names));
    else caps.cap('B', names, behind('tls-legacy-version', names));
  }
  if (result.versions['TLSv1.2'] === false && result.versions['TLSv1.3'] === false) {
    caps.cap('B', 'neither TLS 1.2 nor TLS 1.3 accepted', { fact: `TLS 1.2 and TLS 1.3 handshakes refused; accepted: ${accepted.map(versionLabel).join(', ')}` });
  }
  if (byId.has('tls13-not-supported')) {
    if (opportunistic) caps.note('TLS 1.3 not supported: noted, not capped on port 25', { findingId: 'tls13-not-supported' });
    else caps.cap('A-', 'TLS 1.3 not supported', { findingId: 'tls13-not-supported' });
  }

  // Suites (the negotiated one, or all of them when enumerated).
  const suiteWord = tables ? 'accepted suites include' : 'negotiated';
  if (anonymous.length) {
    const names = anonymous.map((f) => f.name).slice(0, 3).join(', ');
    if (opportunistic) caps.cap('A-', `anonymous suites (${names}): on port 25 they still protect against a passive listener, so not capped like on 465, 587 or 993`, behind('cipher-anonymous', names));
    else caps.cap('F', `${suiteWord} anonymous suites (${names}): no server authentication`, behind('cipher-anonymous', names));
  }
  const nulls = facts.filter((f) => f.bits === 0);
  if (nulls.length) caps.cap('F', `${suiteWord} NULL encryption (${nulls[0]!.name})`, behind('cipher-null', nulls[0]!.name));
  const exports = facts.filter((f) => f.export);
  if (exports.length) caps.cap('F', `${suiteWord} EXPORT suites (${exports[0]!.name})`, behind('cipher-export', exports[0]!.name));
  const rc4 = facts.filter((f) => f.rc4);
  if (rc4.length) caps.cap(opportunistic ? 'B' : 'C', `${suiteWord} RC4 (${rc4[0]!.name})`, behind('cipher-rc4', rc4[0]!.name));
  const des = facts.filter((f) => f.tripleDes);
  if (des.length) caps.cap(opportunistic ? 'A-' : 'C', `${suiteWord} 3DES (${des[0]!.name}, SWEET32)`, behind('cipher-3des', des[0]!.name));
  const noFs = facts.filter((f) => !f.forwardSecret);
  if (noFs.length) {
    const all = noFs.length === facts.length;
    if (all && !opportunistic) caps.cap('B', `no forward secrecy (${noFs[0]!.name})`, behind('cipher-no-forward-secrecy', noFs[0]!.name));
    else caps.cap('A-', `suites without forward secrecy accepted (${noFs[0]!.name})`, behind('cipher-no-forward-secrecy', noFs[0]!.name));
  }
  const noAead = facts.filter((f) => !f.aead && f.bits > 0);
  if (noAead.length === facts.length && !opportunistic) {
    caps.cap('A-', 'no AEAD suite', { fact: tables ? `none of the ${facts.length} accepted suites is GCM, CCM or ChaCha20-Poly1305 (first: ${noAead[0]!.name})` : `negotiated ${noAead[0]!.name}, not GCM, CCM or ChaCha20-Poly1305` });
  }

  // The certificate.
  const trustIds = ['cert-untrusted', 'cert-self-signed', 'cert-hostname-mismatch', 'cert-not-yet-valid', 'cert-expired'];
  let trustProblem = false;
  for (const id of trustIds) {
    const f = byId.get(id);
    if (!f) continue;
    if (opportunistic) {
      if (id === 'cert-expired' || id === 'cert-not-yet-valid') caps.cap('B', `${inSentence(f.title)}: senders that check (MTA-STS, DANE-TA) refuse it`, { findingId: id });
      else caps.cap('A-', `${inSentence(f.title)}: most senders on port 25 do not check, but MTA-STS senders refuse it (DANE-EE can pin it instead)`, { findingId: id });
    } else {
      trustProblem = true;
      caps.reasons.push({ kind: 'cap', cap: 'T', findingId: id, text: `T (not trusted): ${inSentence(f.title)} (${id}); clients that check refuse the connection` });
    }
  }
  if (byId.has('cert-chain-incomplete')) caps.cap(opportunistic ? 'A-' : 'B', 'the certificate chain is incomplete', { findingId: 'cert-chain-incomplete' });
  const weakKey = byId.get('cert-weak-key');
  if (weakKey) caps.cap(certKey !== null && certKey < 1024 ? 'F' : 'B', `weak certificate key (${leaf?.keyType.toUpperCase()} ${leaf?.keyBits ?? '?'} bits)`, { findingId: 'cert-weak-key' });
  const weakSig = byId.get('cert-weak-signature');
  if (weakSig) caps.cap(/md5/i.test(weakSig.detail) ? 'F' : 'B', `weak certificate signature (${/md5/i.test(weakSig.detail) ? 'MD5' : 'SHA-1'})`, { findingId: 'cert-weak-signature' });

  // The dialog.
  if (byId.has('plaintext-auth-before-tls')) caps.cap(opportunistic ? 'B' : 'F', 'password login offered before TLS', { findingId: 'plaintext-auth-before-tls' });
  if (byId.has('starttls-command-injection')) caps.cap(opportunistic ? 'C' : 'F', 'STARTTLS command injection', { findingId: 'starttls-command-injection' });
  if (byId.has('imap-preauth')) caps.cap('F', 'IMAP PREAUTH before TLS', { findingId: 'imap-preauth' });
  if (byId.has('starttls-not-enforced')) caps.cap('C', 'mail accepted before TLS on a submission port', { findingId: 'starttls-not-enforced' });
  // Key exchange: SSL Labs gives F under 1024 bits (Logjam) and caps 1024-2047 at B.
  if (dhBits !== null && dhBits < 2048) caps.cap(dhBits < 1024 ? 'F' : opportunistic ? 'A-' : 'B', `DH parameters of ${dhBits} bits`, behind('dh-weak', `DH parameters of ${dhBits} bits`));

  // Any other finding still counts: an error caps at C, a warning at A- (SSL Labs' "warnings").
  const named = new Set(caps.reasons.map((r) => r.findingId).filter(Boolean));
  const ruled = new Set(['dh-weak', ...trustIds, 'tls-legacy-version', 'tls13-not-supported', 'cert-chain-incomplete', 'cert-weak-key', 'cert-weak-signature', 'plaintext-auth-before-tls', 'starttls-command-injection', 'imap-preauth', 'starttls-not-enforced']);
  for (const f of byId.values()) {
    if (named.has(f.id) || ruled.has(f.id)) continue;
    if (f.severity === 'error') caps.cap('C', inSentence(f.title), { findingId: f.id });
    else if (f.severity === 'warning') caps.cap('A-', inSentence(f.title), { findingId: f.id });
  }

  let letter: Letter = letterForScore(score);
  const lowest = caps.lowest();
  if (lowest) letter = worseOf(letter, lowest);
  // A+ needs what SSL Labs' "exceptional" means for mail: TLS 1.3, nothing legacy, every suite forward secret and AEAD, no caps.
  if (letter === 'A' && !lowest) {
    const exceptional = tables !== null && result.versions['TLSv1.3'] === true && legacy.length === 0 && facts.every((f) => f.forwardSecret && f.aead);
    if (exceptional) {
      letter = 'A+';
      caps.note('A+: TLS 1.3, no legacy versions, every accepted suite forward secret and AEAD', { fact: `${accepted.map(versionLabel).join(' and ')} accepted; ${facts.length} suites, all forward secret and AEAD` });
    } else if (tables === null) caps.note('A, not A+: the cipher suites were not enumerated, so their strength is not known', { fact: 'the cipher suites were not enumerated' });
    else {
      const plain = facts.find((f) => !f.forwardSecret || !f.aead);
      const why = result.versions['TLSv1.3'] !== true ? 'TLS 1.3 not accepted' : plain ? `accepted suites include ${plain.name}, not ${plain.forwardSecret ? 'AEAD' : 'forward secret'}` : null;
      if (why) caps.note('A, not A+', { fact: why });
    }
  }
  if (trustProblem) return { ...base, letter: 'T', ifTrusted: letter, score, components, reasons: [...reasons, ...caps.reasons] };
  return { ...base, letter, score, components, reasons: [...reasons, ...caps.reasons] };
}

/** A finding's title inside a sentence: "Certificate expired" → "certificate expired"; "TLSv1: …" and "DH parameters …" keep their capitals. */
function inSentence(title: string): string {
  return /^[A-Z][a-z]/.test(title) ? title[0]!.toLowerCase() + title.slice(1) : title;
}
