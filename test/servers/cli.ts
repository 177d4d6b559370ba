/**
 * `node out/test/servers/cli.js start --state FILE` brings up the private Postfix and Dovecot
 * and writes their endpoints to FILE; `stop --state FILE` takes them down again.
 */
import { resolve } from 'node:path';
import { startServers, stopServers } from './instance';
import { PrerequisiteError } from './prerequisites';

function usage(): never {
  process.stderr.write('usage: cli.js start|stop --state FILE\n');
  process.exit(2);
}

async function main(argv: string[]): Promise<number> {
  const [command, flag, file] = argv;
  if ((command !== 'start' && command !== 'stop') || flag !== '--state' || !file) usage();
  const stateFile = resolve(file);
  if (command === 'stop') {
    await stopServers(stateFile);
    return 0;
  }
  const began = Date.now();
  const state = await startServers(stateFile, (line) => process.stdout.write(`test mail servers: ${line}\n`));
  const count = Object.keys(state.endpoints).length + Object.values(state.variants).flatMap(Object.keys).length;
  process.stdout.write(`test mail servers up in ${Date.now() - began} ms: ${count} endpoints, state in ${stateFile}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof PrerequisiteError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`test mail servers: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
