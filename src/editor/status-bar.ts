/**
 * The drift status bar item: how many resources are out of sync and how many are degraded, over
 * every target, on the connected context; a click opens the drift view. Shown from start-up in a
 * workspace that holds Tanzu or Argo CD manifests. Loaded with activate(): vscode only, no parser.
 */
import * as vscode from 'vscode';

/** What the item shows; undefined context: not connected. */
export interface DriftSignals {
  readonly context?: string;
  readonly namespace?: string;
  /** Resources not Synced: OutOfSync, Missing and Extra (Argo CD counts all three as OutOfSync). */
  readonly outOfSync: number;
  readonly degraded: number;
  /** Targets compared so far (0: nothing computed yet, or nothing to compare: see note). */
  readonly targets: number;
  /** What the drift view says instead of targets ("Comparing…", "not in a Git repository"). */
  readonly note?: string;
}

const MANIFEST_API = /^\s*apiVersion:\s*["']?(run\.tanzu\.vmware\.com|cluster\.x-k8s\.io|argoproj\.io|vmoperator\.vmware\.com)\//m;
/** Enough files and bytes to decide; a workspace where the first ones hold none is not a Tanzu one. */
const MAX_FILES = 300;
const MAX_BYTES = 64 * 1024;

export class DriftStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tanzuGitops.driftStatus', vscode.StatusBarAlignment.Left, 49);
  private shown = false;

  constructor() {
    this.item.name = 'Tanzu GitOps drift';
    this.item.command = 'workbench.view.extension.tanzu-gitops';
    this.update({ outOfSync: 0, degraded: 0, targets: 0 });
  }

  /** Shows the item when the workspace holds Tanzu manifests (read in the background); true when shown. */
  async showIfManifests(token?: vscode.CancellationToken): Promise<boolean> {
    const files = await vscode.workspace.findFiles('**/*.{yaml,yml}', '{**/node_modules/**,**/.git/**}', MAX_FILES, token);
    for (const uri of files) {
      if (token?.isCancellationRequested) return false;
      try {
        const bytes = await vscode.workspace.fs.readFile(uri);
        if (MANIFEST_API.test(new TextDecoder().decode(bytes.subarray(0, MAX_BYTES)))) {
          this.show();
          return true;
        }
      } catch {
        // gone or unreadable: the next file decides
      }
    }
    return false;
  }

  show(): void {
    this.shown = true;
    this.item.show();
  }

  get isShown(): boolean {
    return this.shown;
  }

  update(s: DriftSignals): void {
    const counts = [s.outOfSync ? `${s.outOfSync} OutOfSync` : '', s.degraded ? `${s.degraded} Degraded` : ''].filter(Boolean).join(' · ');
    if (!s.context) {
      this.item.text = '$(git-compare) Tanzu: not connected';
      this.item.tooltip = 'Tanzu GitOps: not connected to a Supervisor. Click to open the drift view.';
      this.item.backgroundColor = undefined;
      return;
    }
    const where = `${s.context}${s.namespace ? ` / ${s.namespace}` : ''}`;
    const waiting = s.targets === 0 && (!s.note || s.note.startsWith('Comparing'));
    this.item.text = `$(git-compare) ${s.context}${waiting ? ': comparing…' : s.targets === 0 ? '' : `: ${counts || 'Synced · Healthy'}`}`;
    this.item.tooltip = new vscode.MarkdownString([
      `**Tanzu GitOps** on \`${where}\``,
      s.targets === 0 ? (s.note ?? 'Comparing Git with the Supervisor…') : `${s.outOfSync} out of sync (OutOfSync, Missing or Extra), ${s.degraded} degraded, over ${s.targets} target${s.targets === 1 ? '' : 's'}.`,
      'Click to open the drift view.',
    ].join('\n\n'));
    this.item.backgroundColor = s.degraded ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
