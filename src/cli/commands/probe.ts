// `mail-tls probe <target...>`: probes mail endpoints and prints a report or JSON.
import { hasError } from '../../core/findings';
import { parseTarget, probeMany } from '../../core/probe';
import type { ProbeResult, ProbeTarget } from '../../core/probe/types';
import { CliIo, EXIT_FINDINGS, EXIT_OK, UsageError } from '../io';
import { caOption, checkEhlo, parseCommandLine, positiveInteger, timeoutOption, writeHtmlReport } from '../options';
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

function parse(args: string[]) {
  return parseCommandLine(args, {
    json: { type: 'boolean' },
    html: { type: 'string' },
    ca: { type: 'string' },
    'ca-file': { type: 'string' },
    servername: { type: 'string' },
    ehlo: { type: 'string' },
    timeout: { type: 'string' },
    'no-versions': { type: 'boolean' },
    'no-injection': { type: 'boolean' },
    ciphers: { type: 'boolean' },
    'no-ciphers': { type: 'boolean' },
    'max-connections': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
}

export async function probeCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args);
  if (values.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError("give at least one target, e.g. smtp://mx.example.org (see 'mail-tls probe --help')");
  const targets: ProbeTarget[] = positionals.map((p) => {
    try {
      return parseTarget(p);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  });
  const { caFile, caPem } = caOption(values);
  if (values.servername !== undefined && !/^[A-Za-z0-9_.:-]+$/.test(values.servername)) throw new UsageError(`--servername '${values.servername}' is not a host name`);
  checkEhlo(values.ehlo);
  if (values.ciphers && values['no-ciphers']) throw new UsageError('give --ciphers or --no-ciphers, not both');
  // A full scan is many connections: by default only when one endpoint was named.
  const ciphers = values.ciphers ?? (values['no-ciphers'] ? false : targets.length === 1);
  const timeouts = timeoutOption('--timeout', values.timeout);
  const perHostConnections = positiveInteger('--max-connections', values['max-connections']);

  // Network trouble is a finding; anything thrown here is a runtime failure (exit 3).
  const results: ProbeResult[] = await probeMany(targets, {
    servername: values.servername,
    caFile,
    caPem,
    ehloName: values.ehlo,
    enumerateVersions: !values['no-versions'],
    checkInjection: !values['no-injection'],
    ciphers,
    perHostConnections,
    timeouts,
  });

  if (values.html !== undefined) {
    // The report renderer is loaded only when a report is asked for.
    const { renderReportHtml, reportInput } = await import('../../core/report/index.js');
    writeHtmlReport(values.html, renderReportHtml(reportInput(results)), io);
  }
  if (values.json) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
  else io.stdout(results.map(formatResult).join('\n'));
  return results.some((r) => hasError(r.findings)) ? EXIT_FINDINGS : EXIT_OK;
}
