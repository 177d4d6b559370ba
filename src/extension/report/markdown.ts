// Probe results as Markdown (for the clipboard) and as a plain transcript. Pure: no vscode.
import type { CipherScan, ProbeResult } from '../../core/probe/types';
import { TLS_VERSIONS } from '../../core/probe/versions';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function resultToMarkdown(result: ProbeResult): string {
  const lines = [`## ${result.target}`, ''];
  lines.push(`- Probed: ${result.startedAt} (${result.timings.total} ms)`);
  lines.push(`- Outcome: ${result.ok ? 'TLS session established' : 'no TLS session'}`);
  if (result.address) lines.push(`- Address: ${result.address}`);
  if (result.tls) {
    const extra = [result.tls.group, result.tls.alpn].filter(Boolean).join(', ');
    lines.push(`- Negotiated: ${result.tls.version}, ${result.tls.cipher}${extra ? ` (${extra})` : ''}`);
  }
  lines.push(`- Versions: ${TLS_VERSIONS.map((v) => `${v} ${versionMark(result.versions[v])}`).join(', ')}`);
  const cert = result.certificate;
  if (cert) {
    lines.push(`- Certificate: ${cert.trusted ? 'trusted' : `not trusted (${cert.validationError ?? 'unknown reason'})`}, ` +
      `hostname ${cert.hostnameMatches ? 'matches' : 'does not match'}, ${cert.daysLeft} days left`);
    lines.push('', '| # | Subject | Issuer | Expires | SHA-256 |', '|---|---|---|---|---|');
    cert.chain.forEach((c, i) => lines.push(`| ${i} | ${cell(c.subject)} | ${cell(c.issuer)} | ${c.notAfter} | \`${c.fingerprint256}\` |`));
  }
  if (result.ocsp) {
    const o = result.ocsp;
    lines.push('', `- OCSP: ${o.stapled ? `stapled, ${o.certStatus ?? o.responseStatus}, ${o.verified ? 'verified' : `not verified (${o.problem ?? '?'})`}, ${o.thisUpdate} to ${o.nextUpdate ?? '?'}` : 'no staple'}${o.mustStaple ? ' (Must-Staple certificate)' : ''}`);
  }
  if (result.ciphers) lines.push(...cipherMarkdown(result.ciphers));
  lines.push('', '### Findings', '');
  if (result.findings.length === 0) lines.push('None.');
  else {
    lines.push('| Severity | Id | Finding |', '|---|---|---|');
    for (const f of result.findings) lines.push(`| ${f.severity} | \`${f.id}\` | ${cell(f.title)}: ${cell(f.detail)} |`);
  }
  return lines.join('\n') + '\n';
}

export function resultsToMarkdown(results: readonly ProbeResult[]): string {
  return ['# Mail TLS report', '', ...results.map(resultToMarkdown)].join('\n');
}

function versionMark(accepted: boolean | null): string {
  return accepted === true ? 'yes' : accepted === false ? 'no' : 'unknown';
}

export function transcriptText(result: ProbeResult): string {
  const arrow = { client: 'C:', server: 'S:', info: '--' } as const;
  const header = `# ${result.target}  (${result.startedAt})\n`;
  const body = result.transcript.map((e) => `${String(e.at).padStart(6)} ms ${arrow[e.direction]} ${e.text}`);
  return header + body.join('\n') + '\n';
}

/** The cipher scan: one table per accepted version, suites in the server's order. */
export function cipherMarkdown(scan: CipherScan): string[] {
  const lines = ['', '### Cipher suites', ''];
  const yn = (v: boolean | null) => (v === null ? 'n/a' : v ? 'yes' : 'no');
  lines.push(`- Groups: ${scan.groups.join(', ') || 'none seen'}`, `- TLS_FALLBACK_SCSV: ${yn(scan.fallbackScsv)}; secure renegotiation: ${yn(scan.secureRenegotiation)}; ${scan.connections} connections`);
  for (const v of scan.versions) {
    if (!v.accepted) continue;
    const order = v.serverOrder === null ? '' : v.serverOrder ? ' (server order)' : ' (client order)';
    lines.push('', `**${v.version}**${order}${v.complete ? '' : ' (incomplete)'}`, '', '| Code | OpenSSL name | Key exchange | Grade |', '|---|---|---|---|');
    for (const s of v.suites) lines.push(`| ${s.hex} | \`${cell(s.openssl)}\` | ${cell(s.keyExchange ?? s.kx)} | ${s.grade} |`);
  }
  return lines;
}
