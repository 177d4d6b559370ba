// Every Postfix and Dovecot config in the workspace, analysed by the config core, kept fresh:
// edits re-analyse about 300 ms after the last keystroke (cancelling the previous run), saves
// and file events at once. The tree, the hover and the diagnostics read from here.
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { ConfigEndpoint, ConfigFinding, DescribedHost } from '../../core/config/types';
import { onDidChangeSettings } from '../settings';
import type { SettingFacts } from '../../core/config/settingFacts';
import { analyzeConfig, CONFIG_LANGUAGES, type AnalysisResult } from './configSource';
import { ConfigWorkerClient } from './workerClient';

const DISCOVER_GLOB = '{**/main.cf,**/master.cf,**/dovecot.conf,**/dovecot/**/*.conf}';
const EXCLUDE_GLOB = '{**/node_modules/**,**/.git/**}';
const MAX_DISCOVERED = 200;
export const EDIT_DEBOUNCE_MS = 300;

/** An endpoint a workspace config declares, with the file that declares it. */
export interface DeclaredEndpoint extends ConfigEndpoint {
  fileUri: vscode.Uri;
}

/**
 * A config root as the explorer shows it: a Postfix directory (main.cf, master.cf) or a Dovecot
 * directory (dovecot.conf and its conf.d includes), with each endpoint it declares once.
 */
export interface ConfigRoot {
  server: 'postfix' | 'dovecot';
  /** The directory the root stands for (the key of mailTls.configHosts). */
  directory: string;
  /** The file an analysis starts from: main.cf (or master.cf), dovecot.conf. */
  mainFile: string;
  host: DescribedHost;
  /** Every file of the root that was read: where its diagnostics are. */
  files: string[];
  endpoints: DeclaredEndpoint[];
}

interface RootState {
  uri: vscode.Uri;
  result: AnalysisResult | undefined;
  /** Files the last analysis read (the root and its includes, main.cf's master.cf ...). */
  reads: Set<string>;
}

/** Which files the analyses may open: everything when trusted, the workspace folders when not. */
export interface ReadTrust {
  /** Undefined when trusted; otherwise the only folders files are opened in. */
  readableRoots(): string[] | undefined;
  readonly onDidChange: vscode.Event<void>;
}

