/**
 * Argo CD Applications as what is compared: an Application whose source names a remote of the
 * repository becomes a target (its path, targetRevision on that remote, destination namespace,
 * directory, Kustomize and Helm options, ignoreDifferences and tracking).
 *
 * Invariant: an Application that names the repository but cannot be compared (chart, plugin,
 * multi-source) is a target with `unsupported` set and a message that says why;
 * it is never silently dropped.
 */
import type { ClusterClient } from '../cluster/client';
import { destinationLabel, IN_CLUSTER_SERVER, isInCluster } from '../cluster/destinations';
import { toClusterError } from '../cluster/errors';
import type { ArgoCompareOptions, IgnoreDifference } from '../core/diff/types';
import { isRecord } from '../core/json';
import type { ResourceFilter } from '../core/reconcile/resource-filter';
import type { Ownership } from '../core/reconcile/ownership';
import { findRemote, normalizeRepoUrl } from '../git/remote-url';
import type { DirectoryOptions, ManifestSource, Remote } from '../git/types';
import { helmOptionsOf, type HelmSourceOptions } from '../sources/helm-args';
import { kustomizeOptionsOf, type KustomizeSourceOptions } from '../sources/kustomize-options';
import { APPLICATION } from './operations';

/** Argo CD's ApplicationSet: its generated Applications name it in an owner reference. */
export const APPLICATION_SET = { group: 'argoproj.io', kind: 'ApplicationSet' } as const;
import { ARGOCD_NAMESPACE, namespaceAllowed, type ArgoSettings } from './settings';

type Obj = Record<string, unknown>;


/** Which Application a target is; `applicationSet`: the ApplicationSet that generated it. */
export interface ApplicationInfo {
  readonly name: string;
  readonly namespace: string;
  readonly repoURL: string;
  readonly targetRevision: string;
  readonly applicationSet?: string;
  /** spec.project (`default` when it names none). */
  readonly project?: string;
  /** spec.destination's server and name, as written. */
  readonly destination?: { readonly server?: string; readonly name?: string };
}

/** An Application as a drift target (the drift layer's DriftTarget, origin `argocd`). */
export interface ApplicationTarget {
  readonly name: string;
  readonly origin: 'argocd';
  readonly path: string;
  readonly source: ManifestSource;
  readonly directory: DirectoryOptions;
  readonly namespace: string;
  readonly ignoreDifferences: readonly IgnoreDifference[];
  readonly ownership: Ownership;
  readonly application: ApplicationInfo;
  readonly render?: { readonly kustomize?: KustomizeSourceOptions; readonly helm?: HelmSourceOptions; readonly releaseName?: string };
  readonly destination?: TargetDestination;
  readonly unsupported?: string;
  readonly resourceFilter?: ResourceFilter;
  readonly compareOptions?: ArgoCompareOptions;
}

/** Another cluster than the Supervisor the Application lives on (spec.destination's server or name). */
export interface TargetDestination {
  readonly server?: string;
  readonly name?: string;
  /** How it is named in messages (its name, else its server). */
  readonly label: string;
}

/**
 * The target with Argo CD's settings applied: the tracking method and instance label key,
 * `resource.customizations.ignoreDifferences` before the Application's own entries, and the
 * resource filter (resource.exclusions and inclusions, matched with the destination's URL) and
 * `resource.compareoptions`. An
 * Application outside Argo CD's namespace is tracked as `<namespace>_<name>` (Argo CD's
 * instance name for Applications in any namespace).
 */
export function withSettings(t: ApplicationTarget, settings: ArgoSettings | undefined): ApplicationTarget {
  if (!settings || t.ownership.kind !== 'argocd') return t;
  const outside = settings.trackingMethod !== undefined && t.application.namespace !== settings.namespace;
  const ownership: Ownership = {
    kind: 'argocd',
    appName: outside ? `${t.application.namespace}_${t.application.name}` : t.ownership.appName,
    ...(settings.trackingMethod ? { trackingMethod: settings.trackingMethod } : {}),
    ...(settings.instanceLabelKey !== 'app.kubernetes.io/instance' ? { instanceLabelKey: settings.instanceLabelKey } : {}),
  };
  const cluster = (t.application.destination?.server ?? '').replace(/\/+$/, '') || IN_CLUSTER_SERVER;
  const resourceFilter: ResourceFilter = { exclusions: settings.exclusions, inclusions: settings.inclusions, cluster };
  return { ...t, ownership, ignoreDifferences: [...settings.ignoreDifferences, ...t.ignoreDifferences], resourceFilter, compareOptions: settings.compareOptions };
}

