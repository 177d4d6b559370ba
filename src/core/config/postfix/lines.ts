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

/** Scans the text once, without a string per physical line (a big master.cf has 10,000s). */
export function splitLogicalLines(text: string): LineSplit {
  const logical: LogicalLine[] = [];
  const orphans: Piece[] = [];
  const lineLengths: number[] = [];
  let current: LogicalLine | undefined;
  let lineStart = 0;
  for (let n = 0; lineStart <= text.length; n++) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const next = lineEnd + 1;
    if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    lineLengths.push(lineEnd - lineStart);
    let s = lineStart;
    while (s < lineEnd && isBlank(text.charCodeAt(s))) s++;
    if (s < lineEnd && text.charCodeAt(s) !== 35 /* # */) {
      let e = lineEnd;
      while (e > s && isBlank(text.charCodeAt(e - 1))) e--;
      const piece: Piece = { line: n, start: s - lineStart, end: e - lineStart, text: text.slice(s, e) };
      if (s === lineStart) {
        current = { pieces: [piece] };
        logical.push(current);
      } else if (current) {
        current.pieces.push(piece);
      } else {
        orphans.push(piece);
      }
    }
    lineStart = next;
  }
  return { logical, orphans, lineLengths };
}

/**
 * Maps offsets in a logical line's joined text (pieces joined by one space) back to the file.
 * Keeps only numbers, not the pieces: it lives as long as the parsed document.
 */
export class JoinedText {
  readonly text: string;
  private readonly offsets: number[];
  private readonly lines: number[];
  private readonly starts: number[];
  private readonly lengths: number[];

  constructor(pieces: readonly Piece[], readonly file: string) {
    const n = pieces.length;
    this.offsets = new Array<number>(n);
    this.lines = new Array<number>(n);
    this.starts = new Array<number>(n);
    this.lengths = new Array<number>(n);
    let at = 0;
    for (let i = 0; i < n; i++) {
      const p = pieces[i]!;
      this.offsets[i] = at;
      this.lines[i] = p.line;
      this.starts[i] = p.start;
      this.lengths[i] = p.end - p.start;
      at += p.text.length + 1;
    }
    this.text = n === 1 ? pieces[0]!.text : pieces.map((p) => p.text).join(' ');
  }

  position(offset: number): Position {
    const n = this.offsets.length;
    if (n === 0) return { line: 0, character: 0 };
    // Binary search: a logical line may have thousands of continuation pieces.
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const within = Math.min(Math.max(offset - this.offsets[lo]!, 0), this.lengths[lo]!);
    return { line: this.lines[lo]!, character: this.starts[lo]! + within };
  }

  /** Range of joined-text offsets [start, end). A range ending at a piece boundary stays on that piece. */
  range(start: number, end: number): SourceRange {
    const s = this.position(start);
    if (end <= start) return { file: this.file, start: s, end: { line: s.line, character: s.character } };
    const e = this.position(end - 1);
    return { file: this.file, start: s, end: { line: e.line, character: e.character + 1 } };
  }
}
