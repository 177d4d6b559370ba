// The shareable report: one self-contained HTML file. Inline CSS, no script, no remote
// content; its own CSP forbids scripts and every fetch, in case a viewer trusts it too much.
import type { ReportInput } from './input';
import { FILE_CSS } from './styles';
import { buildReport } from './view';
import { escapeHtml, toHtml } from './vnode';

export const FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function renderReportHtml(input: ReportInput): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${FILE_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>${FILE_CSS}</style>`,
    '</head>',
    `<body>${toHtml(buildReport(input, { mode: 'file' }))}</body>`,
    '</html>',
    '',
  ].join('\n');
}
