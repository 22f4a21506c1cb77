/**
 * The sync plan as a review (a webview, src/webview/plan): the host side. It shows a PlanReview
 * and answers with what the user clicked: apply, force conflicts, or cancel (closing the panel
 * is a cancel). "Go to" opens the manifest at its line. The panel stays open after the choice
 * so the outcome can be shown in it (showResult).
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PlanReview } from '../core/sync/review';
import { planPage } from '../webview/plan/page';
import type { HostToWebviewMessage, WebviewToHostMessage } from '../webview/plan/protocol';

export const PLAN_VIEW_TYPE = 'tanzuGitops.syncPlan';

export type ReviewChoice = 'apply' | 'force' | 'cancel';

export class PlanReviewPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private answer?: (choice: ReviewChoice) => void;
  private disposed = false;

  private constructor(extensionUri: vscode.Uri, private readonly review: PlanReview, private readonly root: string) {
    const assets = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    this.panel = vscode.window.createWebviewPanel(PLAN_VIEW_TYPE, review.title, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [assets] });
    const webview = this.panel.webview;
    webview.html = planPage({
      cspSource: webview.cspSource, nonce: randomBytes(16).toString('base64'), title: review.title,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(assets, 'plan.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(assets, 'plan.css')).toString(),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((m: WebviewToHostMessage) => void this.receive(m)),
      this.panel.onDidDispose(() => {
        this.disposed = true;
        this.settle('cancel');
        for (const d of this.disposables) d.dispose();
      }),
    );
  }

  /** Opens the review; resolves with the user's choice. */
  static open(extensionUri: vscode.Uri, review: PlanReview, root: string): { panel: PlanReviewPanel; choice: Promise<ReviewChoice> } {
    const panel = new PlanReviewPanel(extensionUri, review, root);
    const choice = new Promise<ReviewChoice>((resolve) => {
      panel.answer = resolve;
    });
    return { panel, choice };
  }

  private settle(choice: ReviewChoice): void {
    const answer = this.answer;
    this.answer = undefined;
    answer?.(choice);
  }

  private post(m: HostToWebviewMessage): void {
    if (!this.disposed) void this.panel.webview.postMessage(m);
  }

  private async receive(m: WebviewToHostMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.post({ type: 'plan', review: this.review });
        return;
      case 'apply':
      case 'force':
      case 'cancel':
        this.settle(m.type);
        if (m.type === 'cancel') this.dispose();
        return;
      case 'goto': {
        const file = path.resolve(this.root, ...m.file.split('/'));
        // only files of the repository the plan was made from
        if (path.relative(this.root, file).startsWith('..')) return;
        const pos = new vscode.Position(Math.max(0, m.line), 0);
        await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(pos, pos), viewColumn: vscode.ViewColumn.Beside, preview: true });
        return;
      }
    }
  }

  /** The outcome, in the panel (the buttons are disabled). */
  showResult(ok: boolean, text: string): void {
    this.post({ type: 'result', ok, text });
  }

  dispose(): void {
    if (!this.disposed) this.panel.dispose();
  }
}
