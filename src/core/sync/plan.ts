/**
 * The sync plan, a pure function: from a target's drift (the ResourceStatus of each resource,
 * computed from Git, the live objects and server-side dry-runs) and the manifests' texts, what a
 * sync does to each resource, in which order, and what stops it.
 *
 *   status Missing -> create, OutOfSync -> update, Synced -> unchanged (update when not tracked
 *   yet: the apply adds the tracking and adopts it),
 *   Unknown (kind not served yet, listing forbidden) -> apply (the server decides),
 *   Extra -> delete, only with prune, only when the object carries this extension's tracking
 *   label AND annotation for this target, and not `Prune=false`.
 *   A file of the target that could not be read (a link leaving the repository, too large,
 *   binary, a syntax error) blocks the plan: what it defines is not known, so nothing is pruned.
 *
 * Order (as Argo CD): Namespaces, then CRDs, then `argocd.argoproj.io/sync-wave` (lower first),
 * kinds in a stable order within a wave (core/reconcile/order.ts); deletes last, in reverse.
 *
 * Guards: the validator's rules, with the Supervisor's facts (immutable fields, scale-in,
 * downgrades, unavailable VM or storage classes, unknown namespaces...), run on every document
 * the sync would send; any error blocks the plan, with its file and line.
 *
 * The objects to send are made from the manifests' text (the drift masks Secrets), with the
 * target's tracking metadata (objectToApply). Invariant: the same identity rules as the drift, so
 * that every Git resource of the drift is found in the texts again; when not, the texts changed
 * since the comparison and the plan is blocked as stale.
 */
import { validateChunk, shiftFinding } from '../engine';
import type { SupervisorFacts } from '../live/facts';
import type { KubeObject } from '../diff/types';
import { splitDocuments } from '../manifest/split';
import { gitObjectsFromText } from '../reconcile/git-objects';
import { defaultIsNamespaced, identityOf, keyOf, type IsNamespaced, type ResourceRef } from '../reconcile/identity';
import { compareResources } from '../reconcile/order';
import { isExcluded, type ResourceFilter } from '../reconcile/resource-filter';
import { alignTracking, argoTracking, objectToApply, pathRefusal, refersTo, targetLabelValue, TANZU_TARGET_LABEL, TANZU_TRACKING_ANNOTATION, type Ownership } from '../reconcile/ownership';
import type { FieldConflict, GitObject, ResourceStatus, SourceRef } from '../reconcile/types';
import { formatSource } from '../reconcile/reconcile';
import { hasSyncOption, syncWaveOf } from './annotations';
import type { Blocker, KeptObject, PlanItem, PlanWave, SyncAction, SyncPlan } from './types';
import { isRecord } from '../json';

export interface PlanFile {
  /** As the drift names it (relative to the repository root for the Git layer). */
  readonly path: string;
  readonly text: string;
}

export interface PlanTarget {
  readonly name: string;
  /** Namespace of manifests that name none. */
  readonly namespace: string;
  readonly ownership: Ownership;
  /** Argo CD's resource filter: what it excludes is neither compared nor synced. */
  readonly resourceFilter?: ResourceFilter;
}

/** What a plan is made from: TargetDrift fits `drift` (its target, resources and error). */
export interface DriftLike {
  readonly target: PlanTarget;
  readonly resources: readonly ResourceStatus[];
  /** The drift could not be computed (unreachable, another context...): the plan is blocked. */
  readonly error?: string;
  /** Files that could not be read (and why): the plan is blocked, and nothing is pruned. */
  readonly unread?: readonly { readonly path: string; readonly reason: string; readonly rendering?: boolean; readonly separate?: string }[];
}

