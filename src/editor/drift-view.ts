/**
 * The drift tree: targets, then their resources with a status icon and a one-line description of
 * what differs, TanzuKubernetesCluster health (phase, Ready, version, replicas) with the
 * conditions as children; a badge counting what is out of sync and a filter to show drift only.
 * It renders TargetDrift results (src/drift/types.ts) and knows nothing of how they are made.
 */
import * as vscode from 'vscode';
import { describeChange } from '../core/diff/unified';
import type { ResourceStatus } from '../core/reconcile/types';
import { WORKSPACE_TARGET } from '../drift/targets';
import type { TargetDrift } from '../drift/types';
import type { UnreadFile } from '../git/types';
import { ago, behindText, type GitFreshness } from '../git/freshness';
import { verdictBeside, type ApplicationVerdict } from '../argocd/applications';
import { clusterHealth, type Condition } from '../core/reconcile/health';
import { trackingApplication, type ApplicationRef } from '../core/argocd-link';

export const DRIFT_VIEW = 'tanzuGitops.drift';

export type DriftNode =
  | { readonly type: 'target'; readonly drift: TargetDrift }
  /** `stale`: the last known status, shown greyed while a file of the target does not parse. */
  | { readonly type: 'resource'; readonly drift: TargetDrift; readonly resource: ResourceStatus; readonly stale?: boolean }
  /** A file of the target that could not be read or rendered: the target cannot be compared, as Argo CD's ComparisonError. */
  | { readonly type: 'comparisonError'; readonly drift: TargetDrift; readonly file: UnreadFile }
  | { readonly type: 'condition'; readonly resource: ResourceStatus; readonly condition: Condition }
  | { readonly type: 'message'; readonly text: string; readonly icon: string }
  /** The commit the workspace compares, how old the last fetch is, and how far behind its upstream. */
  | { readonly type: 'git'; readonly freshness: GitFreshness };

const STATUS_ICON: Record<ResourceStatus['status'], [string, string | undefined]> = {
  Synced: ['pass', 'testing.iconPassed'],
  OutOfSync: ['diff-modified', 'gitDecoration.modifiedResourceForeground'],
  Missing: ['diff-added', 'gitDecoration.addedResourceForeground'],
  Extra: ['diff-removed', 'gitDecoration.deletedResourceForeground'],
  Unknown: ['question', 'disabledForeground'],
};

/** A Synced row whose health is not Healthy shows its health: a green check would hide it. */
const HEALTH_ICON: Record<NonNullable<ResourceStatus['health']>['status'], [string, string | undefined]> = {
  Healthy: ['pass', 'testing.iconPassed'],
  Progressing: ['sync', 'charts.blue'],
  Degraded: ['heart', 'testing.iconFailed'],
  Suspended: ['debug-pause', 'disabledForeground'],
  Missing: ['circle-slash', 'disabledForeground'],
  Unknown: ['question', 'disabledForeground'],
};

const STATUS_TEXT: Record<ResourceStatus['status'], string> = {
  Synced: 'Synced',
  OutOfSync: 'OutOfSync',
  Missing: 'Missing: in Git, not on the cluster',
  Extra: 'Extra: on the cluster, not in Git (a prune would delete it)',
  Unknown: 'Unknown',
};

/** kubectl's short names, so a row's label stays short enough to leave its status in view. */
const SHORT_KIND: Readonly<Record<string, string>> = {
  TanzuKubernetesCluster: 'tkc', ConfigMap: 'cm', Deployment: 'deploy', Service: 'svc', Namespace: 'ns', ServiceAccount: 'sa',
  PersistentVolumeClaim: 'pvc', StatefulSet: 'sts', DaemonSet: 'ds', ReplicaSet: 'rs', Ingress: 'ing', NetworkPolicy: 'netpol',
  HorizontalPodAutoscaler: 'hpa', PodDisruptionBudget: 'pdb', CustomResourceDefinition: 'crd', VirtualMachine: 'vm',
  VirtualMachineClass: 'vmclass', MachineDeployment: 'md', Application: 'app', StorageClass: 'sc', CronJob: 'cj',
};

