/**
 * Parser for Postfix `master.cf`: service lines with their eight columns and arguments,
 * `-o name=value`, `-oname=value` and `-o { name = value with spaces }`, with exact ranges.
 */
import type { SourceRange } from '../types';
import type { ParseProblem } from './mainCf';
import { JoinedText, splitLogicalLines } from './lines';

export interface MasterToken {
  text: string;
  range: SourceRange;
}

export interface MasterOption {
  name: string;
  value: string;
  /** From `-o` to the end of its value. */
  range: SourceRange;
  nameRange: SourceRange;
  valueRange: SourceRange;
  /** The `name=value` text (plain form only), for replacing the whole option safely. */
  assignmentRange: SourceRange;
  braced: boolean;
}

export interface MasterEntry {
  /** Column 1, e.g. `smtp`, `127.0.0.1:submission`, `[::1]:10587`. */
  service: string;
  type: string;
  /** Columns 3 to 7 (private, unpriv, chroot, wakeup, maxproc), as written. */
  flags: string[];
  /** Column 8: the program name, e.g. `smtpd`. */
  command: string;
  args: MasterToken[];
  options: MasterOption[];
  serviceRange: SourceRange;
  commandRange: SourceRange;
  /** The whole service line, continuation lines included. */
  range: SourceRange;
}

export interface MasterCfDocument {
  file: string;
  entries: MasterEntry[];
  problems: ParseProblem[];
  lineLengths: number[];
}

interface RawToken {
  text: string;
  start: number;
  end: number;
}

export function parseMasterCf(text: string, file: string): MasterCfDocument {
  const split = splitLogicalLines(text);
  const entries: MasterEntry[] = [];
  const problems: ParseProblem[] = [];
  for (const orphan of split.orphans) {
    problems.push({
      message: 'This line starts with white space but continues no service line; Postfix ignores it.',
      range: { file, start: { line: orphan.line, character: orphan.start }, end: { line: orphan.line, character: orphan.end } },
    });
  }
  for (const logical of split.logical) {
    const joined = new JoinedText(logical.pieces, file);
    const bounds = tokenize(joined.text);
    const count = bounds.length / 2;
    const range = joined.range(0, joined.text.length);
    if (count < 8) {
      problems.push({ message: `A service line needs 8 columns (service, type, private, unpriv, chroot, wakeup, maxproc, command); this one has ${count}.`, range });
      continue;
    }
    entries.push(new ParsedEntry(bounds, joined, range, options(bounds, joined, problems)));
  }
  return { file, entries, problems, lineLengths: split.lineLengths };
}

/**
 * White-space separated tokens as offsets [start0, end0, start1, end1, ...] (no objects or
 * strings per token: a big master.cf has tens of thousands); `{ ... }`, also right after
 * `-o`, is one token.
 */
function tokenize(text: string): number[] {
  const bounds: number[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    const braceAt = text.charCodeAt(i) === 123 /* { */ ? i : text.startsWith('-o{', i) ? i + 2 : -1;
    if (braceAt >= 0) {
      const close = closingBrace(text, braceAt);
      i = close < 0 ? n : close + 1;
    } else {
      while (i < n && !isSpace(text.charCodeAt(i))) i++;
    }
    bounds.push(start, i);
  }
  return bounds;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
}

function closingBrace(text: string, open: number): number {
  let level = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') level++;
    else if (text[i] === '}' && --level === 0) return i;
  }
  return -1;
}

/** Daemon options (after column 8), read as getopt does: they stop at `--` or the first argument not starting with `-`. */
function options(bounds: number[], joined: JoinedText, problems: ParseProblem[]): MasterOption[] {
  const out: MasterOption[] = [];
  const text = joined.text;
  for (let k = 16; k < bounds.length; k += 2) {
    const start = bounds[k]!;
    const end = bounds[k + 1]!;
    const len = end - start;
    if (text.charCodeAt(start) !== 45 /* - */ || len === 1 || (len === 2 && text.charCodeAt(start + 1) === 45)) break;
    if (text.charCodeAt(start + 1) !== 111 /* o */) continue;
    let valueTok: RawToken;
    if (len === 2) {
      if (k + 2 >= bounds.length) {
        problems.push({ message: "'-o' needs a name=value after it.", range: joined.range(start, end) });
        break;
      }
      k += 2;
      valueTok = { text: text.slice(bounds[k]!, bounds[k + 1]!), start: bounds[k]!, end: bounds[k + 1]! };
    } else {
      valueTok = { text: text.slice(start + 2, end), start: start + 2, end };
    }
    const parsed = assignment(valueTok);
    if (!parsed) {
      problems.push({ message: `'-o ${valueTok.text.slice(0, 60)}' is not name=value.`, range: joined.range(start, valueTok.end) });
      continue;
    }
    out.push(new ParsedOption(parsed, joined, start, valueTok));
  }
  return out;
}

