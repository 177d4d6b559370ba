/**
 * Postfix's logical lines, shared by main.cf and master.cf: a line whose first non-blank
 * character is `#` is a comment, blank lines are skipped, and a line that starts with white
 * space continues the previous logical line (comments and blank lines in between do not end it).
 */
import type { Position, SourceRange } from '../types';

/** One physical line's share of a logical line, trimmed of surrounding white space. */
export interface Piece {
  line: number;
  /** Character offsets in the physical line, end exclusive. */
  start: number;
  end: number;
  text: string;
}

export interface LogicalLine {
  pieces: Piece[];
}

export interface LineSplit {
  logical: LogicalLine[];
  /** Continuation lines with no logical line before them (Postfix ignores them with a warning). */
  orphans: Piece[];
  /** Length of each physical line without its line terminator (for range checks and fixes). */
  lineLengths: number[];
}

/** Space, tab, vertical tab, form feed, carriage return. */
function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
}

export function splitPhysicalLines(text: string): string[] {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.endsWith('\r')) lines[i] = l.slice(0, -1);
  }
  return lines;
}

export function splitLogicalLines(text: string): LineSplit {
  const lines = splitPhysicalLines(text);
  const logical: LogicalLine[] = [];
  const orphans: Piece[] = [];
  let current: LogicalLine | undefined;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    let s = 0;
    while (s < line.length && isBlank(line.charCodeAt(s))) s++;
    if (s === line.length || line.charCodeAt(s) === 35 /* # */) continue;
    let e = line.length;
    while (e > s && isBlank(line.charCodeAt(e - 1))) e--;
    const piece: Piece = { line: n, start: s, end: e, text: line.slice(s, e) };
    if (s === 0) {
      current = { pieces: [piece] };
      logical.push(current);
    } else if (current) {
      current.pieces.push(piece);
    } else {
      orphans.push(piece);
    }
  }
  return { logical, orphans, lineLengths: lines.map((l) => l.length) };
}

/** Maps offsets in a logical line's joined text (pieces joined by one space) back to the file. */
export class JoinedText {
  readonly text: string;
  private readonly offsets: number[] = [];

  constructor(readonly pieces: Piece[], readonly file: string) {
    let text = '';
    for (const p of pieces) {
      if (text) text += ' ';
      this.offsets.push(text.length);
      text += p.text;
    }
    this.text = text;
  }

  position(offset: number): Position {
    // Binary search: a logical line may have thousands of continuation pieces.
    let lo = 0;
    let hi = this.offsets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const i = lo;
    const p = this.pieces[i];
    if (!p) return { line: 0, character: 0 };
    const within = Math.min(Math.max(offset - this.offsets[i]!, 0), p.end - p.start);
    return { line: p.line, character: p.start + within };
  }

  /** Range of joined-text offsets [start, end). A range ending at a piece boundary stays on that piece. */
  range(start: number, end: number): SourceRange {
    const s = this.position(start);
    const e = end > start ? this.position(end - 1) : s;
    return { file: this.file, start: s, end: end > start ? { line: e.line, character: e.character + 1 } : s };
  }
}
