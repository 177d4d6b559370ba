// Shared by the report's sections: the rendering mode and small formatting helpers.
import type { Letter } from '../grade';

/** `file`: the exported HTML (no script; config lines as file:line text). `webview`: the editor panel. */
export type ReportMode = 'file' | 'webview';

export interface ViewOptions {
  mode: ReportMode;
}

/** Grade letters as class-name-safe words. */
export function gradeClass(letter: Letter | null): string {
  if (letter === null) return 'grade-none';
  if (letter.startsWith('A')) return 'grade-a';
  if (letter === 'B') return 'grade-b';
  if (letter === 'C') return 'grade-c';
  return 'grade-f';
}

export function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

export function day(iso: string): string {
  return iso.slice(0, 10);
}

/** A stable, id-safe slug of a target URL for in-page anchors. */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export function percent(value: number, total: number): string {
  return `${Math.max(0, Math.min(100, (value / total) * 100)).toFixed(2)}%`;
}