/**
 * The target of an Application when one of its sources names a remote of the repository;
 * undefined when it is about another repository. `server` is the connected Supervisor's URL
 * (an Application that deploys there by URL is in-cluster too); any other destination is the
 * target's `destination`, compared through a connection to that cluster.
 */
export function targetFromApplication(app: Obj, remotes: readonly Remote[], server?: string): ApplicationTarget | undefined {
  const meta = isRecord(app.metadata) ? app.metadata : {};
  const spec = isRecord(app.spec) ? app.spec : {};
  const name = str(meta.name);
  const appNamespace = str(meta.namespace);
  if (!name) return undefined;
  const sources = Array.isArray(spec.sources) ? spec.sources.filter(isRecord) : [];
  const single = isRecord(spec.source) ? spec.source : undefined;
  const candidates = single && sources.length === 0 ? [single] : sources;
  let source: Obj | undefined;
  let remote: Remote | undefined;
  for (const s of candidates) {
    const r = findRemote(remotes, str(s.repoURL));
    if (r) {
      source = s;
      remote = r;
      break;
    }
  }
  if (!source || !remote) return undefined;

  const dest = isRecord(spec.destination) ? spec.destination : {};
  const targetRevision = str(source.targetRevision);
  const directory = isRecord(source.directory) ? source.directory : {};
  const dirOptions: DirectoryOptions = {
    recurse: directory.recurse === true,
    ...(str(directory.include) ? { include: str(directory.include) } : {}),
    ...(str(directory.exclude) ? { exclude: str(directory.exclude) } : {}),
  };
  const ownership: Ownership = { kind: 'argocd', appName: name };
  const parent = applicationSetOf(app);
  const unsupported = unsupportedReason(name, spec, source, sources.length);
  const destination = { server: str(dest.server).trim(), name: str(dest.name).trim() };
  return {
    // an ApplicationSet's Application is named with its parent, as the ApplicationSet shows it
    name: parent ? `${parent}/${name}` : name,
    origin: 'argocd',
    path: str(source.path),
    // HEAD or empty: the remote's default branch (the Git layer resolves it)
    source: { kind: 'revision', revision: targetRevision === '' ? 'HEAD' : targetRevision, remote: remote.name },
    directory: dirOptions,
    namespace: str(dest.namespace) || 'default',
    ignoreDifferences: ignoreDifferencesOf(spec.ignoreDifferences),
    ownership,
    application: {
      name, namespace: appNamespace, repoURL: str(source.repoURL), targetRevision: targetRevision || 'HEAD', project: str(spec.project) || 'default',
      ...(parent ? { applicationSet: parent } : {}),
      destination: { ...(str(dest.server) ? { server: str(dest.server) } : {}), ...(str(dest.name) ? { name: str(dest.name) } : {}) },
    },
    ...(isRecord(source.kustomize) || isRecord(source.helm) ? { render: renderOptionsOf(source) } : {}),
    ...(isInCluster(destination, server) ? {} : {
      destination: { ...(destination.server ? { server: destination.server } : {}), ...(destination.name ? { name: destination.name } : {}), label: destinationLabel(destination) },
    }),
    ...(unsupported ? { unsupported } : {}),
  };
}

/**
 * The ApplicationSet that generated an Application: the owner reference its controller sets
 * (kind ApplicationSet, group argoproj.io); undefined for an Application made by hand.
 */
export function applicationSetOf(app: Obj): string | undefined {
  const meta = isRecord(app.metadata) ? app.metadata : {};
  const refs = Array.isArray(meta.ownerReferences) ? meta.ownerReferences.filter(isRecord) : [];
  const ref = refs.find((r) => r.kind === APPLICATION_SET.kind && str(r.apiVersion).startsWith(`${APPLICATION_SET.group}/`));
  return ref && str(ref.name) ? str(ref.name) : undefined;
}

/**
 * Whether Argo CD reconciles Applications in `namespace`: its own namespace (argocd-cm there),
 * and, where argocd-cmd-params-cm says, the namespaces of `application.namespaces` (Argo CD's
 * apps in any namespace); any namespace when argocd-cmd-params-cm could not be read.
 */
export function reconciledNamespace(namespace: string, own: ArgoSettings | undefined, control: ArgoSettings | undefined): boolean {
  if (own?.trackingMethod !== undefined || namespace === ARGOCD_NAMESPACE) return true;
  if (!control?.paramsFound) return true;
  return namespaceAllowed(namespace, control.applicationNamespaces);
}

