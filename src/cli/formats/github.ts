// GitHub Actions workflow commands: one `::error file=...,line=...::message` line per finding,
// which the runner turns into annotations on the pull request.
import type { ConfigFinding } from '../../core/config/types';
import { displayPath } from '../configArgs';

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

/** Workflow-command escaping: `%`, CR and LF in the message; also `:` and `,` in properties. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function toGithubAnnotation(f: ConfigFinding): string {
  const r = f.range;
  const props = [
    `file=${escapeProperty(displayPath(r.file))}`,
    `line=${r.start.line + 1}`,
    `col=${r.start.character + 1}`,
    `endLine=${r.end.line + 1}`,
    `title=${escapeProperty(f.id)}`,
  ];
  if (r.end.line === r.start.line) props.push(`endColumn=${r.end.character + 1}`);
  return `::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(f.message)}\n`;
}
