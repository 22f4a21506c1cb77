/**
 * The clusters tree: vSphere Namespaces, their TanzuKubernetesClusters and Clusters (phase, Ready,
 * release, replicas ready against desired, Argo CD registration; every condition in the tooltip),
 * and under each cluster the Argo CD Applications that deploy into it, with their resources'
 * drift when the drift view has compared them. It renders a ClustersModel and knows nothing of how
 * it is read.
 */
import * as vscode from 'vscode';
import type { ApplicationSummary, ArgoClusterSecret, ClusterSummary, Replicas } from '../core/clusters';
import type { ResourceStatus } from '../core/reconcile/types';
import type { TargetDrift } from '../drift/types';
import { messageItem, resourceItem } from './drift-view';

export const CLUSTERS_VIEW = 'tanzuGitops.clusters';

export interface ViewCluster extends ClusterSummary {
  /** The Argo CD cluster Secret for it; null: none; undefined: the Secrets cannot be read. */
  readonly registration?: ArgoClusterSecret | null;
  readonly apps: readonly ApplicationSummary[];
}

export interface ClustersModel {
  /** Plain notes at the top: a level the user may not list, a kind not served, still reading. */
  readonly notes: readonly { readonly text: string; readonly icon: string }[];
  /** The namespaces to show (those with clusters, and the user's own when only it could be read). */
  readonly namespaces: readonly string[];
  readonly clusters: readonly ViewCluster[];
  /** Why the Applications are not shown under the clusters, when they cannot be read. */
  readonly appsUnreadable?: string;
}

export type ClusterNode =
  | { readonly type: 'namespace'; readonly name: string }
  | { readonly type: 'cluster'; readonly cluster: ViewCluster }
  | { readonly type: 'application'; readonly cluster: ViewCluster; readonly app: ApplicationSummary }
  /** The same shape as the drift view's resource node, so its commands (Open Diff) take it. */
  | { readonly type: 'resource'; readonly drift: TargetDrift; readonly resource: ResourceStatus }
  | { readonly type: 'message'; readonly text: string; readonly icon: string };

const EMPTY: ClustersModel = { notes: [], namespaces: [], clusters: [] };

export class ClustersTreeProvider implements vscode.TreeDataProvider<ClusterNode> {
  private readonly changeEmitter = new vscode.EventEmitter<ClusterNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private current: ClustersModel = EMPTY;

  /** `driftOf` gives the drift of an Application, when the drift view compared it. */
  constructor(private readonly driftOf: (app: ApplicationSummary) => TargetDrift | undefined) {}

  get model(): ClustersModel {
    return this.current;
  }

  update(model: ClustersModel): void {
    this.current = model;
    this.changeEmitter.fire(undefined);
  }

  /** Something the Applications' children come from changed (the drift results). */
  refreshApplications(): void {
    this.changeEmitter.fire(undefined);
  }

  getChildren(node?: ClusterNode): ClusterNode[] {
    const m = this.current;
    if (!node) {
      const notes = m.notes.map((n): ClusterNode => ({ type: 'message', ...n }));
      return [...notes, ...m.namespaces.map((name): ClusterNode => ({ type: 'namespace', name }))];
    }
    if (node.type === 'namespace') {
      const clusters = m.clusters.filter((c) => c.namespace === node.name).map((cluster): ClusterNode => ({ type: 'cluster', cluster }));
      return clusters.length ? clusters : [{ type: 'message', text: vscode.l10n.t('No TanzuKubernetesCluster or Cluster in {0}.', node.name), icon: 'info' }];
    }
    if (node.type === 'cluster') {
      if (m.appsUnreadable) return [{ type: 'message', text: m.appsUnreadable, icon: 'info' }];
      return node.cluster.apps.map((app): ClusterNode => ({ type: 'application', cluster: node.cluster, app }));
    }
    if (node.type === 'application') {
      const drift = this.driftOf(node.app);
      if (!drift) return [];
      if (drift.target.unsupported) return [{ type: 'message', text: drift.target.unsupported, icon: 'warning' }];
      if (drift.error) return [{ type: 'message', text: drift.error, icon: 'error' }];
      return drift.resources.map((resource): ClusterNode => ({ type: 'resource', drift, resource }));
    }
    return [];
  }

  getTreeItem(node: ClusterNode): vscode.TreeItem {
    switch (node.type) {
      case 'message':
        return messageItem(node.text, node.icon);
      case 'namespace': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `ns:${node.name}`;
        const n = this.current.clusters.filter((c) => c.namespace === node.name).length;
        item.description = vscode.l10n.t('{0} cluster(s)', n);
        item.iconPath = new vscode.ThemeIcon('folder-library');
        item.tooltip = vscode.l10n.t('vSphere Namespace {0}', node.name);
        item.contextValue = 'tanzuNamespace';
        return item;
      }
      case 'cluster':
        return clusterItem(node.cluster, this.current.appsUnreadable !== undefined);
      case 'application':
        return applicationItem(node.cluster, node.app, this.driftOf(node.app));
      case 'resource':
        return resourceItem(node.drift, node.resource);
    }
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}