/** The Application's kustomize and helm options, as its folder is rendered (src/sources). */
function renderOptionsOf(source: Obj): NonNullable<ApplicationTarget['render']> {
  const kustomize = kustomizeOptionsOf(source.kustomize);
  const helm = helmOptionsOf(source.helm);
  return { ...(kustomize ? { kustomize } : {}), ...(helm ? { helm } : {}), ...(helm?.releaseName ? { releaseName: helm.releaseName } : {}) };
}

function unsupportedReason(name: string, spec: Obj, source: Obj, sourceCount: number): string | undefined {
  const app = `Application ${name}`;
  if (sourceCount > 1) return `${app} has ${sourceCount} sources (spec.sources): multi-source Applications are not compared yet.`;
  if (isRecord(spec.sourceHydrator)) return `${app} uses a source hydrator: hydrated sources are not compared yet.`;
  if (str(source.chart)) return `${app} deploys the Helm chart "${str(source.chart)}": Helm sources are not compared yet.`;
  if (isRecord(source.plugin)) {
    const plugin = isRecord(source.plugin) && str(source.plugin.name) ? ` "${str(source.plugin.name)}"` : '';
    return `${app} renders with the config management plugin${plugin}: plugin sources are not compared yet.`;
  }
  return undefined;
}

/** spec.ignoreDifferences as IgnoreDifference values (entries without a kind are left out, as Argo CD needs one). */
export function ignoreDifferencesOf(raw: unknown): IgnoreDifference[] {
  if (!Array.isArray(raw)) return [];
  const out: IgnoreDifference[] = [];
  for (const e of raw) {
    if (!isRecord(e) || !str(e.kind)) continue;
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
    out.push({
      kind: str(e.kind),
      ...(typeof e.group === 'string' ? { group: e.group } : {}),
      ...(str(e.name) ? { name: str(e.name) } : {}),
      ...(str(e.namespace) ? { namespace: str(e.namespace) } : {}),
      ...(strings(e.jsonPointers)?.length ? { jsonPointers: strings(e.jsonPointers) } : {}),
      ...(strings(e.jqPathExpressions)?.length ? { jqPathExpressions: strings(e.jqPathExpressions) } : {}),
      ...(strings(e.managedFieldsManagers)?.length ? { managedFieldsManagers: strings(e.managedFieldsManagers) } : {}),
    });
  }
  return out;
}

/**
 * Applications in all namespaces, else in the given ones (a kind not served is no Argo CD, not an
 * error); sorted by namespace and name.
 */
export async function listApplications(
  client: Pick<ClusterClient, 'discovery' | 'list'>, namespaces: readonly string[], warnings: string[], timeoutMs?: number,
): Promise<Obj[]> {
  const ref = APPLICATION;
  try {
    if (!(await client.discovery.resource(ref.group, ref.kind))) return [];
    return (await client.list(ref, { timeoutMs })).items.sort((a, b) => appKey(a).localeCompare(appKey(b)));
  } catch (e) {
    const err = toClusterError(e);
    if (err.kind !== 'forbidden') {
      warnings.push(`Argo CD Applications could not be listed: ${err.message}`);
      return [];
    }
  }
  const out: Obj[] = [];
  const denied: string[] = [];
  await Promise.all([...new Set(namespaces)].map(async (ns) => {
    try {
      out.push(...(await client.list(ref, { namespace: ns, timeoutMs })).items);
    } catch (e) {
      const err = toClusterError(e);
      if (err.kind === 'forbidden') denied.push(ns);
      else warnings.push(`Argo CD Applications in namespace ${ns} could not be listed: ${err.message}`);
    }
  }));
  if (denied.length) {
    warnings.push(`Argo CD Applications could not be listed in namespace${denied.length > 1 ? 's' : ''} ${denied.sort().join(', ')} (forbidden): Applications there are not compared.`);
  }
  return out.sort((a, b) => appKey(a).localeCompare(appKey(b)));
}

function appKey(app: Obj): string {
  const meta = isRecord(app.metadata) ? app.metadata : {};
  return `${str(meta.namespace)}/${str(meta.name)}`;
}


function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/**
 * An Application's target for a checkout of its repository (the command line's `diff
 * --argocd-app`): its path in `root`'s files at `source`, whatever the checkout's remotes are
 * called; with Argo CD's settings applied. A string: why it cannot be one.
 */
export function checkoutTarget(app: Obj, source: ManifestSource, settings: ArgoSettings | undefined, server?: string): ApplicationTarget | string {
  const spec = isRecord(app.spec) ? app.spec : {};
  const single = isRecord(spec.source) ? spec.source : undefined;
  const sources = Array.isArray(spec.sources) ? spec.sources.filter(isRecord) : [];
  const repoURL = str((single ?? sources[0])?.repoURL);
  const meta = isRecord(app.metadata) ? app.metadata : {};
  if (!repoURL) return `Application ${str(meta.namespace)}/${str(meta.name)} names no source repoURL.`;
  const remote: Remote = { name: 'origin', url: repoURL, normalized: normalizeRepoUrl(repoURL) };
  const t = targetFromApplication(app, [remote], server);
  if (!t) return `Application ${str(meta.namespace)}/${str(meta.name)} could not be read as a target.`;
  return withSettings({ ...t, source }, settings);
}

