// Imported first by extension.ts, so this runs before any other module of the bundle: the
// start of bundle evaluation, where the activation time VS Code also counts begins.
import { performance } from 'node:perf_hooks';

export const bundleEvaluationStartedAt = performance.now();
let bundleEvaluatedAt: number | undefined;

/** Called by the last statement of extension.ts, once every module of the bundle has run. */
export function markBundleEvaluated(): void {
  bundleEvaluatedAt = performance.now();
}

/** Activation as seen from inside the extension host, in milliseconds. */
export interface ActivationTimes {
  /** From the bundle's first statement to its last: evaluating every module. */
  readonly evaluateMs: number;
  /** From then to the call of `activate()`: VS Code preparing the extension's context. */
  readonly contextMs: number;
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
      evaluateMs: (bundleEvaluatedAt ?? this.calledAt) - bundleEvaluationStartedAt,
      contextMs: this.calledAt - (bundleEvaluatedAt ?? this.calledAt),
      activateMs: (this.returnedAt ?? performance.now()) - this.calledAt,
      firstScanMs: this.scannedAt === undefined ? undefined : this.scannedAt - this.calledAt,
    };
  }
}
