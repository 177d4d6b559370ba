// The `mail-tls` command: `probe`, `domain`, `lint`, `endpoints`, each in src/cli/commands.
import { CliIo, EXIT_FAILURE, EXIT_USAGE, isUsageError } from './io';

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

/**
 * Each command's code is loaded when it runs: `probe` does not pay at start-up for the config
 * analysis, the DNS client and HTTPS that only `lint`, `endpoints` and `domain` need.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  probe: async () => (await import('./commands/probe.js')).probeCommand,
  domain: async () => (await import('./commands/domain.js')).domainCommand,
  lint: async () => (await import('./commands/lint.js')).lintCommand,
  endpoints: async () => (await import('./commands/endpoints.js')).endpointsCommand,
};

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return name ? 0 : EXIT_USAGE;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    io.stderr(`mail-tls: unknown command '${name}' (try 'mail-tls --help')\n`);
    return EXIT_USAGE;
  }
  try {
    const command = await load();
    return await command(rest, io);
  } catch (err) {
    if (isUsageError(err)) {
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