export class ConfigIndex implements vscode.Disposable {
  private readonly roots = new Map<string, RootState>();
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; abort: AbortController }>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private discovery: Promise<void> | undefined;
  /** configRoots(), until the next change. */
  private rootsCache: ConfigRoot[] | undefined;
  /** The config core runs here, off the extension host's thread. */
  private readonly worker: ConfigWorkerClient;
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    workerPath: string,
    private readonly trust: ReadTrust,
  ) {
    // First listener: whoever reacts to a change reads fresh roots.
    this.disposables.push(this.changed.event(() => (this.rootsCache = undefined)));
    this.worker = new ConfigWorkerClient({
      workerPath,
      onRestart: (reason) => {
        // The worker's retained analyses (the hover's) are gone: analyse every root again.
        this.log.warn(`${reason}; analysing the configs again`);
        for (const root of this.roots.values()) this.schedule(root.uri, 0);
      },
    });
    const watcher = vscode.workspace.createFileSystemWatcher(DISCOVER_GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => this.schedule(uri, 0)),
      watcher.onDidChange((uri) => this.scheduleDependents(uri, 0)),
      watcher.onDidDelete((uri) => this.remove(uri)),
      vscode.workspace.onDidOpenTextDocument((doc) => this.onDocument(doc, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.onDocument(e.document, EDIT_DEBOUNCE_MS)),
      vscode.workspace.onDidSaveTextDocument((doc) => this.onDocument(doc, 0)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.onDocument(doc, 0)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.rescan()),
      // Granted trust lets the certificate checks open files outside the workspace.
      trust.onDidChange(() => {
        for (const root of this.roots.values()) this.schedule(root.uri, 0);
      }),
      // The static certificate checks use mailTls.expiryWarningDays.
      onDidChangeSettings(() => {
        for (const root of this.roots.values()) this.schedule(root.uri, 0);
      }),
    );
    for (const doc of vscode.workspace.textDocuments) this.onDocument(doc, 0);
  }

  /** Finds the workspace's configs (again) and analyses them all. */
  async rescan(): Promise<void> {
    const discovery = (async () => {
      // The core reads through Node's fs: virtual workspaces (no `file` scheme) are not analysed.
      const found = (await vscode.workspace.findFiles(DISCOVER_GLOB, EXCLUDE_GLOB, MAX_DISCOVERED)).filter((u) => u.scheme === 'file');
      const present = new Set(found.map((u) => u.fsPath));
      const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.fsPath));
      // Files gone since the last scan (a missed watcher event) leave the index too.
      for (const path of [...this.roots.keys()]) if (!present.has(path) && !open.has(path)) this.roots.delete(path);
      for (const uri of found) this.schedule(uri, 0);
      this.changed.fire();
    })();
    this.discovery = discovery;
    await discovery;
    await this.whenIdle();
  }

  /** Resolves once discovery and every scheduled analysis have finished. */
  async whenIdle(): Promise<void> {
    for (let round = 0; round < 50; round++) {
      if (this.discovery) await this.discovery.catch(() => undefined);
      const waiting = [...this.running.values()];
      if (waiting.length === 0 && this.pending.size === 0) return;
      await Promise.all(waiting.map((p) => p.catch(() => undefined)));
      if (waiting.length === 0) await new Promise((r) => setTimeout(r, EDIT_DEBOUNCE_MS));
    }
  }

  /** Every analysis, one per root file analysed. */
  results(): AnalysisResult[] {
    return [...this.roots.values()].flatMap((r) => (r.result ? [r.result] : []));
  }

  endpoints(): DeclaredEndpoint[] {
    const seen = new Set<string>();
    const out: DeclaredEndpoint[] = [];
    for (const result of this.results()) {
      for (const endpoint of result.endpoints) {
        const key = `${endpoint.target}|${endpoint.range.file}|${endpoint.range.start.line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ ...endpoint, fileUri: vscode.Uri.file(endpoint.range.file) });
      }
    }
    return out;
  }

  /**
   * The workspace's config roots, sorted by directory. Analyses of files of one root (main.cf and
   * master.cf; a conf.d file and its dovecot.conf) fold into one; a Dovecot file that another
   * root includes is shown only under that root.
   */
  configRoots(): ConfigRoot[] {
    // Asked for by the tree, the badge and every root's decoration on each diagnostics change.
    this.rootsCache ??= this.computeConfigRoots();
    return this.rootsCache;
  }

  private computeConfigRoots(): ConfigRoot[] {
    const analysed = this.results().flatMap((result) => result.roots.map((root) => ({ root, endpoints: result.endpoints.filter((e) => e.server === root.server) })));
    const includedElsewhere = (a: (typeof analysed)[number]) =>
      a.root.server === 'dovecot' && analysed.some((b) => b.root.server === 'dovecot' && b.root.root !== a.root.root && b.root.files.includes(a.root.root));
    const byKey = new Map<string, ConfigRoot>();
    for (const a of analysed) {
      if (includedElsewhere(a)) continue;
      const directory = a.root.server === 'dovecot' ? path.dirname(a.root.root) : a.root.root;
      const key = `${a.root.server}:${directory}`;
      let group = byKey.get(key);
      if (!group) {
        const mainFile = a.root.server === 'dovecot' ? a.root.root : a.root.files.find((f) => path.basename(f) === 'main.cf') ?? a.root.files[0] ?? path.join(directory, 'main.cf');
        group = { server: a.root.server, directory, mainFile, host: a.root.host, files: [], endpoints: [] };
        byKey.set(key, group);
      }
      for (const file of a.root.files) if (!group.files.includes(file)) group.files.push(file);
      for (const endpoint of a.endpoints) {
        if (group.endpoints.some((e) => e.target === endpoint.target)) continue;
        group.endpoints.push({ ...endpoint, fileUri: vscode.Uri.file(endpoint.range.file) });
      }
    }
    const roots = [...byKey.values()].sort((a, b) => a.directory.localeCompare(b.directory) || a.server.localeCompare(b.server));
    for (const root of roots) root.endpoints.sort((a, b) => a.range.file.localeCompare(b.range.file) || a.range.start.line - b.range.start.line);
    return roots;
  }

  /** Whether a workspace config declares this target. */
  declares(target: string): boolean {
    return this.endpoints().some((e) => e.target === target);
  }

  /** Static findings located in one file, from every analysis that read it. */
  findingsIn(fsPath: string): ConfigFinding[] {
    const seen = new Set<string>();
    const out: ConfigFinding[] = [];
    for (const result of this.results()) {
      for (const finding of result.findings) {
        if (finding.range.file !== fsPath) continue;
        const key = `${finding.id}|${finding.range.start.line}:${finding.range.start.character}|${finding.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(finding);
      }
    }
    return out;
  }

  /** Whether every analysis that read this document saw its current text (fixes are safe). */
  isCurrent(document: vscode.TextDocument): boolean {
    const readers = this.resultsReading(document.uri.fsPath);
    return readers.length > 0 && readers.every((r) => r.documentVersions.get(document.uri.fsPath) === document.version);
  }

  /** The analyses that read this file (as root or include). */
  resultsReading(fsPath: string): AnalysisResult[] {
    return [...this.roots.values()].filter((r) => r.reads.has(fsPath) && r.result).map((r) => r.result!);
  }

  /** The hover's facts for a setting on a line, from the first analysis that read the file. */
  async settingFacts(fsPath: string, line: number, name: string): Promise<SettingFacts | undefined> {
    for (const result of this.resultsReading(fsPath)) {
      const facts = await this.worker.hover(result.root, fsPath, line, name);
      if (facts) return facts;
    }
    return undefined;
  }

  private onDocument(doc: vscode.TextDocument, delay: number): void {
    if (doc.uri.scheme !== 'file' || !CONFIG_LANGUAGES.includes(doc.languageId)) return;
    this.scheduleDependents(doc.uri, delay);
  }

  /** Re-analyses every root that read this file, or the file itself when none did. */
  private scheduleDependents(uri: vscode.Uri, delay: number): void {
    const dependents = [...this.roots.values()].filter((r) => r.reads.has(uri.fsPath));
    if (dependents.length === 0) this.schedule(uri, delay);
    for (const root of dependents) this.schedule(root.uri, delay);
  }

  private schedule(uri: vscode.Uri, delay: number): void {
    if (uri.scheme !== 'file') return;
    const key = uri.fsPath;
    const previous = this.pending.get(key);
    if (previous) {
      clearTimeout(previous.timer);
      previous.abort.abort();
    }
    const abort = new AbortController();
    const timer = setTimeout(() => {
      this.pending.delete(key);
      const run = this.analyse(uri, abort.signal).finally(() => {
        if (this.running.get(key) === run) this.running.delete(key);
      });
      this.running.set(key, run);
    }, delay);
    this.pending.set(key, { timer, abort });
  }

  private async analyse(uri: vscode.Uri, signal: AbortSignal): Promise<void> {
    try {
      const started = Date.now();
      const result = await analyzeConfig(this.worker, uri.fsPath, signal, this.trust.readableRoots());
      if (!result || signal.aborted) return;
      this.roots.set(uri.fsPath, { uri, result, reads: new Set(result.reads) });
      this.log.debug(`analysed ${uri.fsPath} in ${Date.now() - started} ms (worker ${result.elapsedMs} ms, ${result.reads.length} file(s))`);
      this.changed.fire();
    } catch (err) {
      if (signal.aborted) return;
      this.log.warn(`could not analyse ${uri.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private remove(uri: vscode.Uri): void {
    if (this.roots.delete(uri.fsPath)) {
      this.worker.forget(uri.fsPath);
      this.changed.fire();
    }
    for (const root of this.roots.values()) if (root.reads.has(uri.fsPath)) this.schedule(root.uri, 0);
  }

  dispose(): void {
    for (const { timer, abort } of this.pending.values()) {
      clearTimeout(timer);
      abort.abort();
    }
    this.pending.clear();
    this.worker.dispose();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
