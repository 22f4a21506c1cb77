/**
 * computeDrift: one target, compared. Git (its manifests at the target's source) and the cluster
 * (live objects, server-side dry-runs) go into the pure reconcile of src/core; out comes a
 * TargetDrift with a status and a diff per resource.
 *
 *   (the sweep: every served kind listed by the target's tracking label, everywhere, for its
 *   objects of kinds whose last file left Git; on the command line it starts first and runs beside
 *   the rest) read manifests → parse (gitObjectsFromText) → discover each kind → list live objects
 *   of each kind in the namespaces Git names, and the target's own objects of it everywhere (by
 *   its tracking label) → dry-run what
 *   a sync would apply (fieldManager tanzu-gitops, force, dryRun=All: the view of what Git would
 *   apply; the fields force took from other managers, by the managedFields before and after, are
 *   the resource's conflicts, which an apply without force would refuse), bounded concurrency,
 *   except where applying is provably a no-op (noop.ts) → reconcile
 *
 * Live objects are read at the apiVersion Git writes: a Supervisor's CRDs convert between
 * versions with `None` at best, so an object read at another version is not the object Git means.
 *
 * What a dry-run result depends on: the object applied (the Git text, the target's namespace and
 * tracking) and the live object's state (other managers' fields, what this manager applied last).
 * So results are kept (DryRunStore) keyed by the applied object's hash and the live object's
 * resourceVersion, and a recompute asks the server again only for what changed on either side.
 * And where this manager already owns exactly the fields the object sets, with the object's values
 * (the usual state of a synced object), applying changes nothing: the live object is the answer.
 *
 * Invariant: no Secret value in anything this module returns or logs. reconcile() masks the
 * objects and diffs; the server's own messages (dry-run refusals) and parse problems are scrubbed
 * of every value a Git Secret holds before they are kept.
 */
import { createHash } from 'node:crypto';
import type { KubeObject as ClusterObject } from '../cluster/client';
import type { ResourceInfo } from '../cluster/discovery';
import { toClusterError, type ClusterError, type ClusterErrorKind } from '../cluster/errors';
import type { ConnectionSession } from '../cluster/session';
import { forEachLimited } from '../core/concurrency';
import { takenOver } from '../core/diff/managed-fields';
import { secretScrubber } from '../core/diff/secrets';
import type { JqPath, KubeObject } from '../core/diff/types';
import { gitObjectsFromText, type GitFile } from '../core/reconcile/git-objects';
import { defaultIsNamespaced, identityOf, keyOf, splitApiVersion, type IdentityOptions, type IsNamespaced, type ResourceRef } from '../core/reconcile/identity';
import {
  instanceLabelKey, TANZU_TARGET_LABEL, alignTracking, objectToApply, targetLabelValue, trackingFor, type Ownership,
} from '../core/reconcile/ownership';
import { reconcile } from '../core/reconcile/reconcile';
import { isExcluded } from '../core/reconcile/resource-filter';
import { FIELD_MANAGER } from '../core/sync/types';
import { jqPaths, type JqInput } from '../argocd/jq';
import { ARGOCD_FIELD_MANAGER } from '../argocd/settings';
import type { FieldConflict, GitObject, LiveEntry, ResourceStatus, SyncStatus, UnknownKind, UnknownReason } from '../core/reconcile/types';
import type { ManifestFile, ManifestSet, Repository, UnreadFile } from '../git/types';
import { renderTarget, type RenderSettings } from '../sources';
import { trace } from '../trace';
import { adoptionWithoutChange, isNoOpApply } from './noop';
import type { DriftStats, DriftTarget, TargetDrift } from './types';

/** Requests in flight at once (DriftOptions.concurrency). */
const DEFAULT_CONCURRENCY = 16;
/** Namespaces the owner list leaves out by field selector (more: it lists them again rather than send a long selector). */
const MAX_EXCLUDED_NAMESPACES = 20;

/** What computeDrift needs of a session (a ConnectionSession is one). */
export type DriftSession = Pick<ConnectionSession, 'client' | 'context' | 'namespace'>;

export interface LiveRef {
  readonly group: string;
  readonly kind: string;
  readonly version: string;
}

export interface LiveScope {
  /** One namespace; absent: all (and always for cluster-scoped kinds). */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

/** Where live objects come from: lists (the command line), or watched caches (the editor). Throws ClusterErrors. */
export interface LiveSource {
  list(ref: LiveRef, scope: LiveScope): Promise<readonly ClusterObject[]>;
}

export interface DriftOptions {
  /** Live objects (default: listed through the session's client). */
  readonly live?: LiveSource;
  /** The manifests, when the caller already has them (the watcher after a live change): not read again. */
  readonly manifests?: ManifestSet;
  /** Parsed files of earlier runs, reused while a file's text is the same. */
  readonly parsed?: ParseCache;
  /** Dry-run results of earlier runs (see the module header). */
  readonly dryRuns?: DryRunStore;
  /** Requests in flight at once, lists and dry-runs (default 16; Argo CD's controller runs up to 20 kubectl at once). */
  readonly concurrency?: number;
  /** Time allowed for each request (default: the connection's). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /**
   * Report Extra objects (default true). Off for a part of a target (the command line's path below
   * the repository root): objects of the rest of the target would show as Extra.
   */
  readonly extra?: boolean;
  /**
   * Where the target's own objects of kinds Git does not name are looked for (Extra objects of a
   * kind whose last file left Git): every served kind with the list verb, listed by the target's
   * label. Default: the lists of `live` when that is not given (the session's client); the
   * editor's watcher passes its own (watcher.ts, SweptLive: listed on refresh and at an interval,
   * watched where some were found); false: only the kinds Git names.
   */
  readonly sweep?: LiveSource | false;
  /**
   * Take the live object as the dry-run's answer where applying is provably a no-op (noop.ts:
   * this manager owns exactly the fields Git sets, with Git's values), without asking the server
   * (default true). False: every object is dry-run.
   */
  readonly skipNoOpDryRuns?: boolean;
  /** Where kustomize, kubectl and helm are, remote bases, the time limit (src/sources). */
  readonly render?: RenderSettings;
  /**
   * The cluster `session` connects to when it is not the Supervisor: the label of the target's
   * destination (DriftTarget.destination). A target with a destination is compared only through a
   * session to that cluster, never against the Supervisor's objects.
   */
  readonly destination?: string;
  /** Clock, for tests. */
  readonly now?: () => number;
}

/** Parsed manifest files by path, reused while the text is unchanged. */
/**
 * Parsed files by the file read: targets that share one read (several Applications of one folder,
 * compared side by side) parse it once. A parsed file is only read, never changed.
 */
const parsedFiles = new WeakMap<ManifestFile, GitFile>();

export class ParseCache {
  private readonly files = new Map<string, { text: string; parsed: GitFile }>();

