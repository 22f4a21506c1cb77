/**
 * The clusters view's controller: for the connected Supervisor it watches the
 * TanzuKubernetesClusters, Clusters, Argo CD Applications and Argo CD cluster Secrets (through
 * the session's shared caches) and renders them as a ClustersModel; and it runs the view's
 * commands: Save Kubeconfig…, Register with Argo CD…, Unregister from Argo CD…, Refresh.
 *
 * A user who may not list a kind across namespaces sees their own namespace's; one who may not
 * list it there either sees a plain note, and the cache that was refused is released at once (no
 * retries in the background). Connections to the clusters themselves (WorkloadSessions) are
 * opened only by a command, held per Supervisor session, and closed with it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { APPLICATION } from '../argocd/operations';
import { ARGOCD_NAMESPACE } from '../argocd/settings';
import {
  CLUSTER_SECRET_SELECTOR, WorkloadSessions, acquirePermitted, argoClusterSecretOf, clusterKey, loadKubeconfig, planLines, redact, register, registration, unregister,
  workloadKubeconfigText, type ClusterRef, type ConnectionSession, type CredentialOptions, type KindRef, type PermittedCache, type Registration,
} from '../cluster';
import { applicationCluster, clusterRegistration, summarizeApplication, summarizeCluster, type ApplicationSummary, type ClusterSummary } from '../core/clusters';
import type { TargetDrift } from '../drift/types';
import { ClustersTreeProvider, type ClusterNode, type ClustersModel, type ViewCluster } from './clusters-view';
import type { ConnectionController } from './connection';
import type { DriftController } from './drift';
import { readClusterContexts } from './settings';

const TKC: KindRef = { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster' };
const CAPI: KindRef = { group: 'cluster.x-k8s.io', kind: 'Cluster' };
const SECRET: KindRef = { group: '', kind: 'Secret', version: 'v1' };
/** How long a list may take before the view shows what it has (the cache keeps trying). */
const SYNC_WAIT_MS = 30_000;

/** One kind as watched, with the subscription that renders its changes. */
interface Watched extends PermittedCache {
  readonly sub?: { dispose(): void };
}

async function watchKind(session: ConnectionSession, ref: KindRef, scopes: readonly (string | undefined)[], onChange: () => void, labelSelector?: string): Promise<Watched> {
  const permitted = await acquirePermitted(session, ref, scopes, { syncWaitMs: SYNC_WAIT_MS, ...(labelSelector ? { labelSelector } : {}) });
  return permitted.cache ? { ...permitted, sub: permitted.cache.onDidChange(onChange) } : permitted;
}

function release(session: ConnectionSession, w: Watched | undefined): void {
  w?.sub?.dispose();
  if (w?.cache && !session.isDisposed) session.release(w.cache);
}

type Watches = { tkc: Watched; capi: Watched; apps: Watched; secrets: Watched };

