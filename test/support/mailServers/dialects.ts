/**
 * What a well-behaved server of each dialect says: greeting, capability replies, and the
 * answers to the few commands a probe sends. Hostile servers start from these and override.
 */
export type HostileDialect = 'smtp' | 'lmtp' | 'imap' | 'pop3' | 'sieve';

export interface DialectReplies {
  greeting(capabilities: string[]): string;
  /** Capabilities advertised before TLS (STARTTLS included) and after it. */
  capabilitiesBeforeTls: string[];
  capabilitiesAfterTls: string[];
  /** Recognises the STARTTLS command of this dialect. */
  isStarttls(line: string): boolean;
  starttlsAccepted(line: string): string;
  starttlsRefused(line: string): string;
  /** Reply to a command other than STARTTLS; `close` ends the session after the reply. */
  reply(line: string, capabilities: string[], secure: boolean): { text: string; close?: boolean };
  /** Sent unprompted once TLS is up (ManageSieve re-sends its capabilities, RFC 5804). */
  afterHandshake?(capabilities: string[]): string;
}

const CRLF = '\r\n';
const verb = (line: string): string => (line.split(' ')[0] ?? '').toUpperCase();
/** IMAP: `tag COMMAND args`. */
const imapParts = (line: string): [string, string] => {
  const [tag = '*', cmd = ''] = line.split(' ');
  return [tag, cmd.toUpperCase()];
};

function smtpLike(hello: 'EHLO' | 'LHLO'): DialectReplies {
  return {
    greeting: () => `220 ${'hostile.test'} ESMTP Hostile${CRLF}`,
    capabilitiesBeforeTls: ['PIPELINING', 'SIZE 10240000', 'STARTTLS', 'ENHANCEDSTATUSCODES', '8BITMIME'],
    capabilitiesAfterTls: ['PIPELINING', 'SIZE 10240000', 'AUTH PLAIN LOGIN', 'ENHANCEDSTATUSCODES', '8BITMIME'],
    isStarttls: (line) => verb(line) === 'STARTTLS',
    starttlsAccepted: () => `220 2.0.0 Ready to start TLS${CRLF}`,
    starttlsRefused: () => `454 4.7.0 TLS not available due to local problem${CRLF}`,
    reply(line, capabilities, secure) {
      const v = verb(line);
      if (v === hello || (hello === 'EHLO' && v === 'HELO')) {
        const lines = ['hostile.test', ...(v === 'HELO' ? [] : capabilities)];
        return { text: lines.map((l, i) => `250${i === lines.length - 1 ? ' ' : '-'}${l}${CRLF}`).join('') };
      }
      if (v === 'NOOP' || v === 'RSET') return { text: `250 2.0.0 Ok${CRLF}` };
      if (v === 'QUIT') return { text: `221 2.0.0 Bye${CRLF}`, close: true };
      if (v === 'MAIL' && !secure) return { text: `530 5.7.0 Must issue a STARTTLS command first${CRLF}` };
      return { text: `502 5.5.2 Error: command not recognized${CRLF}` };
    },
  };
}

const imap: DialectReplies = {
  greeting: (caps) => `* OK [CAPABILITY ${caps.join(' ')}] Hostile ready.${CRLF}`,
  capabilitiesBeforeTls: ['IMAP4rev1', 'SASL-IR', 'LITERAL+', 'STARTTLS', 'LOGINDISABLED'],
  capabilitiesAfterTls: ['IMAP4rev1', 'SASL-IR', 'LITERAL+', 'AUTH=PLAIN'],
  isStarttls: (line) => imapParts(line)[1] === 'STARTTLS',
  starttlsAccepted: (line) => `${imapParts(line)[0]} OK Begin TLS negotiation now.${CRLF}`,
  starttlsRefused: (line) => `${imapParts(line)[0]} NO [UNAVAILABLE] TLS support isn't enabled.${CRLF}`,
  reply(line, caps) {
    const [tag, cmd] = imapParts(line);
    if (cmd === 'CAPABILITY') return { text: `* CAPABILITY ${caps.join(' ')}${CRLF}${tag} OK Capability completed.${CRLF}` };
    if (cmd === 'NOOP') return { text: `${tag} OK NOOP completed.${CRLF}` };
    if (cmd === 'LOGOUT') return { text: `* BYE Logging out${CRLF}${tag} OK Logout completed.${CRLF}`, close: true };
    return { text: `${tag} BAD Error in IMAP command received by server.${CRLF}` };
  },
};

const pop3: DialectReplies = {
  greeting: () => `+OK Hostile ready.${CRLF}`,
  capabilitiesBeforeTls: ['CAPA', 'TOP', 'UIDL', 'RESP-CODES', 'PIPELINING', 'STLS'],
  capabilitiesAfterTls: ['CAPA', 'TOP', 'UIDL', 'RESP-CODES', 'PIPELINING', 'USER', 'SASL PLAIN'],
  isStarttls: (line) => verb(line) === 'STLS',
  starttlsAccepted: () => `+OK Begin TLS negotiation now.${CRLF}`,
  starttlsRefused: () => `-ERR TLS support isn't enabled.${CRLF}`,
  reply(line, caps) {
    const v = verb(line);
    if (v === 'CAPA') return { text: `+OK${CRLF}${caps.map((c) => c + CRLF).join('')}.${CRLF}` };
    if (v === 'NOOP') return { text: `+OK${CRLF}` };
    if (v === 'QUIT') return { text: `+OK Logging out.${CRLF}`, close: true };
    return { text: `-ERR Unknown command.${CRLF}` };
  },
};

const sieveCapabilities = (caps: string[]): string =>
  caps.map((c) => c + CRLF).join('');

const sieve: DialectReplies = {
  greeting: (caps) => `${sieveCapabilities(caps)}OK "Hostile ready."${CRLF}`,
  capabilitiesBeforeTls: ['"IMPLEMENTATION" "Hostile Sieve"', '"SIEVE" "fileinto reject envelope"', '"NOTIFY" "mailto"', '"SASL" ""', '"STARTTLS"', '"VERSION" "1.0"'],
  capabilitiesAfterTls: ['"IMPLEMENTATION" "Hostile Sieve"', '"SIEVE" "fileinto reject envelope"', '"NOTIFY" "mailto"', '"SASL" "PLAIN"', '"VERSION" "1.0"'],
  isStarttls: (line) => verb(line) === 'STARTTLS',
  starttlsAccepted: () => `OK "Begin TLS negotiation now."${CRLF}`,
  starttlsRefused: () => `NO "TLS support isn't enabled."${CRLF}`,
  reply(line, caps) {
    const v = verb(line);
    if (v === 'CAPABILITY') return { text: `${sieveCapabilities(caps)}OK "Capability completed."${CRLF}` };
    if (v === 'NOOP') return { text: `OK "NOOP completed."${CRLF}` };
    if (v === 'LOGOUT') return { text: `OK "Logout completed."${CRLF}`, close: true };
    return { text: `NO "Unknown command."${CRLF}` };
  },
  afterHandshake: (caps) => `${sieveCapabilities(caps)}OK "TLS negotiation successful."${CRLF}`,
};

export const DIALECTS: Record<HostileDialect, DialectReplies> = {
  smtp: smtpLike('EHLO'),
  lmtp: smtpLike('LHLO'),
  imap,
  pop3,
  sieve,
};
