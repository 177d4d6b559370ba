// The messages between the report panel and its webview (shared by both sides' types).
import type { ReportInput } from '../core/report/input';

/** What the webview measured and found in its own DOM after drawing (tests read it). */
export interface DrawnSummary {
  /** Milliseconds from the render message's arrival to the DOM being in place. */
  drawMs: number;
  letters: string[];
  bars: { phase: string; left: string; width: string }[];
  chainBoxes: { role: string; name: string }[];
  suiteRows: number;
  findings: number;
  /** The findings' links to config lines, in the order drawn. */
  configLinks: { file: string; line: number }[];
  /** The report's visible text (capped), to check hostile text arrived as text. */
  text: string;
  /** Elements that would run or load something; the report must have none. */
  scriptsInReport: number;
  imagesInReport: number;
  theme: string;
  /** Drawn from the webview's saved state (the panel was hidden and shown again, or restored). */
  restored: boolean;
}

export type ToWebview =
  | { type: 'render'; input: ReportInput; sentAt: number }
  | { type: 'draw-card'; target: string }
  /** Under the integration tests: click the config link to `file` at `line`, as a person would. */
  | { type: 'click-link'; file: string; line: number };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'drawn'; summary: DrawnSummary; sentAt: number }
  | { type: 'open'; file: string; line: number }
  | { type: 'probe-again'; target: string }
  | { type: 'export-html' }
  | { type: 'export-png'; target: string }
  | { type: 'card-png'; target: string; dataUrl: string }
  | { type: 'error'; message: string };