export class ClustersController implements vscode.Disposable {
  readonly tree: ClustersTreeProvider;
  private generation = 0;
  private session?: ConnectionSession;
  private watches?: Watches;
  private workloads?: WorkloadSessions;
  private renderTimer?: ReturnType<typeof setTimeout>;
  private starting?: Promise<void>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly connection: ConnectionController, private readonly drift: DriftController, private readonly output: vscode.LogOutputChannel) {
    this.tree = new ClustersTreeProvider((app) => this.driftOf(app));
    this.disposables.push(
      this.tree,
      connection.onDidChangeSession((s) => void this.restart(s)),
      drift.tree.onDidChangeTreeData(() => this.tree.refreshApplications()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tanzuGitops.clusterContexts') || e.affectsConfiguration('tanzuGitops.kubeconfig')) this.closeWorkloads();
      }),
    );
    void this.restart(connection.session);
  }

  /** The watches started for a session, remembered so that a command can wait for the first reading. */
  private restart(session: ConnectionSession | undefined): Promise<void> {
    this.starting = this.start(session);
    return this.starting;
  }

  /** The drift of an Application, when the drift view compared it. */
  private driftOf(app: ApplicationSummary): TargetDrift | undefined {
    return this.drift.tree.current.find((t) => t.target.application?.name === app.name && t.target.application.namespace === app.namespace);
  }

  refresh(): Promise<void> {
    return this.restart(this.connection.session);
  }

  /** (Re)starts the watches for a session; undefined: offline (the view's welcome text shows). */
  private async start(session: ConnectionSession | undefined): Promise<void> {
    const gen = ++this.generation;
    this.stop();
    this.session = session;
    if (!session) {
      this.tree.update({ notes: [], namespaces: [], clusters: [] });
      return;
    }
    this.tree.update({ notes: [{ text: vscode.l10n.t('Reading the clusters of {0}…', session.context), icon: 'loading~spin' }], namespaces: [], clusters: [] });
    const own = this.connection.namespace ?? session.namespace;
    const onChange = () => this.scheduleRender();
    try {
      const [tkc, capi, apps, secrets] = await Promise.all([
        watchKind(session, TKC, [undefined, own], onChange),
        watchKind(session, CAPI, [undefined, own], onChange),
        watchKind(session, APPLICATION, [...new Set([undefined, ARGOCD_NAMESPACE, own])], onChange),
        watchKind(session, SECRET, [ARGOCD_NAMESPACE], onChange, CLUSTER_SECRET_SELECTOR),
      ]);
      const watches = { tkc, capi, apps, secrets };
      if (gen !== this.generation) {
        for (const w of Object.values(watches)) release(session, w);
        return;
      }
      this.watches = watches;
      this.render();
    } catch (err) {
      if (gen === this.generation && !session.isDisposed) this.tree.update({ notes: [{ text: vscode.l10n.t('The clusters could not be read: {0}', errorMessage(err)), icon: 'error' }], namespaces: [], clusters: [] });
    }
  }

  private stop(): void {
    clearTimeout(this.renderTimer);
    this.renderTimer = undefined;
    if (this.session && this.watches) for (const w of Object.values(this.watches)) release(this.session, w);
    this.watches = undefined;
    this.closeWorkloads();
  }

  private closeWorkloads(): void {
    this.workloads?.dispose();
    this.workloads = undefined;
  }

  /** A burst of watch events renders once. */
  private scheduleRender(): void {
    if (this.renderTimer) return;
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined;
      this.render();
    }, 100);
  }

  private render(): void {
    if (!this.session || !this.watches) return;
    this.tree.update(buildModel(this.watches, this.connection.namespace ?? this.session.namespace));
  }

  // --- commands ----------------------------------------------------------------------------

  /** The session, connecting first when there is none; undefined (and a message) when it cannot. */
  private async requireSession(): Promise<ConnectionSession | undefined> {
    if (!this.connection.session) await this.connection.connect();
    const session = this.connection.session;
    if (!session) void vscode.window.showWarningMessage(vscode.l10n.t('Tanzu GitOps: connect to a Supervisor first (Select Context).'));
    return session;
  }

  /** The cluster of a tree node, else one the user picks from those shown. */
  private async pick(node: unknown, title: string): Promise<ViewCluster | undefined> {
    const n = node as ClusterNode | undefined;
    if (n?.type === 'cluster') return n.cluster;
    await this.starting;
    const clusters = this.tree.model.clusters;
    if (!clusters.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: no TanzuKubernetesCluster or Cluster to choose from (see the Clusters view).'));
      return undefined;
    }
    const items = clusters.map((c) => ({ label: `${c.namespace}/${c.name}`, description: [c.kind, c.phase].filter(Boolean).join(' · '), cluster: c }));
    return (await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Choose a cluster') }))?.cluster;
  }

  /** The session and the cluster a command acts on (connecting, then the node or a pick); undefined when there is none. */
  private async target(node: unknown, title: string): Promise<{ session: ConnectionSession; c: ViewCluster; key: string } | undefined> {
    const session = await this.requireSession();
    const c = session && await this.pick(node, title);
    return session && c ? { session, c, key: clusterKey(c) } : undefined;
  }

  private credentialOptions(): CredentialOptions {
    return { contexts: readClusterContexts(), fallbackKubeconfig: () => loadKubeconfig({ paths: this.connection.kubeconfigPaths() }) };
  }

  private workloadSessions(session: ConnectionSession): WorkloadSessions {
    this.workloads ??= new WorkloadSessions({
      supervisor: session.client,
      ...this.credentialOptions(),
      session: { allowExec: vscode.workspace.isTrusted, log: (line: string) => this.output.info(line) },
    });
    return this.workloads;
  }

  /** Save Kubeconfig…: the cluster's kubeconfig to a file the user picks, mode 600. */
  async saveKubeconfig(node?: unknown): Promise<void> {
    const t = await this.target(node, vscode.l10n.t('Tanzu GitOps: Save Kubeconfig'));
    if (!t) return;
    const { session, c, key } = t;
    let read: { text: string; from: string };
    try {
      read = await workloadKubeconfigText(session.client, c, this.credentialOptions());
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Tanzu GitOps: {0}', errorMessage(err)));
      return;
    }
    const kube = path.join(os.homedir(), '.kube');
    const uri = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Save the kubeconfig of {0}', key),
      saveLabel: vscode.l10n.t('Save Kubeconfig'),
      defaultUri: vscode.Uri.file(path.join(fs.existsSync(kube) ? kube : os.homedir(), `${c.name}-kubeconfig.yaml`)),
    });
    if (!uri) return;
    // the file system the extension runs on (a remote window's files reach it as vscode-remote)
    const file = uri.scheme === 'file' ? uri.fsPath : uri.scheme === 'vscode-remote' ? uri.path : undefined;
    if (!file) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Tanzu GitOps: a kubeconfig is saved only to a file on disk (mode 600), not to {0}.', uri.toString()));
      return;
    }
    try {
      writePrivateFile(file, read.text);
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Tanzu GitOps: could not write {0}: {1}', file, errorMessage(err)));
      return;
    }
    this.output.info(`saved the kubeconfig of ${key} (from ${read.from}) to ${file}`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: saved the kubeconfig of {0} (from {1}) to {2}, readable by you alone (mode 600).', key, read.from, file));
  }

  /** Register with Argo CD…: the plan, a modal confirmation, then both sides. */
  async registerCluster(node?: unknown): Promise<void> {
    const t = await this.target(node, vscode.l10n.t('Tanzu GitOps: Register with Argo CD'));
    if (!t) return;
    const { session, c, key } = t;
    try {
      const workload = await this.openWorkload(session, c);
      const plan = registration(c, workload.client, ARGOCD_NAMESPACE);
      const lines = planLines(plan, false);
      const go = vscode.l10n.t('Register');
      if (await vscode.window.showWarningMessage(lines[0], { modal: true, detail: lines.slice(1).join('\n') }, go) !== go) return;
      const done = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Registering {0} with Argo CD…', key) },
        () => register(plan, session.client, workload.client, { progress: (line) => this.output.info(redact(line)) }));
      const how = done.via === 'secret' ? vscode.l10n.t('its token comes from a service-account-token Secret and does not expire')
        : vscode.l10n.t('its token comes from TokenRequest and expires {0}: register again before then', done.expires ? done.expires.toISOString() : '(no expiry given)');
      this.output.info(`registered ${key} with Argo CD: Secret ${done.secret}`);
      void vscode.window.showInformationMessage(vscode.l10n.t('Tanzu GitOps: registered {0} with Argo CD as {1} (Secret {2}); {3}.', key, plan.clusterName, done.secret, how));
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Tanzu GitOps: could not register {0}: {1}', key, errorMessage(err)));
    }
  }

  /**
   * Unregister from Argo CD…: the plan, a modal confirmation, then both sides. A cluster that
   * cannot be reached loses its Supervisor Secret only, and the confirmation says so.
   */
  async unregisterCluster(node?: unknown): Promise<void> {
    const t = await this.target(node, vscode.l10n.t('Tanzu GitOps: Unregister from Argo CD'));
    if (!t) return;
    const { session, c, key } = t;
    try {
      let plan: Registration;
      let workload: ConnectionSession | undefined;
      let unreachable = '';
      try {
        workload = await this.openWorkload(session, c);
        plan = registration(c, workload.client, ARGOCD_NAMESPACE);
      } catch (err) {
        if (!c.registration) throw err;
        unreachable = errorMessage(err);
        plan = { cluster: c, server: c.registration.server, argocdNamespace: ARGOCD_NAMESPACE, secretName: c.registration.name, clusterName: c.registration.clusterName ?? c.registration.name };
      }
      const lines = planLines(plan, true).slice(0, workload ? undefined : 2);
      if (unreachable) lines.push(vscode.l10n.t('The cluster cannot be reached ({0}): what registration created in it stays.', unreachable));
      const go = vscode.l10n.t('Unregister');
      if (await vscode.window.showWarningMessage(lines[0], { modal: true, detail: lines.slice(1).join('\n') }, go) !== go) return;
      const removed = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Unregistering {0} from Argo CD…', key) },
        () => unregister(plan, session.client, workload?.client));
      this.output.info(`unregistered ${key}: ${removed.join(', ') || 'nothing was there'}`);
      void vscode.window.showInformationMessage(removed.length ? vscode.l10n.t('Tanzu GitOps: unregistered {0}: removed {1}.', key, removed.join(', ')) : vscode.l10n.t('Tanzu GitOps: {0} was not registered: nothing to remove.', key));
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Tanzu GitOps: could not unregister {0}: {1}', key, errorMessage(err)));
    }
  }

  private openWorkload(session: ConnectionSession, ref: ClusterRef): Thenable<ConnectionSession> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Connecting to cluster {0}…', clusterKey(ref)) },
      () => this.workloadSessions(session).open(ref));
  }

  dispose(): void {
    this.generation++;
    this.stop();
    for (const d of this.disposables) d.dispose();
  }
}

