// The defaults the CLI and the extension share. package.json's contributed setting defaults
// are checked against these by a unit test (test/unit/defaults.test.ts).
import type { PhaseTimeouts } from './probe/types';

/**
 * Per-phase limits in milliseconds. The greeting gets the longest: behind postscreen a client
 * waits out the greet pause (`postscreen_greet_wait`, up to 6 s) plus DNSBL lookups before the
 * banner, and a tarpitting server may add more. A handshake with an RSA-4096 key on a loaded
 * server takes well over a second; 10 s leaves room. The total covers the main dialog and the
 * version and injection side connections together.
 */
export const DEFAULT_TIMEOUTS: Readonly<PhaseTimeouts> = Object.freeze({ connect: 5000, greeting: 15000, command: 10000, handshake: 10000, total: 60000 });

/** Days before expiry at which a certificate is reported, probed or configured alike. */
export const DEFAULT_EXPIRY_WARNING_DAYS = 30;

/** The one "expiring soon" rule: fewer than `warningDays` whole days left, not yet expired. */
export function expiresSoon(daysLeft: number, warningDays: number): boolean {
  return daysLeft >= 0 && daysLeft < warningDays;
}

/** Config files are small: larger ones are not analysed (the CLI reads up to this size). */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
