/**
 * The JSON state a running test-server instance publishes (`cli.js start --state FILE`).
 * Test files read it through `getTestServers()` in ./fixture. Every endpoint is an engine
 * target URL such as `smtp://127.0.0.1:42525`.
 */

/** The certificate served on the main endpoints: leaf + intermediate, trusted via `caFile`. */
export interface MainEndpoints {
  /** Postfix, port-25 style: STARTTLS offered (`may`); accepts TLS 1.0 and 1.1 (the weak server). */
  smtp: string;
  /** Postfix submission: STARTTLS required, AUTH (Dovecot SASL) only after TLS. */
  submission: string;
  /** Postfix with implicit TLS (wrappermode). */
  smtps: string;
  /**
   * Postfix's postscreen in front of smtpd, as on many MX hosts: deep protocol tests on
   * (pipelining, non-SMTP commands, bare newlines), `greet_action = enforce`, an empty access
   * list (loopback is tested too), STARTTLS through tlsproxy. Violations go to `postfixLog`
   * under `postfix/postscreen`.
   */
  postscreen: string;
  /** Dovecot LMTP on TCP; Dovecot 2.3 offers STARTTLS there. */
  lmtp: string;
  /** Dovecot, TLS 1.2+ only. 127.0.0.1 to 127.0.0.1 counts as secured for Dovecot (AUTH before TLS). */
  imap: string;
  imaps: string;
  pop3: string;
  pop3s: string;
  /** ManageSieve (STARTTLS). */
  sieve: string;
  /** The same Dovecot listeners on 127.0.0.2: what a remote client sees (LOGINDISABLED and so on). */
  lmtpRemote: string;
  imapRemote: string;
  imapsRemote: string;
  pop3Remote: string;
  pop3sRemote: string;
  sieveRemote: string;
}

/** One certificate variant: the same services, serving a different certificate. */
export interface VariantEndpoints {
  /** Postfix STARTTLS (`may`), like `smtp`. */
  smtp: string;
  /** Postfix implicit TLS, like `smtps`. */
  smtps: string;
  /** Dovecot on the variant's own loopback address (a `local` block selects the certificate). */
  imap: string;
  imaps: string;
  pop3: string;
  pop3s: string;
  sieve: string;
}

export type VariantName = 'expired' | 'wrongHost' | 'selfSigned' | 'noIntermediate';

export interface CertificateFiles {
  /** PEM private key; never print it. */
  key: string;
  /** PEM chain as served: leaf first. */
  chain: string;
  /** PEM leaf only. */
  cert: string;
}

export interface TestServersState {
  /** Changes whenever the layout of this file changes. */
  version: string;
  /** Root of the running instance; removed by `stop`. */
  instanceDir: string;
  startedAt: string;
  /** Name the good certificate is issued for (SNI and hostname checks). */
  serverName: string;
  /** The test root CA (PEM): trusting it makes the good chain valid. */
  caFile: string;
  endpoints: MainEndpoints;
  variants: Record<VariantName, VariantEndpoints>;
  certificates: Record<'good' | VariantName | 'intermediate', CertificateFiles>;
  /** The private Postfix's config directory (`postconf -c DIR`). */
  postfixConfigDir: string;
  /** The private Dovecot's config file (`doveconf -c FILE`). */
  dovecotConfigFile: string;
  postfixLog: string;
  dovecotLog: string;
  pids: { postfix: number; dovecot: number };
}

export const STATE_VERSION = 'mail-tls-test-servers/1';
