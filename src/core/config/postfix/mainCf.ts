/** Parser for Postfix `main.cf`: `name = value` logical lines, with exact ranges; last one wins. */
import type { SourceRange } from '../types';
import { JoinedText, splitLogicalLines } from './lines';

export interface MainCfEntry {
  name: string;
  /** The value as Postfix reads it: continuation lines joined by one space, trimmed. */
  value: string;
  nameRange: SourceRange;
  /** The value's text; zero-width right after `=` when the value is empty. */
  valueRange: SourceRange;
  /** The whole logical line. */
  range: SourceRange;
  /** Maps offsets in `value` to file positions (for ranges inside long values). */
  valueText: JoinedText;
  valueOffset: number;
}

export interface ParseProblem {
  message: string;
  range: SourceRange;
}

export interface MainCfDocument {
  file: string;
  /** Every assignment in file order. */
  entries: MainCfEntry[];
  /** The assignment in effect for each name (the last one). */
  byName: Map<string, MainCfEntry>;
  problems: ParseProblem[];
  lineLengths: number[];
}

export function parseMainCf(text: string, file: string): MainCfDocument {
  const split = splitLogicalLines(text);
  const entries: MainCfEntry[] = [];
  const byName = new Map<string, MainCfEntry>();
  const problems: ParseProblem[] = [];
  for (const orphan of split.orphans) {
    problems.push({
      message: 'This line starts with white space but continues nothing; Postfix ignores it.',
      range: { file, start: { line: orphan.line, character: orphan.start }, end: { line: orphan.line, character: orphan.end } },
    });
  }
  for (const logical of split.logical) {
    const joined = new JoinedText(logical.pieces, file);
    const t = joined.text;
    const eq = t.indexOf('=');
    const wholeRange = joined.range(0, t.length);
    if (eq < 0) {
      problems.push({ message: `Missing '=' after the parameter name; Postfix rejects this line.`, range: wholeRange });
      continue;
    }
    let nameEnd = eq;
    while (nameEnd > 0 && /\s/.test(t[nameEnd - 1]!)) nameEnd--;
    const name = t.slice(0, nameEnd);
    if (!name || /\s/.test(name)) {
      problems.push({ message: `'${name.slice(0, 60)}' is not a parameter name; Postfix rejects this line.`, range: joined.range(0, nameEnd || eq + 1) });
      continue;
    }
    let vs = eq + 1;
    while (vs < t.length && /\s/.test(t[vs]!)) vs++;
    let ve = t.length;
    while (ve > vs && /\s/.test(t[ve - 1]!)) ve--;
    const entry: MainCfEntry = {
      name,
      value: t.slice(vs, ve),
      nameRange: joined.range(0, nameEnd),
      valueRange: joined.range(vs, ve),
      range: wholeRange,
      valueText: joined,
      valueOffset: vs,
    };
    entries.push(entry);
    byName.set(name, entry);
  }
  return { file, entries, byName, problems, lineLengths: split.lineLengths };
}
