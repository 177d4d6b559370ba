/**
 * A server whose every word is markup: greeting, EHLO reply and certificate subject carry HTML
 * and script that would set `window.__pwned` if any report ever ran them. The report must
 * show all of it as text.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostileServer } from './listener';
import { startMailServer } from './mailServer';

export const MARKUP = {
  greeting: '<script>window.__pwned=1</script><b>bold</b>',
  ehlo: '<img src=x onerror="window.__pwned=2">',
  subjectCn: '<script>window.__pwned=3</script>',
  subjectO: '<iframe src="javascript:window.__pwned=4"></iframe>',
};

export interface MarkupServer extends HostileServer {
  /** The server's own certificate (PEM), to trust it as the CA file. */
  certFile: string;
}

export async function markupServer(): Promise<MarkupServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mail-tls-markup-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  const subject = `/CN=${MARKUP.subjectCn.replace(/\//g, '\\/')}/O=${MARKUP.subjectO.replace(/\//g, '\\/')}`;
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-keyout', keyFile, '-out', certFile,
    '-subj', subject, '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const server = await startMailServer({
    dialect: 'smtp',
    greeting: `220 ${MARKUP.greeting} ESMTP\r\n`,
    capabilitiesBeforeTls: [MARKUP.ehlo, 'STARTTLS'],
    capabilitiesAfterTls: [MARKUP.ehlo],
    tls: { key: readFileSync(keyFile), cert: readFileSync(certFile) },
  });
  return {
    ...server,
    certFile,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