export interface PlanOptions {
  /** The manifests the drift was computed from (their texts: the drift masks Secrets). */
  readonly files: readonly PlanFile[];
  /** Facts of the Supervisor: with them the live rules guard the plan. Absent: offline rules only, and a warning. */
  readonly facts?: SupervisorFacts;
  /** Delete what the target tracks and Git no longer has. */
  readonly prune?: boolean;
  /** Only these keys (a file's or a tree item's resources); absent: all. */
  readonly only?: ReadonlySet<string>;
  /** The context the sync goes to, and the contexts marked protected. */
  readonly context?: string;
  readonly protectedContexts?: readonly string[];
  /** Scope of kinds (default: what the drift's keys say, then the well-known cluster-scoped kinds). */
  readonly isNamespaced?: IsNamespaced;
  /** Take over fields other managers own: a resource in conflict is an update, not a conflict that blocks. */
  readonly forceConflicts?: boolean;
  /** The Git objects of a file (default: gitObjectsFromText; the drift's parse of the same texts, when the caller has it). */
  readonly parse?: (path: string, text: string) => ParsedFile;
}

/**
 * A file's Git objects and problems; `unreadable` names the documents that could not be read (the
 * others among the problems are notes, such as a template that is not compared). Without it every
 * problem is taken as unreadable.
 */
export interface ParsedFile {
  readonly objects: readonly GitObject[];
  readonly problems: readonly string[];
  readonly unreadable?: readonly { readonly line: number; readonly message: string }[];
}

/** Kinds whose deletion deletes a workload cluster: the name must be typed. */
const CLUSTER_KINDS: ReadonlySet<string> = new Set(['run.tanzu.vmware.com/TanzuKubernetesCluster', 'cluster.x-k8s.io/Cluster']);

const ACTIONS: readonly SyncAction[] = ['create', 'update', 'unchanged', 'delete', 'apply', 'conflict'];
const CHANGES: ReadonlySet<SyncAction> = new Set(['create', 'update', 'apply', 'conflict']);

/** What the steps of a plan add to, in the order they run. */
interface PlanWork {
  readonly drift: DriftLike;
  readonly options: PlanOptions;
  readonly target: PlanTarget;
  readonly selected: (key: string) => boolean;
  readonly idOptions: { defaultNamespace: string; isNamespaced: IsNamespaced };
  readonly blockers: Blocker[];
  readonly warnings: string[];
  readonly kept: KeptObject[];
  readonly payloads: Map<string, KubeObject>;
  readonly items: PlanItem[];
}

export function planSync(drift: DriftLike, options: PlanOptions): SyncPlan {
  const target = drift.target;
  const work: PlanWork = {
    drift, options, target,
    selected: (key: string) => !options.only || options.only.has(key),
    idOptions: { defaultNamespace: target.namespace, isNamespaced: scopeOf(drift, options) },
    blockers: [], warnings: [], kept: [], payloads: new Map(), items: [],
  };
  if (drift.error) work.blockers.push({ code: 'not-compared', message: `The target could not be compared: ${drift.error}` });
  const { raw, parsedFiles } = readGitObjects(work);
  blockUnread(work);
  const inDrift = planGitResources(work, raw);
  blockStale(work, raw, inDrift);
  planPrunes(work);
  guardPlan(work, parsedFiles);
  if (options.only) scopeBlockers(work);
  return assemblePlan(work);
}

/** Scope from the drift's own keys (discovery's answer), so identities here are the drift's. */
function scopeOf(drift: DriftLike, options: PlanOptions): IsNamespaced {
  const scope = new Map<string, boolean>();
  for (const r of drift.resources) scope.set(`${r.group}/${r.kind}`, r.namespace !== '');
  return (group, kind) => options.isNamespaced?.(group, kind) ?? scope.get(`${group}/${kind}`) ?? defaultIsNamespaced(group, kind);
}

