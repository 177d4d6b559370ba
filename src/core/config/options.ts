import type { HostOptions } from './host';

/** Options shared by every config analysis (Postfix and Dovecot). */
export interface AnalyzeOptions extends HostOptions {
  /** Reads a config file; return undefined to fall back to disk. Unsaved editor buffers win over disk. */
  readText?: (absPath: string) => string | undefined;
  signal?: AbortSignal;
  /** Check the certificate and key files the config names. Default true. */
  checkCertificateFiles?: boolean;
  /** Days before expiry at which a configured certificate is reported. Default 30. */
  expiryWarningDays?: number;
  /** Postfix version whose defaults and syntax apply, e.g. `3.7`. Default: 3.7 (Debian 12). */
  postfixVersion?: string;
  /**
   * Files the analysis may open besides the config itself (certificates, keys, includes). In an
   * untrusted workspace: only those inside it. Default: every file.
   */
  mayRead?: (absPath: string) => boolean;
  /** Clock for the certificate checks, for tests. */
  now?: Date;
}

export { MAX_CONFIG_BYTES } from '../defaults';