  /** A file as read (the same object another target's read gave is parsed once). */
  parseFile(f: ManifestFile): GitFile {
    const shared = parsedFiles.get(f);
    if (shared) {
      this.files.set(f.path, { text: f.text, parsed: shared });
      return shared;
    }
    const parsed = this.parse(f.path, f.text);
    parsedFiles.set(f, parsed);
    return parsed;
  }

  parse(path: string, text: string): GitFile {
    const hit = this.files.get(path);
    if (hit && hit.text === text) return hit.parsed;
    const parsed = gitObjectsFromText(path, text);
    this.files.set(path, { text, parsed });
    return parsed;
  }

  /** Forgets files not in this set. */
  retain(paths: ReadonlySet<string>): void {
    for (const p of this.files.keys()) if (!paths.has(p)) this.files.delete(p);
  }
}

interface DryRunEntry {
  readonly hash: string;
  readonly liveVersion: string;
  readonly desired?: KubeObject;
  readonly error?: string;
  /** Fields other managers own (the dry run without force answered 409; desired is the forced one's). */
  readonly conflicts?: readonly FieldConflict[];
  /** The dry run was refused with 403. */
  readonly forbidden?: string;
}

/** Server-side dry-run results by resource key, valid for one applied object and one live resourceVersion. */
export class DryRunStore {
  private entries = new Map<string, DryRunEntry>();

  get(key: string, hash: string, liveVersion: string): DryRunEntry | undefined {
    const e = this.entries.get(key);
    return e && e.hash === hash && e.liveVersion === liveVersion ? e : undefined;
  }

  set(key: string, entry: DryRunEntry): void {
    this.entries.set(key, entry);
  }

