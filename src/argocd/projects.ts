/**
 * Argo CD's AppProject rules, as its controller applies them before a sync (pkg/apis/application
 * v1alpha1 AppProject: IsSourcePermitted, IsDestinationPermitted, IsGroupKindPermitted):
 *
 *   - argocd-project-source: the Application's repoURL matches no entry of `spec.sourceRepos`
 *     (`*`, the same repository, or a glob; an entry `!glob` denies);
 *   - argocd-project-destination: the destination (server or name, and namespace), or the
 *     namespace of a namespaced resource, matches no entry of `spec.destinations` (globs;
 *     `!` denies). A destination given by `name` is first resolved to its server through Argo
 *     CD's cluster Secrets (as ValidateDestination does), so a project that lists servers checks
 *     it too; a name no cluster Secret has is refused with Argo CD's message;
 *   - argocd-project-kind: a cluster-scoped kind not in `clusterResourceWhitelist` (empty: none)
 *     or in `clusterResourceBlacklist`; a namespaced kind not in `namespaceResourceWhitelist`
 *     (absent: all) or in `namespaceResourceBlacklist`.
 *
 * The messages are Argo CD's own, with the project's rule that refused.
 */
import type { ClusterClient } from '../cluster/client';
import { IN_CLUSTER_NAME, IN_CLUSTER_SERVER, readArgoClusters } from '../cluster/destinations';
import { toClusterError } from '../cluster/errors';
import { isRecord } from '../core/json';
import { globMatch } from '../core/reconcile/resource-filter';
import { sameRepo } from '../git/remote-url';
import { settingsForApplication } from './settings';

export const APP_PROJECT = { group: 'argoproj.io', kind: 'AppProject' } as const;
const IN_CLUSTER = { name: IN_CLUSTER_NAME, server: IN_CLUSTER_SERVER };

export type ProjectRule = 'argocd-project-source' | 'argocd-project-destination' | 'argocd-project-kind' | 'argocd-project';

export interface GroupKind { readonly group: string; readonly kind: string }

export interface ProjectRules {
  readonly name: string;
  readonly namespace: string;
  readonly sourceRepos: readonly string[];
  readonly destinations: readonly { readonly server?: string; readonly name?: string; readonly namespace?: string }[];
  readonly clusterResourceWhitelist: readonly GroupKind[];
  readonly clusterResourceBlacklist: readonly GroupKind[];
  /** Absent: every namespaced kind is allowed. */
  readonly namespaceResourceWhitelist?: readonly GroupKind[];
  readonly namespaceResourceBlacklist: readonly GroupKind[];
}

export interface ProjectFinding {
  readonly rule: ProjectRule;
  readonly message: string;
  /** The resource refused, for the kind and namespace rules. */
  readonly resource?: { readonly group: string; readonly kind: string; readonly namespace?: string; readonly name: string };
}

/** What an Application deploys from and to. */
export interface ApplicationPlace {
  readonly repoURL: string;
  readonly server?: string;
  readonly destinationName?: string;
  readonly namespace: string;
}

/**
 * What resolving a destination name gave: the server the name stands for, a finding when Argo CD
 * refuses the destination (no cluster, or several, of that name; both name and server), or a
 * warning when the cluster Secrets could not be read (the name is then checked as it is).
 */
export interface DestinationResolution {
  readonly server?: string;
  readonly finding?: ProjectFinding;
  readonly warning?: string;
}

/**
 * The server of a destination given by name, from Argo CD's cluster Secrets in `argoNamespace`
 * (`in-cluster` without a Secret of its own is Argo CD's in-cluster server). Never throws.
 */
export async function resolveDestination(
  client: Pick<ClusterClient, 'list'>, place: ApplicationPlace, argoNamespace: string, timeoutMs?: number,
): Promise<DestinationResolution> {
  const name = place.destinationName;
  if (!name) return {};
  if (place.server) {
    return { finding: { rule: 'argocd-project-destination', message: `application destination can't have both name and server defined: ${name} ${place.server}` } };
  }
  let clusters;
  try {
    clusters = await readArgoClusters(client, argoNamespace, timeoutMs);
  } catch (e) {
    clusters = undefined;
    if (name !== IN_CLUSTER.name) return { warning: `Argo CD's cluster Secrets in ${argoNamespace} could not be read (${toClusterError(e).message}); destination ${name} was checked by its name only.` };
  }
  const named = (clusters ?? []).filter((c) => c.name === name);
  if (named.length === 1) return { server: named[0].server };
  if (named.length > 1) {
    return { finding: { rule: 'argocd-project-destination', message: `unable to find destination server: there are ${named.length} clusters with the same name: [${named.map((c) => c.server).join(' ')}]` } };
  }
  if (name === IN_CLUSTER.name) return { server: IN_CLUSTER.server };
  if (!clusters) return { warning: `Argo CD's cluster Secrets in ${argoNamespace} may not be read; destination ${name} was checked by its name only.` };
  return { finding: { rule: 'argocd-project-destination', message: `unable to find destination server: there are no clusters with this name: ${name}` } };
}

