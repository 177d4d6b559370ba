// Joins the cipher scan of probed endpoints with the cipher settings their config declares: each
// class of weak suite the live server accepted (anonymous, NULL, EXPORT, RC4, 3DES, no forward
// secrecy), DH primes under 2048 bits and weak suites a client may pick, reported at the setting
// that lets them in, with the edit that keeps them out. One finding per setting and class: the
// endpoints that share a setting line (and a severity) share its message. The severities are
// the probe's own (../probe/cipherFindings.ts), weighed by each endpoint's port. Pure.
import { SEVERITY_ORDER, type Severity } from '../findings';
import { dhSeverity, orderSeverity, weakWithoutOrder, WEAK_SUITE_CLASSES } from '../probe/cipherFindings';
import { contextOf } from '../probe/findings';
import type { ProbeResult, SuiteResult } from '../probe/types';
import { excludeFix, exclusionSetting, missingTokens, orderFix, serverOrderWins, type Fix } from './cipherFixes';
import type { CipherSetting, EndpointCiphers } from './cipherSettings';
import type { JoinEndpoint } from './joinFindings';
import type { LiveFinding } from './types';

export const WEAK_SUITE_ID = 'live-weak-suite-via-config';
export const WEAK_DH_ID = 'live-weak-dh-via-config';
export const ORDER_ID = 'live-cipher-order-via-config';

/** One endpoint's contribution to a finding before endpoints sharing the setting are merged. */
interface Part {
  id: string;
  explains: string;
  severity: Severity;
  setting: CipherSetting;
  target: string;
  port: string;
  /** Suite name -> versions that accepted it. */
  suites: Map<string, string[]>;
  describe(ports: string, suites: string): string;
  fix?: Fix;
}

