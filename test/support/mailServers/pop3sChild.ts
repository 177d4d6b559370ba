// Minimal POP3 servers behind implicit TLS (greeting, CAPA, QUIT), run in a child process of
// the extension host so that their TLS work does not load the thread being measured.
//   fork('pop3sServers.js', [count, keyFile, certFile, greetingDelayMs]) -> sends { ports }
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';

function startPop3s(key: Buffer, cert: Buffer, greetingDelayMs: number): Promise<tls.Server> {
  const server = tls.createServer({ key, cert }, (socket) => {
    socket.on('error', () => undefined);
    // A little latency, as over a real network: the run then outlasts the config analyses.
    setTimeout(() => socket.write('+OK ready\r\n'), greetingDelayMs);
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n'); end >= 0; end = buffered.indexOf('\r\n')) {
        const command = buffered.slice(0, end).toUpperCase();
        buffered = buffered.slice(end + 2);
        if (command === 'CAPA') socket.write('+OK\r\nTOP\r\nUIDL\r\n.\r\n');
        else if (command === 'QUIT') socket.end('+OK bye\r\n');
        else socket.write('-ERR unknown\r\n');
      }
    });
  });
  server.on('tlsClientError', () => undefined);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export interface Pop3sServers {
  ports: number[];
  stop(): void;
}

/** Starts `count` servers in a child process; resolves with their ports. */
export function startPop3sServers(count: number, keyFile: string, certFile: string, greetingDelayMs: number): Promise<Pop3sServers> {
  const child = fork(__filename, [String(count), keyFile, certFile, String(greetingDelayMs)], { stdio: 'ignore', serialization: 'json' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the POP3S server process exited (${code})`)));
    child.once('message', (message: { ports: number[] }) => resolve({ ports: message.ports, stop: () => child.kill() }));
  });
}

async function serve(): Promise<void> {
  const [count, keyFile, certFile, delay] = process.argv.slice(2);
  const key = readFileSync(keyFile!);
  const cert = readFileSync(certFile!);
  const ports: number[] = [];
  for (let i = 0; i < Number(count); i++) ports.push(((await startPop3s(key, cert, Number(delay))).address() as AddressInfo).port);
  process.send!({ ports });
  process.on('disconnect', () => process.exit(0)); // the host went away
}

if (require.main === module && process.send) void serve();
