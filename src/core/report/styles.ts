// The report's stylesheet, shared by the exported file and the webview. Colours come from
// custom properties: the file defines them for light and dark (prefers-color-scheme), the
// webview maps them to VS Code's theme variables (light, dark and high contrast).

const LAYOUT = `
*{box-sizing:border-box}
body{margin:0;background:var(--mt-bg);color:var(--mt-fg);font:14px/1.45 var(--mt-font)}
.report{max-width:1100px;margin:0 auto;padding:16px 20px 40px}
h1{font-size:1.35em;margin:0 0 2px}
h2{font-size:1.2em;margin:0;word-break:break-all}
h3{font-size:1.05em;margin:22px 0 8px;border-bottom:1px solid var(--mt-border);padding-bottom:3px}
h4{font-size:.95em;margin:12px 0 4px}
.muted,.card-meta,.cert-dn,.phase-ms,.axis{color:var(--mt-muted)}
code,pre{font-family:var(--mt-mono);font-size:.92em}
.endpoint{margin-top:26px;padding-top:6px}
.card{display:flex;gap:18px;align-items:flex-start;padding:14px 16px;border:1px solid var(--mt-border);border-left:6px solid var(--mt-grade);border-radius:6px;background:var(--mt-card)}
.card-letter{flex:none;width:84px;height:84px;border-radius:10px;display:flex;align-items:center;justify-content:center;font:700 44px/1 var(--mt-font);color:var(--mt-on-grade);background:var(--mt-grade)}
.card-body{min-width:0;flex:1}
.card-body p{margin:2px 0}
.card-tls{font-family:var(--mt-mono)}
.card-score{font-weight:600}
.reasons{margin:8px 0 0;padding-left:18px}
.reason-cap{font-weight:600}
.reason-score,.reason-note{color:var(--mt-muted)}
.grade-a{--mt-grade:var(--mt-good)}
.grade-b{--mt-grade:var(--mt-fair)}
.grade-c{--mt-grade:var(--mt-warn)}
.grade-f{--mt-grade:var(--mt-bad)}
.grade-none{--mt-grade:var(--mt-muted)}
.toolbar{display:flex;gap:8px;margin-top:10px;flex-wrap:wrap}
button{font:inherit;color:var(--mt-button-fg);background:var(--mt-button-bg);border:1px solid var(--mt-button-border);border-radius:3px;padding:3px 10px;cursor:pointer}
button:focus-visible,summary:focus-visible,[tabindex]:focus-visible{outline:2px solid var(--mt-focus);outline-offset:2px}
button.loc{background:none;border:none;color:var(--mt-link);padding:0;text-decoration:underline;font-family:var(--mt-mono)}
.axis{display:grid;grid-template-columns:1fr 1fr 1fr;margin-left:234px;font-size:.8em}
.axis span:nth-child(2){text-align:center}
.axis span:nth-child(3){text-align:right}
.phase{border-top:1px solid var(--mt-border)}
.phase-row{display:grid;grid-template-columns:160px 58px 1fr;align-items:center;gap:8px;padding:3px 0;list-style:none;cursor:default}
details>summary.phase-row{cursor:pointer}
summary.phase-row::-webkit-details-marker{display:none}
details>.phase-row .phase-label::before{content:'▸ ';color:var(--mt-muted)}
details[open]>.phase-row .phase-label::before{content:'▾ '}
.phase-label{font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.phase-ms{text-align:right;font-variant-numeric:tabular-nums}
.track{position:relative;height:14px;background:var(--mt-track);border-radius:2px}
.bar{position:absolute;top:0;bottom:0;min-width:2px;border-radius:2px;background:var(--mt-bar)}
.bar-connect{background:var(--mt-bar-net)}
.bar-handshake{background:var(--mt-bar-tls)}
.bar-starttls{background:var(--mt-bar-tls)}
.bar-checks{background:var(--mt-bar-side)}
.lines{margin:2px 0 8px 168px;padding:6px 8px;background:var(--mt-code-bg);border-radius:4px;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
.line-client{color:var(--mt-client)}
.line-info{color:var(--mt-muted)}
.verdict{margin:4px 0 8px;font-weight:600}
.verdict.ok{color:var(--mt-good)}
.verdict.bad{color:var(--mt-bad)}
.chain{list-style:none;display:flex;flex-wrap:wrap;gap:34px;padding:0;margin:0}
.cert{position:relative;flex:1 1 220px;max-width:340px;border:1px solid var(--mt-border);border-top:4px solid var(--mt-good);border-radius:6px;padding:8px 10px;background:var(--mt-card)}
.cert-bad{border-top-color:var(--mt-bad)}
.cert-absent{border-style:dashed}
.cert+.cert::before{content:'→';position:absolute;left:-28px;top:36%;font-size:20px;color:var(--mt-muted)}
.cert-role{font-size:.8em;text-transform:uppercase;letter-spacing:.04em;color:var(--mt-muted)}
.cert-name{font-weight:700;word-break:break-all}
.cert-dn,.cert-sans,.cert-issuer{font-size:.85em;word-break:break-all}
.cert-facts{display:flex;flex-direction:column;font-size:.85em;margin:4px 0}
.cert-problems{color:var(--mt-bad);margin:4px 0;padding-left:16px;font-weight:600}
.cert-ok{color:var(--mt-good);font-size:.9em}
.cert-more{font-size:.8em;word-break:break-all}
table{border-collapse:collapse;width:100%;margin:4px 0 10px}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid var(--mt-border)}
th{font-weight:600;color:var(--mt-muted)}
.suite-good .suite-grade{color:var(--mt-good);font-weight:700}
.suite-acceptable .suite-grade{color:var(--mt-fair);font-weight:700}
.suite-weak .suite-grade{color:var(--mt-warn);font-weight:700}
.suite-insecure .suite-grade{color:var(--mt-bad);font-weight:700}
.suite td:first-child{border-left:4px solid var(--mt-grade-cell,transparent)}
.suite-good{--mt-grade-cell:var(--mt-good)}
.suite-acceptable{--mt-grade-cell:var(--mt-fair)}
.suite-weak{--mt-grade-cell:var(--mt-warn)}
.suite-insecure{--mt-grade-cell:var(--mt-bad)}
.mx-grade{font-weight:700;color:var(--mt-grade)}
.findings{list-style:none;padding:0;margin:0}
.finding{padding:6px 0 6px 10px;border-left:3px solid var(--mt-sev);margin-bottom:6px}
.severity-error{--mt-sev:var(--mt-bad)}
.severity-warning{--mt-sev:var(--mt-warn)}
.severity-info{--mt-sev:var(--mt-info)}
.severity h4{color:var(--mt-sev)}
.finding-id{color:var(--mt-muted)}
.finding-detail{margin:2px 0}
.locations{margin:2px 0;padding-left:16px}
`;