/** The project Argo CD creates by itself: everything is permitted. */
export function defaultProject(namespace: string): ProjectRules {
  return {
    name: 'default', namespace, sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }],
    clusterResourceWhitelist: [{ group: '*', kind: '*' }], clusterResourceBlacklist: [], namespaceResourceBlacklist: [],
  };
}

export function projectRulesOf(obj: Record<string, unknown>): ProjectRules {
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const gks = (v: unknown) => (Array.isArray(v) ? v.filter(isRecord).map((e) => ({ group: str(e.group), kind: str(e.kind) })) : []);
  return {
    name: str(meta.name),
    namespace: str(meta.namespace),
    sourceRepos: strings(spec.sourceRepos),
    destinations: (Array.isArray(spec.destinations) ? spec.destinations.filter(isRecord) : []).map((d) => ({
      ...(str(d.server) ? { server: str(d.server) } : {}), ...(str(d.name) ? { name: str(d.name) } : {}), ...(typeof d.namespace === 'string' ? { namespace: d.namespace } : {}),
    })),
    clusterResourceWhitelist: gks(spec.clusterResourceWhitelist),
    clusterResourceBlacklist: gks(spec.clusterResourceBlacklist),
    ...(Array.isArray(spec.namespaceResourceWhitelist) ? { namespaceResourceWhitelist: gks(spec.namespaceResourceWhitelist) } : {}),
    namespaceResourceBlacklist: gks(spec.namespaceResourceBlacklist),
  };
}

/** Where an Application deploys from and to (spec.source or the first of spec.sources; spec.destination). */
export function placeOf(app: Record<string, unknown>): ApplicationPlace {
  const spec = isRecord(app.spec) ? app.spec : {};
  const sources = Array.isArray(spec.sources) ? spec.sources.filter(isRecord) : [];
  const source = isRecord(spec.source) ? spec.source : sources[0] ?? {};
  const dest = isRecord(spec.destination) ? spec.destination : {};
  return {
    repoURL: str(source.repoURL),
    ...(str(dest.server) ? { server: str(dest.server) } : {}),
    ...(str(dest.name) ? { destinationName: str(dest.name) } : {}),
    namespace: str(dest.namespace),
  };
}

/** The Application-level rules: its source repository and its destination. */
export function applicationFindings(project: ProjectRules, place: ApplicationPlace): ProjectFinding[] {
  const out: ProjectFinding[] = [];
  if (!sourcePermitted(project, place.repoURL)) {
    out.push({
      rule: 'argocd-project-source',
      message: `application repo ${place.repoURL} is not permitted in project '${project.name}' (its sourceRepos: ${list(project.sourceRepos)})`,
    });
  }
  if (!destinationPermitted(project, place, place.namespace)) {
    const { server } = destination(place);
    out.push({
      rule: 'argocd-project-destination',
      message: `application destination server '${server}' and namespace '${place.namespace}' do not match any of the allowed destinations in project '${project.name}' (its destinations: ${list(project.destinations.map((d) => `${d.server ?? d.name ?? ''} ${d.namespace ?? ''}`.trim()))})`,
    });
  }
  return out;
}

/** The resource-level rules (Argo CD's permission validator of a sync): its kind, and the namespace of a namespaced one. */
export function resourceFinding(project: ProjectRules, place: ApplicationPlace, r: NonNullable<ProjectFinding['resource']>): ProjectFinding | undefined {
  const namespaced = !!r.namespace;
  if (!groupKindPermitted(project, r, namespaced)) {
    const lists = namespaced ? 'namespaceResourceWhitelist/namespaceResourceBlacklist' : `clusterResourceWhitelist (${list(project.clusterResourceWhitelist.map((g) => `${g.group}:${g.kind}`))})/clusterResourceBlacklist`;
    return { rule: 'argocd-project-kind', message: `resource ${r.group}:${r.kind} is not permitted in project ${project.name} (its ${lists})`, resource: r };
  }
  if (namespaced && !destinationPermitted(project, place, r.namespace as string)) {
    return { rule: 'argocd-project-destination', message: `namespace ${r.namespace} is not permitted in project '${project.name}'`, resource: r };
  }
  return undefined;
}

