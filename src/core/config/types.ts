/** Shapes shared by the Postfix and Dovecot config cores. Positions are 0-based, as in LSP. */
import type { Severity } from '../findings';
import type { Protocol, TlsMode } from '../probe/types';

export interface Position {
  line: number;
  character: number;
}

export interface SourceRange {
  /** Absolute path of the file, or a caller-chosen name for in-memory text. */
  file: string;
  start: Position;
  end: Position;
}

/** A static finding from the config checks, tied to the line that causes it. */
export interface ConfigFinding {
  id: string;
  severity: Severity;
  message: string;
  range: SourceRange;
  /** Where the rule is explained. */
  docUrl: string;
  /** A safe replacement for the text at `range`, when one exists (the editor's quick fix). */
  fix?: { title: string; range: SourceRange; newText: string };
}

/** An endpoint that a config listens on, in the probe engine's target form. */
export interface ConfigEndpoint {
  /** Probe target URL, e.g. `imaps://127.0.0.1:993`. */
  target: string;
  protocol: Protocol;
  tlsMode: TlsMode;
  /** Which server declares it. */
  server: 'postfix' | 'dovecot';
  /** The service or listener name, e.g. `submission` or `imap-login/imaps`. */
  service: string;
  /** The text that declares it (master.cf line, inet_listener block). */
  range: SourceRange;
  /**
   * Which host the endpoint is on and why. When `host.known` is false the config describes a
   * machine nobody named: show the endpoint, never probe it (`target` then holds the listen
   * address only as a stable key).
   */
  host: EndpointHost;
}

export type HostSource = 'user' | 'live' | 'config' | 'certificate' | 'unknown';

/** The host a config root describes. */
export interface DescribedHost {
  /** Host name or address to probe wildcard listeners at; undefined when unknown. */
  name?: string;
  source: HostSource;
  /** One sentence saying why, for the CLI, the tree and the log. */
  reason: string;
  /** The setting that names the host (myhostname, hostname), when one does. */
  range?: SourceRange;
}

/** The host of one endpoint: the root's host, or an address the config binds the listener to. */
export interface EndpointHost {
  /** False: the endpoint is shown but must not be probed (its `target` host is a placeholder). */
  known: boolean;
  name?: string;
  source: HostSource | 'binding';
  reason: string;
}