export function joinCiphers(probed: readonly { endpoint: JoinEndpoint; result: ProbeResult }[]): LiveFinding[] {
  const parts = probed.flatMap(({ endpoint, result }) => (endpoint.ciphers && result.ciphers ? partsOf(endpoint.target, endpoint.ciphers, result) : []));
  const groups = new Map<string, Part[]>();
  for (const part of parts) {
    const { file, start } = part.setting.range;
    const key = `${part.id}|${part.explains}|${part.severity}|${file}|${start.line}:${start.character}|${part.setting.name}`;
    groups.set(key, [...(groups.get(key) ?? []), part]);
  }
  const out: LiveFinding[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const suites = new Map<string, string[]>();
    for (const p of group) for (const [name, versions] of p.suites) suites.set(name, [...new Set([...(suites.get(name) ?? []), ...versions])]);
    const ports = [...new Set(group.map((p) => `:${p.port}`))];
    const message = first.describe(ports.length > 1 ? `${ports.slice(0, -1).join(', ')} and ${ports.at(-1)}` : ports[0]!, suiteList(suites));
    // One copy per endpoint, so each endpoint's probe finding leads to this line; the copies are
    // equal in all but the target, and the Problems panel shows them once (./mergeFindings.ts).
    for (const target of new Set(group.map((p) => p.target))) {
      const finding: LiveFinding = { id: first.id, severity: first.severity, message, range: first.setting.range, docUrl: first.setting.docUrl, target, explains: first.explains };
      if (first.fix) finding.fix = first.fix;
      out.push(finding);
    }
  }
  return out.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

function partsOf(target: string, ciphers: EndpointCiphers, result: ProbeResult): Part[] {
  const parts: Part[] = [];
  const port = /:(\d+)$/.exec(target)?.[1] ?? '?';
  const versions = result.ciphers!.versions.filter((v) => v.accepted);
  const list = ciphers.settings.find((s) => s.role === 'list');
  const grade = ciphers.settings.find((s) => s.role === 'grade');
  const exclusion = exclusionSetting(ciphers);
  const collect = (test: (s: SuiteResult) => boolean) => {
    const found = new Map<string, string[]>();
    for (const v of versions) for (const s of v.suites) if (test(s)) found.set(s.openssl, [...(found.get(s.openssl) ?? []), v.version]);
    return found;
  };

  if (list) {
    for (const cls of WEAK_SUITE_CLASSES) {
      const suites = collect(cls.test);
      if (suites.size === 0) continue;
      const matching = versions.flatMap((v) => v.suites.filter(cls.test));
      const tokens = cls.exclude(matching);
      const fix = excludeFix(ciphers, tokens);
      const harmless = cls.id === 'cipher-anonymous' && contextOf(result.protocol) === 'opportunistic'
        ? ' On an MX port this is common and harmless against a passive eavesdropper; drop them anyway if you like.' : '';
      const advice = adviceFor(ciphers, exclusion, tokens);
      parts.push({
        id: WEAK_SUITE_ID, explains: cls.id, severity: cls.severity(result.protocol), setting: list, target, port, suites, fix,
        describe: (ports, names) => `The server on ${ports} accepted ${suites.size} ${cls.label} suite(s) through ${through(list, ciphers)}${grade ? ` (picked by ${grade.name} = ${grade.value})` : ''}: ${names}.${harmless} ${advice}`,
      });
    }
  }

  const dh = ciphers.settings.find((s) => s.role === 'dh');
  const small = collect((s) => s.dhBits !== null && s.dhBits < 2048);
  if (dh && small.size > 0) {
    const suites = versions.flatMap((v) => v.suites.filter((s) => s.dhBits !== null && s.dhBits < 2048));
    const smallest = Math.min(...suites.map((s) => s.dhBits!));
    const anonOnly = suites.every((s) => s.auth === 'anon');
    const where = dh.explicit ? `${dh.name} = ${dh.value}` : `${dh.name} unset (${dh.value ? `the default, ${dh.value}` : 'the default'}): OpenSSL sizes the prime by the suite`;
    parts.push({
      id: WEAK_DH_ID, explains: 'dh-weak', severity: dhSeverity(result.protocol, smallest), setting: dh, target, port, suites: small,
      describe: (ports, names) => `DHE on ${ports} used primes of ${[...new Set(suites.map((s) => s.dhBits))].sort((a, b) => a! - b!).join(' and ')} bits with ${where}: ${names}. ` +
        (anonOnly ? 'They are all anonymous suites: excluding aNULL removes them.' : `Give ${dh.name} parameters of 2048 bits or more (Logjam).`),
    });
  }

  const order = ciphers.settings.find((s) => s.role === 'order');
  const loose = versions.filter((v) => weakWithoutOrder(v).length > 0);
  if (order && loose.length > 0) {
    const suites = new Map<string, string[]>();
    for (const v of loose) for (const s of weakWithoutOrder(v)) suites.set(s.openssl, [...(suites.get(s.openssl) ?? []), v.version]);
    const enforced = serverOrderWins(order);
    parts.push({
      id: ORDER_ID, explains: 'cipher-order-not-enforced', severity: orderSeverity(result.protocol), setting: order, target, port, suites, fix: orderFix(ciphers),
      describe: (ports, names) => `The server on ${ports} follows the client's order (${loose.map((v) => v.version).join(', ')}) and accepts ${suites.size} weak suite(s): ${names}. ` +
        (enforced
          ? `${order.name} = ${order.value} says the server's order wins: the running server may use another config or not have been reloaded.`
          : `With ${valueText(order)} a client that prefers them gets them: remove the weak suites, or let the server's order win.`),
    });
  }
  return parts;
}

function adviceFor(ciphers: EndpointCiphers, exclusion: CipherSetting | undefined, tokens: readonly string[]): string {
  if (!exclusion) return '';
  const missing = missingTokens(ciphers, tokens);
  if (missing.length === 0) {
    const written = ciphers.settings.filter((s) => (s.role === 'exclude' || s === exclusion) && s.value).map((s) => `${s.name} = ${s.value}`);
    return `${written.join(' and ') || exclusion.name} already exclude${written.length > 1 ? '' : 's'} them: the running server may use another config or not have been reloaded.`;
  }
  if (ciphers.server === 'dovecot') {
    return exclusion.explicit
      ? `Add ${missing.map((t) => `:!${t}`).join('')} to ssl_cipher_list.`
      : 'Dovecot\'s default ssl_cipher_list excludes them: the running server may use another config or a system-wide OpenSSL policy; set ssl_cipher_list with ' + missing.map((t) => `!${t}`).join(':') + '.';
  }
  return exclusion.explicit
    ? `Add ${missing.join(', ')} to ${exclusion.name} (now ${exclusion.value || 'empty'}).`
    : `Add ${exclusion.name} = ${missing.join(', ')}.`;
}

function through(setting: CipherSetting, ciphers: EndpointCiphers): string {
  const named = `${setting.name} = ${short(setting.value)}`;
  const via = setting.via ? `tlsproxy's ${setting.via}, which defaults to it` : '';
  if (setting.explicit) return via ? `${named} (${via})` : named;
  return `${named} (${ciphers.server === 'postfix' ? 'Postfix' : 'Dovecot'}'s default${via ? `; ${via}` : ''})`;
}

function valueText(setting: CipherSetting): string {
  return setting.explicit ? `${setting.name} = ${setting.value}` : `${setting.name} = ${setting.value} (the default)`;
}

function short(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** `A, B, C and 9 more (TLSv1, TLSv1.2)`: the first suites and the versions that accepted any. */
function suiteList(suites: ReadonlyMap<string, string[]>, limit = 4): string {
  const names = [...suites.keys()];
  const versions = [...new Set([...suites.values()].flat())];
  const shown = names.slice(0, limit).join(', ') + (names.length > limit ? ` and ${names.length - limit} more` : '');
  return `${shown} (${versions.join(', ')})`;
}
