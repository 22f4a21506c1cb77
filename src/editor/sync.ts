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
  describeBusy, executePlan, prepareSync, refresh as argoRefresh, resultFindings, syncApplication, whereOf,
  type ArgoSyncReport, type PlanItem, type SyncPlan, type SyncReport,
} from '../sync';
import type { ConnectionController } from './connection';
import { toDiagnostic } from './convert';
import { readRenderSettings } from './settings';

export interface SyncHost {
  readonly connection: ConnectionController;
  /** The repository and the targets the drift view knows (undefined before it started). */
  repository(): Promise<Repository | undefined>;
  targets(): readonly DriftTarget[];
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

  constructor(private readonly host: SyncHost, private readonly output: vscode.LogOutputChannel) {}

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

  /** Sync… from the command palette: pick a target, then how. */
  async syncTarget(target?: DriftTarget, only?: ReadonlySet<string>): Promise<void> {
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
    ], { title: vscode.l10n.t('Tanzu GitOps: Sync {0} to {1}', target.name, session.context) });
    if (!mode) return;
    await this.run(session, repo, target, { prune: mode.prune, dryRun: mode.dryRun, only });
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
    await this.run(session, fileRepo, target, { prune: false, dryRun: false, manifests, file: rel });
  }

  private async run(session: ConnectionSession, repo: Repository, target: DriftTarget,
    opts: { prune: boolean; dryRun: boolean; only?: ReadonlySet<string>; manifests?: ManifestSet; file?: string; forceConflicts?: boolean }): Promise<void> {
    const protectedContexts = vscode.workspace.getConfiguration('tanzuGitops').get<string[]>('protectedContexts', []);
    let prepared;
    try {
      prepared = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Tanzu GitOps: planning the sync of {0} (server-side dry run)', target.name) },
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
    if (plan.blocked) {
      const lines = plan.blockers.slice(0, 12).map((b) => `${b.file ? `${b.file}:${(b.line ?? 0) + 1}: ` : ''}${b.message}`);
      for (const l of lines) this.output.error(`blocked: ${l}`);
      // conflicts alone: forcing them is offered, after the fields and their owners are shown
      const onlyConflicts = plan.blockers.every((b) => b.code === 'conflict');
      const buttons = onlyConflicts ? ['Force Conflicts…', 'Show Output'] : ['Show Output'];
      const choice = await vscode.window.showErrorMessage(vscode.l10n.t('Tanzu GitOps: the sync of {0} is blocked; nothing was sent. {1}{2}', target.name, lines[0] ?? '', lines.length > 1 ? ` (and ${lines.length - 1} more)` : ''), ...buttons);
      if (choice === 'Show Output') this.output.show();
      if (choice === 'Force Conflicts…' && (await confirmForce(plan.items))) await this.run(session, repo, target, { ...opts, forceConflicts: true });
      return;
    }
    if (plan.empty && !plan.items.some((i) => i.action === 'apply')) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: {0} is in sync with {1}: nothing to do.', target.name, session.context));
      return;
    }
    if (!(await confirmPlan(plan, target.name, session.context, opts.dryRun))) return;
    let protectedConfirmed = false;
    if (plan.protected && !opts.dryRun) {
      const typed = await vscode.window.showInputBox({
        title: vscode.l10n.t('{0} is a protected context (tanzuGitops.protectedContexts)', session.context),
        prompt: vscode.l10n.t('Type {0} to sync {1} to it', session.context, target.name), ignoreFocusOut: true,
      });
      if (typed !== session.context) return;
      protectedConfirmed = true;
    }
    const confirmed = new Set<string>();
    const typedNames = new Map<string, string>();
    for (const item of plan.items) {
      if (item.destructive && !opts.dryRun) {
        const typed = await vscode.window.showInputBox({ title: item.destructive.message, prompt: vscode.l10n.t('Type {0} to delete this cluster', item.destructive.confirmText), ignoreFocusOut: true });
        if (typed !== item.destructive.confirmText) return;
        typedNames.set(item.key, typed);
        confirmed.add(item.key);
      } else if (item.needsConfirmation && !opts.dryRun) {
        const yes = await vscode.window.showQuickPick([{ label: `$(trash) Delete ${item.kind} ${item.namespace ? `${item.namespace}/` : ''}${item.name}`, v: true }, { label: 'Keep it', v: false }],
          { title: item.needsConfirmation, ignoreFocusOut: true });
        if (yes?.v) confirmed.add(item.key);
      }
    }
    await this.execute(session, plan, target, { dryRun: opts.dryRun, confirmed, typedNames, protectedConfirmed, forceConflicts: !!opts.forceConflicts });
  }

  private async execute(session: ConnectionSession, plan: SyncPlan, target: DriftTarget,
    opts: { dryRun: boolean; confirmed: Set<string>; typedNames: Map<string, string>; protectedConfirmed: boolean; forceConflicts: boolean }): Promise<void> {
    const abort = new AbortController();
    const report: SyncReport = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Tanzu GitOps: {0} {1}', opts.dryRun ? 'dry run of' : 'syncing', target.name), cancellable: true },
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
      void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: {0} {1} on {2}: {3}.', opts.dryRun ? 'dry run of' : 'synced', target.name, session.context, counts), 'Show Output')
        .then((c) => c && this.output.show());
      return;
    }
    const buttons = conflicts.length && !opts.forceConflicts ? ['Force Conflicts', 'Show Output'] : ['Show Output'];
    const choice = await vscode.window.showErrorMessage(vscode.l10n.t('Tanzu GitOps: sync {0}: {1}{2}', report.outcome, report.message, counts ? ` (${counts})` : ''), ...buttons);
    if (choice === 'Show Output') this.output.show();
    if (choice === 'Force Conflicts' && (await confirmForce(conflicts))) await this.execute(session, plan, target, { ...opts, forceConflicts: true });
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

  async syncWithArgoCd(target?: DriftTarget): Promise<void> {
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
    const options = await vscode.window.showQuickPick([
      { label: 'Prune', description: 'delete what the Application tracks and Git no longer has', picked: false, key: 'prune' },
      { label: 'Dry run', description: 'Argo CD checks without applying', picked: false, key: 'dryRun' },
    ], { title: vscode.l10n.t('Tanzu GitOps: Sync {0}/{1} with Argo CD', app.namespace, app.name), canPickMany: true, placeHolder: vscode.l10n.t('Options (none: a plain sync)') });
    if (!options) return;
    const pick = new Set(options.map((o) => o.key));
    const abort = new AbortController();
    let report: ArgoSyncReport;
    try {
      report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Tanzu GitOps: Argo CD sync of {0}', app.name), cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          return syncApplication(session.client, app, {
            prune: pick.has('prune'), dryRun: pick.has('dryRun'), signal: abort.signal,
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
          () => syncApplication(session.client, app, { prune: pick.has('prune'), dryRun: pick.has('dryRun'), ifBusy: 'wait' }))
          .then((r) => vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: Argo CD {0}: {1}', app.name, r.message)));
      }
      return;
    }
    const show = report.outcome === 'succeeded' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
    void show(`Tanzu GitOps: Argo CD ${app.name}: ${report.message}`, 'Show Output').then((c) => c && this.output.show());
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

