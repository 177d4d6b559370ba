/**
 * Splits one Dovecot config file into statements with exact source ranges. Follows Dovecot
 * 2.3's `config_parse_line()`: one statement per line, `#` comments outside quotes, a trailing
 * backslash continues the line, `key = value`, `type [name] {`, `}` and `!include[_try]`.
 */
import { isTemplateDirectiveLine, templateJoinedLines } from '../templates';
import type { Position, SourceRange } from '../types';

export type ValueKind = 'plain' | 'quoted' | 'file' | 'variable';

export type Statement =
  | { kind: 'setting'; name: string; nameRange: SourceRange; value: string; valueKind: ValueKind; valueRange: SourceRange; range: SourceRange }
  | { kind: 'sectionBegin'; type: string; name: string; typeRange: SourceRange; nameRange?: SourceRange; range: SourceRange }
  | { kind: 'sectionEnd'; range: SourceRange }
  | { kind: 'include'; optional: boolean; pattern: string; patternRange: SourceRange; range: SourceRange }
  | { kind: 'error'; message: string; range: SourceRange }
  /** Something Dovecot accepts with a warning or silently drops. */
  | { kind: 'warning'; id: string; message: string; range: SourceRange; fix?: { title: string; range: SourceRange; newText: string } };

/** A piece of one physical line that belongs to a logical (continued) line. */
interface Segment {
  offset: number;
  line: number;
  character: number;
  length: number;
}

const isWhite = (c: string | undefined): boolean => c === ' ' || c === '\t';

/** Dovecot's str_unescape(): a backslash keeps the next character (`\n`, `\r`, `\t` decoded). */
export function unescapeDovecot(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    i++;
    if (i >= s.length) break;
    const n = s[i];
    out += n === 'n' ? '\n' : n === 'r' ? '\r' : n === 't' ? '\t' : n;
  }
  return out;
}

/** Where the comment starts (index into `text` from `from`), or -1; quotes hide `#`. */
function commentStart(text: string, from: number): number {
  for (let p = from; p < text.length; p++) {
    const c = text[p];
    if (c === '"' || c === "'") {
      p++;
      while (p < text.length && text[p] !== c) {
        if (text[p] === '\\' && p + 1 < text.length) p++;
        p++;
      }
      if (p >= text.length) return -1;
    } else if (c === '#') {
      return p;
    }
  }
  return -1;
}

export function lexDovecot(text: string, file: string): Statement[] {
  const out: Statement[] = [];
  let pending: Segment[] = [];
  let logical = '';
  let lineStart = 0;
  let lineNo = 0;
  // Lines a template's whitespace control joins to the config line before them (see templates.ts):
  // that line is held until it is known that nothing more joins it.
  const joined = templateJoinedLines(text);
  let held: { logical: string; segments: Segment[] } | undefined;
  const flush = () => {
    if (held) out.push(parseLogicalLine(held.logical, held.segments, file));
    held = undefined;
  };
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    let phys = text.slice(lineStart, lineEnd);
    if (phys.endsWith('\r')) phys = phys.slice(0, -1);
    let start = 0;
    while (isWhite(phys[start])) start++;
    const template = start < phys.length && phys[start] !== '#' && !joined.has(lineNo) && isTemplateDirectiveLine(phys.slice(start));
    if (held && (phys[start] === '#' || (!template && start < phys.length && !joined.has(lineNo)))) flush();
    if (start >= phys.length || phys[start] === '#' || template) {
      // Dovecot resets the pending continuation on a blank or comment line: its text is lost.
      if (pending.length > 0) out.push(droppedContinuation(pending, file));
      pending = [];
      logical = '';
    } else {
      const hash = commentStart(phys, start);
      if (hash > 0 && !isWhite(phys[hash - 1])) {
        const at = { line: lineNo, character: hash };
        out.push({
          kind: 'warning',
          id: 'dovecot-ambiguous-comment',
          message: 'Dovecot treats this "#" as the start of a comment (and warns): put a space before it, or quote the value if "#" belongs to it.',
          range: { file, start: at, end: { line: lineNo, character: phys.length } },
          fix: { title: 'Put a space before "#"', range: { file, start: at, end: at }, newText: ' ' },
        });
      }
      if (held && pending.length === 0) {
        // Joined with no separator, as the template engine renders it.
        pending = held.segments;
        logical = held.logical;
        held = undefined;
      }
      let end = hash < 0 ? phys.length : hash;
      while (end > start && isWhite(phys[end - 1])) end--;
      if (end > start && phys[end - 1] === '\\') {
        let contEnd = end - 1;
        while (contEnd > start && isWhite(phys[contEnd - 1])) contEnd--;
        // A lone backslash adds nothing, not even the joining space (doveconf agrees).
        if (contEnd > start) {
          pending.push({ offset: logical.length, line: lineNo, character: start, length: contEnd - start });
          logical += phys.slice(start, contEnd) + ' ';
        }
      } else {
        pending.push({ offset: logical.length, line: lineNo, character: start, length: end - start });
        logical += phys.slice(start, end);
        if (joined.size > 0) held = { logical, segments: pending };
        else out.push(parseLogicalLine(logical, pending, file));
        pending = [];
        logical = '';
      }
    }
    lineStart = lineEnd + 1;
    lineNo++;
  }
  flush();
  if (pending.length > 0) out.push(droppedContinuation(pending, file));
  return out;
}

