// Imported first by extension.ts, so this runs before any other module of the bundle: the
// start of bundle evaluation, the first half of the activation time VS Code also counts.
import { performance } from 'node:perf_hooks';

export const bundleEvaluationStartedAt = performance.now();

/** Activation as seen from inside the extension host, in milliseconds. */
export interface ActivationTimes {
  /** From the bundle's first statement to the call of `activate()`. */
  readonly evaluateMs: number;
  /** The synchronous body of `activate()`: registering every feature. */
  readonly activateMs: number;
  /** From the call of `activate()` until the first scan of the workspace configs finished; undefined until then. */
  readonly firstScanMs: number | undefined;
}

export class ActivationClock {
  private readonly calledAt = performance.now();
  private returnedAt: number | undefined;
  private scannedAt: number | undefined;

  returned(): void {
    this.returnedAt = performance.now();
  }

  scanned(): void {
    this.scannedAt = performance.now();
  }

  times(): ActivationTimes {
    return {
      evaluateMs: this.calledAt - bundleEvaluationStartedAt,
      activateMs: (this.returnedAt ?? performance.now()) - this.calledAt,
      firstScanMs: this.scannedAt === undefined ? undefined : this.scannedAt - this.calledAt,
    };
  }
}
