/**
 * A plaintext exchange before TLS, to see what each server offers in the clear (the
 * capabilities the STARTTLS checks are about). Test-side only; the engine has its own.
 */
import { connect } from 'node:net';

/** After the greeting, the command that lists capabilities and the line that ends its reply. */
const DIALOG: Record<string, { greetingEnd: RegExp; command: string | null; end: RegExp }> = {
  smtp: { greetingEnd: /^220 .*\r?\n/m, command: 'EHLO client.test.example', end: /^250 .*\r?\n/m },
  submission: { greetingEnd: /^220 .*\r?\n/m, command: 'EHLO client.test.example', end: /^250 .*\r?\n/m },
  lmtp: { greetingEnd: /^220 .*\r?\n/m, command: 'LHLO client.test.example', end: /^250 .*\r?\n/m },
  imap: { greetingEnd: /^\* OK.*\r?\n/m, command: 'a1 CAPABILITY', end: /^a1 OK.*\r?\n/m },
  pop3: { greetingEnd: /^\+OK.*\r?\n/m, command: 'CAPA', end: /^\.\r?\n/m },
  // ManageSieve greets with its capability list, ended by OK.
  sieve: { greetingEnd: /^OK.*\r?\n/m, command: null, end: /^OK.*\r?\n/m },
};

/** The greeting and the capability reply, as one text. */
export function plaintextCapabilities(url: string, timeoutMs = 5000): Promise<string> {
  const u = new URL(url);
  const dialog = DIALOG[u.protocol.replace(/:$/, '')];
  if (!dialog) return Promise.reject(new Error(`no plaintext dialog for ${url}`));
  return new Promise((resolve, reject) => {
    const socket = connect({ host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) });
    let text = '';
    let phase: 'greeting' | 'reply' = 'greeting';
    const timer = setTimeout(() => finish(new Error(`timeout; got so far: ${text}`)), timeoutMs);
    function finish(err?: Error) {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(text);
    }
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (phase === 'greeting' && dialog.greetingEnd.test(text)) {
        if (!dialog.command) return finish();
        phase = 'reply';
        const mark = text.length;
        socket.write(`${dialog.command}\r\n`);
        const check = () => dialog.end.test(text.slice(mark));
        socket.on('data', () => {
          if (check()) {
            socket.end(u.protocol === 'imap:' ? 'a2 LOGOUT\r\n' : 'QUIT\r\n');
            finish();
          }
        });
      }
    });
    socket.on('error', (err) => finish(err));
  });
}
