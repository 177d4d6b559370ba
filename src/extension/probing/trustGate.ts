// Workspace trust for probing: in an untrusted workspace nothing probes on its own, and an
// endpoint that a workspace file names (a config's listener, a workspace `mailTls.endpoints`
// value) is only probed after the person says yes in a modal dialog.
import * as vscode from 'vscode';

/** Asks to probe targets named by an untrusted workspace; resolves true to go ahead. */
export type ConsentPrompt = (targets: readonly string[]) => Promise<boolean>;

export class TrustGate {
  /** Tests can simulate restricted mode (code-server runs with workspace trust disabled). */
  private simulatedUntrusted = false;
  private prompt: ConsentPrompt = askModal;

  constructor(private readonly isWorkspaceDeclared: (target: string) => boolean) {}

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
    if (hooks.simulateUntrusted !== undefined) this.simulatedUntrusted = hooks.simulateUntrusted;
    if (hooks.prompt !== undefined) this.prompt = hooks.prompt ?? askModal;
  }
}

async function askModal(targets: readonly string[]): Promise<boolean> {
  const probe = vscode.l10n.t('Probe');
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
    probe,
  );
  return answer === probe;
}