  retain(keys: ReadonlySet<string>): void {
    for (const k of this.entries.keys()) if (!keys.has(k)) this.entries.delete(k);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Lists through the client: every call a request. */
export function listingSource(session: DriftSession, options: { timeoutMs?: number; signal?: AbortSignal } = {}): LiveSource {
  return {
    async list(ref, scope) {
      const res = await session.client.list(ref, { ...scope, timeoutMs: options.timeoutMs, signal: options.signal });
      return res.items;
    },
  };
}

/** Failures that mean the cluster as a whole cannot be asked (not one kind or one namespace). */
const CLUSTER_FAILURES: ReadonlySet<ClusterErrorKind> = new Set(['unreachable', 'timeout', 'tls', 'unauthorized', 'config', 'cancelled']);

export function isClusterFailure(err: ClusterError): boolean {
  return CLUSTER_FAILURES.has(err.kind);
}

/** The label selector that finds the target's objects anywhere; undefined when its tracking is not by label. */
export function ownerSelector(ownership: Ownership): string | undefined {
  if (ownership.kind === 'tanzu-gitops') return `${TANZU_TARGET_LABEL}=${targetLabelValue(ownership.target)}`;
  // annotation+label: the label may be cut to 63 characters, the annotation decides
  if (ownership.trackingMethod === 'annotation' || ownership.trackingMethod === 'annotation+label') return undefined;
  // label, or unknown (label or annotation): the label finds the label-tracked ones
  return `${instanceLabelKey(ownership)}=${ownership.appName}`;
}

const ZERO_COUNTS: Readonly<Record<SyncStatus, number>> = { Synced: 0, OutOfSync: 0, Missing: 0, Extra: 0, Unknown: 0 };

export function countStatuses(resources: readonly ResourceStatus[]): Record<SyncStatus, number> {
  const counts = { ...ZERO_COUNTS };
  for (const r of resources) counts[r.status]++;
  return counts;
}

interface KindPlan {
  readonly group: string;
  readonly kind: string;
  readonly versions: Set<string>;
  readonly namespaces: Set<string>;
  info?: ResourceInfo;
  /** Versions Git writes that the cluster serves, most used first. */
  served: string[];
}

interface ListTask {
  readonly plan: KindPlan;
  readonly version: string;
  readonly scope: LiveScope;
  /** The owner list: failures are warnings, not Unknown. */
  readonly owned: boolean;
}

/** What the steps of one computeDrift share. */
interface DriftRun {
  readonly target: DriftTarget;
  readonly options: DriftOptions;
  readonly now: () => number;
  readonly t0: number;
  readonly stats: MutableStats;
  readonly warnings: string[];
  /** Files that could not be read: what they define is not known, so nothing live is Extra. */
  readonly unread: UnreadFile[];
  readonly git: GitObject[];
  /** The kinds Git names, by `group/kind`. */
  readonly plans: Map<string, KindPlan>;
  readonly unknowns: UnknownKind[];
  revision?: ManifestSet['revision'];
  scrub: (text: string) => string;
  /** The paths the target's jqPathExpressions select, by object (src/argocd/jq.ts). */
  jqPaths?: ReadonlyMap<KubeObject, readonly JqPath[]>;
}

/** What discovery learned: how to tell scope, and the kinds Git does not name that the target may own objects of. */
interface Kinds {
  readonly isNamespaced: IsNamespaced;
  readonly swept: readonly ResourceInfo[];
}

/**
 * The sweep: discovery of every served kind, started before Git is read, then a first pass that
 * lists each kind with the list verb (that Argo CD's resource filter keeps) by the target's label,
 * everywhere. With the default source (lists through the client: the command line's cold diff)
 * the first pass starts at once, over every kind, and runs while Git is read and rendered; the
 * kinds Git names are then left to their own lists (their versions, their namespaces). With a
 * source of the caller's (the editor's watcher: a kind where some were found is watched from then
 * on) it starts once Git's kinds are known, over the others only. The rest finishes in finishSweep.
 */
interface EarlySweep {
  readonly selector: string;
  readonly source: LiveSource;
  readonly served: Promise<{ kinds?: readonly ResourceInfo[]; error?: ClusterError }>;
  /** The first pass: the one started early, else one over `swept` (the kinds Git does not name). */
  first(swept: readonly ResourceInfo[]): Promise<FirstPass>;
}

/** The first pass: each kind's list everywhere, or why it failed, by `group/kind`. */
interface FirstPass {
  readonly byKind: Map<string, { readonly items?: readonly ClusterObject[]; readonly error?: ClusterError }>;
  readonly lists: number;
  readonly fatal?: ClusterError;
}

type GitById = Map<string, { id: ResourceRef; entries: GitObject[] }>;
type Listed = { version: string; items: readonly ClusterObject[] }[];
type LiveByKey = Map<string, { object: ClusterObject; version: string }>;

interface DryRunResults {
  readonly desired: Map<string, KubeObject>;
  readonly dryRunErrors: Map<string, string>;
  readonly conflicts: Map<string, FieldConflict[]>;
  readonly forbidden: Map<string, string>;
}

/** The cluster could not be reached (or answered as if it could not): every kind Git names is Unknown. */
class Unreachable extends Error {}

export async function computeDrift(
  session: DriftSession | undefined,
  repo: Repository,
  target: DriftTarget,
  options: DriftOptions = {},
): Promise<TargetDrift> {
  const now = options.now ?? Date.now;
  const run: DriftRun = {
    target, options, now, t0: now(), warnings: [], unread: [], git: [], plans: new Map(), unknowns: [], scrub: (t) => t,
    stats: { totalMs: 0, gitMs: 0, parseMs: 0, listMs: 0, dryRunMs: 0, reconcileMs: 0, files: 0, objects: 0, lists: 0, dryRuns: 0, dryRunsReused: 0, dryRunsSkipped: 0 },
  };
  if (target.unsupported) return done(run, { resources: [], warnings: [], error: target.unsupported });
  if (session && target.context && target.context !== session.context) {
    return done(run, { resources: [], warnings: [], error: `Target ${target.name} compares against context "${target.context}"; connected to "${session.context}". Switch to that context to compare it.` });
  }
  if (target.destination && options.destination !== target.destination.label) {
    return done(run, { resources: [], warnings: [], error: `${target.name} deploys into cluster ${target.destination.label}: it is compared through a connection to that cluster, not the Supervisor's.` });
  }
  const limit = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  // 0. The sweep starts first (EarlySweep): it needs nothing from Git, and on the command line its
  // lists run while Git is read and rendered (a render is the longest step of a cold diff)
  const sweep = session ? startSweep(run, session, limit) : undefined;
  // 1. Git
  const stopped = await readGit(run, repo);
  if (stopped) return stopped;
  // 2. Kinds Git names
  planKinds(run);
  if (!session) return unreachable(run, 'not connected to a cluster');
  try {
    // 3. Discovery
    const l0 = now();
    const kinds = await discoverKinds(run, session, sweep);
    // 4. Git identities, and the namespaces each kind is listed in
    const idOptions = { defaultNamespace: target.namespace, isNamespaced: kinds.isNamespaced };
    const gitById = gitIdentities(run, idOptions);
    // 5. Lists (the sweep of the other kinds runs on beside them and the dry-runs)
    const { listed, sweeping } = await listLive(run, session, kinds, sweep, limit);
    run.stats.listMs = now() - l0;
    trace('drift: listed');
    // 6. One live object per key: the one read at the version Git writes
    const liveByKey = liveObjectsByKey(listed, gitById, idOptions);
    // 7. Dry-runs
    const d0 = now();
    const dry = await dryRuns(run, session, gitById, liveByKey, limit);
    trace('drift: dry-runs done');
    run.stats.dryRunMs = now() - d0;
    // 8. The sweep's objects, then reconcile
    if (sweeping) await addSwept(run, sweeping, liveByKey, idOptions);
    const live = [...liveByKey.values()].map((l) => l.object as KubeObject);
    await resolveJq(run, gitById, dry.desired, live, idOptions);
    return finish(run, live, dry.desired, dry.dryRunErrors, kinds.isNamespaced, undefined, dry);
  } catch (e) {
    if (e instanceof Unreachable) return unreachable(run, e.message);
    throw e;
  }
}

/**
 * The field manager of the dry-runs: a sync's. For an Argo CD target, Argo CD's server-side apply
 * manager, so that a field Argo CD applied and Git no longer has is removed by the dry-run (drift),
 * while fields other managers set stay on both sides (no drift), as Argo CD's server-side diff.
 */
export function dryRunManager(target: Pick<DriftTarget, 'ownership'>): string {
  return target.ownership.kind === 'argocd' ? ARGOCD_FIELD_MANAGER : FIELD_MANAGER;
}

/** Step 8, first: the paths jqPathExpressions select on the Git objects, the dry-run results and the live objects. */
async function resolveJq(run: DriftRun, gitById: GitById, desired: ReadonlyMap<string, KubeObject>, live: readonly KubeObject[], idOptions: IdentityOptions): Promise<void> {
  if (!run.target.ignoreDifferences.some((e) => e.jqPathExpressions?.length)) return;
  const inputs: JqInput[] = [];
  for (const [key, { id, entries }] of gitById) {
    inputs.push({ object: entries[0].object, ref: id });
    const d = desired.get(key);
    if (d) inputs.push({ object: d, ref: id });
  }
  for (const object of live) {
    const id = identityOf(object, idOptions);
    if (id) inputs.push({ object, ref: id });
  }
  const result = await jqPaths(inputs, run.target.ignoreDifferences);
  run.warnings.push(...result.warnings);
  run.jqPaths = result.paths;
}

function done(run: DriftRun, fields: Omit<TargetDrift, 'target' | 'computedAt' | 'counts' | 'stats'>): TargetDrift {
  run.stats.totalMs = run.now() - run.t0;
  return { target: run.target, ...fields, counts: countStatuses(fields.resources), stats: run.stats, computedAt: run.now() };
}

/** Step 1: reads and parses the target's manifests; a TargetDrift when that ends the comparison. */
async function readGit(run: DriftRun, repo: Repository): Promise<TargetDrift | undefined> {
  const { target, options, stats, warnings, unread } = run;
  let manifests: ManifestSet;
  try {
    const read = options.manifests ?? (await repo.readManifests(target.path, target.source, target.directory));
    trace('drift: files read');
    manifests = await renderTarget(repo, target, read, options.render);
    trace('drift: rendered');
  } catch (e) {
    return done(run, { resources: [], warnings: [], error: `Git: ${e instanceof Error ? e.message : String(e)}` });
  }
  // manifests handed in already read and rendered cost no Git time here
  if (!options.manifests?.renderedBy) stats.gitMs = run.now() - run.t0;
  run.revision = manifests.revision;
  unread.push(...(manifests.unread ?? []));

  const p0 = run.now();
  const parse = options.parsed ?? new ParseCache();
  for (const f of manifests.files) {
    const parsed = parse.parseFile(f);
    warnings.push(...parsed.problems);
    for (const u of parsed.unreadable) unread.push({ path: f.path, reason: `line ${u.line + 1}: ${u.message}` });
    for (const g of parsed.objects) if (isResource(g.object) && !excludedFromGit(run, g.object)) run.git.push(g);
  }
  options.parsed?.retain(new Set(manifests.files.map((f) => f.path)));
  stats.files = manifests.files.length;
  stats.objects = run.git.length;
  stats.parseMs = run.now() - p0;
  run.scrub = secretScrubber(run.git.map((g) => g.object));
  return undefined;
}

/**
 * A Git object of a kind Argo CD's resource filter excludes: not compared (nor synced), with
 * Argo CD's ExcludedResourceWarning as a warning.
 */
function excludedFromGit(run: DriftRun, obj: KubeObject): boolean {
  const filter = run.target.resourceFilter;
  if (!filter || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return false;
  const group = splitApiVersion(obj.apiVersion)?.group ?? '';
  if (!isExcluded(filter, group, obj.kind)) return false;
  const name = (obj.metadata as { name?: unknown } | undefined)?.name;
  run.warnings.push(`${obj.kind}${group ? `.${group}` : ''} ${typeof name === 'string' ? name : ''} is excluded by Argo CD's resource.exclusions or resource.inclusions (argocd-cm): it is not compared, synced or pruned.`);
  return true;
}

/** Step 2: the kinds Git names, with the versions it writes. */
function planKinds(run: DriftRun): void {
  for (const g of run.git) {
    if (typeof g.object.apiVersion !== 'string') continue; // reconcile names it
    const gv = splitApiVersion(g.object.apiVersion);
    if (!gv) continue; // reconcile names it
    const k = `${gv.group}/${g.object.kind as string}`;
    let p = run.plans.get(k);
    if (!p) run.plans.set(k, (p = { group: gv.group, kind: g.object.kind as string, versions: new Set(), namespaces: new Set(), served: [] }));
    p.versions.add(gv.version);
  }
}

/** Step 8: reconciles what was read, and gives the target's drift (every text scrubbed of Secret values). */
function finish(
  run: DriftRun, liveEntries: LiveEntry[], desired?: Map<string, KubeObject>, dryRunErrors?: Map<string, string>, isNamespaced?: IsNamespaced, error?: string,
  refusals?: { conflicts: ReadonlyMap<string, FieldConflict[]>; forbidden: ReadonlyMap<string, string> },
): TargetDrift {
  const { target, options, unread, warnings, scrub } = run;
  const r0 = run.now();
  const result = reconcile({
    git: run.git,
    live: [...liveEntries, ...run.unknowns],
    ...(desired ? { desired } : {}),
    ...(dryRunErrors ? { dryRunErrors } : {}),
    target: { name: target.name, defaultNamespace: target.namespace, ownership: target.ownership },
    options: { ignoreDifferences: target.ignoreDifferences, ...(target.compareOptions ? { compareOptions: target.compareOptions } : {}), ...(run.jqPaths ? { jqPaths: run.jqPaths } : {}) },
    ...(isNamespaced ? { isNamespaced } : {}),
  });
  run.stats.reconcileMs = run.now() - r0;
  warnings.push(...result.warnings);
  const kept = options.extra === false ? result.resources.filter((r) => r.status !== 'Extra') : result.resources;
  const refused = refusals && (refusals.conflicts.size || refusals.forbidden.size) ? kept.map((r) => withRefusals(r, refusals)) : kept;
  const resources = unread.length ? refused.map((r) => (r.status === 'Extra' ? notExtra(r, unread) : r)) : refused;
  return done(run, {
    revision: run.revision, resources, warnings: unique([...unreadWarnings(unread), ...warnings]).map(scrub),
    ...(error ? { error: scrub(error) } : {}), ...(unread.length ? { unread: unread.map((u) => ({ ...u, reason: scrub(u.reason) })) } : {}),
  });
}

function unreachable(run: DriftRun, message: string): TargetDrift {
  run.unknowns.length = 0;
  for (const p of run.plans.values()) run.unknowns.push({ group: p.group, kind: p.kind, reason: 'unreachable', message });
  return finish(run, [], undefined, undefined, undefined, message);
}

/** Step 3: what the cluster serves of each kind Git names, and the kinds the sweep lists. Throws Unreachable. */
async function discoverKinds(run: DriftRun, session: DriftSession, sweep: EarlySweep | undefined): Promise<Kinds> {
  const { plans, unknowns, target } = run;
  let fatal: ClusterError | undefined;
  // every served kind too, for the target's objects of kinds Git does not name (asked by the sweep)
  const allKinds = sweep?.served.then((served) => {
    if (served.error) {
      if (isClusterFailure(served.error)) fatal ??= served.error;
      else run.warnings.push(`The kinds the cluster serves could not be read (${served.error.message.replace(/\.$/, '')}): objects this target owns of kinds no longer in Git do not show as Extra.`);
    }
    return served.kinds;
  });
  await Promise.all([...plans.values()].map(async (p) => {
    try {
      p.info = await session.client.discovery.resource(p.group, p.kind);
    } catch (e) {
      const err = toClusterError(e);
      if (isClusterFailure(err)) fatal ??= err;
      else unknowns.push({ group: p.group, kind: p.kind, reason: reasonOf(err), message: err.message.replace(/\.$/, '') });
      return;
    }
    if (!p.info) {
      unknowns.push({ group: p.group, kind: p.kind, reason: 'not-served', message: `no CRD for ${p.kind}${p.group ? `.${p.group}` : ''} is installed` });
      return;
    }
    const info = p.info;
    p.served = [...p.versions].filter((v) => info.versions.includes(v));
    if (p.served.length === 0) {
      unknowns.push({ group: p.group, kind: p.kind, reason: 'not-served', message: `version ${[...p.versions].join(', ')} is not served (served: ${info.versions.join(', ')})` });
    }
  }));
  if (fatal) throw new Unreachable((fatal as ClusterError).message);
  trace('drift: kinds discovered');
  const served = await allKinds;
  if (fatal) throw new Unreachable((fatal as ClusterError).message);
  // the kinds Git does not name, where the target's own objects may still live
  const swept = served?.filter((i) => i.verbs.includes('list') && !plans.has(`${i.group}/${i.kind}`) && !isExcluded(target.resourceFilter, i.group, i.kind)) ?? [];
  const sweptInfo = new Map(swept.map((i) => [`${i.group}/${i.kind}`, i]));
  const isNamespaced: IsNamespaced = (group, kind) => (plans.get(`${group}/${kind}`)?.info ?? sweptInfo.get(`${group}/${kind}`))?.namespaced ?? defaultIsNamespaced(group, kind);
  return { isNamespaced, swept };
}

/** Step 4: the Git objects by key; each kind learns the namespaces it is listed in and its most used version. */
function gitIdentities(run: DriftRun, idOptions: IdentityOptions): GitById {
  const gitById: GitById = new Map();
  for (const g of run.git) {
    const id = identityOf(g.object, idOptions);
    if (!id) continue;
    const key = keyOf(id);
    const slot = gitById.get(key);
    if (slot) slot.entries.push(g);
    else gitById.set(key, { id, entries: [g] });
    if (id.namespace) run.plans.get(`${id.group}/${id.kind}`)?.namespaces.add(id.namespace);
  }
  for (const p of run.plans.values()) {
    // the most used version first: the one the owner list is read at
    const uses = (v: string) => [...gitById.values()].filter((s) => s.id.group === p.group && s.id.kind === p.kind && s.id.version === v).length;
    if (p.served.length > 1) p.served.sort((a, b) => uses(b) - uses(a));
  }
  return gitById;
}

/** Step 5, the lists to make: each served version of each kind in Git's namespaces, and the owner list outside them. */
function listTasks(plans: ReadonlyMap<string, KindPlan>, selector: string | undefined): ListTask[] {
  const tasks: ListTask[] = [];
  for (const p of plans.values()) {
    if (!p.info || p.served.length === 0) continue;
    for (const version of p.served) {
      if (!p.info.namespaced) tasks.push({ plan: p, version, scope: {}, owned: false });
      else for (const ns of [...p.namespaces].sort()) tasks.push({ plan: p, version, scope: { namespace: ns }, owned: false });
    }
    if (p.info.namespaced && selector) {
      // the namespaces listed above are not listed twice (a field selector on metadata.namespace works for every kind)
      const skip = [...p.namespaces].sort();
      const fieldSelector = skip.length > 0 && skip.length <= MAX_EXCLUDED_NAMESPACES ? skip.map((ns) => `metadata.namespace!=${ns}`).join(',') : undefined;
      tasks.push({ plan: p, version: p.served[0], scope: { labelSelector: selector, ...(fieldSelector ? { fieldSelector } : {}) }, owned: true });
    }
  }
  return tasks;
}

type Sweep = ReturnType<typeof finishSweep>;

/**
 * Step 5: lists the live objects of the kinds Git names. The sweep of the other kinds (started
 * in step 0, or now) finishes beside them and runs on through the dry-runs (its objects are not in
 * Git: nothing of it is dry-run); it is awaited before the reconcile (addSwept). Throws Unreachable.
 */
async function listLive(run: DriftRun, session: DriftSession, kinds: Kinds, sweep: EarlySweep | undefined, limit: number): Promise<{ listed: Listed; sweeping?: Sweep }> {
  const { plans, unknowns, options, warnings } = run;
  const live = options.live ?? listingSource(session, { timeoutMs: options.timeoutMs, signal: options.signal });
  const namespaces = [...new Set([run.target.namespace, ...[...plans.values()].flatMap((p) => [...p.namespaces])])].sort();
  const sweeping = sweep && kinds.swept.length ? finishSweep(sweep, kinds.swept, namespaces, limit) : undefined;
  const listed: Listed = [];
  const ownedHidden: { plan: KindPlan; why: string }[] = [];
  let fatal: ClusterError | undefined;
  await forEachLimited(listTasks(plans, sweep?.selector), limit, async (t) => {
    if (fatal) return;
    try {
      const items = await live.list({ group: t.plan.group, kind: t.plan.kind, version: t.version }, t.scope);
      run.stats.lists++;
      listed.push({ version: t.version, items });
    } catch (e) {
      const err = toClusterError(e);
      if (isClusterFailure(err)) fatal ??= err;
      else if (t.owned) ownedHidden.push({ plan: t.plan, why: err.kind });
      else if (!unknowns.some((u) => u.group === t.plan.group && u.kind === t.plan.kind && u.namespace === t.scope.namespace)) {
        unknowns.push({ group: t.plan.group, kind: t.plan.kind, ...(t.scope.namespace ? { namespace: t.scope.namespace } : {}), reason: reasonOf(err), message: err.message.replace(/\.$/, '') });
      }
    }
  });
  if (fatal) {
    await sweeping;
    throw new Unreachable((fatal as ClusterError).message);
  }
  // kinds already Unknown say so themselves
  const hidden = ownedHidden.filter((h) => !unknowns.some((u) => u.group === h.plan.group && u.kind === h.plan.kind && !u.namespace))
    .map((h) => `${h.plan.kind}${h.plan.group ? `.${h.plan.group}` : ''} (${h.why})`);
  if (hidden.length) {
    const where = [...new Set([...plans.values()].flatMap((p) => [...p.namespaces]))].sort().join(', ');
    warnings.push(`Objects this target owns outside ${where ? `namespace(s) ${where}` : 'its namespaces'} could not be listed (${hidden.join(', ')}): such objects do not show as Extra.`);
  }
  return { listed, ...(sweeping ? { sweeping } : {}) };
}

/** Step 8, first: the swept objects join the live ones (where Git's kinds did not already give one). Throws Unreachable. */
async function addSwept(run: DriftRun, sweeping: Sweep, liveByKey: LiveByKey, idOptions: IdentityOptions): Promise<void> {
  const result = await sweeping;
  if (result.fatal) throw new Unreachable(result.fatal.message);
  run.stats.lists += result.lists;
  for (const { version, items } of result.listed) {
    for (const item of items) {
      const id = identityOf(item, idOptions);
      if (id && !liveByKey.has(keyOf(id))) liveByKey.set(keyOf(id), { object: item, version });
    }
  }
  if (result.hidden.length) {
    const some = result.hidden.slice(0, 5).join(', ');
    run.warnings.push(`Objects this target owns of ${result.hidden.length} kind${result.hidden.length === 1 ? '' : 's'} that Git no longer names could not be listed (${some}${result.hidden.length > 5 ? ', ...' : ''}): such objects do not show as Extra.`);
  }
  trace('drift: other kinds swept');
}

/** Step 6: one live object per key, the one read at the version Git writes. */
function liveObjectsByKey(listed: Listed, gitById: GitById, idOptions: IdentityOptions): LiveByKey {
  const liveByKey: LiveByKey = new Map();
  for (const { version, items } of listed) {
    for (const item of items) {
      const id = identityOf(item, idOptions);
      if (!id) continue;
      const key = keyOf(id);
      const had = liveByKey.get(key);
      const wanted = gitById.get(key)?.id.version;
      if (!had || (had.version !== wanted && version === wanted)) liveByKey.set(key, { object: item, version });
    }
  }
  return liveByKey;
}

type DryRunTask = { key: string; applied: KubeObject; hash: string; liveVersion: string };

/** Step 7, before sending: what needs no dry-run (a no-op apply, a stored answer, a version not served), and the queue. */
function dryRunQueue(run: DriftRun, gitById: GitById, liveByKey: LiveByKey, out: DryRunResults): DryRunTask[] {
  const { target, options, stats, unknowns } = run;
  const store = options.dryRuns;
  const queue: DryRunTask[] = [];
  const unknownFor = (id: ResourceRef) => unknowns.some((u) => u.group === id.group && u.kind === id.kind && (!u.namespace || u.namespace === id.namespace));
  for (const [key, { id, entries }] of gitById) {
    if (entries.length > 1 || unknownFor(id)) continue;
    const plan = run.plans.get(`${id.group}/${id.kind}`);
    if (plan?.info && !plan.served.includes(id.version)) {
      out.dryRunErrors.set(key, `apiVersion ${entries[0].object.apiVersion as string} is not served (served: ${plan.info.versions.join(', ')})`);
      continue;
    }
    const liveObject = liveByKey.get(key)?.object;
    const applied = alignTracking(objectToApply(entries[0].object, id, target.ownership), liveObject, id, target.ownership, entries[0].source.file);
    if (liveObject && options.skipNoOpDryRuns !== false) {
      const manager = dryRunManager(target);
      const answer = isNoOpApply(applied, liveObject as KubeObject, manager) ? (liveObject as KubeObject) : adoptionWithoutChange(applied, liveObject as KubeObject, manager, trackingFor(id, target.ownership));
      if (answer) {
        stats.dryRunsSkipped++;
        out.desired.set(key, answer);
        continue;
      }
    }
    // the store's key (no store, as on the command line: nothing to hash)
    const hash = store ? createHash('sha1').update(JSON.stringify(applied)).digest('hex') : '';
    const liveVersion = liveObject?.metadata?.resourceVersion ?? '';
    const hit = store?.get(key, hash, liveVersion);
    if (!hit) {
      queue.push({ key, applied, hash, liveVersion });
      continue;
    }
    stats.dryRunsReused++;
    if (hit.desired) out.desired.set(key, hit.desired);
    else if (hit.error) out.dryRunErrors.set(key, hit.error);
    if (hit.conflicts?.length) out.conflicts.set(key, [...hit.conflicts]);
    if (hit.forbidden) out.forbidden.set(key, hit.forbidden);
  }
  return queue;
}

/** Step 7: server-side apply dry-runs (force, as a sync would apply) of what Git holds; answers kept in the store. */
async function dryRuns(run: DriftRun, session: DriftSession, gitById: GitById, liveByKey: LiveByKey, limit: number): Promise<DryRunResults> {
  const { options, stats, scrub } = run;
  const store = options.dryRuns;
  const out: DryRunResults = { desired: new Map(), dryRunErrors: new Map(), conflicts: new Map(), forbidden: new Map() };
  const queue = dryRunQueue(run, gitById, liveByKey, out);
  await forEachLimited(queue, limit, async (q) => {
    stats.dryRuns++;
    try {
      const result = await session.client.apply(q.applied as ClusterObject, {
        fieldManager: dryRunManager(run.target), force: true, dryRun: true, timeoutMs: options.timeoutMs, signal: options.signal,
      });
      // what force took from other managers is what an apply without force would refuse
      const contested = takenOver(liveByKey.get(q.key)?.object as KubeObject | undefined, result as KubeObject, dryRunManager(run.target));
      if (contested.length) out.conflicts.set(q.key, contested);
      out.desired.set(q.key, result as KubeObject);
      store?.set(q.key, { hash: q.hash, liveVersion: q.liveVersion, desired: result as KubeObject, ...(contested.length ? { conflicts: contested } : {}) });
    } catch (e) {
      const err = toClusterError(e);
      const message = scrub(err.serverMessage || err.message);
      out.dryRunErrors.set(q.key, message);
      if (err.kind === 'forbidden') out.forbidden.set(q.key, message);
      // kept only while nothing changes: what a refusal says about the object, not about the moment
      if (err.kind === 'invalid' || err.kind === 'forbidden' || err.kind === 'conflict') {
        store?.set(q.key, { hash: q.hash, liveVersion: q.liveVersion, error: message, ...(err.kind === 'forbidden' ? { forbidden: message } : {}) });
      }
    }
  });
  store?.retain(new Set(gitById.keys()));
  return out;
}

/** A resource's status with what its dry run learned: conflicts (an OutOfSync resource only), a 403. */
function withRefusals(r: ResourceStatus, refusals: { conflicts: ReadonlyMap<string, FieldConflict[]>; forbidden: ReadonlyMap<string, string> }): ResourceStatus {
  const c = r.status === 'OutOfSync' ? refusals.conflicts.get(r.key) : undefined;
  const f = r.status === 'Missing' || r.status === 'OutOfSync' ? refusals.forbidden.get(r.key) : undefined;
  return c || f ? { ...r, ...(c ? { conflicts: c } : {}), ...(f ? { forbidden: f } : {}) } : r;
}

/** `path: could not be read: reason`, as the drift's warnings say it. */
export function unreadWarnings(unread: readonly UnreadFile[]): string[] {
  // a kustomization compared on its own (or through its overlays) is no problem of this target
  return unread.filter((u) => !u.separate).map((u) => `${u.path}: ${u.rendering ? 'could not be rendered' : 'could not be read'}: ${u.reason}`);
}

/**
 * A live object the target tracks that none of the files read defines, while some file could not
 * be read: that file may define it. Unknown, never Extra: a prune would otherwise delete it.
 */
function notExtra(r: ResourceStatus, unread: readonly UnreadFile[]): ResourceStatus {
  const render = unread.find((u) => u.rendering);
  if (render) {
    const { diff: _d, ...kept } = r;
    return { ...kept, status: 'Unknown', unknownCause: 'unread', reason: `${render.path} could not be rendered: ${render.reason}; not pruned` };
  }
  if (unread.every((u) => u.separate)) {
    const { diff: _d, ...kept } = r;
    const names = [...new Set(unread.map((u) => u.separate))].join(', ');
    return { ...kept, status: 'Unknown', unknownCause: 'unread', reason: `tracked by this target and in none of its files; a kustomization below its folder (${names}) may render it: not pruned here` };
  }
  const files = [...new Set(unread.map((u) => u.path))];
  const list = files.length === 1 ? files[0] : `${files.slice(0, 3).join(', ')}${files.length > 3 ? ` and ${files.length - 3} more` : ''}`;
  const { diff: _diff, ...rest } = r;
  return {
    ...rest,
    status: 'Unknown',
    unknownCause: 'unread',
    reason: `tracked by this target and in none of the files read, but ${files.length === 1 ? 'a file' : `${files.length} files`} could not be read (${list}) and may define it: not pruned`,
  };
}

/** Step 0: starts the sweep (EarlySweep) when the target's objects are found by label and a sweep is wanted. */
function startSweep(run: DriftRun, session: DriftSession, limit: number): EarlySweep | undefined {
  const { options, target } = run;
  const selector = options.extra !== false ? ownerSelector(target.ownership) : undefined;
  const chosen = options.sweep ?? (options.live ? false : undefined);
  if (!selector || chosen === false) return undefined;
  const source = chosen ?? listingSource(session, { timeoutMs: options.timeoutMs, signal: options.signal });
  const served: EarlySweep['served'] = session.client.discovery.all().then((kinds) => ({ kinds }), (e: unknown) => ({ error: toClusterError(e) }));
  // nothing may be left rejected: Git can end the comparison before anyone awaits a pass
  const settled = (p: Promise<FirstPass>) => p.catch((e: unknown): FirstPass => ({ byKind: new Map(), lists: 0, fatal: toClusterError(e) }));
  const early = chosen === undefined
    ? settled(served.then(({ kinds }) => firstPass(source, (kinds ?? []).filter((i) => i.verbs.includes('list') && !isExcluded(target.resourceFilter, i.group, i.kind)), selector, limit)))
    : undefined;
  return { selector, source, served, first: (swept) => early ?? settled(firstPass(source, swept, selector, limit)) };
}

async function firstPass(source: LiveSource, kinds: readonly ResourceInfo[], labelSelector: string, limit: number): Promise<FirstPass> {
  const byKind: FirstPass['byKind'] = new Map();
  let lists = 0;
  let fatal: ClusterError | undefined;
  await forEachLimited(kinds, limit, async (i) => {
    if (fatal) return;
    lists++;
    try {
      byKind.set(`${i.group}/${i.kind}`, { items: await source.list({ group: i.group, kind: i.kind, version: i.version }, { labelSelector }) });
    } catch (e) {
      const error = toClusterError(e);
      if (isClusterFailure(error)) fatal ??= error;
      byKind.set(`${i.group}/${i.kind}`, { error });
    }
  });
  return { byKind, lists, ...(fatal ? { fatal } : {}) };
}

/**
 * The sweep's objects of `kinds` (the kinds Git does not name): the first pass's lists; a kind
 * that could not be listed everywhere (forbidden, as for a namespace's users on a Supervisor) is
 * listed in each of the target's namespaces. `hidden`: kinds that could not be listed, with why.
 */
async function finishSweep(
  sweep: EarlySweep, kinds: readonly ResourceInfo[], namespaces: readonly string[], limit: number,
): Promise<{ listed: { version: string; items: readonly ClusterObject[] }[]; hidden: string[]; lists: number; fatal?: ClusterError }> {
  const first = await sweep.first(kinds);
  const listed: { version: string; items: readonly ClusterObject[] }[] = [];
  const hidden: string[] = [];
  let lists = first.lists;
  let fatal = first.fatal;
  const name = (i: ResourceInfo) => `${i.kind}${i.group ? `.${i.group}` : ''}`;
  const retry: ResourceInfo[] = [];
  for (const i of kinds) {
    const got = first.byKind.get(`${i.group}/${i.kind}`);
    if (!got || fatal) continue;
    if (got.items) listed.push({ version: i.version, items: got.items });
    else if (got.error?.kind === 'forbidden' && i.namespaced && namespaces.length) retry.push(i);
    else if (got.error) hidden.push(`${name(i)} (${got.error.kind})`);
  }
  const perNamespace = retry.flatMap((i) => namespaces.map((ns) => ({ i, ns })));
  const failed = new Set<ResourceInfo>();
  await forEachLimited(perNamespace, limit, async ({ i, ns }) => {
    if (fatal) return;
    lists++;
    try {
      listed.push({ version: i.version, items: await sweep.source.list({ group: i.group, kind: i.kind, version: i.version }, { labelSelector: sweep.selector, namespace: ns }) });
    } catch (e) {
      const err = toClusterError(e);
      if (isClusterFailure(err)) fatal ??= err;
      else if (!failed.has(i)) {
        failed.add(i);
        hidden.push(`${name(i)} in ${ns} (${err.kind})`);
      }
    }
  });
  hidden.sort();
  return { listed, hidden, lists, ...(fatal ? { fatal } : {}) };
}

type MutableStats = { -readonly [K in keyof DriftStats]: DriftStats[K] };

function reasonOf(err: ClusterError): UnknownReason {
  if (err.kind === 'forbidden') return 'forbidden';
  if (err.kind === 'notFound') return 'not-served';
  return 'unreachable';
}

/** A document that is a Kubernetes resource: apiVersion and kind, and not a kustomize file. */
function isResource(obj: KubeObject): boolean {
  if (typeof obj.kind !== 'string' || typeof obj.apiVersion !== 'string') {
    // a document with a kind but no apiVersion is a manifest with a mistake: reconcile names it
    return typeof obj.kind === 'string';
  }
  return !obj.apiVersion.startsWith('kustomize.config.k8s.io/');
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

