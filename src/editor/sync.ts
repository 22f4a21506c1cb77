/**
 * Sync from the editor: Sync… (a target), Sync Current File, Sync on a drift-tree item, and Sync
 * with Argo CD. Each makes a plan first (a server-side dry run of exactly what would be sent),
 * shows it, asks for confirmation (twice on a protected context; the cluster's name typed to
 * delete a cluster), applies with cancellable progress, and reports per resource in the output
 * channel. Refusals (422 causes, conflicts) become diagnostics at their fields.
 *
 * Invariant: nothing is sent in an untrusted workspace, nor when the plan is blocked by a rule.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionSession } from '../cluster';
import type { DriftTarget } from '../drift/types';
import { repoRelative, targetForPath } from '../drift/targets';
import { memoryRepository } from '../git/memory';
import type { ManifestSet, Repository } from '../git/types';
import {
  describeBusy, executePlan, prepareSync, refresh as argoRefresh, resultFindings, syncApplication,
  type ArgoSyncReport, type PlanItem, type SyncPlan, type SyncReport,
} from '../sync';
import { argoResources, selectionKeys, selectionName, syncCandidates, type SyncSelection } from '../core/sync/selection';
import { planReview } from '../core/sync/review';
import type { TargetDrift } from '../drift/types';
import type { ConnectionController } from './connection';
import { toDiagnostic } from './convert';
import { PlanReviewPanel } from './plan-review';
import { readRenderSettings } from './settings';

export interface SyncHost {
  readonly connection: ConnectionController;
  /** The repository and the targets the drift view knows (undefined before it started). */
  repository(): Promise<Repository | undefined>;
  targets(): readonly DriftTarget[];
  /** The drift of each target as the tree shows it (for a folder's keys and the resource picker). */
  current(): readonly TargetDrift[];
  /** After a sync: recompute the drift now. */
  refreshDrift(): Promise<void>;
}

/**
 * Where a document's manifests are read from: the repository when it holds the file, else the
 * file's workspace folder, else its own folder; with the file's path relative to that root.
 */
export function documentRoot(uri: vscode.Uri, repo: Pick<Repository, 'root'> | undefined): { root: string; rel: string } {
  for (const root of [repo?.root, vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath]) {
    if (!root) continue;
    const rel = repoRelative(root, uri.fsPath);
    if (rel !== '..' && !rel.startsWith('../') && !path.isAbsolute(rel)) return { root, rel };
  }
  return { root: path.dirname(uri.fsPath), rel: path.basename(uri.fsPath) };
}

const ACTION_TEXT: Record<PlanItem['action'], string> = { create: 'create', update: 'change', unchanged: 'unchanged', delete: 'delete', apply: 'apply', conflict: 'conflict' };

export class SyncCommands implements vscode.Disposable {
  private readonly problems = vscode.languages.createDiagnosticCollection('tanzu-gitops-sync');

  private review?: PlanReviewPanel;

  constructor(private readonly host: SyncHost, private readonly output: vscode.LogOutputChannel, private readonly extensionUri: vscode.Uri) {}

  private trusted(): boolean {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window.showWarningMessage(vscode.l10n.t('Tanzu GitOps: syncing is disabled in Restricted Mode. Trust this workspace to sync (Manage Workspace Trust).'), 'Manage Workspace Trust')
      .then((c) => c && vscode.commands.executeCommand('workbench.trust.manage'));
    return false;
  }

  private async session(): Promise<ConnectionSession | undefined> {
    if (!this.host.connection.session) await this.host.connection.connect();
    const s = this.host.connection.session;
    if (!s) void vscode.window.showWarningMessage(vscode.l10n.t('Tanzu GitOps: connect to a Supervisor first (Select Context).'));
    return s;
  }