/** Argo CD's verdict on one resource, from the Application's `status.resources`. */
export interface ArgoResourceVerdict {
  readonly sync?: string;
  readonly health?: string;
}

/** `status.resources` by `group/kind/namespace/name`. */
export function resourceVerdicts(app: Obj): Map<string, ArgoResourceVerdict> {
  const status = isRecord(app.status) ? app.status : {};
  const list = Array.isArray(status.resources) ? status.resources.filter(isRecord) : [];
  const out = new Map<string, ArgoResourceVerdict>();
  for (const r of list) {
    const health = isRecord(r.health) ? str(r.health.status) : '';
    out.set(`${str(r.group)}/${str(r.kind)}/${str(r.namespace)}/${str(r.name)}`, { ...(str(r.status) ? { sync: str(r.status) } : {}), ...(health ? { health } : {}) });
  }
  return out;
}

/** "Argo CD: Synced at 4e1c2a0, Healthy" from `status.sync` and `status.health`; undefined when it reported nothing. */
export function verdictLine(app: Obj): string | undefined {
  const status = isRecord(app.status) ? app.status : {};
  const sync = isRecord(status.sync) ? status.sync : {};
  const health = isRecord(status.health) ? str(status.health.status) : '';
  if (!str(sync.status) && !health) return undefined;
  const rev = str(sync.revision);
  return `Argo CD: ${str(sync.status) || 'Unknown'}${rev ? ` at ${rev.slice(0, 7)}` : ''}${health ? `, ${health}` : ''}`;
}

/** What Argo CD last reported on an Application, for the tree's Application node. */
export interface ApplicationVerdict {
  /** status.sync.status: Synced, OutOfSync, Unknown. */
  readonly sync?: string;
  /** status.sync.revision. */
  readonly revision?: string;
  /** status.health.status. */
  readonly health?: string;
  /** status.operationState: the last operation's phase, message and times. */
  readonly operation?: { readonly phase: string; readonly message?: string; readonly startedAt?: string; readonly finishedAt?: string };
  /** status.conditions (ComparisonError, SyncError, ...). */
  readonly conditions: readonly { readonly type: string; readonly message: string }[];
  /** status.resources by `group/kind/namespace/name`. */
  readonly resources: ReadonlyMap<string, ArgoResourceVerdict>;
}

export function applicationVerdict(app: Obj): ApplicationVerdict {
  const status = isRecord(app.status) ? app.status : {};
  const sync = isRecord(status.sync) ? status.sync : {};
  const op = isRecord(status.operationState) ? status.operationState : undefined;
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : [];
  return {
    ...(str(sync.status) ? { sync: str(sync.status) } : {}),
    ...(str(sync.revision) ? { revision: str(sync.revision) } : {}),
    ...(isRecord(status.health) && str(status.health.status) ? { health: str(status.health.status) } : {}),
    ...(op && str(op.phase) ? {
      operation: {
        phase: str(op.phase),
        ...(str(op.message) ? { message: str(op.message) } : {}),
        ...(str(op.startedAt) ? { startedAt: str(op.startedAt) } : {}),
        ...(str(op.finishedAt) ? { finishedAt: str(op.finishedAt) } : {}),
      },
    } : {}),
    conditions: conditions.filter((c) => str(c.type)).map((c) => ({ type: str(c.type), message: str(c.message) })),
    resources: resourceVerdicts(app),
  };
}

/**
 * Argo CD's verdict beside the local comparison, plainly: "Argo CD: Synced at 4e1c2a0. Your
 * working tree changes 2 resources." (`local`: the label of what was compared locally, and how
 * many of its resources differ from the cluster).
 */
export function verdictBeside(v: ApplicationVerdict, local: { readonly label: string; readonly drifted: number }): string {
  const argo = `Argo CD: ${v.sync ?? 'Unknown'}${v.revision ? ` at ${v.revision.slice(0, 7)}` : ''}${v.health ? `, ${v.health}` : ''}.`;
  const ours = local.drifted === 0
    ? `${local.label} matches the cluster.`
    : `${local.label} changes ${local.drifted} resource${local.drifted === 1 ? '' : 's'}.`;
  return `${argo} ${ours.charAt(0).toUpperCase()}${ours.slice(1)}`;
}
