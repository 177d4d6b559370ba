// The `mail-tls` command: `probe`, `domain`, `lint`, `endpoints`, each in src/cli/commands.
import { CliIo, EXIT_FAILURE, EXIT_USAGE, UsageError } from './io';
import { domainCommand } from './commands/domain';
import { endpointsCommand } from './commands/endpoints';
import { lintCommand } from './commands/lint';
import { probeCommand } from './commands/probe';

type Command = (args: string[], io: CliIo) => Promise<number>;

const USAGE = `usage: mail-tls <command> [options]

commands:
  probe <target...>      probe mail endpoints (smtp://, submission://, lmtp://, smtps://,
                         imap://, imaps://, pop3://, pop3s://, sieve://)
  domain <domain...>     a domain's mail: MX and SRV hosts probed, DNSSEC, DANE, MTA-STS,
                         TLS-RPT (--resolver IP[:PORT] picks a validating resolver)
  lint <file|dir...>     check Postfix and Dovecot configs
  endpoints <file|dir...> list the endpoints a config listens on

Run 'mail-tls <command> --help' for a command's options.
`;

const COMMANDS: Record<string, Command> = {
  probe: probeCommand,
  domain: domainCommand,
  lint: lintCommand,
  endpoints: endpointsCommand,
};

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return name ? 0 : EXIT_USAGE;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr(`mail-tls: unknown command '${name}' (try 'mail-tls --help')\n`);
    return EXIT_USAGE;
  }
  try {
    return await command(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`mail-tls ${name}: ${err.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`mail-tls ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILURE;
  }
}

if (require.main === module) {
  const io: CliIo = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTty: Boolean(process.stdout.isTTY),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`mail-tls: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = EXIT_FAILURE;
    },
  );
}