function droppedContinuation(pending: Segment[], file: string): Statement {
  const first = pending[0]!;
  const last = pending[pending.length - 1]!;
  return {
    kind: 'warning',
    id: 'dovecot-continuation-dropped',
    message: 'This line ends with "\\" but a blank line, a comment or the end of the file follows: Dovecot silently drops the whole statement.',
    range: { file, start: { line: first.line, character: first.character }, end: { line: last.line, character: last.character + last.length } },
  };
}

function positionAt(segments: Segment[], offset: number): Position {
  let seg = segments[0]!;
  for (const s of segments) {
    if (s.offset > offset) break;
    seg = s;
  }
  const within = Math.min(Math.max(offset - seg.offset, 0), seg.length);
  return { line: seg.line, character: seg.character + within };
}

function parseLogicalLine(line: string, segments: Segment[], file: string): Statement {
  const range = (from: number, to: number): SourceRange => ({ file, start: positionAt(segments, from), end: positionAt(segments, to) });
  const whole = range(0, line.length);
  let p = 0;
  while (p < line.length && !isWhite(line[p]) && line[p] !== '=') p++;
  const key = line.slice(0, p);
  const keyRange = range(0, p);
  while (isWhite(line[p])) p++;

  if (key === '!include' || key === '!include_try') {
    let pattern = line.slice(p);
    let from = p;
    let to = line.length;
    if (pattern.length >= 2 && pattern.startsWith('"') && pattern.endsWith('"')) {
      pattern = unescapeDovecot(pattern.slice(1, -1));
      from++;
      to--;
    }
    return { kind: 'include', optional: key === '!include_try', pattern, patternRange: range(from, to), range: whole };
  }

  if (line[p] === '=') {
    p++;
    while (isWhite(line[p])) p++;
    if (key === '') return { kind: 'error', message: 'A setting needs a name before "=".', range: whole };
    const rest = line.slice(p);
    const valueRange = range(p, line.length);
    const base = { kind: 'setting' as const, name: key, nameRange: keyRange, valueRange, range: whole };
    if (rest.startsWith('<')) {
      let q = p + 1;
      while (isWhite(line[q])) q++;
      return { ...base, value: line.slice(q), valueKind: 'file' };
    }
    if (rest[0] !== '"' && rest[0] !== "'" && rest.includes('$')) return { ...base, value: rest, valueKind: 'variable' };
    const quote = rest[0];
    if ((quote === '"' || quote === "'") && rest.endsWith(quote)) {
      return { ...base, value: unescapeDovecot(rest.slice(1, rest.length > 1 ? -1 : 1)), valueKind: 'quoted' };
    }
    return { ...base, value: rest, valueKind: 'plain' };
  }

  if (key === '}' && p >= line.length) return { kind: 'sectionEnd', range: whole };
  if (key === '') return { kind: 'error', message: 'Expecting a setting, a section or "}".', range: whole };

  let name = '';
  let nameRange: SourceRange | undefined;
  if (line[p] !== '{' || line[p + 1] === '{') {
    if (line[p] !== '"') {
      const from = p;
      p = nameEnd(line, p);
      name = line.slice(from, p);
      nameRange = range(from, p);
    } else {
      const from = ++p;
      while (p < line.length && line[p] !== '"') p++;
      if (p >= line.length) return { kind: 'error', message: 'Missing the closing quote of the section name.', range: whole };
      name = unescapeDovecot(line.slice(from, p));
      nameRange = range(from, p);
      p++;
    }
    while (isWhite(line[p])) p++;
    if (line[p] !== '{') {
      const hint = line.includes('=') ? '' : ` (a setting is written "${key} = value")`;
      return { kind: 'error', message: `Expecting "{" after "${key}${name ? ' ' + name : ''}"${hint}.`, range: whole };
    }
  }
  if (p + 1 < line.length) return { kind: 'error', message: 'Garbage after "{": a section\'s contents go on the following lines.', range: whole };
  const section: Statement = { kind: 'sectionBegin', type: key, name, typeRange: keyRange, range: whole };
  if (nameRange) section.nameRange = nameRange;
  return section;
}

/**
 * Where an unquoted section name ends: at white space. A template placeholder in it
 * (`mailbox {{ name }} {`, `inet_listener imap{{ port }} {`) is taken whole, spaces and all.
 */
function nameEnd(line: string, from: number): number {
  let p = from;
  // Once no "}}" follows, none will: one search past that point, not one per "{{" (huge lines).
  let closes = true;
  while (p < line.length && !isWhite(line[p])) {
    const close = closes && line.startsWith('{{', p) ? line.indexOf('}}', p + 2) : -1;
    if (close < 0 && line.startsWith('{{', p)) closes = false;
    p = close >= 0 ? close + 2 : p + 1;
  }
  return p;
}
