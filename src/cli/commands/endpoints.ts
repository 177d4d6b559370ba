// `mail-tls endpoints <file|dir...> [--json]`: the probe targets a config listens on.
import { displayPath, loadConfigs, parseConfigArgs } from '../configArgs';
import { describedHostLine, endpointLabel } from '../hostText';
import { CliIo, EXIT_OK } from '../io';

const HELP = `usage: mail-tls endpoints <file|dir...> [options]

Lists every endpoint the Postfix and Dovecot configs listen on, as probe targets
(smtp://, submission://, smtps://, imap://, imaps://, pop3://, pop3s://, sieve://),
with the line that declares it. Feed them to 'mail-tls probe'.

Which host: a listener bound to an address written in the config (a master.cf host:port,
an inet_interfaces or listen entry, loopback-only) is listed at that address. A wildcard
listener (inet_interfaces = all, listen = *) is on the host the config describes:
  1. the host given with --host;
  2. this machine (loopback) for its live /etc/postfix or /etc/dovecot;
  3. Postfix myhostname, Dovecot hostname;
  4. the first DNS name of the configured certificate;
  otherwise "<unknown host>": listed, not to be probed.

options:
  --json                  print the endpoints as JSON (host.known false: do not probe)
  --host NAME             the host of every config given
  --host DIR=NAME         the host of one config root (a Postfix or Dovecot directory)
  --live-root DIR         count DIR as this machine's live config (repeatable)
`;

export async function endpointsCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseConfigArgs(args);
  if (parsed.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  const analyses = loadConfigs(parsed.paths, parsed.options);
  const endpoints = analyses.flatMap((a) => a.endpoints);
  if (parsed.json) {
    const rows = endpoints.map((e) => ({ target: e.target, protocol: e.protocol, tlsMode: e.tlsMode, server: e.server, service: e.service, host: e.host, file: e.range.file, line: e.range.start.line + 1, column: e.range.start.character + 1 }));
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT_OK;
  }
  const labels = endpoints.map(endpointLabel);
  const width = Math.max(0, ...labels.map((l) => l.length));
  const swidth = Math.max(0, ...endpoints.map((e) => e.service.length));
  endpoints.forEach((e, i) => {
    io.stdout(`${labels[i]!.padEnd(width)}  ${e.tlsMode.padEnd(8)}  ${e.server.padEnd(7)}  ${e.service.padEnd(swidth)}  ${displayPath(e.range.file)}:${e.range.start.line + 1}\n`);
  });
  for (const a of analyses) io.stderr(describedHostLine(a));
  if (endpoints.length === 0) io.stderr('no endpoints: the configs listen on no TCP port\n');
  return EXIT_OK;
}