export function shortKind(kind: string): string {
  return SHORT_KIND[kind] ?? kind;
}

/**
 * A server's message in one line: the field and the cause of a validation error
 * (`spec.x: Invalid value`), else its first sentence, cut; the whole message stays in the tooltip.
 */
export function oneLine(message: string): string {
  const invalid = /is invalid: (?:\[)?([^\s:]+): (Invalid value|Required value|Unsupported value|Forbidden|Duplicate value|Too long|Too many|Not found)/.exec(message);
  if (invalid) return `${invalid[1]}: ${invalid[2]}`;
  const denied = /denied the request: (.*)/.exec(message);
  const first = (denied ? denied[1] : message).split('\n')[0].replace(/\s*\(.*$/, '');
  return first.length > 100 ? `${first.slice(0, 99)}…` : first;
}

export function isDrift(r: ResourceStatus): boolean {
  return r.status !== 'Synced';
}

/** The files that keep a target from being compared (a kustomization compared on its own is not one). */
export function comparisonErrors(d: TargetDrift): readonly UnreadFile[] {
  return (d.unread ?? []).filter((u) => !u.separate);
}

function isCluster(r: ResourceStatus): boolean {
  return (r.group === 'run.tanzu.vmware.com' && r.kind === 'TanzuKubernetesCluster') || (r.group === 'cluster.x-k8s.io' && r.kind === 'Cluster');
}

export class DriftTreeProvider implements vscode.TreeDataProvider<DriftNode> {
  private readonly changeEmitter = new vscode.EventEmitter<DriftNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private results: readonly TargetDrift[] = [];
  private note?: DriftNode;
  private git?: GitFreshness;
  /** What is known of the commits compared (subject, age), by sha. */
  private commits: ReadonlyMap<string, GitFreshness> = new Map();
  /** Argo CD's verdict by Application (`namespace/name`), or why it could not be read. */
  private verdicts: ReadonlyMap<string, ApplicationVerdict | string> = new Map();
  /** Each target's last result that compared every file: shown greyed while one does not parse. */
  private readonly lastKnown = new Map<string, TargetDrift>();
  /** The repository's root, where a ComparisonError's file opens. */
  root?: string;
  onlyDrift = false;

  update(results: readonly TargetDrift[], note?: string): void {
    this.results = results;
    for (const d of results) if (!d.error && comparisonErrors(d).length === 0) this.lastKnown.set(d.target.name, d);
    this.note = note ? { type: 'message', text: note, icon: 'info' } : undefined;
    this.changeEmitter.fire(undefined);
  }

  /** The Git node (undefined: none) and the commits' subjects and ages, as the controller read them. */
  /** What Argo CD last reported on each Application target (by `namespace/name`), shown beside the local comparison. */
  setArgoVerdicts(verdicts: ReadonlyMap<string, ApplicationVerdict | string>): void {
    this.verdicts = verdicts;
    this.changeEmitter.fire(undefined);
  }

  setFreshness(git: GitFreshness | undefined, commits: ReadonlyMap<string, GitFreshness>): void {
    this.git = git;
    this.commits = commits;
    this.changeEmitter.fire(undefined);
  }

  setOnlyDrift(on: boolean): void {
    this.onlyDrift = on;
    this.changeEmitter.fire(undefined);
  }

  get current(): readonly TargetDrift[] {
    return this.results;
  }

  /** What is out of sync, over every target (for the badge). */
  driftCount(): number {
    return this.results.reduce((n, t) => n + t.resources.filter(isDrift).length, 0);
  }

  /** For the status bar: resources OutOfSync, Missing or Extra, and resources Degraded, over every target. */
  signals(): { outOfSync: number; degraded: number; targets: number; note?: string } {
    const all = this.results.flatMap((t) => t.resources);
    return {
      ...(this.note?.type === 'message' ? { note: this.note.text } : {}),
      outOfSync: all.filter((r) => r.status === 'OutOfSync' || r.status === 'Missing' || r.status === 'Extra').length,
      degraded: all.filter((r) => r.health?.status === 'Degraded').length,
      targets: this.results.length,
    };
  }

  getChildren(node?: DriftNode): DriftNode[] {
    if (!node) {
      const targets = this.results.map((drift): DriftNode => ({ type: 'target', drift }));
      const git: DriftNode[] = this.git && this.results.length ? [{ type: 'git', freshness: this.git }] : [];
      return this.note ? [this.note, ...git, ...targets] : [...git, ...targets];
    }
    if (node.type === 'target') {
      const d = node.drift;
      if (d.target.unsupported) return [{ type: 'message', text: d.target.unsupported, icon: 'warning' }];
      if (d.error) return [{ type: 'message', text: d.error, icon: 'error' }];
      const errors = comparisonErrors(d);
      const shown = (errors.length && this.lastKnown.get(d.target.name)) || d;
      const resources = shown.resources.filter((r) => !this.onlyDrift || isDrift(r));
      const out: DriftNode[] = [
        ...errors.map((file): DriftNode => ({ type: 'comparisonError', drift: d, file })),
        ...resources.map((resource): DriftNode => ({ type: 'resource', drift: shown, resource, ...(errors.length ? { stale: true } : {}) })),
      ];
      // a ComparisonError's file is said once, by its own row
      for (const w of d.warnings) if (!errors.some((u) => w.startsWith(`${u.path}:`))) out.push({ type: 'message', text: w, icon: 'warning' });
      if (out.length === 0) out.push({ type: 'message', text: this.onlyDrift && d.resources.length ? 'Everything is in sync.' : 'No manifests found.', icon: 'info' });
      return out;
    }
    if (node.type === 'resource' && isCluster(node.resource)) {
      return (clusterHealth(node.resource.live)?.conditions ?? []).map((condition) => ({ type: 'condition', resource: node.resource, condition }));
    }
    return [];
  }

  getTreeItem(node: DriftNode): vscode.TreeItem {
    switch (node.type) {
      case 'message': {
        const item = messageItem(node.text, node.icon);
        // a warning about a file (a template, a document not compared) opens that file at its line
        const at = /^([^\s:]+\.(?:ya?ml|json)):(\d+): /.exec(node.text);
        if (at && this.root) {
          const line = Number(at[2]) - 1;
          item.command = { title: vscode.l10n.t('Open File'), command: 'vscode.open', arguments: [vscode.Uri.file(`${this.root}/${at[1]}`), { selection: new vscode.Range(line, 0, line, 0) }] };
        }
        return item;
      }
      case 'git':
        return gitItem(node.freshness);
      case 'target':
        return withArgoVerdict(targetItem(node.drift, this.commits.get(node.drift.revision?.commit ?? '')), node.drift, this.verdicts.get(appKey(node.drift)));
      case 'resource':
        return node.stale ? staleItem(resourceItem(node.drift, node.resource)) : resourceItem(node.drift, node.resource);
      case 'comparisonError':
        return comparisonErrorItem(node.file, this.root);
      case 'condition': {
        const c = node.condition;
        const item = new vscode.TreeItem(`${c.type}: ${c.status}`, vscode.TreeItemCollapsibleState.None);
        const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
        // Relative in the row, the exact stamp in the tooltip.
        item.description = [c.reason, Number.isNaN(since) ? '' : ago(since)].filter(Boolean).join(' · ');
        item.tooltip = [c.message, c.lastTransitionTime ? `since ${c.lastTransitionTime}` : ''].filter(Boolean).join('\n') || undefined;
        item.iconPath = new vscode.ThemeIcon(c.status === 'True' ? 'pass' : c.status === 'False' ? 'error' : 'circle-outline',
          new vscode.ThemeColor(c.status === 'True' ? 'testing.iconPassed' : c.status === 'False' ? 'testing.iconFailed' : 'disabledForeground'));
        item.contextValue = 'tanzuCondition';
        return item;
      }
    }
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}

function gitItem(f: GitFreshness): vscode.TreeItem {
  const commit = f.commit ? f.commit.slice(0, 7) : vscode.l10n.t('no commit yet');
  const item = new vscode.TreeItem(`Git: ${commit}${f.subject !== undefined ? ` ${f.subject}` : ''}`, vscode.TreeItemCollapsibleState.None);
  item.id = 'git';
  const behind = behindText(f);
  const fetched = f.fetchedAt !== undefined ? vscode.l10n.t('fetched {0}', ago(f.fetchedAt)) : f.upstream ? vscode.l10n.t('never fetched') : '';
  item.description = [f.committedAt ? ago(f.committedAt) : '', fetched, behind ?? ''].filter(Boolean).join(' · ');
  item.tooltip = new vscode.MarkdownString([
    f.commit ? `Compared at commit \`${f.commit}\`${f.subject !== undefined ? `: ${f.subject}` : ''}` : '',
    f.committedAt ? `Committed ${ago(f.committedAt)} (${new Date(f.committedAt).toLocaleString()})` : '',
    f.fetchedAt !== undefined ? `Last fetch ${ago(f.fetchedAt)} (${new Date(f.fetchedAt).toLocaleString()})` : f.upstream ? 'Never fetched' : 'No upstream branch',
    behind ? `The branch is ${behind}: what the cluster should run may be newer than what was compared. Pull to compare with it.` : '',
    'Fetch reads what the remote holds now and compares again.',
  ].filter(Boolean).join('\n\n'));
  item.iconPath = new vscode.ThemeIcon('git-commit', f.behind ? new vscode.ThemeColor('list.warningForeground') : undefined);
  item.contextValue = 'tanzuGit';
  return item;
}

/** A last known status while the target cannot be compared: greyed, and said so. */
function staleItem(item: vscode.TreeItem): vscode.TreeItem {
  const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : 'circle-outline';
  item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor('disabledForeground'));
  item.description = `last known: ${typeof item.description === 'string' ? item.description : ''}`;
  const tip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : '';
  item.tooltip = new vscode.MarkdownString(`_Last known status: a file of this target does not parse, so it is not compared now._\n\n${tip}`);
  item.contextValue = `${item.contextValue ?? ''}.stale`;
  return item;
}

function comparisonErrorItem(u: UnreadFile, root: string | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem('ComparisonError', vscode.TreeItemCollapsibleState.None);
  const line = /^line (\d+): /.exec(u.reason);
  item.description = `${u.path}${line ? `:${line[1]}` : ''}: ${u.reason.replace(/^line \d+: /, '').split('\n')[0]}`;
  item.tooltip = new vscode.MarkdownString([
    `**ComparisonError**: \`${u.path}\` ${u.rendering ? 'could not be rendered' : 'could not be read'}.`,
    u.reason,
    'What it defines is not known: the statuses below are the last known ones, no live object is taken for Extra, and nothing is synced or pruned until the file is read again.',
  ].join('\n\n'));
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
  item.contextValue = 'tanzuComparisonError';
  if (root) {
    const at = line ? Number(line[1]) - 1 : 0;
    item.command = { title: vscode.l10n.t('Open File'), command: 'vscode.open', arguments: [vscode.Uri.file(`${root}/${u.path}`), { selection: new vscode.Range(at, 0, at, 0) }] };
  }
  return item;
}

function targetItem(d: TargetDrift, commit?: GitFreshness): vscode.TreeItem {
  const t = d.target;
  const drifted = d.resources.filter(isDrift).length;
  const item = new vscode.TreeItem(t.name, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `target:${t.origin}:${t.name}`;
  const rev = d.revision;
  const where = rev ? `${rev.label}${rev.branch && rev.label !== rev.branch ? ` (${rev.branch})` : ''}${rev.commit ? ` @ ${rev.commit.slice(0, 7)}` : ''}${rev.dirty ? ', dirty' : ''}` : '';
  const compare = comparisonErrors(d).length ? 'ComparisonError' : drifted ? `${drifted} out of sync` : 'in sync';
  item.description = t.unsupported ? 'not supported yet' : d.error ? 'error' : `${compare}${where ? ` · ${where}` : ''}`;
  const overlay = t.origin === 'workspace' && t.name !== WORKSPACE_TARGET;
  const origin = t.origin === 'argocd' ? `Argo CD Application ${t.application?.namespace}/${t.application?.name}`
    : t.origin === 'setting' ? 'target from the settings'
      : overlay ? 'a leaf kustomization of the workspace (an overlay), rendered and compared as a target of its own' : 'the workspace against the current context';
  item.tooltip = new vscode.MarkdownString([
    `**${t.name}** — ${origin}`,
    `Path \`${t.path || '.'}\`${t.directory.recurse ? ' (recursive)' : ''}, namespace \`${t.namespace}\``,
    rev ? `Git: ${where}${commit?.subject !== undefined ? ` — ${commit.subject}` : ''}${commit?.committedAt ? ` (${ago(commit.committedAt)})` : ''}` : '',
    ...Object.entries(d.counts).filter(([, n]) => n > 0).map(([s, n]) => `${s}: ${n}`),
  ].filter(Boolean).join('\n\n'));
  item.iconPath = new vscode.ThemeIcon(t.unsupported ? 'warning' : d.error || comparisonErrors(d).length ? 'error' : t.origin === 'argocd' ? 'rocket' : t.origin === 'setting' ? 'target' : overlay ? 'layers' : 'root-folder');
  item.contextValue = `tanzuTarget.${t.origin}`;
  return item;
}

/** A resource row (the clusters view shows the same rows under an Application). */
/** A row of text only: a warning, an error, an empty state. */
export function messageItem(text: string, icon: string): vscode.TreeItem {
  const item = new vscode.TreeItem(text, vscode.TreeItemCollapsibleState.None);
  item.iconPath = new vscode.ThemeIcon(icon);
  item.tooltip = text;
  return item;
}

export function resourceItem(d: TargetDrift, r: ResourceStatus): vscode.TreeItem {
  const health = isCluster(r) ? clusterHealth(r.live) : undefined;
  const collapsible = health && health.conditions.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
  const item = new vscode.TreeItem(`${shortKind(r.kind)}/${r.name}`, collapsible);
  item.id = `resource:${d.target.name}:${r.key}`;
  const change = r.status === 'Synced' ? '' : describeChange(r);
  const untracked = r.status === 'Synced' && r.tracked === false;
  const conflict = r.conflicts?.length ? r.conflicts.map((c) => `${c.field} (owned by "${c.manager}")`).join(', ') : '';
  const h = r.health;
  const hSince = h?.since ? Date.parse(h.since) : NaN;
  // Two signals, as Argo CD shows them: sync, then health (with how long it has been so).
  const healthText = h ? `${h.status}${Number.isNaN(hSince) ? '' : ` ${ago(hSince)}`}` : '';
  item.description = [r.status, healthText, untracked ? 'not tracked yet' : '', conflict ? 'conflict' : '', change && change !== 'in sync' ? oneLine(change) : '', health?.summary ?? '', r.namespace].filter(Boolean).join(' · ');
  const [icon, color] = r.status === 'Synced' && h && h.status !== 'Healthy' ? HEALTH_ICON[h.status] : STATUS_ICON[r.status];
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  const md = new vscode.MarkdownString([
    `**${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}** (${r.group || 'core'}/${r.version})`,
    `${STATUS_TEXT[r.status]}${r.reason ? `: ${r.reason}` : ''}`,
    change && r.status !== 'Synced' ? `Differs: ${change}` : '',
    conflict ? `Conflict: ${conflict} ${r.conflicts?.length === 1 ? 'is' : 'are'} owned by another field manager; a sync takes ${r.conflicts?.length === 1 ? 'it' : 'them'} over only when forced. The diff shows what Git would apply.` : '',
    untracked ? 'Not tracked yet: the live object equals Git but lacks this target\'s tracking; the next sync adds it and adopts the object.' : '',
    h ? `Health: ${h.status}${h.message ? ` — ${h.message}` : ''}${h.since ? ` (since ${h.since})` : ''}` : '',
    health?.summary ? `Live: ${health.summary}` : '',
    r.git ? `Git: \`${r.git.source.file}:${r.git.source.line + 1}\`` : '',
    r.compared === 'offline' ? (r.reason ? '_The server\'s dry run gave no answer for this object (above): compared with the fields Git sets._' : '_Compared with the fields Git sets (no server-side dry run)._') : '',
  ].filter(Boolean).join('\n\n'));
  item.tooltip = md;
  item.contextValue = `tanzuResource.${r.status}${untracked ? '.untracked' : ''}${r.git ? '.git' : ''}${r.live ? '.live' : ''}${trackingApp(d, r) ? '.argocd' : ''}`;
  // every row does something on click: a difference shows its diff, a synced object its live state
  const node = [{ type: 'resource', drift: d, resource: r }];
  if (r.status !== 'Synced' && r.status !== 'Unknown') item.command = { title: vscode.l10n.t('Open Diff'), command: 'tanzuGitops.drift.openDiff', arguments: node };
  else if (r.live) item.command = { title: vscode.l10n.t('Open Live'), command: 'tanzuGitops.drift.openLive', arguments: node };
  else if (r.git) item.command = { title: vscode.l10n.t('Open in Git'), command: 'tanzuGitops.drift.openInGit', arguments: node };
  return item;
}

/** The Argo CD Application that tracks a row's object: its target's, else the one its live tracking id names. */
export function trackingApp(d: TargetDrift, r: ResourceStatus): ApplicationRef | undefined {
  const a = d.target.application;
  if (d.target.origin === 'argocd' && a) return { namespace: a.namespace, name: a.name };
  return trackingApplication(r.live as Record<string, unknown> | undefined);
}

/** `namespace/name` of an Application target; '' for the others. */
export function appKey(d: TargetDrift): string {
  const a = d.target.application;
  return d.target.origin === 'argocd' && a ? `${a.namespace}/${a.name}` : '';
}

/**
 * An Application node with Argo CD's own verdict beside the local one: its sync and health in
 * the row ("Argo CD: Synced · Healthy"), and in the tooltip the revision it synced, the last
 * operation and conditions, and what the local comparison says in the same words.
 */
function withArgoVerdict(item: vscode.TreeItem, d: TargetDrift, v: ApplicationVerdict | string | undefined): vscode.TreeItem {
  if (!v || d.target.origin !== 'argocd') return item;
  if (typeof v === 'string') {
    item.description = [item.description, 'Argo CD: not read'].filter(Boolean).join(' · ');
    return item;
  }
  const local = d.resources.filter(isDrift).length;
  item.description = [`local: ${local ? `${local} out of sync` : 'in sync'}`, `Argo CD: ${v.sync ?? 'Unknown'}${v.health ? ` · ${v.health}` : ''}`].join(' · ');
  const rev = d.revision;
  const label = rev?.dirty || rev?.label === 'working tree' ? 'your working tree' : `Git ${rev?.label ?? ''}${rev?.commit ? ` at ${rev.commit.slice(0, 7)}` : ''}`.replace(/ +/g, ' ').trim();
  const md = item.tooltip instanceof vscode.MarkdownString ? item.tooltip : new vscode.MarkdownString(typeof item.tooltip === 'string' ? item.tooltip : '');
  md.appendMarkdown(`\n\n---\n\n${verdictBeside(v, { label, drifted: local })}`);
  if (v.operation) md.appendMarkdown(`\n\nLast operation: ${v.operation.phase}${v.operation.message ? ` — ${v.operation.message}` : ''}${v.operation.finishedAt ? ` (finished ${v.operation.finishedAt})` : ''}`);
  for (const c of v.conditions) md.appendMarkdown(`\n\n${c.type}: ${c.message}`);
  item.tooltip = md;
  return item;
}