/** The Git objects again, unmasked, by key; a parse problem or an object with no identity blocks. */
function readGitObjects(work: PlanWork): { raw: Map<string, GitObject[]>; parsedFiles: Map<PlanFile, readonly GitObject[]> } {
  const raw = new Map<string, GitObject[]>();
  const parsedFiles = new Map<PlanFile, readonly GitObject[]>();
  const parse = work.options.parse ?? gitObjectsFromText;
  for (const file of work.options.files) {
    const parsed = parse(file.path, file.text);
    parsedFiles.set(file, parsed.objects);
    if (parsed.unreadable) {
      // what could not be read blocks; a note (a template, not compared) only warns
      for (const u of parsed.unreadable) work.blockers.push({ code: problemCode(u.message), message: `could not be read: ${u.message}`, file: file.path, line: u.line });
      const blocking = new Set(parsed.unreadable.map((u) => `${file.path}:${u.line + 1}: `));
      for (const p of parsed.problems) if (![...blocking].some((b) => p.startsWith(b))) work.warnings.push(p);
    } else {
      for (const p of parsed.problems) work.blockers.push(problemBlocker(file.path, p));
    }
    for (const g of parsed.objects) {
      if (!isResource(g.object)) continue;
      const id = identityOf(g.object, work.idOptions);
      if (!id) {
        work.blockers.push({ code: 'not-compared', message: `${formatSource(g.source)}: a Kubernetes object needs apiVersion, kind and metadata.name.`, file: g.source.file, line: g.source.line });
        continue;
      }
      const key = keyOf(id);
      const list = raw.get(key);
      if (list) list.push(g);
      else raw.set(key, [g]);
    }
  }
  return { raw, parsedFiles };
}

/**
 * Files that could not be read: what they define is not known, so nothing is synced or pruned
 * (a syntax error or a half-written object is a blocker already).
 */
function blockUnread(work: PlanWork): void {
  for (const u of work.drift.unread ?? []) {
    // a kustomization below the folder is compared and synced on its own: what it renders is kept, never pruned here
    if (u.separate) continue;
    if (work.blockers.some((b) => (b.code === 'yaml-syntax' || b.code === 'not-compared') && b.file === u.path)) continue;
    work.blockers.push({ code: 'unread', message: `${u.path}: ${u.rendering ? 'could not be rendered' : 'could not be read'}: ${u.reason}. What it defines is not known: nothing is synced or pruned until every file of the target can be read.`, file: u.path });
  }
}

/** The resources Git defines: an item each (or a blocker, or kept); returns the keys the drift compared. */
function planGitResources(work: PlanWork, raw: ReadonlyMap<string, GitObject[]>): Set<string> {
  const { drift, selected } = work;
  // Namespaces this sync creates: a dry-run refused for want of one of them is expected, not a warning
  const newNamespaces = new Set(drift.resources.filter((r) => r.group === '' && r.kind === 'Namespace' && r.status === 'Missing' && selected(r.key)).map((r) => r.name));
  const inDrift = new Set<string>();
  for (const r of drift.resources) {
    if (r.status === 'Extra') continue;
    if (r.unknownCause === 'unread') {
      // live and tracked, in none of the files read: an unread file may define it
      if (selected(r.key)) work.kept.push({ key: r.key, kind: r.kind, namespace: r.namespace, name: r.name, reason: r.reason ?? 'a file could not be read' });
      continue;
    }
    inDrift.add(r.key);
    if (selected(r.key)) planGitResource(work, r, raw.get(r.key), newNamespaces);
  }
  return inDrift;
}

