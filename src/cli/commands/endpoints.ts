// `mail-tls endpoints <file|dir...> [--json]`: the probe targets a config listens on.
import { displayPath, loadConfigs, parseConfigArgs } from '../configArgs';
import { CliIo, EXIT_OK } from '../io';

const HELP = `usage: mail-tls endpoints <file|dir...> [--json]

Lists every endpoint the Postfix and Dovecot configs listen on, as probe targets
(smtp://, submission://, smtps://, imap://, imaps://, pop3://, pop3s://, sieve://),
with the line that declares it. Feed them to 'mail-tls probe'.

Postfix hosts: a host:port service uses its host; otherwise each inet_interfaces entry,
where 'all' becomes myhostname when main.cf sets it (else 127.0.0.1) and
'loopback-only'/'localhost' become 127.0.0.1.
`;

export async function endpointsCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseConfigArgs(args);
  if (parsed.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  // Certificate files play no part in where a server listens.
  const analyses = loadConfigs(parsed.paths, { ...parsed.options, checkCertificateFiles: false });
  const endpoints = analyses.flatMap((a) => a.endpoints);
  if (parsed.json) {
    const rows = endpoints.map((e) => ({ target: e.target, protocol: e.protocol, tlsMode: e.tlsMode, server: e.server, service: e.service, file: e.range.file, line: e.range.start.line + 1, column: e.range.start.character + 1 }));
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT_OK;
  }
  const width = Math.max(0, ...endpoints.map((e) => e.target.length));
  const swidth = Math.max(0, ...endpoints.map((e) => e.service.length));
  for (const e of endpoints) {
    io.stdout(`${e.target.padEnd(width)}  ${e.tlsMode.padEnd(8)}  ${e.server.padEnd(7)}  ${e.service.padEnd(swidth)}  ${displayPath(e.range.file)}:${e.range.start.line + 1}\n`);
  }
  if (endpoints.length === 0) io.stderr('no endpoints: the configs listen on no TCP port\n');
  return EXIT_OK;
}
