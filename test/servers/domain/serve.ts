/**
 * Runs the domain environment in a process of its own (for the benchmark, so that the servers'
 * TLS work does not share the measured process's thread): prints one JSON line with the
 * resolver, CA file and resolv.conf, and stops everything when stdin closes or on SIGTERM.
 */
import { startDomainEnvironment } from './environment';

async function main(): Promise<void> {
  const env = await startDomainEnvironment();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await env.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ resolver: env.resolver, caFile: env.caFile, resolvConf: env.resolvConf, dir: env.dir, addresses: env.addresses })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`domain environment: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
