/**
 * `openssl s_server` as an implicit-TLS endpoint for what Postfix and Dovecot will not do on
 * request (server order on/off, small DH, a single suite, a stapled OCSP response). It speaks
 * no mail protocol after the handshake: probes see the TLS side only.
 */
import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { freePort } from '../support/mailServers/listener';

export interface SServer {
  url: string;
  stop(): void;
}

/** Starts s_server with `args` after the listener options and waits until it accepts. */
export async function startSServer(cert: { cert: string; key: string; chain?: string }, args: string[]): Promise<SServer> {
  const port = await freePort();
  const child: ChildProcess = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', cert.cert, '-key', cert.key, ...(cert.chain ? ['-cert_chain', cert.chain] : []), '-quiet', ...args], { stdio: ['ignore', 'ignore', 'ignore'] });
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('connect', () => (socket.destroy(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null) throw new Error(`openssl s_server ${args.join(' ')} exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `smtps://127.0.0.1:${port}`, stop: () => void child.kill() };
}