export function sourcePermitted(project: ProjectRules, repoURL: string): boolean {
  const matches = (p: string) => p === '*' || sameRepo(p, repoURL) || globMatch(p, repoURL) || globMatch(p.toLowerCase(), repoURL.toLowerCase());
  const denied = project.sourceRepos.filter((p) => p.startsWith('!')).some((p) => matches(p.slice(1)));
  return !denied && project.sourceRepos.filter((p) => !p.startsWith('!')).some(matches);
}

function destination(place: ApplicationPlace): { server: string; name: string } {
  const server = place.server?.replace(/\/+$/, '') ?? (place.destinationName === IN_CLUSTER.name ? IN_CLUSTER.server : '');
  const name = place.destinationName ?? (server === IN_CLUSTER.server ? IN_CLUSTER.name : '');
  return { server, name };
}

export function destinationPermitted(project: ProjectRules, place: ApplicationPlace, namespace: string): boolean {
  const { server, name } = destination(place);
  const cluster = (d: ProjectRules['destinations'][number], neg: boolean) => {
    const pat = (p: string | undefined) => (p === undefined ? undefined : neg ? p.replace(/^!/, '') : p);
    const s = pat(d.server);
    const n = pat(d.name);
    return (!!s && !!server && globMatch(s, server)) || (!!n && !!name && globMatch(n, name));
  };
  const ns = (p: string | undefined) => globMatch(p ?? '', namespace);
  let allowed = false;
  for (const d of project.destinations) {
    const denyNs = d.namespace?.startsWith('!');
    const denyCluster = d.server?.startsWith('!') || d.name?.startsWith('!');
    if (denyNs || denyCluster) {
      // a deny entry refuses what it names (its negated part), wherever the rest matches
      const clusterHit = denyCluster ? cluster(d, true) : cluster(d, false);
      const nsHit = denyNs ? ns(d.namespace?.slice(1)) : ns(d.namespace);
      if (clusterHit && nsHit) return false;
      continue;
    }
    if (cluster(d, false) && ns(d.namespace)) allowed = true;
  }
  return allowed;
}

export function groupKindPermitted(project: ProjectRules, gk: GroupKind, namespaced: boolean): boolean {
  const inList = (l: readonly GroupKind[]) => l.some((e) => globMatch(e.group, gk.group) && globMatch(e.kind, gk.kind));
  if (namespaced) {
    const white = project.namespaceResourceWhitelist;
    return (white === undefined || inList(white)) && !inList(project.namespaceResourceBlacklist);
  }
  return inList(project.clusterResourceWhitelist) && !inList(project.clusterResourceBlacklist);
}

/**
 * The Application's project, read where Argo CD reads it (its own namespace, `argocd` by
 * default). `default` when absent is Argo CD's own (everything permitted). A string: the project
 * named does not exist (Argo CD refuses the Application), or could not be read (`unreadable`).
 */
export async function readProject(
  client: Pick<ClusterClient, 'get'>, name: string, namespace: string, timeoutMs?: number,
): Promise<ProjectRules | { readonly missing: string } | { readonly unreadable: string }> {
  try {
    return projectRulesOf(await client.get({ ...APP_PROJECT, namespace, name }, { timeoutMs }));
  } catch (e) {
    const err = toClusterError(e);
    if (err.kind === 'notFound' && name === 'default') return defaultProject(namespace);
    if (err.kind === 'notFound') return { missing: `Application references project ${name} which does not exist (no AppProject ${namespace}/${name})` };
    return { unreadable: `Argo CD's AppProject ${namespace}/${name} could not be read (${err.message}); its rules were not checked.` };
  }
}

