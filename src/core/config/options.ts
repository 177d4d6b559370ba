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
  /** Finding ids not to report anywhere (CLI `--ignore`, setting `mailTls.lint.ignore`); counted as suppressed. */
  ignore?: readonly string[];
  /**
   * PEM text of private root certificates (CLI `--ca`, setting `mailTls.caFile`): a configured
   * certificate issued by one of them has its chain complete.
   */
  caPem?: string;
}

export { MAX_CONFIG_BYTES } from '../defaults';