/** One resource Git defines: its action, payload and note, or what blocks it. */
function planGitResource(work: PlanWork, r: ResourceStatus, g: readonly GitObject[] | undefined, newNamespaces: ReadonlySet<string>): void {
  const { blockers, target } = work;
  const base = baseOf(r);
  if (r.unknownCause === 'defined-twice') {
    blockers.push({ code: 'defined-twice', message: `${base.kind} ${nsName(base)}: ${r.reason ?? 'defined more than once in Git'}`, key: r.key, ...(r.git ? { file: r.git.source.file, line: r.git.source.line } : {}) });
    return;
  }
  if (!g || g.length !== 1) {
    blockers.push({ code: 'stale', message: `${base.kind} ${nsName(base)} is not in the manifests as they were compared: they changed since. Compare again.`, key: r.key });
    return;
  }
  const obj = g[0].object;
  if (r.status === 'Unknown' && r.unknownCause === 'unreachable') {
    if (!work.drift.error) blockers.push({ code: 'unreachable', message: `${base.kind} ${nsName(base)}: ${r.reason ?? 'the cluster could not be reached'}`, key: r.key });
    return;
  }
  const adopt = r.status === 'Synced' && r.tracked === false;
  const contested = r.status === 'OutOfSync' && r.conflicts?.length ? r.conflicts : undefined;
  const action: SyncAction = r.status === 'Missing' ? 'create'
    : r.status === 'OutOfSync' ? (contested && !work.options.forceConflicts ? 'conflict' : 'update')
      : adopt ? 'update' : r.status === 'Synced' ? 'unchanged' : 'apply';
  if (contested && action === 'conflict') {
    blockers.push({
      code: 'conflict',
      message: `${base.kind} ${nsName(base)}: ${describeConflicts(contested)} ${contested.length === 1 ? 'is' : 'are'} owned by another field manager; applying would fail. Sync with --force-conflicts to take ${contested.length === 1 ? 'it' : 'them'} over, or leave ${contested.length === 1 ? 'that field' : 'those fields'} out of the manifest.`,
      key: r.key, file: g[0].source.file, line: g[0].source.line,
    });
  }
  const wave = syncWaveOf(obj);
  if (wave.problem) work.warnings.push(`${formatSource(g[0].source)}: ${wave.problem}`);
  const id: ResourceRef = { group: r.group, version: r.version, kind: r.kind, namespace: r.namespace, name: r.name };
  if (action !== 'unchanged') work.payloads.set(r.key, alignTracking(objectToApply(obj, id, target.ownership), r.live, id, target.ownership, g[0].source.file));
  const waitsForNamespace = r.namespace && newNamespaces.has(r.namespace) && /namespaces? "[^"]+" not found/.test(r.reason ?? '');
  const note = r.status === 'Unknown'
    ? `live state not known (${r.reason ?? r.unknownCause ?? 'unknown'}): applied as is`
    : contested ? `${action === 'conflict' ? 'conflict' : 'forced: takes over'} ${describeConflicts(contested)}`
    : waitsForNamespace ? `its namespace ${r.namespace} is created by this sync first`
    : adopt ? 'equal to Git; adopted: the tracking is added' : r.reason;
  work.items.push({
    ...base, action, status: r.status, wave: wave.wave, source: g[0].source, ...(note ? { note } : {}), ...(r.diff && action !== 'unchanged' ? { diff: r.diff } : {}),
    ...(contested ? { conflicts: contested } : {}),
  });
}

/** Objects of the texts the drift did not compare: the manifests changed since. */
function blockStale(work: PlanWork, raw: ReadonlyMap<string, GitObject[]>, inDrift: ReadonlySet<string>): void {
  for (const [key, list] of raw) {
    const [group, kind] = key.split('/');
    if (isExcluded(work.target.resourceFilter, group, kind)) continue; // left out of the comparison on purpose
    if (!inDrift.has(key) && work.selected(key)) {
      work.blockers.push({ code: 'stale', message: `${formatSource(list[0].source)}: not in the comparison (the manifests changed since it was made). Compare again.`, key, file: list[0].source.file, line: list[0].source.line });
    }
  }
}

