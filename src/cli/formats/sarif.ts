// SARIF 2.1.0 for code-scanning uploads (GitHub, GitLab, Azure DevOps): one run, one rule per id,
// one result per finding; suppressed findings are results with a `suppressions` entry, so the
// viewer shows them as suppressed instead of losing them.
import { pathToFileURL } from 'node:url';
import type { ConfigFinding, SourceRange } from '../../core/config/types';
import type { SuppressedFinding } from '../../core/config';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

function region(r: SourceRange): SarifRegion {
  return { startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: r.end.line + 1, endColumn: Math.max(r.end.character + 1, r.end.line === r.start.line ? r.start.character + 1 : 1) };
}

/** A repository-relative path when the file is under `base`, else a file: URI. */
function artifact(file: string, base: string): { uri: string; uriBaseId?: string } {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  if (file.startsWith(prefix)) return { uri: file.slice(prefix.length).split('/').map(encodeURIComponent).join('/'), uriBaseId: 'SRCROOT' };
  return { uri: pathToFileURL(file).href };
}

export function toSarif(findings: ConfigFinding[], suppressed: SuppressedFinding[], version: string, base: string): unknown {
  const all = [...findings.map((f) => ({ f, s: undefined as SuppressedFinding | undefined })), ...suppressed.map((s) => ({ f: s.finding, s }))];
  const ruleIds = [...new Set(all.map((x) => x.f.id))].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const docOf = new Map(all.map((x) => [x.f.id, x.f.docUrl]));
  return {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'mail-tls',
            informationUri: 'https://github.com/mail-tls-inspector/mail-tls-inspector',
            version,
            rules: ruleIds.map((id) => ({ id, helpUri: docOf.get(id) ?? '', shortDescription: { text: id } })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(base.endsWith('/') ? base : `${base}/`).href } },
        results: all.map(({ f, s }) => {
          const result: Record<string, unknown> = {
            ruleId: f.id,
            ruleIndex: ruleIndex.get(f.id),
            level: LEVEL[f.severity],
            message: { text: f.message },
            locations: [{ physicalLocation: { artifactLocation: artifact(f.range.file, base), region: region(f.range) } }],
          };
          if (s) result.suppressions = [{ kind: s.by === 'ignore' ? 'external' : 'inSource', justification: s.by === 'ignore' ? 'ignored with --ignore' : 'mail-tls-disable comment' }];
          return result;
        }),
      },
    ],
  };
}
