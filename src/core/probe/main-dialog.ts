// The main connection: greeting, capabilities, STARTTLS (or implicit TLS), the handshake with
// trust evaluation, and the capabilities after TLS, all in the transcript.
import type * as tls from 'node:tls';
import type { Finding } from '../findings';
import { analyseChain } from './certificate';
import { ConnectionSettings, LMTP, SMTP, STARTTLS_COMMAND, connect, driverFor, handshakeOptions, openContext } from './drivers';
import { certificateFindings, finding, plaintextAuthFinding, starttlsNotOfferedFinding } from './findings';
import type { ProbeResult, TlsInfo } from './types';
import { ocspFindings, ocspInfo } from './ocspFindings';
import { Recorder, Wire } from './wire';

const QUIT_WAIT_MS = 100;

export interface MainDialogHooks {
  record: Recorder;
  extraCaPem: string | null;
  secureContext: tls.SecureContext | undefined;
  expiryWarningDays: number;
  /** Keep the chain's DER in the report (for DANE matching). */
  keepChain?: boolean;
  /** Called once the greeting was accepted: side connections may start. */
  onGreeting(): void;
  /** Called with the negotiated version once the handshake is done. */
  onHandshake(version: string): void;
  /** Called with the capabilities seen before STARTTLS (not called for implicit TLS). */
  onCapabilities?(before: string[]): void;
  /** The full TLS report (cipher scan on): also say when no OCSP staple came. */
  fullReport?: boolean;
}

export function tlsInfo(socket: tls.TLSSocket): TlsInfo {
  const cipher = socket.getCipher();
  const key = socket.getEphemeralKeyInfo() as { type?: string; name?: string; size?: number } | null;
  const group = key?.name ?? (key?.type ? `${key.type}${key.size ? ` ${key.size}` : ''}` : null);
  return {
    version: socket.getProtocol() ?? 'unknown',
    cipher: cipher.name,
    cipherStandardName: cipher.standardName ?? cipher.name,
    group,
    alpn: typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : null,
  };
}

/** Runs the main dialog, filling `result`; WireErrors propagate to the caller. */
export async function runMainDialog(s: ConnectionSettings, result: ProbeResult, hooks: MainDialogHooks): Promise<void> {
  const { target } = s;
  const driver = driverFor(target.dialect);
  const add = (f: Finding | null) => f && result.findings.push(f);
  let wire: Wire | null = null;
  const dialog = async (): Promise<void> => {
    let mark = Date.now();
    wire = await connect(s, hooks.record);
    result.timings.connect = Date.now() - mark;
    result.address = wire.remoteAddress;
    const ctx = openContext(wire, s);

    const handshake = async () => {
      const t0 = Date.now();
      // A staple is asked for on the main handshake only ('OCSPResponse' comes before secureConnect).
      let staple: Buffer | null = null;
      const socket = await wire!.startTls({ ...handshakeOptions(s, undefined, hooks.secureContext), requestOCSP: true } as tls.ConnectionOptions, s.timeouts.handshake, target.tlsMode === 'starttls',
        (secure) => secure.once('OCSPResponse', (der: Buffer | null) => (staple = der && der.length ? der : null)));
      result.ocsp = ocspInfo(socket, staple);
      result.findings.push(...ocspFindings(target.protocol, result.ocsp, hooks.fullReport ?? false));
      result.timings.handshake = Date.now() - t0;
      result.tls = tlsInfo(socket);
      hooks.record('info', `TLS established: ${result.tls.version} ${result.tls.cipher}${result.tls.group ? ` (${result.tls.group})` : ''}`);
      hooks.onHandshake(result.tls.version);
      return socket;
    };
    /** Certificate analysis costs about a millisecond: it runs while the next reply is on its way. */
    const whileWaiting = async <T>(socket: tls.TLSSocket, next: Promise<T>): Promise<T> => {
      next.catch(() => undefined);
      const facts = analyseChain(socket, s.servername, hooks.extraCaPem);
      if (facts) {
        result.certificate = facts.report;
        if (hooks.keepChain) result.certificate.chainDer = facts.certs.map((c) => c.raw.toString('base64'));
        result.findings.push(...certificateFindings(target.protocol, facts, s.servername, hooks.expiryWarningDays));
      }
      return next;
    };

    const implicitSocket = target.tlsMode === 'implicit' ? await handshake() : null;
    mark = Date.now();
    const greeting = await (implicitSocket ? whileWaiting(implicitSocket, driver.readGreeting(ctx)) : driver.readGreeting(ctx));
    result.timings.greeting = Date.now() - mark;
    result.greeting = greeting.text;
    if (!greeting.accepted) {
      add(finding('greeting-rejected', 'error', 'The server refused the session', `The greeting was: ${greeting.text}. The server turned the client away (busy, blocked, or policy); nothing more was tested.`));
      return;
    }
    if (greeting.preauth) {
      add(finding('imap-preauth', 'error', 'IMAP PREAUTH greeting', `The server greeted with PREAUTH (${greeting.text}): the session is authenticated before any TLS, so STARTTLS can never run on it.`));
      return;
    }
    hooks.onGreeting();

    if (target.tlsMode === 'starttls') {
      const before = await driver.readCapabilities(ctx, greeting);
      result.capabilities.beforeTls = before;
      hooks.onCapabilities?.(before);
      add(plaintextAuthFinding(target.protocol, driver.plaintextAuthSignals(before)));
      if (target.protocol === 'submission') {
        const mail = await (target.dialect === 'lmtp' ? LMTP : SMTP).mailBeforeTls(ctx, before);
        if (mail.code >= 200 && mail.code < 400) {
          add(finding('starttls-not-enforced', 'error', 'Mail accepted before TLS', `Before STARTTLS the server accepted 'MAIL FROM:<>' with '${mail.code} ${mail.lines.join(' ')}'. Submission should answer 530 until TLS is up (Postfix: -o smtpd_tls_security_level=encrypt).`));
        }
      }
      const command = STARTTLS_COMMAND[target.dialect];
      if (!driver.offersStartTls(before)) {
        add(starttlsNotOfferedFinding(target.protocol, command, before));
        return;
      }
      mark = Date.now();
      const reply = await driver.startTls(ctx, false);
      result.timings.starttls = Date.now() - mark;
      if (!reply.ok) {
        add(finding('starttls-refused', 'error', `${command} was refused`, `The server advertised ${command} but answered: ${reply.text}`));
        return;
      }
      const socket = await handshake();
      result.capabilities.afterTls = await whileWaiting(socket, driver.capabilitiesAfterTls(ctx));
    } else {
      result.capabilities.afterTls = await driver.capabilitiesAfterTls(ctx);
    }
    result.ok = true;
  };
  try {
    await dialog();
    // Early returns end here too: say goodbye, but do not wait long for the answer.
    if (wire) await (wire as Wire).quit(driver.quitCommand(openContext(wire, s)), QUIT_WAIT_MS);
  } finally {
    await (wire as Wire | null)?.close();
  }
}