/** Extra: what prune would delete, and what it keeps (and why). */
function planPrunes(work: PlanWork): void {
  const { options, target } = work;
  for (const r of work.drift.resources) {
    if (r.status !== 'Extra' || !work.selected(r.key)) continue;
    const base = baseOf(r);
    const keep = (reason: string) => work.kept.push({ key: r.key, kind: r.kind, namespace: r.namespace, name: r.name, reason });
    if (!options.prune) {
      keep('not in Git; prune not chosen');
      continue;
    }
    const why = pruneRefusal(r.live, r, target.ownership);
    if (why) {
      keep(why);
      continue;
    }
    const confirm = hasSyncOption(r.live, 'Delete', 'confirm') ? 'Delete=confirm'
      : hasSyncOption(r.live, 'Prune', 'confirm') ? 'Prune=confirm'
        : r.kind === 'Namespace' && r.group === '' ? 'deleting a Namespace deletes everything in it'
          : undefined;
    const destructive = CLUSTER_KINDS.has(`${r.group}/${r.kind}`)
      ? { confirmText: r.name, message: `Deleting ${r.kind} ${nsName(base)} deletes the cluster and its nodes. Type "${r.name}" to confirm.` }
      : undefined;
    work.items.push({
      ...base, action: 'delete', status: 'Extra', wave: syncWaveOf(r.live).wave,
      ...(confirm ? { needsConfirmation: confirm } : {}),
      ...(destructive ? { destructive } : {}),
      ...(r.diff ? { diff: r.diff } : {}),
    });
  }
}

/**
 * A selection (`only`) is blocked only by what concerns it, as Argo CD's selective sync: a
 * blocker about a selected resource, about a file that defines one, or about the whole target
 * (the drift's error); a file that could not be read blocks it only when it deletes something
 * (what that file defines is not known, so it might be what is deleted).
 */
function scopeBlockers(work: PlanWork): void {
  const files = new Set(work.drift.resources.filter((r) => work.selected(r.key) && r.git).map((r) => r.git!.source.file));
  const deletes = work.items.some((i) => i.action === 'delete');
  const kept = work.blockers.filter((b) => {
    if (b.key) return work.selected(b.key);
    if (!b.file) return true;
    return files.has(b.file) || (b.code === 'unread' && deletes);
  });
  work.blockers.splice(0, work.blockers.length, ...kept);
}

/** The validator's guards on what the plan sends; without facts, a warning that the live rules did not run. */
function guardPlan(work: PlanWork, parsedFiles: ReadonlyMap<PlanFile, readonly GitObject[]>): void {
  const { facts } = work.options;
  if (!facts) work.warnings.push('The live rules did not run (no facts of the Supervisor): immutable fields, scale-in, downgrades and classes were not checked.');
  // one by one: a spread of an unbounded list (a finding per document of a huge file) overflows the stack
  for (const b of guards(parsedFiles, work.items, work.idOptions, facts ? { ...facts, defaultNamespace: work.target.namespace } : undefined, work.warnings)) work.blockers.push(b);
}

/** The plan: items in waves, counts, and what blocks or warns. */
function assemblePlan(work: PlanWork): SyncPlan {
  const { target, options, blockers, warnings } = work;
  const waves = orderWaves(work.items);
  const ordered = waves.flatMap((w) => w.items);
  const counts = Object.fromEntries(ACTIONS.map((a) => [a, 0])) as Record<SyncAction, number>;
  for (const i of ordered) counts[i.action]++;
  if (target.ownership.kind === 'argocd') {
    warnings.push(`${target.name} is an Argo CD Application: a direct sync competes with Argo CD (self-heal may undo it), and prune deletes nothing of it. Sync with Argo CD instead.`);
  }
  return {
    target: { name: target.name, namespace: target.namespace, ownership: target.ownership },
    ...(options.context ? { context: options.context } : {}),
    items: ordered,
    waves,
    counts,
    prune: !!options.prune,
    blocked: blockers.length > 0,
    blockers,
    warnings: [...new Set(warnings)],
    kept: work.kept,
    protected: !!options.context && (options.protectedContexts ?? []).includes(options.context),
    partial: false,
    destructive: ordered.filter((i) => i.destructive),
    empty: ordered.every((i) => i.action === 'unchanged'),
    payloads: work.payloads,
  };
}

