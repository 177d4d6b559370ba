/**
 * Waits until listeners really answer: a greeting line for plaintext/STARTTLS ports, a
 * completed handshake for implicit-TLS ports. A bound port alone is not enough, since
 * Postfix and Dovecot spawn the serving process on the first connection.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { sleep } from './files';

export interface Listener {
  url: string;
  host: string;
  port: number;
  implicitTls: boolean;
}

export function listenerFromUrl(url: string): Listener {
  const u = new URL(url);
  const implicitTls = ['smtps:', 'imaps:', 'pop3s:'].includes(u.protocol);
  return { url, host: u.hostname, port: Number(u.port), implicitTls };
}

function attempt(l: Listener, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let socket: Socket;
    const done = (err?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    if (l.implicitTls) {
      socket = tlsConnect({ host: l.host, port: l.port, rejectUnauthorized: false, servername: 'mail.test.example' });
      socket.once('secureConnect', () => done());
    } else {
      socket = tcpConnect({ host: l.host, port: l.port });
      let seen = '';
      socket.on('data', (chunk: Buffer) => {
        seen += chunk.toString('latin1');
        if (seen.includes('\n')) done();
      });
    }
    socket.once('error', (err) => done(err));
    socket.once('close', () => done(new Error('closed before answering')));
  });
}

/**
 * Resolves when every listener answers; rejects naming the ones that did not by the deadline.
 * Dozens of first handshakes at once on a busy two-core machine (each Dovecot login process
 * starting) can take well over ten seconds, hence the wide deadline.
 */
export async function waitForListeners(urls: string[], deadlineMs = 45_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  const failures: string[] = [];
  await Promise.all(
    urls.map(async (url) => {
      const l = listenerFromUrl(url);
      let last: Error | null = null;
      while (Date.now() < deadline) {
        try {
          await attempt(l, Math.max(100, Math.min(3000, deadline - Date.now())));
          return;
        } catch (err) {
          last = err as Error;
          await sleep(25);
        }
      }
      failures.push(`${url}: ${last?.message ?? 'timed out'}`);
    }),
  );
  if (failures.length > 0) throw new Error(`listeners not answering:\n  ${failures.join('\n  ')}`);
}

/** Whether a TCP port is free on every loopback address (binding the wildcard checks them all). */
export async function portIsFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}
