// A finding that joins a config with a live probe result (pure shapes, no vscode).
import type { ConfigFinding } from '../config/types';

export interface LiveFinding extends ConfigFinding {
  /** The probed endpoint the finding is about. */
  target: string;
  /** The probe finding this one explains, when there is one (e.g. `tls-1.0-accepted`). */
  explains?: string;
}