const LABEL: Record<string, string> = { TanzuKubernetesCluster: 'TanzuKubernetesClusters', Cluster: 'Clusters', Application: 'Argo CD Applications' };

/** What the watches hold, as the tree shows it; `own` is the namespace a user who may not list everywhere sees. */
function buildModel(w: Watches, own: string): ClustersModel {
  const notes: { text: string; icon: string }[] = [];
  const kinds = [[TKC, w.tkc], [CAPI, w.capi]] as const;
  for (const [ref, watched] of kinds) {
    if (watched.denied) notes.push({ text: vscode.l10n.t('You may not list {0} in {1} (nor in every namespace).', LABEL[ref.kind], own), icon: 'lock' });
    else if (watched.cache && !watched.cache.synced && watched.cache.lastError) notes.push({ text: vscode.l10n.t('{0}: {1}', LABEL[ref.kind], errorMessage(watched.cache.lastError)), icon: 'warning' });
  }
  if (kinds.every(([, x]) => x.notServed)) notes.push({ text: vscode.l10n.t('This Supervisor serves no TanzuKubernetesCluster or Cluster kind.'), icon: 'info' });
  const onlyOwn = kinds.some(([, x]) => x.scope !== undefined);
  const summaries = kinds.flatMap(([, x]) => x.cache?.items() ?? []).map((o) => summarizeCluster(o)).filter((s): s is ClusterSummary => !!s);
  const secrets = w.secrets.cache?.synced ? w.secrets.cache.items().map(argoClusterSecretOf) : undefined;
  const apps = w.apps.cache?.synced ? w.apps.cache.items().map((o) => summarizeApplication(o)).filter((a): a is ApplicationSummary => !!a) : undefined;
  const byCluster = new Map<ClusterSummary, ApplicationSummary[]>();
  for (const app of apps ?? []) {
    const c = applicationCluster(app, summaries, secrets ?? []);
    if (c) byCluster.set(c, [...(byCluster.get(c) ?? []), app]);
  }
  const clusters: ViewCluster[] = summaries.map((s) => ({
    ...s,
    registration: secrets ? clusterRegistration(s, secrets) ?? null : undefined,
    apps: (byCluster.get(s) ?? []).sort((a, b) => a.name.localeCompare(b.name)),
  })).sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
  const namespaces = [...new Set([...clusters.map((c) => c.namespace), ...(onlyOwn ? [own] : [])])].sort();
  if (!namespaces.length && !notes.length) notes.push({ text: vscode.l10n.t('No TanzuKubernetesCluster or Cluster you may read.'), icon: 'info' });
  const appsUnreadable = w.apps.denied ? vscode.l10n.t('You may not list {0} (in {1}, {2} or every namespace).', LABEL.Application, ARGOCD_NAMESPACE, own)
    : w.apps.notServed ? vscode.l10n.t('Argo CD is not installed on this Supervisor (no Application kind).') : undefined;
  return { notes, namespaces, clusters, ...(appsUnreadable ? { appsUnreadable } : {}) };
}

/** Writes a file only its owner may read: mode 600 before any byte is written, also when it existed. */
function writePrivateFile(file: string, text: string): void {
  const fd = fs.openSync(file, 'w', 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeFileSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

function errorMessage(err: unknown): string {
  return redact(err instanceof Error ? err.message : String(err));
}