const ACTION_ICON: Record<PlanItem['action'], string> = { create: 'diff-added', update: 'diff-modified', unchanged: 'pass', delete: 'diff-removed', apply: 'question', conflict: 'warning' };

/**
 * The plan, shown as a list to review, with Sync (or Dry Run) as its first entry: accepting it
 * confirms; Escape or Cancel does not. A quick pick rather than a modal dialog, so the whole plan
 * can be read (and filtered) before anything is sent.
 */
function confirmPlan(plan: SyncPlan, target: string, context: string, dryRun: boolean): Promise<boolean> {
  type Item = vscode.QuickPickItem & { confirm?: boolean };
  const verb = dryRun ? 'Dry Run' : 'Sync';
  const summary = planHeadline(plan);
  const items: Item[] = [
    { label: `$(${dryRun ? 'beaker' : 'sync'}) ${verb} ${target} to ${context}`, description: summary, confirm: true, alwaysShow: true },
    { label: '$(close) Cancel', confirm: false, alwaysShow: true },
    { label: 'Plan', kind: vscode.QuickPickItemKind.Separator },
    ...plan.items.filter((i) => i.action !== 'unchanged').map((i): Item => ({
      label: `$(${ACTION_ICON[i.action]}) ${ACTION_TEXT[i.action]} ${i.kind} ${i.namespace ? `${i.namespace}/` : ''}${i.name}`,
      description: [i.source ? whereOf(i) : '', plan.waves.length > 1 ? plan.waves.find((w) => w.items.includes(i))?.label ?? '' : ''].filter(Boolean).join(' · '),
      detail: i.needsConfirmation ?? i.destructive?.message ?? i.note,
    })),
    ...(plan.kept.length ? [{ label: 'Kept', kind: vscode.QuickPickItemKind.Separator } as Item, ...plan.kept.map((k): Item => ({ label: `$(circle-slash) ${k.kind} ${k.namespace ? `${k.namespace}/` : ''}${k.name}`, description: k.reason }))] : []),
  ];
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = `Tanzu GitOps: ${dryRun ? 'dry run of' : 'sync'} ${target} to ${context}: ${summary}`;
  qp.placeholder = `Review the plan; choose "${verb}" to go ahead`;
  qp.items = items;
  qp.matchOnDescription = true;
  qp.ignoreFocusOut = true;
  return new Promise((resolve) => {
    let done = false;
    const finish = (v: boolean) => {
      if (done) return;
      done = true;
      resolve(v);
      qp.dispose();
    };
    qp.onDidAccept(() => {
      const picked = qp.selectedItems[0] ?? qp.activeItems[0];
      if (picked?.confirm === true) finish(true);
      else if (picked?.confirm === false) finish(false);
    });
    qp.onDidHide(() => finish(false));
    qp.show();
  });
}

function planHeadline(plan: SyncPlan): string {
  const c = plan.counts;
  return [c.create && `${c.create} to create`, c.update && `${c.update} to change`, c.apply && `${c.apply} to apply (state unknown)`, c.delete && `${c.delete} to delete`, c.conflict && `${c.conflict} in conflict`, c.unchanged && `${c.unchanged} unchanged`]
    .filter(Boolean).join(', ');
}

function planText(plan: SyncPlan, context: string): string {
  return [`plan for ${plan.target.name} on ${context}:`, ...plan.waves.flatMap((w) => [`  ${w.label}:`, ...w.items.map((i) => `    ${ACTION_TEXT[i.action].padEnd(9)} ${i.key}${i.note ? ` (${i.note})` : ''}`)])].join('\n');
}