/** The exported file: its own palettes, light and dark. */
const FILE_COLOURS = `
:root{color-scheme:light dark;--mt-font:system-ui,-apple-system,"Segoe UI",sans-serif;--mt-mono:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;
--mt-bg:#ffffff;--mt-fg:#1f2328;--mt-muted:#59636e;--mt-border:#d1d9e0;--mt-card:#f6f8fa;--mt-code-bg:#f0f2f4;--mt-track:#eaeef2;
--mt-good:#1a7f37;--mt-fair:#9a6700;--mt-warn:#bc4c00;--mt-bad:#cf222e;--mt-info:#0969da;--mt-on-grade:#ffffff;
--mt-bar:#8250df;--mt-bar-net:#57606a;--mt-bar-tls:#1a7f37;--mt-bar-side:#afb8c1;--mt-client:#0550ae;--mt-link:#0969da;--mt-focus:#0969da;
--mt-button-fg:#1f2328;--mt-button-bg:#f6f8fa;--mt-button-border:#d1d9e0}
@media (prefers-color-scheme:dark){:root{
--mt-bg:#0d1117;--mt-fg:#e6edf3;--mt-muted:#9198a1;--mt-border:#3d444d;--mt-card:#151b23;--mt-code-bg:#1b222c;--mt-track:#212830;
--mt-good:#3fb950;--mt-fair:#d29922;--mt-warn:#f0883e;--mt-bad:#f85149;--mt-info:#4493f8;--mt-on-grade:#0d1117;
--mt-bar:#a371f7;--mt-bar-net:#8b949e;--mt-bar-tls:#3fb950;--mt-bar-side:#484f58;--mt-client:#79c0ff;--mt-link:#4493f8;--mt-focus:#4493f8;
--mt-button-fg:#e6edf3;--mt-button-bg:#21262d;--mt-button-border:#3d444d}}
@media print{.toolbar{display:none}}
`;

/** The webview: VS Code's theme variables; high contrast adds borders VS Code's way. */
const WEBVIEW_COLOURS = `
:root{--mt-font:var(--vscode-font-family);--mt-mono:var(--vscode-editor-font-family);
--mt-bg:var(--vscode-editor-background);--mt-fg:var(--vscode-foreground);--mt-muted:var(--vscode-descriptionForeground);
--mt-border:var(--vscode-panel-border,var(--vscode-widget-border,#8884));--mt-card:var(--vscode-sideBar-background,var(--vscode-editor-background));
--mt-code-bg:var(--vscode-textCodeBlock-background);--mt-track:var(--vscode-editorWidget-background);
--mt-good:var(--vscode-testing-iconPassed);--mt-fair:var(--vscode-editorWarning-foreground);--mt-warn:var(--vscode-list-warningForeground,var(--vscode-editorWarning-foreground));
--mt-bad:var(--vscode-testing-iconFailed);--mt-info:var(--vscode-editorInfo-foreground);--mt-on-grade:var(--vscode-editor-background);
--mt-bar:var(--vscode-charts-purple);--mt-bar-net:var(--vscode-charts-blue);--mt-bar-tls:var(--vscode-charts-green);--mt-bar-side:var(--vscode-disabledForeground);
--mt-client:var(--vscode-textLink-foreground);--mt-link:var(--vscode-textLink-foreground);--mt-focus:var(--vscode-focusBorder);
--mt-button-fg:var(--vscode-button-foreground);--mt-button-bg:var(--vscode-button-background);--mt-button-border:var(--vscode-button-border,transparent)}
body{font-size:var(--vscode-font-size)}
body.vscode-light{--mt-on-grade:var(--vscode-editor-foreground)}
body.vscode-high-contrast .card,body.vscode-high-contrast .cert,body.vscode-high-contrast .bar,body.vscode-high-contrast .card-letter{outline:1px solid var(--vscode-contrastBorder)}
body.vscode-high-contrast .track{border:1px solid var(--vscode-contrastBorder)}
`;

export const FILE_CSS = FILE_COLOURS + LAYOUT;
export const WEBVIEW_CSS = WEBVIEW_COLOURS + LAYOUT;
