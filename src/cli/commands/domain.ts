// `mail-tls domain <domain...>`: a domain's mail (MX, SRV, DNSSEC, DANE, MTA-STS, TLS-RPT).
import { parseResolver } from '../../core/dns/client';
import { checkDomain, everyFinding, normalDomain } from '../../core/domain';
import type { DomainResult } from '../../core/domain/types';
import { domainReportInput, renderReportHtml } from '../../core/report';
import { CliIo, EXIT_FINDINGS, EXIT_OK, UsageError } from '../io';
import { parseProbingCommand, positiveInteger, probeSettings, writeHtmlReport } from '../options';
import { formatDomain } from '../domainReport';

const HELP = `usage: mail-tls domain <domain...> [options]

Finds the domain's MX hosts (in preference order, every IPv4 and IPv6 address) and its
submission, IMAP, POP3 and ManageSieve hosts from SRV records, probes each on its port, and
checks DNSSEC, DANE (TLSA at _25._tcp.<mx>), MTA-STS and TLS-RPT.

options:
  --json               print the results as a JSON array
  --html FILE          also write the visual report (the domain graded as its weakest MX, each
                       endpoint's grade, dialog, chain and findings) as one self-contained file
  --resolver IP[:PORT] the DNS resolver to ask (default: the system's); it should validate
                       DNSSEC, or nothing can be reported as secure
  --no-probe           DNS and MTA-STS only: no SMTP, IMAP or POP3 connection
  --ca FILE            also trust the CA certificates in FILE (PEM), for the probes and the
                       MTA-STS policy fetch; alias --ca-file
  --ehlo NAME          name sent in EHLO (default: this machine's FQDN)
  --timeout MS         limit for each phase of a probe; the whole probe gets 4 times as long
  --dns-timeout MS     limit for each DNS attempt (default 2000; two attempts)
  --no-versions        do not try TLS 1.0 to 1.3 one by one
  --no-injection       skip the STARTTLS command injection test
  --max-connections N  connections open at once per address (default 2)
  -h, --help           show this help

Exit status: 0 no error finding, 1 an error finding, 2 bad arguments, 3 a runtime failure.
`;

/** Beside the options every probing command takes (PROBE_OPTIONS). */
const OWN_OPTIONS = {
  resolver: { type: 'string' },
  'no-probe': { type: 'boolean' },
  'dns-timeout': { type: 'string' },
} as const;

export async function domainCommand(args: string[], io: CliIo): Promise<number> {
  const line = parseProbingCommand(args, io, {
    help: HELP,
    options: OWN_OPTIONS,
    missing: "give at least one domain, e.g. example.org (see 'mail-tls domain --help')",
    operand: normalDomain,
  });
  if (!line) return EXIT_OK;
  const { values, operands: domains } = line;
  if (values.resolver !== undefined) {
    try {
      parseResolver(values.resolver);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  const { caPem, ehloName, enumerateVersions, checkInjection, perHostConnections, timeouts } = probeSettings(values);
  const dnsTimeout = positiveInteger('--dns-timeout', values['dns-timeout']);

  const results: DomainResult[] = [];
  // One domain after another: each already runs its lookups and probes side by side.
  for (const domain of domains) {
    results.push(await checkDomain(domain, {
      resolvers: values.resolver ? [values.resolver] : undefined,
      dnsTimeout,
      probe: !values['no-probe'],
      caPem,
      ehloName,
      enumerateVersions,
      checkInjection,
      perHostConnections,
      timeouts,
    }));
  }
  if (values.html !== undefined) writeHtmlReport(values.html, renderReportHtml(domainReportInput(results)), io);
  if (values.json) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
  else io.stdout(results.map(formatDomain).join('\n'));
  return results.some((r) => everyFinding(r).some((f) => f.severity === 'error')) ? EXIT_FINDINGS : EXIT_OK;
}