/** `.data.key (owned by "someone-else"), ...` */
export function describeConflicts(conflicts: readonly FieldConflict[]): string {
  return conflicts.map((c) => `${c.field} (owned by "${c.manager}")`).join(', ');
}

type Base = Pick<PlanItem, 'key' | 'group' | 'version' | 'kind' | 'namespace' | 'name'>;

function baseOf(r: ResourceStatus): Base {
  return { key: r.key, group: r.group, version: r.version, kind: r.kind, namespace: r.namespace, name: r.name };
}

function nsName(b: Pick<Base, 'namespace' | 'name'>): string {
  return b.namespace ? `${b.namespace}/${b.name}` : b.name;
}

/** As the drift engine: a document with a kind, and not a kustomize file. */
function isResource(obj: KubeObject): boolean {
  if (typeof obj.kind !== 'string') return false;
  return typeof obj.apiVersion !== 'string' || !obj.apiVersion.startsWith('kustomize.config.k8s.io/');
}

/** A problem `file:line: message` as a blocker at that line, the message without the place (it is shown beside). */
/** A half-written object (no kind, no name, a bare value) parses: it is not a syntax error. */
function problemCode(message: string): 'not-compared' | 'yaml-syntax' {
  return /a Kubernetes object needs apiVersion, kind and metadata\.name|a single value, not a Kubernetes object/.test(message) ? 'not-compared' : 'yaml-syntax';
}

