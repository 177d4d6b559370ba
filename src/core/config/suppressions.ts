/**
 * Suppressions, as eslint and shellcheck have them, written as comment lines:
 *
 *   # mail-tls-disable-next-line postfix-tls-auth-only
 *   # mail-tls-disable dovecot-plaintext-listener            (the whole file)
 *   disable_plaintext_auth = no  # mail-tls-disable-line dovecot-plaintext-auth   (Dovecot only)
 *
 * "next line" is the next line that is neither blank nor a comment, so a suppression may stand
 * above a comment explaining it. Postfix reads a `#` after a value as part of the value, so the
 * end-of-line form is Dovecot's only; in main.cf/master.cf it is reported. Ids are separated by
 * commas or spaces; `--` starts a free-text reason. The `ignore` option (CLI `--ignore ID`,
 * setting `mailTls.lint.ignore`) drops an id everywhere.
 *
 * Nothing is hidden silently: suppressed findings are returned apart (the CLI counts them), an
 * unknown id and a suppression that suppresses nothing are findings themselves.
 */
import type { ConfigFinding, SourceRange } from './types';

export const SUPPRESSION_DOC = 'https://github.com/mail-tls-inspector/mail-tls-inspector#suppressions';

export interface SuppressedFinding {
  finding: ConfigFinding;
  /** Where it was suppressed: the comment's place, or `ignore` for the option. */
  by: SourceRange | 'ignore';
}

interface Directive {
  kind: 'next-line' | 'line' | 'file';
  ids: string[];
  range: SourceRange;
  /** The lines the directive covers (next-line and line forms), first to last. */
  from?: number;
  target?: number;
  used: Set<string>;
}

const DIRECTIVE = /#\s*mail-tls-disable(-next-line|-line)?(?=\s|$)([^\n]*)/;

function idsOf(rest: string): string[] {
  const text = rest.split(/\s--\s/)[0] ?? '';
  return text.split(/[\s,]+/).filter(Boolean);
}

function parseDirectives(file: string, text: string): { directives: Directive[]; problems: ConfigFinding[] } {
  const directives: Directive[] = [];
  const problems: ConfigFinding[] = [];
  if (!text.includes('mail-tls-disable')) return { directives, problems };
  const lines = text.split('\n');
  const postfix = /(^|\/)(main|master)\.cf([.][^/]*)?$/.test(file) || /\.cf$/.test(file);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    const m = DIRECTIVE.exec(line);
    if (!m) continue;
    const at = line.indexOf(m[0]);
    const range: SourceRange = { file, start: { line: i, character: at }, end: { line: i, character: at + m[0].length } };
    const commentLine = line.slice(0, at).trim() === '';
    const ids = idsOf(m[2] ?? '');
    if (ids.length === 0) {
      problems.push(problem('mail-tls-suppression-invalid', `This suppression names no finding id; write the ids it silences (e.g. ${m[1] ? `mail-tls-disable${m[1]}` : 'mail-tls-disable'} postfix-tls-auth-only).`, range));
      continue;
    }
    if (m[1] === '-line') {
      if (commentLine) {
        problems.push(problem('mail-tls-suppression-invalid', 'mail-tls-disable-line goes at the end of the line it silences; on a line of its own use mail-tls-disable-next-line.', range));
        continue;
      }
      if (postfix) {
        problems.push(problem('mail-tls-suppression-invalid', 'Postfix reads a "#" after a value as part of the value, so this comment changes the setting: put "# mail-tls-disable-next-line ..." on the line before instead.', range, 'warning'));
        continue;
      }
      directives.push({ kind: 'line', ids, range, target: i, used: new Set() });
      continue;
    }
    if (!commentLine) {
      problems.push(problem('mail-tls-suppression-invalid', `Write mail-tls-disable${m[1] ?? ''} on a comment line of its own.`, range, 'warning'));
      continue;
    }
    if (m[1] === '-next-line') {
      let j = i + 1;
      while (j < lines.length && /^\s*(#.*)?\r?$/.test(lines[j]!)) j++;
      // Lines in between count too: a finding about a global default sits on main.cf's first line, a comment.
      directives.push({ kind: 'next-line', ids, range, from: i + 1, target: j, used: new Set() });
    } else {
      directives.push({ kind: 'file', ids, range, used: new Set() });
    }
  }
  return { directives, problems };
}

function problem(id: string, message: string, range: SourceRange, severity: ConfigFinding['severity'] = 'warning'): ConfigFinding {
  return { id, severity, message, range, docUrl: SUPPRESSION_DOC };
}

export interface SuppressionResult {
  findings: ConfigFinding[];
  suppressed: SuppressedFinding[];
}

/**
 * Applies the files' suppression comments and the `ignore` ids. `texts` maps each analysed file to
 * its text; `known` says whether an id is one this tool can report.
 */
export function applySuppressions(findings: ConfigFinding[], texts: ReadonlyMap<string, string>, ignore: readonly string[], known: (id: string) => boolean): SuppressionResult {
  const byFile = new Map<string, Directive[]>();
  const out: ConfigFinding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const [file, text] of texts) {
    const { directives, problems } = parseDirectives(file, text);
    byFile.set(file, directives);
    out.push(...problems);
    for (const d of directives) {
      for (const id of d.ids) if (!known(id)) out.push(problem('mail-tls-suppression-unknown-id', `${id} is not a finding this tool reports, so this suppression silences nothing (a typo?).`, d.range));
    }
  }
  const ignored = new Set(ignore);
  for (const f of findings) {
    if (ignored.has(f.id)) {
      suppressed.push({ finding: f, by: 'ignore' });
      continue;
    }
    const d = (byFile.get(f.range.file) ?? []).find((x) => x.ids.includes(f.id) && (x.kind === 'file' || (f.range.start.line >= (x.from ?? x.target!) && f.range.start.line <= x.target!)));
    if (d) {
      d.used.add(f.id);
      suppressed.push({ finding: f, by: d.range });
    } else out.push(f);
  }
  for (const directives of byFile.values()) {
    for (const d of directives) {
      const unused = d.ids.filter((id) => known(id) && !d.used.has(id));
      if (unused.length > 0) out.push(problem('mail-tls-suppression-unused', `This suppression of ${unused.join(', ')} silences nothing here: remove it, or move it to the line it is meant for.`, d.range));
    }
  }
  return { findings: out, suppressed };
}

/**
 * The comment line that the editor's "Ignore this finding here" quick fix inserts above a finding.
 * A finding on a file's first line is usually about a default that main.cf does not set (it is
 * anchored there): the comment above would become that first line, so it covers the whole file.
 */
export function suppressionComment(f: ConfigFinding, indent: string): string {
  return f.range.start.line === 0 ? `# mail-tls-disable ${f.id}\n` : `${indent}# mail-tls-disable-next-line ${f.id}\n`;
}