function list(xs: readonly string[]): string {
  return xs.length ? xs.join(', ') : 'none';
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** What a check of an Application against its project found, and what kept it from checking. */
export interface ProjectCheck {
  readonly findings: readonly ProjectFinding[];
  readonly warnings: readonly string[];
}

/**
 * An Application's place, and each resource it would sync, against its project (`project`,
 * default `default`, in Argo CD's namespace `projectNamespace`), as Argo CD checks them before it
 * syncs.
 */
export async function checkProject(
  client: Pick<ClusterClient, 'get' | 'list'>, project: string, projectNamespace: string, place: ApplicationPlace,
  resources: readonly NonNullable<ProjectFinding['resource']>[], timeoutMs?: number,
): Promise<ProjectCheck> {
  const [rules, resolution] = await Promise.all([readProject(client, project || 'default', projectNamespace, timeoutMs), resolveDestination(client, place, projectNamespace, timeoutMs)]);
  return checkAgainst(rules, place, resources, resolution);
}

/** What readProject answers: the project's rules, or why there are none. */
export type ProjectRead = Awaited<ReturnType<typeof readProject>>;

function checkAgainst(
  rules: ProjectRead, given: ApplicationPlace, resources: readonly NonNullable<ProjectFinding['resource']>[], resolution: DestinationResolution = {},
): ProjectCheck {
  const warnings = resolution.warning ? [resolution.warning] : [];
  if ('unreadable' in rules) return { findings: [], warnings: [...warnings, rules.unreadable] };
  if ('missing' in rules) return { findings: [{ rule: 'argocd-project', message: rules.missing }], warnings };
  // Argo CD validates the destination before the project's rules: a refused one is all it says
  if (resolution.finding) return { findings: [resolution.finding], warnings };
  const place = resolution.server ? { ...given, server: resolution.server } : given;
  const findings = applicationFindings(rules, place);
  for (const r of resources) {
    const f = resourceFinding(rules, place, r);
    if (f) findings.push(f);
  }
  return { findings, warnings };
}

/** One line for people: the rule, and where (a resource's kind and name). */
export function findingLine(f: ProjectFinding): string {
  const where = f.resource ? `${f.resource.kind}${f.resource.group ? `.${f.resource.group}` : ''} ${f.resource.namespace ? `${f.resource.namespace}/` : ''}${f.resource.name}: ` : '';
  return `${f.rule}: ${where}${f.message}`;
}

/** An Application target (the drift layer's), as much of it as its project check needs. */
export interface ProjectTarget {
  readonly origin: string;
  readonly namespace: string;
  readonly application?: { readonly namespace: string; readonly repoURL: string; readonly project?: string; readonly destination?: { readonly server?: string; readonly name?: string } };
}

/**
 * An Application target's resources (those in Git: what a sync applies) against its project; no
 * findings for a target that is not an Application. The project is read in Argo CD's namespace:
 * the Application's own when argocd-cm is there, else `argocd`.
 */
export async function checkTargetProject(
  client: Pick<ClusterClient, 'get' | 'list'>, target: ProjectTarget, resources: readonly TargetResource[], timeoutMs?: number,
): Promise<ProjectCheck> {
  const app = target.application;
  if (target.origin !== 'argocd' || !app) return { findings: [], warnings: [] };
  const settings = await settingsForApplication(client, app.namespace, timeoutMs);
  const [rules, resolution] = await Promise.all([
    readProject(client, app.project || 'default', settings.namespace, timeoutMs),
    resolveDestination(client, targetPlace(target), settings.namespace, timeoutMs),
  ]);
  return targetProjectCheck(target, resources, rules, resolution);
}

/** Where an Application target deploys from and to, as its project check sees it. */
export function targetPlace(target: ProjectTarget): ApplicationPlace {
  const app = target.application;
  return {
    repoURL: app?.repoURL ?? '', namespace: target.namespace,
    ...(app?.destination?.server ? { server: app.destination.server } : {}), ...(app?.destination?.name ? { destinationName: app.destination.name } : {}),
  };
}

type TargetResource = { readonly group: string; readonly kind: string; readonly namespace?: string; readonly name: string; readonly status: string };

/**
 * checkTargetProject with the project already read (readProject of the Application's
 * `spec.project` in Argo CD's namespace: the command line reads it beside the comparison).
 */
export function targetProjectCheck(target: ProjectTarget, resources: readonly TargetResource[], rules: ProjectRead, resolution?: DestinationResolution): ProjectCheck {
  const app = target.application;
  if (target.origin !== 'argocd' || !app) return { findings: [], warnings: [] };
  const inGit = resources.filter((r) => r.status !== 'Extra').map((r) => ({ group: r.group, kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) }));
  return checkAgainst(rules, targetPlace(target), inGit, resolution);
}
