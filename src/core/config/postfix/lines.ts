/**
 * Postfix's logical lines, shared by main.cf and master.cf: a line whose first non-blank
 * character is `#` is a comment, blank lines are skipped, and a line that starts with white
 * space continues the previous logical line (comments and blank lines in between do not end it),
 * and so does a line that a template's whitespace control joins to it (`{%- endif %}`).
 */
import { isTemplateDirectiveLine, templateJoinedLines } from '../templates';
import type { Position, SourceRange } from '../types';

/** One physical line's share of a logical line, trimmed of surrounding white space. */
export interface Piece {
  line: number;
  /** Character offsets in the physical line, end exclusive. */
  start: number;
  end: number;
  text: string;
  /** Joined to the piece before with nothing between: a template's whitespace control strips the line break. */
  glued?: boolean;
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
/** `{`, `%` or `<`: the only first characters of a template line. */
function isTemplateStart(c: number): boolean {
  return c === 123 || c === 37 || c === 60;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
}

/** Scans the text once, without a string per physical line (a big master.cf has 10,000s). */
export function splitLogicalLines(text: string): LineSplit {
  const logical: LogicalLine[] = [];
  const orphans: Piece[] = [];
  const lineLengths: number[] = [];
  let current: LogicalLine | undefined;
  const joined = templateJoinedLines(text);
  let lineStart = 0;
  for (let n = 0; lineStart <= text.length; n++) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const next = lineEnd + 1;
    if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    lineLengths.push(lineEnd - lineStart);
    let s = lineStart;
    while (s < lineEnd && isBlank(text.charCodeAt(s))) s++;
    if (s < lineEnd && text.charCodeAt(s) !== 35 /* # */ && !(isTemplateStart(text.charCodeAt(s)) && !joined.has(n) && isTemplateDirectiveLine(text.slice(s, lineEnd)))) {
      let e = lineEnd;
      while (e > s && isBlank(text.charCodeAt(e - 1))) e--;
      const piece: Piece = { line: n, start: s - lineStart, end: e - lineStart, text: text.slice(s, e) };
      if (current && joined.has(n)) {
        piece.glued = true;
        current.pieces.push(piece);
      } else if (s === lineStart) {
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
 * Maps offsets in a logical line's joined text (pieces joined by one space, glued ones by none) back to the file.
 * Keeps only numbers, not the pieces: it lives as long as the parsed document.
 */
export class JoinedText {
  readonly text: string;
  /** Per piece: offset in `text`, line, start character, length (one flat array, one allocation). */
  private readonly spans: number[];

  constructor(pieces: readonly Piece[], readonly file: string) {
    const spans: number[] = [];
    let at = 0;
    let text = '';
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      const sep = i === 0 || p.glued ? '' : ' ';
      at += sep.length;
      spans.push(at, p.line, p.start, p.end - p.start);
      text = i === 0 ? p.text : `${text}${sep}${p.text}`;
      at += p.text.length;
    }
    this.spans = spans;
    this.text = text;
  }

  position(offset: number): Position {
    const n = this.spans.length / 4;
    if (n === 0) return { line: 0, character: 0 };
    // Binary search: a logical line may have thousands of continuation pieces.
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.spans[mid * 4]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const s = this.spans;
    const within = Math.min(Math.max(offset - s[lo * 4]!, 0), s[lo * 4 + 3]!);
    return { line: s[lo * 4 + 1]!, character: s[lo * 4 + 2]! + within };
  }

  /** Range of joined-text offsets [start, end). A range ending at a piece boundary stays on that piece. */
  range(start: number, end: number): SourceRange {
    const s = this.position(start);
    if (end <= start) return { file: this.file, start: s, end: { line: s.line, character: s.character } };
    const e = this.position(end - 1);
    return { file: this.file, start: s, end: { line: e.line, character: e.character + 1 } };
  }
}
