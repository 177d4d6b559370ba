/**
 * The Dovecot document tree: every file reached through `!include`/`!include_try`, with its
 * sections and settings in source order. Never throws: unreadable or missing files, cycles,
 * unbalanced braces and absurd nesting become problems with a range.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Severity } from '../../findings';
import { notCheckedMessage } from '../readScope';
import type { SourceRange } from '../types';
import { expandBraces, expandInclude, hasGlob } from './glob';
import { lexDovecot, type ValueKind } from './lexer';

export interface SettingNode {
  kind: 'setting';
  name: string;
  /** The value as Dovecot stores it: unquoted, continuations joined; for `<file` the path. */
  value: string;
  valueKind: ValueKind;
  nameRange: SourceRange;
  valueRange: SourceRange;
  range: SourceRange;
}

export interface SectionNode {
  kind: 'section';
  type: string;
  name: string;
  typeRange: SourceRange;
  nameRange?: SourceRange;
  /** The opening line. */
  headerRange: SourceRange;
  /** From the opening line to the closing brace. */
  range: SourceRange;
  children: DovecotNode[];
}

export interface IncludeNode {
  kind: 'include';
  optional: boolean;
  pattern: string;
  patternRange: SourceRange;
  range: SourceRange;
  /** Each file the pattern matched, in glob order, with its statements. */
  files: { file: string; children: DovecotNode[] }[];
}

export type DovecotNode = SettingNode | SectionNode | IncludeNode;

export interface DocumentProblem {
  id: string;
  severity: Severity;
  message: string;
  range: SourceRange;
  fix?: { title: string; range: SourceRange; newText: string };
}

export interface DovecotDocument {
  root: string;
  files: string[];
  children: DovecotNode[];
  problems: DocumentProblem[];
  /** Set when the caller's signal stopped the reading early. */
  aborted: boolean;
  /** Absolute includes of a copied config that are not on this machine (settings may hide there). */
  notHere: string[];
}

export interface ReadOptions {
  readText?: (absPath: string) => string | undefined;
  /** Includes outside what may be read (restricted mode) are reported, not opened. */
  mayRead?: (absPath: string) => boolean;
  signal?: AbortSignal;
  /**
   * The config was copied from another machine: a missing absolute include is a file that
   * exists only on the server (information), not a Dovecot that refuses to start.
   */
  copied?: boolean;
}

/** Deeper sections are skipped (and reported): Dovecot's own configs nest 4 levels. */
export const MAX_SECTION_DEPTH = 64;
const MAX_INCLUDE_DEPTH = 20;
const MAX_FILES = 2000;

const lineRange = (file: string, line: number): SourceRange => ({ file, start: { line, character: 0 }, end: { line, character: 0 } });