/** Ranges are computed when asked for: a big master.cf has tens of thousands of them. */
class ParsedEntry implements MasterEntry {
  readonly service: string;
  readonly type: string;
  readonly flags: string[];
  readonly command: string;

  constructor(
    private readonly bounds: number[],
    private readonly joined: JoinedText,
    readonly range: SourceRange,
    readonly options: MasterOption[],
  ) {
    const col = (i: number) => joined.text.slice(bounds[2 * i]!, bounds[2 * i + 1]!);
    this.service = col(0);
    this.type = col(1);
    this.flags = [col(2), col(3), col(4), col(5), col(6)];
    this.command = col(7);
  }

  get args(): MasterToken[] {
    const out: MasterToken[] = [];
    for (let i = 16; i < this.bounds.length; i += 2) {
      const s = this.bounds[i]!;
      const e = this.bounds[i + 1]!;
      out.push(new ParsedToken(this.joined.text.slice(s, e), this.joined, s, e));
    }
    return out;
  }

  get serviceRange(): SourceRange {
    return this.joined.range(this.bounds[0]!, this.bounds[1]!);
  }

  get commandRange(): SourceRange {
    return this.joined.range(this.bounds[14]!, this.bounds[15]!);
  }
}

class ParsedToken implements MasterToken {
  constructor(
    readonly text: string,
    private readonly joined: JoinedText,
    private readonly start: number,
    private readonly end: number,
  ) {}

  get range(): SourceRange {
    return this.joined.range(this.start, this.end);
  }
}

class ParsedOption implements MasterOption {
  readonly name: string;
  readonly value: string;
  readonly braced: boolean;
  private readonly optStart: number;
  private readonly tokenStart: number;
  private readonly tokenEnd: number;
  private readonly nameStart: number;
  private readonly nameEnd: number;
  private readonly valueStart: number;
  private readonly valueEnd: number;

  constructor(parsed: Assignment, private readonly joined: JoinedText, optStart: number, token: RawToken) {
    this.name = parsed.name;
    this.value = parsed.value;
    this.braced = parsed.braced;
    this.optStart = optStart;
    this.tokenStart = token.start;
    this.tokenEnd = token.end;
    this.nameStart = parsed.nameStart;
    this.nameEnd = parsed.nameEnd;
    this.valueStart = parsed.valueStart;
    this.valueEnd = parsed.valueEnd;
  }

  get range(): SourceRange {
    return this.joined.range(this.optStart, this.tokenEnd);
  }

  get nameRange(): SourceRange {
    return this.joined.range(this.nameStart, this.nameEnd);
  }

  get valueRange(): SourceRange {
    return this.joined.range(this.valueStart, this.valueEnd);
  }

  get assignmentRange(): SourceRange {
    return this.joined.range(this.tokenStart, this.tokenEnd);
  }
}

interface Assignment {
  name: string;
  value: string;
  braced: boolean;
  nameStart: number;
  nameEnd: number;
  valueStart: number;
  valueEnd: number;
}

function assignment(tok: RawToken): Assignment | undefined {
  const braced = tok.text.startsWith('{') && tok.text.endsWith('}') && tok.text.length >= 2;
  const s = braced ? tok.start + 1 : tok.start;
  const text = braced ? tok.text.slice(1, -1) : tok.text;
  const eq = text.indexOf('=');
  if (eq <= 0) return undefined;
  const rawName = text.slice(0, eq);
  const name = rawName.trim();
  if (!name || /\s/.test(name)) return undefined;
  const nameStart = s + rawName.indexOf(name);
  const rawValue = text.slice(eq + 1);
  const value = braced ? rawValue.trim() : rawValue;
  const leading = braced ? rawValue.length - rawValue.trimStart().length : 0;
  const valueStart = s + eq + 1 + leading;
  return { name, value, braced, nameStart, nameEnd: nameStart + name.length, valueStart, valueEnd: valueStart + value.length };
}
