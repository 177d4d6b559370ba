/**
 * `openssl s_client` against an endpoint URL: the independent oracle the real-server suites
 * and the benchmark compare with. Maps each scheme to `-starttls <proto>` or implicit TLS.
 */
import { spawn } from 'node:child_process';

const STARTTLS: Record<string, string | null> = {
  smtp: 'smtp', submission: 'smtp', lmtp: 'lmtp', imap: 'imap', pop3: 'pop3', sieve: 'sieve',
  smtps: null, imaps: null, pop3s: null,
};

export interface SClientOptions {
  /** Extra arguments, e.g. `['-tls1', '-cipher', 'DEFAULT@SECLEVEL=0']`. */
  args?: string[];
  caFile?: string;
  /** Name for SNI and `-verify_hostname`. */
  servername?: string;
  /** Written to s_client's stdin (it then quits at EOF); none: stdin is /dev/null. */
  input?: string;
  timeoutMs?: number;
}

export interface SClientResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout + stderr, for matching regardless of where openssl printed a line. */
  output: string;
}

export function sClientArgs(url: string, opts: SClientOptions = {}): string[] {
  const u = new URL(url);
  const scheme = u.protocol.replace(/:$/, '');
  if (!(scheme in STARTTLS)) throw new Error(`no s_client mapping for ${scheme}`);
  // URL.hostname keeps IPv6 brackets, which is the form -connect wants.
  const args = ['s_client', '-connect', `${u.hostname}:${u.port}`];
  const starttls = STARTTLS[scheme];
  if (starttls) args.push('-starttls', starttls);
  if (opts.servername) args.push('-servername', opts.servername, '-verify_hostname', opts.servername);
  if (opts.caFile) args.push('-CAfile', opts.caFile);
  return [...args, ...(opts.args ?? [])];
}

export function sClient(url: string, opts: SClientOptions = {}): Promise<SClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', sClientArgs(url, opts), { stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 10_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** The PEM certificates s_client printed with `-showcerts`, leaf first. */
export function servedCertificates(output: string): string[] {
  return output.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** `Verify return code: N (text)` from s_client's summary. */
export function verifyResult(output: string): { code: number; text: string } | null {
  const m = /Verify return code: (\d+) \(([^)]*)\)/.exec(output);
  return m ? { code: Number(m[1]), text: m[2] ?? '' } : null;
}

/** The negotiated version from the summary (`Protocol  : TLSv1.3`); null when no handshake completed. */
export function negotiatedProtocol(output: string): string | null {
  // A failed handshake still prints the version it attempted.
  if (/Cipher is \(NONE\)/.test(output)) return null;
  const m = /^\s*Protocol\s*:\s*(\S+)/m.exec(output) ?? /^New, (TLSv[\d.]+|SSLv3),/m.exec(output);
  return m?.[1] ?? null;
}