  /**
   * Sync… from the command palette (pick a target, then how), or a selection of a target: a
   * folder, or resources ticked in the tree or picked. A selection of an Argo CD Application's
   * resources becomes Argo CD's selective sync (operation.sync.resources).
   */
  async syncTarget(target?: DriftTarget, selection: SyncSelection = { kind: 'target' }): Promise<void> {
    if (!this.trusted()) return;
    const session = await this.session();
    const repo = await this.host.repository();
    if (!session) return;
    if (!repo) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Tanzu GitOps: sync needs the workspace to be a Git repository.'));
      return;
    }
    if (!target) {
      const targets = this.host.targets().filter((t) => !t.unsupported);
      if (targets.length === 0) {
        target = (await targetForPath({ repo, path: '', namespace: this.host.connection.namespace ?? session.namespace })).target;
      } else if (targets.length === 1) {
        target = targets[0];
      } else {
        target = (await vscode.window.showQuickPick(targets.map((t) => ({ label: t.name, description: `${t.origin} · ${t.path || '.'}`, t })), { title: vscode.l10n.t('Tanzu GitOps: Sync which target?') }))?.t;
      }
      if (!target) return;
    }
    if (target.origin === 'argocd' && target.application && selection.kind === 'resources') return this.syncWithArgoCd(target, selection.keys);
    if (target.origin === 'argocd' && target.application) {
      const how = await vscode.window.showQuickPick([
        { label: 'Sync with Argo CD', description: 'set the Application\'s operation and follow it', v: 'argocd' },
        { label: 'Sync directly', description: 'server-side apply from this workspace', v: 'direct' },
      ], { title: vscode.l10n.t('Tanzu GitOps: {0} is an Argo CD Application', target.name) });
      if (!how) return;
      if (how.v === 'argocd') return this.syncWithArgoCd(target);
    }
    const mode = await vscode.window.showQuickPick([
      { label: 'Sync', description: 'create and change what differs', prune: false, dryRun: false },
      { label: 'Sync and Prune', description: 'also delete what this target tracks and Git no longer has', prune: true, dryRun: false },
      { label: 'Dry Run', description: 'the server checks everything; nothing is stored', prune: false, dryRun: true },
    ], { title: vscode.l10n.t('Tanzu GitOps: Sync {0} to {1}', selectionName(selection, target.name), session.context) });
    if (!mode) return;
    const drift = this.host.current().find((d) => d.target.name === target!.name && d.target.origin === target!.origin);
    const only = selection.kind === 'target' ? undefined : selectionKeys(drift?.resources ?? [], selection);
    if (only && only.size === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: {0} holds no resource of {1} to sync.', selectionName(selection, target.name), target.name));
      return;
    }
    await this.run(session, repo, target, { prune: mode.prune, dryRun: mode.dryRun, only, name: selectionName(selection, target.name) });
  }

  /**
   * Sync Resources… on a target: its OutOfSync and Missing resources to tick, as Argo CD's sync
   * panel lists them (all ticked at first); the sync is of those ticked.
   */
  async pickResources(target: DriftTarget): Promise<void> {
    const drift = this.host.current().find((d) => d.target.name === target.name && d.target.origin === target.origin);
    const candidates = syncCandidates(drift?.resources ?? []);
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: {0} has nothing OutOfSync or Missing to sync.', target.name));
      return;
    }
    const picked = await vscode.window.showQuickPick(candidates.map((r) => ({
      label: `${r.kind}/${r.name}`, description: `${r.status}${r.namespace ? ` · ${r.namespace}` : ''}`, detail: r.git ? `${r.git.source.file}:${r.git.source.line + 1}` : undefined, picked: true, key: r.key,
    })), { title: vscode.l10n.t('Tanzu GitOps: Sync which resources of {0}?', target.name), canPickMany: true, placeHolder: vscode.l10n.t('Tick the resources to sync') });
    if (!picked?.length) return;
    await this.syncTarget(target, { kind: 'resources', keys: picked.map((p) => p.key) });
  }

  /** Syncs one file: the active editor's, or `uri` (the designer's saved manifest). */
  async syncCurrentFile(uri?: vscode.Uri): Promise<void> {
    if (!this.trusted()) return;
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!doc || (!uri && doc.languageId !== 'yaml')) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: open a YAML manifest to sync it.'));
      return;
    }
    const session = await this.session();
    if (!session) return;
    if (doc.isDirty && !(await doc.save())) return;
    const repo = await this.host.repository();
    const { root, rel } = documentRoot(doc.uri, repo);
    const manifests: ManifestSet = { files: [{ path: rel, text: doc.getText() }], revision: { label: 'working tree', commit: '', dirty: false } };
    const fileRepo: Repository = repo && root === repo.root ? repo : memoryRepository(root, manifests);
    const { target } = await targetForPath({ repo: fileRepo, path: doc.uri.fsPath, file: true, namespace: this.host.connection.namespace ?? session.namespace });
    await this.run(session, fileRepo, target, { prune: false, dryRun: false, manifests, file: rel, name: rel });
  }

  private async run(session: ConnectionSession, repo: Repository, target: DriftTarget,
    opts: { prune: boolean; dryRun: boolean; only?: ReadonlySet<string>; manifests?: ManifestSet; file?: string; forceConflicts?: boolean; name: string }): Promise<void> {
    const protectedContexts = vscode.workspace.getConfiguration('tanzuGitops').get<string[]>('protectedContexts', []);
    let prepared;
    try {
      prepared = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Tanzu GitOps: planning the sync of {0} (server-side dry run)', opts.name) },
        async () => {
          const forceConflicts = !!opts.forceConflicts;
          if (!opts.file) return prepareSync(session, repo, target, { prune: opts.prune, protectedContexts, only: opts.only, forceConflicts, drift: { render: readRenderSettings() } });
          // Sync Current File: the manifests are this file alone, and no Extra is looked for: never a prune.
          return prepareSync(session, repo, target, { prune: false, protectedContexts, manifests: opts.manifests, drift: { extra: false, render: readRenderSettings() }, forceConflicts });
        });
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Tanzu GitOps: the sync could not be planned: {0}', message(err)));
      return;
    }
    const plan = prepared.plan;
    if (prepared.drift.error) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Tanzu GitOps: {0}', prepared.drift.error));
      return;
    }
    this.output.info(planText(plan, session.context));
    for (const b of plan.blockers) this.output.error(`blocked: ${b.file ? `${b.file}:${(b.line ?? 0) + 1}: ` : ''}${b.message}`);
    if (!plan.blocked && plan.empty && !plan.items.some((i) => i.action === 'apply')) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: {0} is in sync with {1}: nothing to do.', opts.name, session.context));
      return;
    }
    // the review: what each change does, what blocks (with Go to); applying takes a click
    this.review?.dispose();
    const title = `${opts.dryRun ? 'Dry Run' : 'Sync'} ${opts.name}`;
    const { panel, choice } = PlanReviewPanel.open(this.extensionUri, planReview(plan, { title, context: session.context, dryRun: opts.dryRun }), repo.root);
    this.review = panel;
    const chosen = await choice;
    if (chosen === 'cancel') return;
    if (chosen === 'force') {
      panel.dispose();
      await this.run(session, repo, target, { ...opts, forceConflicts: true });
      return;
    }
    const confirmations = await this.confirmations(plan, session.context, opts.name, opts.dryRun);
    if (!confirmations) {
      panel.showResult(false, 'Not confirmed: nothing was sent.');
      return;
    }
    await this.execute(session, plan, opts.name, { dryRun: opts.dryRun, ...confirmations, forceConflicts: !!opts.forceConflicts }, panel);
  }

  /** A protected context's name typed, each cluster delete's name typed, each delete that needs it confirmed; undefined: refused. */
  private async confirmations(plan: SyncPlan, context: string, name: string, dryRun: boolean): Promise<{ confirmed: Set<string>; typedNames: Map<string, string>; protectedConfirmed: boolean } | undefined> {
    let protectedConfirmed = false;
    if (plan.protected && !dryRun) {
      const typed = await vscode.window.showInputBox({
        title: vscode.l10n.t('{0} is a protected context (tanzuGitops.protectedContexts)', context),
        prompt: vscode.l10n.t('Type {0} to sync {1} to it', context, name), ignoreFocusOut: true,
      });
      if (typed !== context) return undefined;
      protectedConfirmed = true;
    }
    const confirmed = new Set<string>();
    const typedNames = new Map<string, string>();
    for (const item of plan.items) {
      if (item.destructive && !dryRun) {
        const typed = await vscode.window.showInputBox({ title: item.destructive.message, prompt: vscode.l10n.t('Type {0} to delete this cluster', item.destructive.confirmText), ignoreFocusOut: true });
        if (typed !== item.destructive.confirmText) return undefined;
        typedNames.set(item.key, typed);
        confirmed.add(item.key);
      } else if (item.needsConfirmation && !dryRun) {
        const yes = await vscode.window.showQuickPick([{ label: `$(trash) Delete ${item.kind} ${item.namespace ? `${item.namespace}/` : ''}${item.name}`, v: true }, { label: 'Keep it', v: false }],
          { title: item.needsConfirmation, ignoreFocusOut: true });
        if (yes?.v) confirmed.add(item.key);
      }
    }
    return { confirmed, typedNames, protectedConfirmed };
  }

  private async execute(session: ConnectionSession, plan: SyncPlan, name: string,
    opts: { dryRun: boolean; confirmed: Set<string>; typedNames: Map<string, string>; protectedConfirmed: boolean; forceConflicts: boolean }, panel?: PlanReviewPanel): Promise<void> {
    const abort = new AbortController();
    const report: SyncReport = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Tanzu GitOps: {0} {1}', opts.dryRun ? 'dry run of' : 'syncing', name), cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        return executePlan(session, plan, {
          ...opts,
          signal: abort.signal,
          onProgress: (p) => {
            if (p.type === 'done' && p.result) {
              progress.report({ message: vscode.l10n.t('{0}/{1} {2}/{3}: {4}', p.done, p.total, p.result.kind, p.result.name, p.result.outcome), increment: 100 / Math.max(1, p.total) });
              this.output.info(`${p.result.outcome.padEnd(9)} ${p.result.kind}/${p.result.name}${p.result.message ? `: ${p.result.message}` : ''}`);
            }
          },
        });
      },
    );
    await this.publishFindings(report);
    this.output.info(`${report.outcome}: ${report.message}`);
    void this.host.refreshDrift();
    const counts = Object.entries(report.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
    const conflicts = report.results.filter((r) => r.conflicts?.length);
    if (report.outcome === 'succeeded') {
      const text = vscode.l10n.t('{0} {1} on {2}: {3}.', opts.dryRun ? 'Dry run of' : 'Synced', name, session.context, counts);
      panel?.showResult(true, text);
      void vscode.window.showInformationMessage(`Tanzu GitOps: ${text}`, 'Show Output').then((c) => c && this.output.show());
      return;
    }
    panel?.showResult(false, vscode.l10n.t('Sync of {0} {1}: {2}', name, report.outcome, report.message));
    const buttons = conflicts.length && !opts.forceConflicts ? ['Force Conflicts', 'Show Output'] : ['Show Output'];
    const choice = await vscode.window.showErrorMessage(vscode.l10n.t('Tanzu GitOps: sync of {0} {1}: {2}{3}', name, report.outcome, report.message, counts ? ` (${counts})` : ''), ...buttons);
    if (choice === 'Show Output') this.output.show();
    if (choice === 'Force Conflicts' && (await confirmForce(conflicts))) await this.execute(session, plan, name, { ...opts, forceConflicts: true });
  }

  /** Refusals as diagnostics at their fields, in the files they come from. */
  private async publishFindings(report: SyncReport): Promise<void> {
    this.problems.clear();
    const repo = await this.host.repository();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const r of report.results) {
      if (r.outcome !== 'failed' || !r.source) continue;
      const root = repo?.root ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
      const uri = vscode.Uri.file(path.join(root, ...r.source.file.split('/')));
      let text: string;
      try {
        text = (await vscode.workspace.openTextDocument(uri)).getText();
      } catch {
        continue;
      }
      const list = byFile.get(uri.toString()) ?? [];
      list.push(...resultFindings(r, text).map(toDiagnostic));
      byFile.set(uri.toString(), list);
    }
    for (const [uri, diags] of byFile) this.problems.set(vscode.Uri.parse(uri), diags);
  }

  /** Sync with Argo CD: the whole Application, or (`keys`) Argo CD's selective sync of those resources. */
  async syncWithArgoCd(target?: DriftTarget, keys?: readonly string[]): Promise<void> {
    if (!this.trusted()) return;
    const session = await this.session();
    if (!session) return;
    if (!target) {
      const apps = this.host.targets().filter((t) => t.origin === 'argocd' && t.application);
      if (apps.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: no Argo CD Application on this Supervisor points at this repository.'));
        return;
      }
      target = apps.length === 1 ? apps[0] : (await vscode.window.showQuickPick(apps.map((t) => ({ label: t.name, description: `${t.application!.namespace} · ${t.path}`, t })), { title: vscode.l10n.t('Tanzu GitOps: Sync with Argo CD') }))?.t;
      if (!target) return;
    }
    const app = { name: target.application!.name, namespace: target.application!.namespace };
    const drift = this.host.current().find((d) => d.target.name === target!.name && d.target.origin === 'argocd');
    const resources = keys ? argoResources(drift?.resources ?? [], new Set(keys)) : [];
    const what = keys ? `${resources.length} resource${resources.length === 1 ? '' : 's'} of ${app.namespace}/${app.name}` : `${app.namespace}/${app.name}`;
    if (keys && resources.length === 0) return;
    const options = await vscode.window.showQuickPick([
      { label: 'Prune', description: 'delete what the Application tracks and Git no longer has', picked: false, key: 'prune' },
      { label: 'Dry run', description: 'Argo CD checks without applying', picked: false, key: 'dryRun' },
    ], {
      title: vscode.l10n.t('Tanzu GitOps: Sync {0} with Argo CD', what), canPickMany: true,
      placeHolder: keys ? vscode.l10n.t('{0} (none: a plain sync)', resources.map((r) => `${r.kind}/${r.name}`).join(', ')) : vscode.l10n.t('Options (none: a plain sync)'),
    });
    if (!options) return;
    const pick = new Set(options.map((o) => o.key));
    const abort = new AbortController();
    let report: ArgoSyncReport;
    try {
      report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Tanzu GitOps: Argo CD sync of {0}', what), cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          return syncApplication(session.client, app, {
            prune: pick.has('prune'), dryRun: pick.has('dryRun'), signal: abort.signal, ...(resources.length ? { resources } : {}),
            onProgress: (p) => progress.report({ message: vscode.l10n.t('{0}{1}', p.phase, 'message' in p && p.message ? `: ${String(p.message)}` : '') }),
          });
        });
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Tanzu GitOps: Argo CD sync failed: {0}', message(err)));
      return;
    }
    for (const r of report.resources) this.output.info(`${String(r.status ?? '').padEnd(9)} ${r.kind}/${r.name}${r.message ? `: ${r.message}` : ''}`);
    this.output.info(`Argo CD ${app.name}: ${report.outcome}: ${report.message}`);
    void this.host.refreshDrift();
    if (report.outcome === 'busy') {
      const wait = await vscode.window.showWarningMessage(vscode.l10n.t('Tanzu GitOps: {0}', report.other ? describeBusy(app, report.other) : report.message), 'Wait for It');
      if (wait) {
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Tanzu GitOps: waiting for Argo CD ({0})', app.name) },
          () => syncApplication(session.client, app, { prune: pick.has('prune'), dryRun: pick.has('dryRun'), ifBusy: 'wait', ...(resources.length ? { resources } : {}) }))
          .then((r) => vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: Argo CD {0}: {1}', app.name, r.message)));
      }
      return;
    }
    const show = report.outcome === 'succeeded' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
    void show(`Tanzu GitOps: Argo CD sync of ${what}: ${report.message}`, 'Show Output').then((c) => c && this.output.show());
  }

  async argoRefresh(target?: DriftTarget): Promise<void> {
    const session = await this.session();
    const app = target?.application ?? this.host.targets().find((t) => t.application)?.application;
    if (!session || !app) return;
    try {
      await argoRefresh(session.client, { name: app.name, namespace: app.namespace }, 'normal');
      void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: asked Argo CD to refresh {0}.', app.name));
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Tanzu GitOps: refresh failed: {0}', message(err)));
    }
  }

  dispose(): void {
    this.problems.dispose();
  }
}

/** The contested fields and their owners, and a confirmation to take them over. */
async function confirmForce(contested: readonly { kind: string; name: string; conflicts?: readonly { field: string; manager: string }[] }[]): Promise<boolean> {
  const fields = contested.flatMap((r) => (r.conflicts ?? []).map((c) => `${r.kind}/${r.name} ${c.field} (owned by ${c.manager})`));
  const sure = await vscode.window.showQuickPick([
    { label: '$(warning) Force: take over these fields', v: true },
    { label: 'Cancel', v: false },
    ...fields.slice(0, 30).map((f) => ({ label: f, kind: vscode.QuickPickItemKind.Default, v: false })),
  ], { title: vscode.l10n.t('Tanzu GitOps: fields owned by other managers'), ignoreFocusOut: true });
  return !!sure?.v;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function planText(plan: SyncPlan, context: string): string {
  return [`plan for ${plan.target.name} on ${context}:`, ...plan.waves.flatMap((w) => [`  ${w.label}:`, ...w.items.map((i) => `    ${ACTION_TEXT[i.action].padEnd(9)} ${i.key}${i.note ? ` (${i.note})` : ''}`)])].join('\n');
}
