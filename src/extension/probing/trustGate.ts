// Workspace trust for probing: in an untrusted workspace nothing probes on its own, and an
// endpoint that a workspace file names (a config's listener, a workspace `mailTls.endpoints`
// value) is only probed after the person says yes in a modal dialog.
import * as vscode from 'vscode';

/** Asks to probe targets named by an untrusted workspace; resolves true to go ahead. */
export type ConsentPrompt = (targets: readonly string[]) => Promise<boolean>;

export class TrustGate implements vscode.Disposable {
  /** Tests can simulate restricted mode (code-server runs with workspace trust disabled). */
  private simulatedUntrusted = false;
  private prompt: ConsentPrompt = askModal;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed, vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire())];
  /** Trust was granted (or, in tests, the simulation switched). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly isWorkspaceDeclared: (target: string) => boolean) {}

  /** Restricted mode: config analyses open files only inside the workspace folders. */
  readableRoots(): string[] | undefined {
    if (this.trusted) return undefined;
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  }

  get trusted(): boolean {
    return vscode.workspace.isTrusted && !this.simulatedUntrusted;
  }

  /** Automatic probes (on open, on save) run only in a trusted workspace. */
  mayProbeUnasked(): boolean {
    return this.trusted;
  }

  /**
   * Splits targets into those allowed now and those declined. Targets the workspace names need
   * consent when untrusted; one dialog covers the whole batch.
   */
  async filter(targets: readonly string[]): Promise<{ allowed: string[]; declined: string[] }> {
    if (this.trusted) return { allowed: [...targets], declined: [] };
    const needConsent = targets.filter((t) => this.isWorkspaceDeclared(t));
    if (needConsent.length === 0) return { allowed: [...targets], declined: [] };
    const yes = await this.prompt(needConsent);
    if (yes) return { allowed: [...targets], declined: [] };
    const declined = new Set(needConsent);
    return { allowed: targets.filter((t) => !declined.has(t)), declined: [...declined] };
  }

  /** Asks (when untrusted) before connecting for something else a workspace file names, such as a domain. */
  async consent(subjects: readonly string[]): Promise<boolean> {
    if (this.trusted || subjects.length === 0) return true;
    return this.prompt(subjects);
  }

  /** Only honoured when the extension runs under its integration tests. */
  setTestHooks(hooks: { simulateUntrusted?: boolean; prompt?: ConsentPrompt | null }): void {
    if (hooks.simulateUntrusted !== undefined && hooks.simulateUntrusted !== this.simulatedUntrusted) {
      this.simulatedUntrusted = hooks.simulateUntrusted;
      this.changed.fire();
    }
    if (hooks.prompt !== undefined) this.prompt = hooks.prompt ?? askModal;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * The consent dialog. VS Code makes the first button of a modal message the default one (Enter)
 * and always adds its own Cancel (Escape), so the first button is the harmless answer:
 * connecting takes a deliberate click on Probe.
 */
export function consentItems(): { decline: vscode.MessageItem; probe: vscode.MessageItem } {
  return { decline: { title: vscode.l10n.t("Don't Probe") }, probe: { title: vscode.l10n.t('Probe') } };
}

async function askModal(targets: readonly string[]): Promise<boolean> {
  const { decline, probe } = consentItems();
  const shown = targets.slice(0, 8).join('\n') + (targets.length > 8 ? `\n… (+${targets.length - 8})` : '');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('This workspace is not trusted. Connect to {0} endpoint(s) that its files name?', targets.length),
    {
      modal: true,
      detail: vscode.l10n.t(
        'A workspace file asks to connect to:\n{0}\n\nProbing opens network connections to these hosts.',
        shown,
      ),
    },
    decline,
    probe,
  );
  return answer === probe;
}
