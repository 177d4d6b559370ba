/**
 * What the test servers need from the machine: the Debian packages (installed by
 * scripts/install-system-packages.sh when we are root) and root itself (Postfix's master
 * insists on it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** A file each package installs, to tell without dpkg whether it is there. */
const PACKAGE_FILES: [string, string][] = [
  ['postfix', '/usr/lib/postfix/sbin/master'],
  ['dovecot-core', '/usr/sbin/dovecot'],
  ['dovecot-imapd', '/usr/lib/dovecot/imap-login'],
  ['dovecot-pop3d', '/usr/lib/dovecot/pop3-login'],
  ['dovecot-managesieved', '/usr/lib/dovecot/managesieve-login'],
  ['dovecot-lmtpd', '/usr/lib/dovecot/lmtp'],
  ['openssl', '/usr/bin/openssl'],
];

export const INSTALL_COMMAND = 'sudo bash scripts/install-system-packages.sh';

export function missingPackages(): string[] {
  return PACKAGE_FILES.filter(([, file]) => !existsSync(file)).map(([pkg]) => pkg);
}

export class PrerequisiteError extends Error {}

/** Throws a one-line PrerequisiteError when the servers cannot run here. */
export function ensurePrerequisites(repoRoot: string): void {
  const isRoot = process.getuid?.() === 0;
  let missing = missingPackages();
  if (missing.length > 0 && isRoot) {
    const script = join(repoRoot, 'scripts', 'install-system-packages.sh');
    const r = spawnSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new PrerequisiteError(`${script} failed (exit ${r.status ?? r.signal})`);
    missing = missingPackages();
  }
  if (missing.length > 0) {
    throw new PrerequisiteError(`Missing Debian packages: ${missing.join(' ')}. Install them with: ${INSTALL_COMMAND}`);
  }
  if (!isRoot) {
    throw new PrerequisiteError(
      'The test mail servers need root (Postfix\'s master refuses to run otherwise): run the tests as root, e.g. `sudo npm test`, or set MAIL_TLS_SKIP_SERVERS=1 to run only the unit tests.',
    );
  }
}