function problemBlocker(file: string, problem: string): Blocker {
  const m = new RegExp(`^${escape(file)}:(\\d+): `).exec(problem);
  return { code: problemCode(problem), message: m ? problem.slice(m[0].length) : problem, file, ...(m ? { line: Number(m[1]) - 1 } : {}) };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Why a live object may not be deleted by a prune of this target, or undefined when it may: it
 * must carry this extension's label for the target AND a tracking annotation naming the target
 * and this very object (an annotation copied onto another object names that one), have no owner,
 * and not say `Prune=false` or `Delete=false`. The executor asks again on the object as it is just before deleting.
 */
export function pruneRefusal(live: KubeObject | undefined, id: Pick<ResourceRef, 'group' | 'kind' | 'namespace' | 'name'>, ownership: Ownership): string | undefined {
  if (ownership.kind !== 'tanzu-gitops') return 'tracked by Argo CD: Argo CD prunes it';
  const meta = live?.metadata;
  if (!isRecord(meta)) return 'no metadata';
  if (Array.isArray(meta.ownerReferences) && meta.ownerReferences.length) return 'has an owner (made by a controller)';
  const labels = isRecord(meta.labels) ? meta.labels : {};
  const annotations = isRecord(meta.annotations) ? meta.annotations : {};
  if (labels[TANZU_TARGET_LABEL] !== targetLabelValue(ownership.target)) return `label ${TANZU_TARGET_LABEL} does not name this target`;
  if (!refersTo(annotations[TANZU_TRACKING_ANNOTATION], ownership.target, id)) return `annotation ${TANZU_TRACKING_ANNOTATION} does not name this target and object`;
  const argo = argoTracking(live);
  if (argo) return `tracked by Argo CD (${argo}): Argo CD prunes it`;
  const path = pathRefusal(live, ownership);
  if (path) return path;
  if (hasSyncOption(live, 'Prune', 'false')) return 'argocd.argoproj.io/sync-options: Prune=false';
  // a prune is the only delete a direct sync makes: Argo CD keeps Delete=false objects when its Application goes
  if (hasSyncOption(live, 'Delete', 'false')) return 'argocd.argoproj.io/sync-options: Delete=false';
  return undefined;
}


/**
 * The validator on every document the sync would send (create, update, apply): errors block.
 * `namespace-unknown` does not, for a namespace the plan itself creates.
 */
function guards(
  files: ReadonlyMap<PlanFile, readonly GitObject[]>,
  items: readonly PlanItem[],
  idOptions: { defaultNamespace: string; isNamespaced: IsNamespaced },
  facts: SupervisorFacts | undefined,
  warnings: string[],
): Blocker[] {
  const byKey = new Map(items.map((i) => [i.key, i]));
  const created = new Set(items.filter((i) => i.kind === 'Namespace' && i.group === '' && CHANGES.has(i.action)).map((i) => i.name));
  const out: Blocker[] = [];
  for (const [file, objects] of files) {
    for (const chunk of splitDocuments(file.text)) {
      const end = chunk.startLine + chunk.text.split('\n').length;
      const ids = objects
        .filter((o) => o.source.line >= chunk.startLine && o.source.line < end)
        .map((o) => identityOf(o.object, idOptions))
        .filter((id): id is ResourceRef => !!id);
      const sent = ids.filter((id) => CHANGES.has(byKey.get(keyOf(id))?.action as SyncAction));
      if (sent.length === 0) continue;
      for (const f of validateChunk(chunk.text, facts ? { facts } : {})) {
        if (f.code === 'yaml-syntax') continue; // the parse problems are blockers already
        const shifted = shiftFinding(f, chunk.startLine);
        const where = `${file.path}:${shifted.range.start.line + 1}`;
        if (f.severity !== 'error') {
          if (f.severity === 'warning') warnings.push(`${where}: ${f.code}: ${f.message}`);
          continue;
        }
        if (f.code === 'namespace-unknown' && sent.every((id) => created.has(id.namespace))) continue;
        out.push({ code: f.code, message: f.message, file: file.path, range: shifted.range, line: shifted.range.start.line, key: keyOf(sent[0]) });
      }
    }
  }
  return out;
}

const PHASE_RANK = { namespaces: 0, crds: 1, wave: 2, prune: 3 } as const;

/** Namespaces, CRDs, then waves lower first, kinds in order; deletes last, reversed. */
export function orderWaves(items: readonly PlanItem[]): PlanWave[] {
  const groups = new Map<string, { phase: PlanWave['phase']; wave: number; items: PlanItem[] }>();
  for (const i of items) {
    const phase: PlanWave['phase'] = i.action === 'delete' ? 'prune'
      : i.group === '' && i.kind === 'Namespace' ? 'namespaces'
        : i.group === 'apiextensions.k8s.io' && i.kind === 'CustomResourceDefinition' ? 'crds'
          : 'wave';
    const wave = phase === 'wave' ? i.wave : 0;
    const k = `${phase}/${wave}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { phase, wave, items: [] }));
    g.items.push(i);
  }
  const out = [...groups.values()].sort((a, b) => PHASE_RANK[a.phase] - PHASE_RANK[b.phase] || a.wave - b.wave);
  return out.map((g) => ({
    phase: g.phase,
    wave: g.wave,
    label: g.phase === 'namespaces' ? 'Namespaces' : g.phase === 'crds' ? 'CRDs' : g.phase === 'prune' ? 'prune' : `wave ${g.wave}`,
    items: g.phase === 'prune'
      // deletes: higher waves first, then kinds in reverse (what uses a thing goes before it)
      ? [...g.items].sort((a, b) => b.wave - a.wave || compareResources(b, a))
      : [...g.items].sort(compareResources),
  }));
}

/** Keys of the resources a file defines (Sync Current File). */
export function keysOfFile(resources: readonly ResourceStatus[], file: string): Set<string> {
  return new Set(resources.filter((r) => r.git?.source.file === file).map((r) => r.key));
}

/** `file:line` of a plan item (1-based line), or its key. */
export function whereOf(item: { key: string; source?: SourceRef }): string {
  return item.source ? formatSource(item.source) : item.key;
}