function replicas(r: Replicas): string {
  return `${r.ready ?? '?'}/${r.desired ?? '?'}`;
}

/** The row's words: phase, Ready, release, replicas, Argo CD. */
export function clusterDescription(c: ViewCluster): string {
  const ready = c.ready === 'True' ? 'Ready' : c.ready ? `Ready ${c.ready}` : '';
  const argo = c.registration === undefined ? '' : c.registration ? 'Argo CD' : 'not in Argo CD';
  return [c.phase ?? '', ready, c.release ?? '', `CP ${replicas(c.controlPlane)}`, `workers ${replicas(c.nodePools)}`, argo].filter(Boolean).join(' · ');
}

function clusterItem(c: ViewCluster, appsUnreadable: boolean): vscode.TreeItem {
  const collapsible = c.apps.length || appsUnreadable ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None;
  const item = new vscode.TreeItem(c.name, collapsible);
  item.id = `cluster:${c.kind}:${c.namespace}/${c.name}`;
  item.description = clusterDescription(c);
  const bad = c.ready === 'False' || /^fail/i.test(c.phase ?? '');
  const good = c.ready === 'True';
  item.iconPath = new vscode.ThemeIcon(bad ? 'error' : good ? 'server-environment' : 'sync',
    new vscode.ThemeColor(bad ? 'testing.iconFailed' : good ? 'testing.iconPassed' : 'charts.blue'));
  const conditions = c.conditions.map((x) => `- ${x.status === 'True' ? '✓' : x.status === 'False' ? '✗' : '?'} **${x.type}** ${x.status}${x.reason ? ` (${x.reason})` : ''}${x.message ? `: ${x.message}` : ''}`);
  const reg = c.registration === undefined ? 'Argo CD: its cluster Secrets cannot be read, so registration is unknown'
    : c.registration ? `Argo CD: registered as \`${c.registration.clusterName ?? c.registration.name}\` (Secret \`${c.registration.name}\`)` : 'Argo CD: not registered';
  item.tooltip = new vscode.MarkdownString([
    `**${c.kind} ${c.namespace}/${c.name}**`,
    [`Phase: ${c.phase ?? 'unknown'}`, `Release: ${c.release ?? 'unknown'}`,
      `Control plane: ${replicas(c.controlPlane)} ready`, `Node pools: ${replicas(c.nodePools)} ready`, c.server ? `API server: \`${c.server}\`` : ''].filter(Boolean).join('  \n'),
    conditions.length ? `Conditions:\n\n${conditions.join('\n')}` : 'No conditions reported yet.',
    reg,
  ].join('\n\n'));
  item.contextValue = `tanzuCluster.${c.registration === undefined ? 'unknown' : c.registration ? 'registered' : 'unregistered'}`;
  return item;
}

function applicationItem(c: ViewCluster, app: ApplicationSummary, drift: TargetDrift | undefined): vscode.TreeItem {
  const has = drift && (drift.resources.length > 0 || drift.error || drift.target.unsupported);
  const item = new vscode.TreeItem(app.name, has ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
  // The editor keeps a row's first collapsible state for its id: the row without children yet
  // (drift not compared) and the row with them are two ids, so the compared one opens expanded.
  item.id = `app:${c.namespace}/${c.name}:${app.namespace}/${app.name}${has ? ':compared' : ''}`;
  const outOfSync = drift ? drift.resources.filter((r) => r.status !== 'Synced').length : undefined;
  item.description = [app.sync ?? '', app.health ?? '', app.destination.namespace ? `→ ${app.destination.namespace}` : '',
    outOfSync === undefined ? '' : outOfSync ? vscode.l10n.t('{0} out of sync here', outOfSync) : vscode.l10n.t('in sync here')].filter(Boolean).join(' · ');
  const synced = app.sync === 'Synced' && (app.health === undefined || app.health === 'Healthy');
  item.iconPath = new vscode.ThemeIcon('rocket', new vscode.ThemeColor(synced ? 'testing.iconPassed' : app.sync === 'OutOfSync' ? 'gitDecoration.modifiedResourceForeground' : 'disabledForeground'));
  item.tooltip = new vscode.MarkdownString([
    `**Argo CD Application ${app.namespace}/${app.name}**`,
    `Deploys into ${c.kind} ${c.namespace}/${c.name}${app.destination.namespace ? `, namespace \`${app.destination.namespace}\`` : ''} (destination ${app.destination.server ? `\`${app.destination.server}\`` : `name \`${app.destination.name ?? ''}\``})`,
    `Argo CD says: ${app.sync ?? 'no sync status yet'}${app.health ? `, ${app.health}` : ''}`,
    drift ? '' : '_Open the Drift view to compare it with Git here._',
  ].filter(Boolean).join('\n\n'));
  item.contextValue = 'tanzuClusterApplication';
  return item;
}
