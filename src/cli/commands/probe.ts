// `mail-tls probe <target...>`: probes mail endpoints and prints a report or JSON.
import { hasError } from '../../core/findings';
import { parseTarget, probeMany } from '../../core/probe';
import type { ProbeResult } from '../../core/probe/types';
import { CliIo, EXIT_FINDINGS, EXIT_OK, UsageError } from '../io';
import { parseProbingCommand, probeSettings, writeHtmlReport } from '../options';
import { formatResult } from '../probeReport';

const HELP = `usage: mail-tls probe <target...> [options]

Targets are URLs; the port defaults to the protocol's own:
  smtp://host[:25]  submission://host[:587]  lmtp://host[:24]     (STARTTLS)
  smtps://host[:465]  imaps://host[:993]  pop3s://host[:995]     (implicit TLS)
  imap://host[:143]  pop3://host[:110]  sieve://host[:4190]      (STARTTLS/STLS)
IPv6 addresses go in brackets: imaps://[::1].

options:
  --json               print the results as a JSON array
  --html FILE          also write the visual report (grades, dialog timeline, chain, findings)
                       as one self-contained HTML file
  --ca FILE            also trust the CA certificates in FILE (PEM); alias --ca-file
  --servername NAME    name for SNI and the certificate check (default: the target's host)
  --ehlo NAME          name sent in EHLO/LHLO (default: this machine's FQDN, else
                       mail-tls-inspector.localdomain)
  --timeout MS         limit for each phase (connect, greeting, each command, handshake);
                       the whole probe gets 4 times as long (default 5000 to 15000 per phase)
  --no-versions        do not try TLS 1.0 to 1.3 one by one
  --no-injection       skip the STARTTLS command injection test
  --ciphers            list every accepted cipher suite per version (SSLv2 to TLS 1.3), the
                       groups, DH sizes, TLS_FALLBACK_SCSV and secure renegotiation; about one
                       connection per accepted suite (default: on for a single target)
  --no-ciphers         skip that scan (default with several targets)
  --max-connections N  connections open at once per host, all targets together (default 2)
  -h, --help           show this help

Exit status: 0 no error finding, 1 an error finding, 2 bad arguments, 3 a runtime failure.
`;

/** Beside the options every probing command takes (PROBE_OPTIONS). */
const OWN_OPTIONS = {
  servername: { type: 'string' },
  ciphers: { type: 'boolean' },
  'no-ciphers': { type: 'boolean' },
} as const;

export async function probeCommand(args: string[], io: CliIo): Promise<number> {
  const line = parseProbingCommand(args, io, {
    help: HELP,
    options: OWN_OPTIONS,
    missing: "give at least one target, e.g. smtp://mx.example.org (see 'mail-tls probe --help')",
    operand: parseTarget,
  });
  if (!line) return EXIT_OK;
  const { values, operands: targets } = line;
  const settings = probeSettings(values);
  if (values.ciphers && values['no-ciphers']) throw new UsageError('give --ciphers or --no-ciphers, not both');
  // A full scan is many connections: by default only when one endpoint was named.
  const ciphers = values.ciphers ?? (values['no-ciphers'] ? false : targets.length === 1);

  // Network trouble is a finding; anything thrown here is a runtime failure (exit 3).
  const results: ProbeResult[] = await probeMany(targets, { ...settings, ciphers });

  if (values.html !== undefined) {
    // The report renderer is loaded only when a report is asked for.
    const { renderReportHtml, reportInput } = await import('../../core/report/index.js');
    writeHtmlReport(values.html, renderReportHtml(reportInput(results)), io);
  }
  if (values.json) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
  else io.stdout(results.map(formatResult).join('\n'));
  return results.some((r) => hasError(r.findings)) ? EXIT_FINDINGS : EXIT_OK;
}
