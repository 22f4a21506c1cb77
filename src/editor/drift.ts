/**
 * The drift view's controller: for the connected session and the workspace's Git repository it
 * discovers the targets (Argo CD Applications, the setting, or the workspace), keeps their drift
 * current with a DriftWatcher (watches and Git events), and runs the view's commands: Open Diff,
 * Open in Git, Edit in Git (on a diff), Open Live, Refresh, the drift-only filter, and Diff Current File.
 *
 * Lifetimes: one watcher per session (a context switch disposes it with the session).
 * Invariant: a repository is opened only in a trusted workspace (git runs its configured hooks).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DestinationSessions, loadKubeconfig, type ConnectionSession } from '../cluster';
import type { ResourceStatus } from '../core/reconcile/types';
import { computeDrift } from '../drift/engine';
import { discoverTargets, targetForPath } from '../drift/targets';
import type { TargetDrift } from '../drift/types';
import { DriftWatcher } from '../drift/watcher';
import { memoryRepository } from '../git/memory';
import { openRepository } from '../git/repository';
import { fetchFirst, readFreshness, type GitFreshness } from '../git/freshness';
import type { ManifestSet, Repository } from '../git/types';
import type { ConnectionController } from './connection';
import { DriftDocuments, diffTitle, liveText, sides } from './drift-documents';
import { DriftTreeProvider, appKey, isDrift, trackingApp, type DriftNode } from './drift-view';
import { argoCdBase, argoCdUrl } from '../core/argocd-link';
import { applicationVerdict, type ApplicationVerdict } from '../argocd/applications';
import { getApplication } from '../argocd/operations';
import { SyncCommands, documentRoot } from './sync';
import { readArgoCdUrl, readClusterContexts, readRenderSettings } from './settings';
import { definingDocument, readKustomizeTree } from '../sources/kustomize-map';
import { diskReader, isKustomizationFile } from '../sources/validate';

export class DriftController implements vscode.Disposable {
  readonly tree = new DriftTreeProvider();
  readonly sync: SyncCommands;
  private readonly documents = new DriftDocuments();
  private watcher?: DriftWatcher;
  /** The connections to the clusters Applications deploy into (per Supervisor session). */
  private destinations?: DestinationSessions;
  private repo?: Repository;
  private generation = 0;
  private readonly disposables: vscode.Disposable[] = [];
  /** Freshness by commit, and when it was read: read again after a while (a fetch, a pull elsewhere). */
  private freshness = new Map<string, { at: number; value: Promise<GitFreshness> }>();
  private freshnessShown = '';
  private verdictsShown = '';

  constructor(
    private readonly connection: ConnectionController,
    private readonly view: vscode.TreeView<DriftNode>,
    private readonly output: vscode.LogOutputChannel,
    extensionUri: vscode.Uri,
  ) {
    this.sync = new SyncCommands({
      connection,
      repository: () => this.repository(),
      targets: () => this.watcher?.targets ?? [],
      current: () => this.tree.current,
      refreshDrift: () => this.watcher?.refresh() ?? Promise.resolve(),
    }, output, extensionUri);
    this.disposables.push(
      this.sync,
      this.tree,
      this.documents,
      connection.onDidChangeSession((s) => void this.start(s)),
      vscode.workspace.onDidSaveTextDocument((d) => this.filesChanged([d.uri])),
      vscode.workspace.onDidCreateFiles((e) => this.filesChanged(e.files)),
      vscode.workspace.onDidDeleteFiles((e) => this.filesChanged(e.files)),
      vscode.workspace.onDidRenameFiles((e) => this.filesChanged(e.files.flatMap((f) => [f.oldUri, f.newUri]))),
      ...this.watchFiles(),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tanzuGitops.targets') || e.affectsConfiguration('tanzuGitops.clusterContexts')) void this.start(this.connection.session);
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.start(this.connection.session)),
    );
    void this.start(connection.session);
  }

  /**
   * Files written by any program (the designer, git, a script): the editor's own events see only
   * what it does itself. The Git watch (HEAD, refs, index) is the DriftWatcher's.
   */
  private watchFiles(): vscode.Disposable[] {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return [];
    const fsw = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
    const on = (uri: vscode.Uri) => this.filesChanged([uri]);
    return [fsw, fsw.onDidCreate(on), fsw.onDidChange(on), fsw.onDidDelete(on), { dispose: () => clearTimeout(this.changedTimer) }];
  }

  private changed = new Set<string>();
  private changedTimer?: NodeJS.Timeout;

  /** Collects changed files for a short while (a checkout writes many), then tells the watcher once. */
  private filesChanged(uris: readonly vscode.Uri[]): void {
    for (const u of uris) {
      // the git directory is watched by the DriftWatcher; folders of tools are no manifests
      if (u.scheme === 'file' && !/[\\/](\.git|node_modules)([\\/]|$)/.test(u.fsPath)) this.changed.add(u.fsPath);
    }
    if (this.changedTimer || this.changed.size === 0) return;
    this.changedTimer = setTimeout(() => {
      this.changedTimer = undefined;
      const paths = [...this.changed];
      this.changed.clear();
      this.watcher?.notifyFilesChanged(paths);
    }, 150);
  }

  /** (Re)builds the watcher for a session; undefined: offline. */
  private async start(session: ConnectionSession | undefined): Promise<void> {
    const gen = ++this.generation;
    this.watcher?.dispose();
    this.watcher = undefined;
    this.destinations?.dispose();
    this.destinations = undefined;
    if (!session) {
      this.render([], undefined);
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return this.render([], 'Open a folder that holds your manifests.');
    if (!vscode.workspace.isTrusted) return this.render([], 'Drift needs a trusted workspace: Git runs the repository\'s configured programs.');
    try {
      await this.repository();
      this.tree.root = this.repo?.root;
      void vscode.commands.executeCommand('setContext', 'tanzuGitops.gitRepository', !!this.repo);
      if (!this.repo) return this.render([], `${folder.name} is not in a Git repository.`);
      const discovered = await discoverTargets({
        repo: this.repo,
        session,
        settings: vscode.workspace.getConfiguration('tanzuGitops').get<unknown[]>('targets', []),
        namespace: this.connection.namespace,
        workspacePath: folder.uri.fsPath,
      });
      if (gen !== this.generation) return;
      for (const w of discovered.warnings) this.output.warn(w);
      const destinations = this.openDestinations(session);
      const watcher = new DriftWatcher(session, this.repo, discovered.targets, {
        log: (line: string) => this.output.info(line),
        render: readRenderSettings(),
        // an Application that deploys into a workload cluster is compared inside it
        clusters: async (dest) => {
          const open = await destinations.open(dest);
          return open === 'supervisor' ? session : open.session;
        },
      });
      this.watcher = watcher;
      watcher.onDidChange(() => {
        if (this.watcher === watcher) this.render(watcher.results, discovered.warnings[0]);
      });
      this.render([], 'Comparing Git with the Supervisor…');
      await watcher.refresh();
      if (this.watcher === watcher) this.render(watcher.results, discovered.warnings[0]);
    } catch (err) {
      if (gen === this.generation) this.render([], `Drift could not be computed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** The connections to Applications' destinations: Argo CD's cluster Secrets, else the clusters' kubeconfig Secrets or the contexts named for them. */
  private openDestinations(session: ConnectionSession): DestinationSessions {
    this.destinations = new DestinationSessions({
      supervisor: { client: session.client, namespace: this.connection.namespace ?? session.namespace },
      contexts: readClusterContexts(),
      fallbackKubeconfig: () => loadKubeconfig({ paths: this.connection.kubeconfigPaths() }),
      session: { allowExec: vscode.workspace.isTrusted, log: (line: string) => this.output.info(line) },
    });
    return this.destinations;
  }

  /** The workspace's repository (opened once; only in a trusted workspace). */
  async repository(): Promise<Repository | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || !vscode.workspace.isTrusted) return undefined;
    this.repo ??= await openRepository(folder.uri.fsPath);
    return this.repo;
  }

  /** Sync on a tree item: a whole target, or one resource of it. */
  /** Sync on the tree: a target, or the resources ticked (the row clicked, or every row selected with it). */
  async syncNode(node: DriftNode | undefined, selected?: readonly DriftNode[]): Promise<void> {
    const rows = (selected?.length ? selected : node ? [node] : []).filter((n): n is Extract<DriftNode, { type: 'resource' }> => n.type === 'resource');
    if (node?.type === 'target' && rows.length === 0) return this.sync.syncTarget(node.drift.target);
    if (rows.length === 0) return this.sync.syncTarget();
    const targets = new Set(rows.map((r) => `${r.drift.target.origin}:${r.drift.target.name}`));
    if (targets.size > 1) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Tanzu GitOps: the selected resources belong to {0} targets; sync the resources of one target at a time.', targets.size));
      return;
    }
    await this.sync.syncTarget(rows[0].drift.target, { kind: 'resources', keys: [...new Set(rows.map((r) => r.resource.key))] });
  }

  /** Sync Resources… on a target: pick among its OutOfSync and Missing resources. */
  async syncResources(node: DriftNode | undefined): Promise<void> {
    const target = node?.type === 'target' ? node.drift.target : node?.type === 'resource' ? node.drift.target : undefined;
    if (target) await this.sync.pickResources(target);
  }

  /**
   * Sync on a folder or file of the Explorer: a target whose path it is (an overlay), else the
   * resources it holds in the target that contains it.
   */
  async syncUri(uri: vscode.Uri | undefined): Promise<void> {
    const repo = uri && (await this.repository());
    if (!uri || !repo) return this.sync.syncTarget();
    const rel = path.relative(repo.root, uri.fsPath).split(path.sep).join('/');
    if (rel.startsWith('..')) return this.sync.syncTarget();
    const isFile = (await vscode.workspace.fs.stat(uri)).type === vscode.FileType.File;
    const results = this.tree.current.filter((d) => !d.target.unsupported && d.target.origin !== 'argocd');
    const own = results.find((d) => (d.target.path || '') === rel);
    if (own && !isFile) return this.sync.syncTarget(own.target);
    // the deepest target whose folder holds it
    const holder = results.filter((d) => !d.target.path || rel === d.target.path || rel.startsWith(`${d.target.path}/`))
      .sort((a, b) => (b.target.path ?? '').length - (a.target.path ?? '').length)[0];
    if (!holder) return this.sync.syncTarget();
    await this.sync.syncTarget(holder.target, isFile ? { kind: 'file', path: rel } : { kind: 'folder', path: rel });
  }

  private render(results: readonly TargetDrift[], note: string | undefined): void {
    this.tree.update(results, note);
    this.documents.refreshDiffs((target, key) => results.find((d) => d.target.name === target)?.resources.find((r) => r.key === key));
    void this.showFreshness(results);
    void this.showArgoVerdicts(results);
    const n = this.tree.driftCount();
    this.view.badge = n > 0 ? { value: n, tooltip: `${n} resource${n === 1 ? '' : 's'} out of sync` } : undefined;
    this.view.message = undefined;
  }

  /** Argo CD's verdict on each Application target, read from the live Application (status.sync, health, operationState, conditions). */
  private async showArgoVerdicts(results: readonly TargetDrift[]): Promise<void> {
    const session = this.connection.session;
    const apps = results.filter((d) => appKey(d));
    if (!session || apps.length === 0) return;
    const verdicts = new Map<string, ApplicationVerdict | string>();
    await Promise.all(apps.map(async (d) => {
      const a = d.target.application!;
      try {
        verdicts.set(appKey(d), applicationVerdict(await getApplication(session.client, { name: a.name, namespace: a.namespace })));
      } catch (err) {
        verdicts.set(appKey(d), err instanceof Error ? err.message : String(err));
      }
    }));
    // a newer result (or another session) is shown by then: it reads its own
    // the same verdicts again draw nothing again
    const signature = JSON.stringify([...verdicts].map(([k, v]) => [k, typeof v === 'string' ? v : { ...v, resources: [...v.resources] }]));
    if (this.tree.current !== results || signature === this.verdictsShown) return;
    this.verdictsShown = signature;
    this.tree.setArgoVerdicts(verdicts);
  }

  /** Compares every target again; the remotes of targets that follow a remote revision are fetched first. */
  async refresh(): Promise<void> {
    if (!this.watcher) {
      await this.start(this.connection.session);
      return;
    }
    const watcher = this.watcher;
    await vscode.window.withProgress({ location: { viewId: 'tanzuGitops.drift' } }, async () => {
      const sources = watcher.targets.map((t) => t.source);
      if (this.repo && sources.some((s) => s.kind === 'revision')) {
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Tanzu GitOps: fetching the remote…') }, async () => {
          const { warnings } = await fetchFirst(this.repo!, sources);
          this.freshness.clear();
          for (const w of warnings) {
            this.output.warn(w);
            void vscode.window.showWarningMessage(vscode.l10n.t('Tanzu GitOps: {0}', w));
          }
        });
      }
      await watcher.refresh();
    });
  }

  /**
   * The Git node: the commit the workspace's targets were compared at (subject, age), the last
   * fetch, and how far the branch is behind its upstream; each target's commit in its tooltip.
   * Read again when a commit is new or its reading is older than 10 s.
   */
  private async showFreshness(results: readonly TargetDrift[]): Promise<void> {
    const repo = this.repo;
    const commits = [...new Set(results.map((r) => r.revision?.commit ?? '').filter(Boolean))];
    if (!repo || commits.length === 0) {
      if (this.freshnessShown) this.tree.setFreshness(undefined, new Map());
      this.freshnessShown = '';
      return;
    }
    const now = Date.now();
    for (const c of commits) {
      const had = this.freshness.get(c);
      if (!had || now - had.at > 10_000) this.freshness.set(c, { at: now, value: readFreshness(repo.root, c) });
    }
    const read = new Map(await Promise.all(commits.map(async (c) => [c, await (this.freshness.get(c) as { value: Promise<GitFreshness> }).value] as const)));
    // the workspace's own (the working tree's) commit first: that is the branch a fetch and a pull move
    const worktree = results.find((r) => r.target.source.kind === 'worktree' && r.revision?.commit)?.revision?.commit ?? commits[0];
    const head = read.get(worktree);
    const shown = JSON.stringify([head, [...read.keys()]]);
    if (shown === this.freshnessShown) return;
    this.freshnessShown = shown;
    this.tree.setFreshness(head, read);
  }

  /** Fetches the repository's remote with progress, then compares every target again. */
  async fetch(): Promise<void> {
    const repo = await this.repository();
    if (!repo) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: open a folder of a Git repository (in a trusted workspace) to fetch it.'));
      return;
    }
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Tanzu GitOps') }, async (progress) => {
        progress.report({ message: vscode.l10n.t('fetching the remote…') });
        await repo.fetch();
        this.freshness.clear();
        progress.report({ message: vscode.l10n.t('comparing again…') });
        if (this.watcher) await this.watcher.refresh();
        else await this.start(this.connection.session);
      });
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Tanzu GitOps: fetch failed: {0}', err instanceof Error ? err.message : String(err)));
      return;
    }
    await this.showFreshness(this.watcher?.results ?? []);
  }

  setOnlyDrift(on: boolean): void {
    this.tree.setOnlyDrift(on);
    void vscode.commands.executeCommand('setContext', 'tanzuGitops.drift.onlyDrift', on);
  }

  async openDiff(node: DriftNode | undefined): Promise<void> {
    if (node?.type !== 'resource') return;
    await this.showDiff(node.drift.target.name, node.resource);
  }

  private async showDiff(target: string, r: ResourceStatus): Promise<void> {
    const { live, git } = sides(r);
    const left = this.documents.put('live', target, r, live);
    const right = this.documents.put('git', target, r, git);
    await vscode.commands.executeCommand('vscode.diff', left, right, diffTitle(r), { preview: true });
  }

  async openInGit(node: DriftNode | undefined): Promise<void> {
    if (node?.type !== 'resource') return;
    await this.openSource(node.resource, { preview: true });
  }

  /**
   * Edit in Git, on an open drift diff (or a drift document): the working-tree file that defines
   * the resource, beside the diff, at its document; the diff follows the file once it is saved.
   */
  async editInGit(arg: unknown): Promise<void> {
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    const origin = uri && this.documents.originOf(uri);
    if (!origin) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: open a drift diff first (from the Drift view).'));
      return;
    }
    const r = this.tree.current.find((d) => d.target.name === origin.target)?.resources.find((x) => x.key === origin.resource.key) ?? origin.resource;
    if (!r.git) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: {0} {1} is not in Git: there is no file to edit.', r.kind, r.name));
      return;
    }
    await this.openSource(r, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  }

  /** The file that defines a resource, at its document: for an overlay, the document it renders from, or its kustomization. */
  private async openSource(r: ResourceStatus, options: vscode.TextDocumentShowOptions): Promise<void> {
    const repo = await this.repository();
    if (!r.git || !repo) return;
    let file = path.join(repo.root, ...r.git.source.file.split('/'));
    let line = r.git.source.line;
    if (isKustomizationFile(file)) {
      const at = definingDocument(readKustomizeTree(path.dirname(file), diskReader), r.git.object);
      file = at.file;
      line = at.line;
    } else if (/(^|\/)Chart\.yaml$/.test(r.git.source.file)) {
      line = 0; // a Helm chart's output: its lines are not the chart's
    }
    await vscode.window.showTextDocument(vscode.Uri.file(file), { ...options, selection: new vscode.Range(line, 0, line, 0) });
  }

  async openLive(node: DriftNode | undefined): Promise<void> {
    if (node?.type !== 'resource' || !node.resource.live) return;
    const uri = this.documents.put('live', node.drift.target.name, node.resource, liveText(node.resource));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  /** The live object with its events, newest last, as `kubectl describe` shows them. */
  async describe(node: DriftNode | undefined): Promise<void> {
    if (node?.type !== 'resource' || !node.resource.live) return;
    const r = node.resource;
    let events = '';
    const session = this.connection.session;
    if (session) {
      try {
        const fieldSelector = `involvedObject.name=${r.name},involvedObject.kind=${r.kind}`;
        const list = await session.client.list({ group: '', kind: 'Event', version: 'v1' }, { ...(r.namespace ? { namespace: r.namespace } : {}), fieldSelector });
        const rows = list.items.map((e) => e as Record<string, unknown>)
          .map((e) => ({ at: String(e.lastTimestamp ?? e.eventTime ?? ''), type: String(e.type ?? ''), reason: String(e.reason ?? ''), message: String(e.message ?? '').replace(/\s+/g, ' ') }))
          .sort((a, b) => a.at.localeCompare(b.at));
        events = rows.length ? rows.map((e) => `#   ${e.at}  ${e.type}  ${e.reason}: ${e.message}`).join('\n') : '#   (none)';
      } catch (err) {
        events = `#   could not be listed: ${err instanceof Error ? err.message : String(err)}`;
      }
    } else {
      events = '#   not connected';
    }
    const text = `${liveText(r)}\n# Events of ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}:\n${events}\n`;
    const doc = await vscode.workspace.openTextDocument(this.documents.put('describe', node.drift.target.name, r, text));
    await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  /** The Argo CD UI's page of the Application that tracks the object, with the object selected. */
  async openInArgoCd(node: DriftNode | undefined): Promise<void> {
    if (node?.type !== 'resource') return;
    const r = node.resource;
    const app = trackingApp(node.drift, r);
    if (!app) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: no Argo CD Application tracks {0} {1}.', r.kind, r.name));
      return;
    }
    const setting = readArgoCdUrl();
    const base = setting ? argoCdBase(setting) : undefined;
    if (!base) {
      const message = setting
        ? vscode.l10n.t('Tanzu GitOps: tanzuGitops.argocd.url "{0}" is not the http or https address of the Argo CD UI, so Application {1}/{2} cannot be opened there.', setting, app.namespace, app.name)
        : vscode.l10n.t('Tanzu GitOps: to open Application {0}/{1} in Argo CD, set tanzuGitops.argocd.url to the address of its UI (e.g. https://argocd.example.com).', app.namespace, app.name);
      const open = vscode.l10n.t('Open Settings');
      if (await vscode.window.showWarningMessage(message, open) === open) await vscode.commands.executeCommand('workbench.action.openSettings', 'tanzuGitops.argocd.url');
      return;
    }
    const url = argoCdUrl(base, app, { group: r.group, kind: r.kind, namespace: r.namespace || undefined, name: r.name });
    this.output.info(`Open in Argo CD: ${url}`);
    await vscode.env.openExternal(vscode.Uri.parse(url, true));
  }

  async copyName(node: DriftNode | undefined): Promise<void> {
    if (node?.type !== 'resource') return;
    await vscode.env.clipboard.writeText(node.resource.name);
    void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', node.resource.name), 3000);
  }

  /** The file in the editor (as it is in the buffer) against the Supervisor. */
  async diffCurrentFile(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'yaml') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: open a YAML manifest to diff it with the Supervisor.'));
      return;
    }
    if (!this.connection.session) await this.connection.connect();
    const session = this.connection.session;
    if (!session) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Tanzu GitOps: connect to a Supervisor first (Select Context).'));
      return;
    }
    const doc = editor.document;
    const { root, rel } = documentRoot(doc.uri, this.repo);
    const manifests: ManifestSet = { files: [{ path: rel, text: doc.getText() }], revision: { label: 'editor', commit: '', dirty: doc.isDirty } };
    const repo: Repository = this.repo && root === this.repo.root ? this.repo : memoryRepository(root, manifests);
    const { target } = await targetForPath({ repo, path: doc.uri.fsPath, file: true, namespace: this.connection.namespace ?? session.namespace });
    const drift = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Tanzu GitOps: diffing {0}', rel) },
      () => computeDrift(session, repo, { ...target, name: `file:${rel}` }, { manifests, extra: false }),
    );
    if (drift.error) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Tanzu GitOps: {0}', drift.error));
      return;
    }
    const resources = drift.resources;
    if (resources.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: {0} holds no Kubernetes object to compare.', rel));
      return;
    }
    let pick: ResourceStatus | undefined = resources.length === 1 ? resources[0] : undefined;
    if (!pick) {
      const items = resources.map((r) => ({ label: `${r.kind}/${r.name}`, description: r.status, resource: r }));
      items.sort((a, b) => Number(isDrift(b.resource)) - Number(isDrift(a.resource)));
      pick = (await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Tanzu GitOps: {0} against {1}', rel, session.context) }))?.resource;
    }
    if (pick) await this.showDiff(`file:${rel}`, pick);
  }

  dispose(): void {
    this.generation++;
    this.watcher?.dispose();
    this.destinations?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
