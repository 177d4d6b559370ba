/** TLS-RPT (RFC 8460): the `_smtp._tls` TXT record and its `rua` report targets. */

export interface TlsRptTxt {
  /** Records starting with `v=TLSRPTv1`. */
  records: string[];
  rua: string[];
  problems: string[];
}

/** Reads the TXT strings at `_smtp._tls.<domain>`. */
export function parseTlsRpt(texts: readonly string[]): TlsRptTxt {
  const records = texts.filter((t) => /^v=TLSRPTv1(;|\s*$)/.test(t.trim()));
  const problems: string[] = [];
  if (records.length !== 1) return { records, rua: [], problems };
  let ruaField: string | null = null;
  for (const part of records[0]!.split(';').slice(1)) {
    const m = /^\s*([A-Za-z0-9_.-]+)\s*=\s*(.*?)\s*$/.exec(part);
    if (m?.[1] === 'rua') ruaField = m[2]!;
    else if (!m && part.trim() !== '') problems.push(`'${part.trim()}' is not a key=value field`);
  }
  if (ruaField === null) return { records, rua: [], problems: [...problems, 'the rua field is missing: reports go nowhere'] };
  const rua = ruaField.split(',').map((u) => u.trim()).filter(Boolean);
  for (const target of rua) {
    if (/^mailto:[^@\s]+@[^@\s]+\.[^@\s]+$/i.test(target)) continue;
    if (/^https:\/\/[^\s/]+/i.test(target)) continue;
    problems.push(`rua target '${target}' is neither mailto:address nor an https:// URL`);
  }
  if (rua.length === 0) problems.push('the rua field is empty: reports go nowhere');
  return { records, rua, problems };
}