export function readDovecotDocument(root: string, options: ReadOptions = {}): DovecotDocument {
  const doc: DovecotDocument = { root, files: [], children: [], problems: [], aborted: false, notHere: [] };
  const problem = (id: string, severity: Severity, message: string, range: SourceRange) => doc.problems.push({ id, severity, message, range });

  const readText = (path: string): string | undefined => {
    try {
      const fromEditor = options.readText?.(path);
      if (fromEditor !== undefined) return fromEditor;
    } catch {
      // A failing reader is treated like a missing buffer: fall back to the disk.
    }
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  const identity = (path: string): string => {
    try {
      return realpathSync.native(path);
    } catch {
      return path;
    }
  };

  const parseFile = (file: string, text: string, chain: string[], baseDepth: number): DovecotNode[] => {
    if (!doc.files.includes(file)) doc.files.push(file);
    const top: DovecotNode[] = [];
    const stack: { node: SectionNode }[] = [];
    let skipped = 0;
    let reportedDepth = false;
    const current = (): DovecotNode[] => stack[stack.length - 1]?.node.children ?? top;
    for (const st of lexDovecot(text, file)) {
      if (skipped > 0) {
        if (st.kind === 'sectionBegin') skipped++;
        else if (st.kind === 'sectionEnd') skipped--;
        continue;
      }
      switch (st.kind) {
        case 'error':
          problem('dovecot-syntax-error', 'error', st.message, st.range);
          break;
        case 'warning':
          doc.problems.push({ id: st.id, severity: 'warning', message: st.message, range: st.range, ...(st.fix ? { fix: st.fix } : {}) });
          break;
        case 'setting':
          current().push({ kind: 'setting', name: st.name, value: st.value, valueKind: st.valueKind, nameRange: st.nameRange, valueRange: st.valueRange, range: st.range });
          break;
        case 'sectionBegin': {
          if (baseDepth + stack.length >= MAX_SECTION_DEPTH) {
            if (!reportedDepth) problem('dovecot-syntax-error', 'error', `Sections nest deeper than ${MAX_SECTION_DEPTH} levels; the deeper ones are not analysed.`, st.range);
            reportedDepth = true;
            skipped = 1;
            break;
          }
          const node: SectionNode = { kind: 'section', type: st.type, name: st.name, typeRange: st.typeRange, headerRange: st.range, range: { ...st.range }, children: [] };
          if (st.nameRange) node.nameRange = st.nameRange;
          current().push(node);
          stack.push({ node });
          break;
        }
        case 'sectionEnd': {
          const open = stack.pop();
          if (open) open.node.range = { file, start: open.node.headerRange.start, end: st.range.end };
          else problem('dovecot-syntax-error', 'error', 'This "}" closes no section.', st.range);
          break;
        }
        case 'include':
          current().push(include(st, file, chain, baseDepth + stack.length));
          break;
      }
    }
    for (const open of stack.reverse()) {
      problem('dovecot-syntax-error', 'error', `Section "${open.node.type}${open.node.name ? ' ' + open.node.name : ''}" is not closed in this file.`, open.node.headerRange);
      const lastLine = Math.max(0, text.split('\n').length - 1);
      open.node.range = { file, start: open.node.headerRange.start, end: { line: lastLine, character: 0 } };
    }
    return top;
  };

  const include = (
    st: { optional: boolean; pattern: string; patternRange: SourceRange; range: SourceRange },
    from: string,
    chain: string[],
    depth: number,
  ): IncludeNode => {
    const node: IncludeNode = { kind: 'include', optional: st.optional, pattern: st.pattern, patternRange: st.patternRange, range: st.range, files: [] };
    if (st.pattern === '') {
      problem('dovecot-syntax-error', 'error', 'The include names no file.', st.range);
      return node;
    }
    const target = isAbsolute(st.pattern) ? st.pattern : resolve(dirname(from), st.pattern);
    if (options.mayRead && !options.mayRead(target)) {
      problem('dovecot-file-not-checked', 'info', notCheckedMessage(target), st.patternRange);
      return node;
    }
    const matches = expandInclude(st.pattern, from);
    const glob = hasGlob(st.pattern) || expandBraces(st.pattern).length > 1;
    const notHere = options.copied === true && st.pattern.startsWith('/');
    if (glob && matches.length === 0 && notHere) doc.notHere.push(st.pattern);
    if (glob && matches.length === 0 && !st.optional && notHere) {
      problem('dovecot-include-not-here', 'info', `No file matches "${st.pattern}" on this machine; the server has them, so what they set is not analysed here.`, st.patternRange);
    } else if (glob && matches.length === 0 && !st.optional) {
      problem('dovecot-include-missing', 'error', `No file matches "${st.pattern}"; Dovecot refuses to start (use !include_try for optional files).`, st.patternRange);
    }
    for (const file of matches) {
      if (options.signal?.aborted) {
        doc.aborted = true;
        break;
      }
      const id = identity(file);
      if (chain.includes(id)) {
        problem('dovecot-include-cycle', 'error', `Including ${file} here forms a cycle (it is already being read).`, st.patternRange);
        continue;
      }
      if (chain.length >= MAX_INCLUDE_DEPTH || doc.files.length >= MAX_FILES) {
        problem('dovecot-include-cycle', 'error', `Includes nest too deeply at ${file}; it is not analysed.`, st.patternRange);
        continue;
      }
      if (options.mayRead && !options.mayRead(file)) {
        problem('dovecot-file-not-checked', 'info', notCheckedMessage(file), st.patternRange);
        continue;
      }
      const text = readText(file);
      if (text === undefined) {
        if (notHere) doc.notHere.push(file);
        if (!st.optional && notHere) problem('dovecot-include-not-here', 'info', `${file} is not on this machine; the server has it, so what it sets is not analysed here.`, st.patternRange);
        else if (!st.optional) problem('dovecot-include-missing', 'error', `${file} cannot be read; Dovecot refuses to start (use !include_try for optional files).`, st.patternRange);
        continue;
      }
      node.files.push({ file, children: parseFile(file, text, [...chain, id], depth) });
    }
    return node;
  };

  const text = readText(root);
  if (text === undefined) {
    problem('dovecot-include-missing', 'error', `${root} cannot be read.`, lineRange(root, 0));
    return doc;
  }
  doc.children = parseFile(root, text, [identity(root)], 0);
  return doc;
}
