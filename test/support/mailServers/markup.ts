/**
 * A server whose every word is markup: greeting, EHLO reply and certificate subject carry HTML
 * and script that would set `window.__pwned` if any report ever ran them. The report must
 * show all of it as text.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSigned } from '../certs';
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
  // `openssl req -subj` separates fields with '/': the ones inside the values are escaped.
  const slash = (text: string) => text.replace(/\//g, '\\/');
  const pair = selfSigned(`${slash(MARKUP.subjectCn)}/O=${slash(MARKUP.subjectO)}`, { sans: 'DNS:localhost,IP:127.0.0.1' });
  const dir = mkdtempSync(join(tmpdir(), 'mail-tls-markup-'));
  const certFile = join(dir, 'cert.pem');
  writeFileSync(certFile, pair.cert);
  const server = await startMailServer({
    dialect: 'smtp',
    greeting: `220 ${MARKUP.greeting} ESMTP\r\n`,
    capabilitiesBeforeTls: [MARKUP.ehlo, 'STARTTLS'],
    capabilitiesAfterTls: [MARKUP.ehlo],
    tls: { key: pair.key, cert: pair.cert },
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
