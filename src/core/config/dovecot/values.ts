/** Value validation as Dovecot 2.3 does it, and did-you-mean for misspelt setting names. */
import { isTemplateValue } from '../templates';
import { isIP } from 'node:net';
import type { SectionNode, SettingNode } from './document';
import { KNOWN_SETTINGS_23 } from './known23';

const MIN_PROTOCOLS = new Set(['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3', 'ANY', 'LATEST']);
const BOOLEANS = new Set(['disable_plaintext_auth', 'auth_allow_cleartext', 'ssl_prefer_server_ciphers', 'ssl_require_crl', 'ssl_verify_client_cert', 'verbose_ssl', 'ssl_server_require_crl', 'ssl_client_require_valid_cert', 'haproxy']);

/** Dovecot's boolean parser: `yes`, `y` (any case) and `1` are true, `no` (any case) is false. */
export function parseDovecotBool(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (v === 'yes' || v === 'y' || value === '1') return true;
  if (v === 'no') return false;
  return undefined;
}

/** Why Dovecot rejects this value, or undefined when it takes it. */
export function invalidValue(node: SettingNode, sections: SectionNode[]): string | undefined {
  const n = node.name;
  const inListener = sections[sections.length - 1]?.type === 'inet_listener';
  if (isTemplateValue(node.value)) return undefined;
  // Only a token starting with `$` is a reference; `10$993` stays literal text.
  if (node.valueKind === 'variable' && node.value.split(/[ \t]+/).some((t) => t.startsWith('$'))) return undefined;
  if (inListener && n === 'port') {
    const port = /^\d+$/.test(node.value) ? Number(node.value) : NaN;
    return port >= 0 && port <= 65535 ? undefined : `port must be a number from 0 to 65535; Dovecot refuses "${node.value}".`;
  }
  if ((BOOLEANS.has(n) || (inListener && n === 'ssl')) && parseDovecotBool(node.value) === undefined) return `${n} is yes or no; Dovecot refuses "${node.value}".`;
  if (!inListener && n === 'ssl' && !['yes', 'no', 'required'].includes(node.value)) return `ssl is no, yes or required (lower case); Dovecot refuses "${node.value}".`;
  if (n === 'ssl_min_protocol' && !MIN_PROTOCOLS.has(node.value)) return `ssl_min_protocol "${node.value}" is not a protocol name (TLSv1.2, TLSv1.3, ...): the login processes fail to set up TLS.`;
  if (n === 'ssl_server_prefer_ciphers' && !['client', 'server'].includes(node.value)) return `ssl_server_prefer_ciphers is client or server; Dovecot refuses "${node.value}".`;
  return undefined;
}

/** Why a `local`/`remote` filter's network is unusable, or undefined: something shaped like an address must be one. */
export function invalidNetwork(value: string): string | undefined {
  const [net = '', bits, extra] = value.replace(/^\[(.*)\]$/, '$1').split('/');
  const family = isIP(net);
  if (extra !== undefined) return `"${value}" is not a network.`;
  if (!family) return /^[\d.]+$/.test(net) || (net.includes(':') && /^[\da-f:.]+$/i.test(net)) ? `"${net}" looks like an address but is not one: Dovecot looks it up as a host name and fails to start.` : undefined;
  if (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32))) return `"/${bits}" is not a prefix length for ${net}.`;
  return undefined;
}

/** The known name nearest to a misspelt one (edit distance 2 at most, and unambiguous). */
export function closestName(name: string, candidates: Iterable<string> = KNOWN_SETTINGS_23): string | undefined {
  const MAX = 2;
  let best: string | undefined;
  let bestDistance = MAX + 1;
  let tie = false;
  for (const known of candidates) {
    if (Math.abs(known.length - name.length) > Math.min(MAX, bestDistance)) continue;
    const d = editDistance(name, known, bestDistance + 1);
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance && best !== undefined) tie = true;
  }
  return tie ? undefined : best;
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot stay below `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, cur[j]!);
    }
    if (rowMin >= limit) return limit;
    prev = cur;
  }
  return prev[b.length]!;
}
