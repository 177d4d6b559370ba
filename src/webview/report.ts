// The report webview's script. It receives the report's data by message, builds the same
// element tree as the exported file (src/core/report/view) and turns it into DOM with text
// nodes only. State (the data, open sections, scroll) survives the panel being hidden.
import type { ReportInput } from '../core/report/input';
import { buildReport } from '../core/report/view';
import { domainCard, drawCard, endpointCard } from './card';
import { toDom } from './dom';
import type { DrawnSummary, FromWebview, ToWebview } from './messages';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface State {
  input: ReportInput;
  open: number[];
  scrollY: number;
}

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;
let current: State | null = (vscode.getState() as State | null) ?? null;

function save(): void {
  if (!current) return;
  const details = [...root.querySelectorAll('details')];
  current.open = details.flatMap((d, i) => (d.open ? [i] : []));
  current.scrollY = window.scrollY;
  vscode.setState(current);
}

function summary(drawMs: number, restored: boolean): DrawnSummary {
  const report = root.querySelector('main')!;
  return {
    drawMs,
    letters: [...report.querySelectorAll('.card-letter')].map((e) => e.textContent ?? ''),
    bars: [...report.querySelectorAll<HTMLElement>('.bar')].map((b) => ({ phase: b.closest('[data-phase]')?.getAttribute('data-phase') ?? '', left: b.style.left, width: b.style.width })),
    chainBoxes: [...report.querySelectorAll('.cert')].map((c) => ({ role: c.getAttribute('data-role') ?? '', name: c.querySelector('.cert-name')?.textContent ?? '' })),
    suiteRows: report.querySelectorAll('tr.suite').length,
    findings: report.querySelectorAll('.finding').length,
    configLinks: [...report.querySelectorAll<HTMLElement>('[data-action="open"]')].map((b) => ({ file: b.dataset.file ?? '', line: Number(b.dataset.line) })),
    text: (report.textContent ?? '').slice(0, 200_000),
    scriptsInReport: report.querySelectorAll('script').length,
    imagesInReport: report.querySelectorAll('img, iframe, object, embed').length,
    theme: document.body.className,
    restored,
  };
}

function render(state: State, sentAt: number | null): void {
  const started = performance.now();
  root.replaceChildren(toDom(buildReport(state.input, { mode: 'webview' })));
  document.title = state.input.title;
  const details = [...root.querySelectorAll('details')];
  for (const i of state.open) if (details[i]) details[i].open = true;
  window.scrollTo(0, state.scrollY);
  // Measured once the browser has laid the report out and is about to paint it.
  requestAnimationFrame(() => vscode.postMessage({ type: 'drawn', summary: summary(performance.now() - started, sentAt === null), sentAt: sentAt ?? 0 }));
}

function cardPng(target: string): void {
  const section = current?.input.endpoints.find((e) => e.result.target === target);
  const domain = current?.input.domains.find((d) => d.domain === target);
  const holder = section ? 'article.endpoint' : 'section.domain';
  const card = [...root.querySelectorAll<HTMLElement>(holder)].find((a) => a.getAttribute(section ? 'data-target' : 'data-domain') === target)?.querySelector<HTMLElement>('.card');
  const text = section ? endpointCard(section) : domain ? domainCard(domain) : null;
  if (!text || !card) return vscode.postMessage({ type: 'error', message: `no grade card for ${target}` });
  vscode.postMessage({ type: 'card-png', target, dataUrl: drawCard(text, card) });
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  if (message.type === 'render') {
    const same = current?.input.endpoints.map((e) => e.result.target).join() === message.input.endpoints.map((e) => e.result.target).join();
    current = { input: message.input, open: same ? current!.open : [], scrollY: same ? window.scrollY : 0 };
    vscode.setState(current);
    render(current, message.sentAt);
  } else if (message.type === 'draw-card') cardPng(message.target);
  else if (message.type === 'click-link') {
    const link = [...root.querySelectorAll<HTMLElement>('[data-action="open"]')].find((b) => b.dataset.file === message.file && Number(b.dataset.line) === message.line);
    if (link) link.click();
    else vscode.postMessage({ type: 'error', message: `no link to ${message.file}:${message.line}` });
  }
});

root.addEventListener('click', (event) => {
  const button = (event.target as Element).closest<HTMLElement>('[data-action]');
  if (!button) return;
  const action = button.dataset.action;
  if (action === 'open') vscode.postMessage({ type: 'open', file: button.dataset.file ?? '', line: Number(button.dataset.line) });
  else if (action === 'probe-again') vscode.postMessage({ type: 'probe-again', target: button.dataset.target ?? '' });
  else if (action === 'export-png') vscode.postMessage({ type: 'export-png', target: button.dataset.target ?? '' });
  else if (action === 'export-html') vscode.postMessage({ type: 'export-html' });
});

// Arrow keys move between the report's stops (cards, phases, certificates, buttons); Tab still works.
root.addEventListener('keydown', (event) => {
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) return;
  const stops = [...root.querySelectorAll<HTMLElement>('summary, button, [tabindex="0"]')];
  const at = stops.indexOf(document.activeElement as HTMLElement);
  if (at < 0) return;
  const next = event.key === 'Home' ? 0 : event.key === 'End' ? stops.length - 1 : at + (event.key === 'ArrowDown' ? 1 : -1);
  stops[Math.max(0, Math.min(stops.length - 1, next))]?.focus();
  event.preventDefault();
});

root.addEventListener('toggle', save, true);
let scrollTimer = 0;
window.addEventListener('scroll', () => {
  clearTimeout(scrollTimer);
  scrollTimer = window.setTimeout(save, 200);
});

if (current) render(current, null);
vscode.postMessage({ type: 'ready' });
