// `mail-tls lint <file|dir...>`: config findings as `file:line:col: severity id: message`, or
// as JSON, SARIF 2.1.0 or GitHub workflow annotations.
import type { ConfigFinding } from '../../core/config/types';
import { SEVERITY_ORDER } from '../../core/findings';
import { displayPath, loadConfigs, parseConfigArgs } from '../configArgs';
import { describedHostLine } from '../hostText';
import { toGithubAnnotation } from '../formats/github';
import { toSarif } from '../formats/sarif';
import { TOOL_VERSION } from '../version';
import { CliIo, EXIT_FINDINGS, EXIT_OK } from '../io';

const HELP = `usage: mail-tls lint <file|dir...> [options]

Checks Postfix (main.cf, master.cf) and Dovecot (dovecot.conf and its includes) configs.
A main.cf brings in its sibling master.cf and the other way round; a directory such as
/etc/postfix or /etc/dovecot is read whole.

options:
  --format F              text (default), json, sarif (SARIF 2.1.0, for code scanning) or
                          github (::error file=...,line=...:: workflow annotations)
  --json                  the same as --format json
  --ignore ID[,ID...]     do not report these finding ids (counted as suppressed; repeatable)
  --ca FILE               private root certificates (PEM): a certificate they issued has
                          its chain complete
  --no-cert-files         do not read the certificate and key files the config names
  --expiry-days N         report certificates expiring within N days (default 30)
  --postfix-version V     Postfix version whose defaults apply (default 3.7)
  --host NAME             the host the configs describe (DIR=NAME for one config root);
                          certificates are checked against it when the config names none
  --live-root DIR         count DIR as this machine's live config (default /etc/postfix,
                          /etc/dovecot): its certificates are checked against this machine

Suppressions (comment lines, like eslint's):
  # mail-tls-disable-next-line ID[, ID...] [-- reason]   the next non-comment line
  # mail-tls-disable ID[, ID...]                          the whole file
  ... # mail-tls-disable-line ID                          end of a Dovecot line (Postfix
                                                          would read it as part of the value)
Suppressed findings are counted in the summary; an unknown id or a suppression that
silences nothing is reported.

Exit status: 0 no error finding, 1 an error finding, 2 bad arguments, 3 a runtime failure.
`;

export interface LintFindingJson {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  id: string;
  severity: ConfigFinding['severity'];
  message: string;
  docUrl: string;
  fix?: { title: string; newText: string; line: number; column: number; endLine: number; endColumn: number };
}

export function toJson(f: ConfigFinding): LintFindingJson {
  const out: LintFindingJson = {
    file: f.range.file,
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    id: f.id,
    severity: f.severity,
    message: f.message,
    docUrl: f.docUrl,
  };
  if (f.fix) {
    const r = f.fix.range;
    out.fix = { title: f.fix.title, newText: f.fix.newText, line: r.start.line + 1, column: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
  }
  return out;
}

export async function lintCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseConfigArgs(args);
  if (parsed.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  const analyses = loadConfigs(parsed.paths, parsed.options);
  const findings = analyses.flatMap((a) => a.findings);
  const suppressed = analyses.flatMap((a) => a.suppressed);
  findings.sort(
    (a, b) =>
      a.range.file.localeCompare(b.range.file) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  const hidden = { total: suppressed.length, error: suppressed.filter((s) => s.finding.severity === 'error').length };
  const summary = { ...counts, suppressed: hidden.total, suppressedErrors: hidden.error };
  if (parsed.format === 'json') {
    const files = analyses.map((a) => ({ server: a.server, root: a.root, files: a.files, host: a.host }));
    const quiet = suppressed.map((s) => ({ ...toJson(s.finding), suppressedBy: s.by === 'ignore' ? 'ignore' : { file: s.by.file, line: s.by.start.line + 1 } }));
    io.stdout(`${JSON.stringify({ configs: files, findings: findings.map(toJson), suppressed: quiet, summary }, null, 2)}\n`);
  } else if (parsed.format === 'sarif') {
    io.stdout(`${JSON.stringify(toSarif(findings, suppressed, TOOL_VERSION, process.cwd()), null, 2)}\n`);
  } else if (parsed.format === 'github') {
    for (const f of findings) io.stdout(toGithubAnnotation(f));
  } else {
    for (const f of findings) {
      io.stdout(`${displayPath(f.range.file)}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.id}: ${f.message}\n`);
    }
  }
  if (parsed.format !== 'json' && parsed.format !== 'sarif') {
    for (const a of analyses) io.stderr(describedHostLine(a));
    const read = analyses.reduce((n, a) => n + a.files.length, 0);
    // Suppressed findings are always counted, and suppressed errors named as such.
    const quiet = hidden.total > 0 ? `; ${hidden.total} suppressed${hidden.error > 0 ? ` (${hidden.error} of them error(s))` : ''}` : '';
    io.stderr(`${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info in ${read} file(s)${quiet}\n`);
  }
  return counts.error > 0 ? EXIT_FINDINGS : EXIT_OK;
}
