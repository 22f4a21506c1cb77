/**
 * A sync plan made fresh: the target's manifests read once, compared with the Supervisor
 * (computeDrift: lists and server-side dry-runs of exactly what the sync would send), the
 * Supervisor's facts awaited, and the pure plan made from them (core/sync/plan.ts). The editor's
 * Sync commands and the command line both start here.
 */
import { checkTargetProject } from '../argocd/projects';
import type { ConnectionSession } from '../cluster/session';
import type { SupervisorFacts } from '../core/live/facts';
import { recognise } from '../core/manifest/kinds';
import { getValidator } from '../core/schema/registry';
import { planSync } from '../core/sync/plan';
import { permissionChecks, restrictPlan } from '../core/sync/permissions';
import type { Denial, SyncPlan } from '../core/sync/types';
import { computeDrift, ParseCache, type DriftOptions } from '../drift/engine';
import type { DriftTarget, TargetDrift } from '../drift/types';
import { renderTarget } from '../sources';
import type { ManifestSet, Repository } from '../git/types';
import { trace } from '../trace';

export type PrepareSession = Pick<ConnectionSession, 'client' | 'context' | 'namespace' | 'facts'>;

/**
 * Dry-runs in flight at once for a plan. Measured against the local Supervisor (200 objects, cold):
 * 24, 32, 48 and 64 in flight took 767, 723, 769 and 775 ms (medians of 9); 16 was clearly slower.
 */
const SYNC_CONCURRENCY = 32;

export interface PrepareOptions {
  /** Delete what the target tracks and Git no longer has. */
  readonly prune?: boolean;
  /** Only these resource keys (Sync Current File, a tree item); absent: the whole target. */
  readonly only?: ReadonlySet<string>;
  /** Contexts marked protected (the setting): the plan says so, the executor wants a second confirmation. */
  readonly protectedContexts?: readonly string[];
  /** The manifests, when the caller has them; otherwise read from the repository at the target's source. */
  readonly manifests?: ManifestSet;
  /** The Supervisor's facts, when the caller has them; otherwise the session's, awaited. */
  readonly facts?: SupervisorFacts;
  /**
   * The session is a workload cluster's, not the Supervisor's: no Supervisor facts are read, and
   * the live rules that need them stay silent (they are about Supervisor objects).
   */
  readonly workload?: boolean;
  /** How long to wait for the facts (default 30 s); the live rules that lack a fact stay silent. */
  readonly factsTimeoutMs?: number;
  /** Take over fields other managers own: resources in conflict are planned as updates. */
  readonly forceConflicts?: boolean;
  /** Apply what the user may, skip the rest (the plan says what); default: a plan that cannot be applied in full is blocked. */
  readonly partial?: boolean;
  /** Passed to computeDrift (concurrency, default 32 here: a sync is a burst the user waits for; request timeout, dry-run store, signal). */
  readonly drift?: Omit<DriftOptions, 'manifests'>;
}

export interface PreparedSync {
  readonly drift: TargetDrift;
  readonly plan: SyncPlan;
  readonly manifests?: ManifestSet;
  /** Whether the facts were complete when the plan was made. */
  readonly factsReady: boolean;
}

export async function prepareSync(session: PrepareSession, repo: Repository, target: DriftTarget, options: PrepareOptions = {}): Promise<PreparedSync> {
  let manifests = options.manifests;
  if (!manifests && !target.unsupported) {
    try {
      manifests = await repo.readManifests(target.path, target.source, target.directory);
    } catch {
      // computeDrift reads again and reports the error as the drift's
    }
  }
  // a Kustomize or Helm folder: the plan, the guards and the drift all see the rendered objects
  if (manifests && !target.unsupported) manifests = await renderTarget(repo, target, manifests, options.drift?.render);
  trace('prepare: manifests read');
  // the facts load (lists and watches) while the manifests are parsed and the drift is computed
  const source = options.facts || options.workload ? undefined : session.facts({ namespaces: [target.namespace] });
  // (their requests go out before the parse below holds the thread)
  if (source) await new Promise((r) => setImmediate(r));
  // one parse of the manifests: the namespaces they name (for the facts), the drift, the plan
  const parsed = options.drift?.parsed ?? new ParseCache();
  const named = new Set<string>();
  const schemas = new Set<string>();
  for (const f of manifests?.files ?? []) {
    for (const g of parsed.parse(f.path, f.text).objects) {
      const ns = (g.object.metadata as { namespace?: unknown } | undefined)?.namespace;
      if (typeof ns === 'string' && ns) named.add(ns);
      const r = recognise(g.object);
      if (r.ours && r.info.schemaId) schemas.add(r.info.schemaId);
    }
  }
  if (source && named.size) session.facts({ namespaces: [...named] });
  // the schemas the plan's guards validate with are compiled (once a process) while the
  // Supervisor answers the drift's requests, which go out first; one call compiles the generated
  // function itself (V8 does that on first use)
  if (schemas.size) {
    setImmediate(() => {
      for (const id of schemas) {
        try {
          getValidator(id)?.({});
        } catch {
          // the guards meet it again and report it
        }
      }
    });
  }
  const [ready, drift] = await Promise.all([
    (source ? source.whenReady(options.factsTimeoutMs ?? 30_000) : Promise.resolve(true)).then((r) => { trace('prepare: facts ready'); return r; }),
    computeDrift(session, repo, target, { concurrency: SYNC_CONCURRENCY, ...(options.workload && target.destination ? { destination: target.destination.label } : {}), ...options.drift, parsed, ...(manifests ? { manifests } : {}), extra: options.drift?.extra ?? true })
      .then((d) => { trace(() => `prepare: drift computed ${JSON.stringify(d.stats)}`); return d; }),
  ]);
  const facts = options.facts ?? source?.current();
  const factsReady = ready;
  const made = planSync(drift, {
    files: manifests?.files ?? [],
    facts,
    prune: options.prune,
    ...(options.only ? { only: options.only } : {}),
    context: session.context,
    protectedContexts: options.protectedContexts,
    forceConflicts: options.forceConflicts,
    parse: (path, text) => parsed.parse(path, text),
  });
  trace('prepare: plan made (guards run)');
  const permitted = drift.error ? made : await withPermissions(session, made, drift, options);
  trace('prepare: permissions checked');
  const plan = drift.error ? permitted : await withProject(session, permitted, drift, options);
  const warnings = factsReady ? [] : ['Not every fact of the Supervisor could be read in time: the live rules that lack one did not run.'];
  return { drift, plan: warnings.length ? { ...plan, warnings: [...plan.warnings, ...warnings] } : plan, ...(manifests ? { manifests } : {}), factsReady };
}

/**
 * An Application's plan with what its Argo CD project forbids (source repository, destination,
 * a kind): blocked as Argo CD refuses such a sync, whoever applies it.
 */
async function withProject(session: PrepareSession, plan: SyncPlan, drift: TargetDrift, options: PrepareOptions): Promise<SyncPlan> {
  // inside a workload cluster the session is not Argo CD's: its AppProjects are not there
  if (drift.target.origin !== 'argocd' || options.workload) return plan;
  const only = options.only;
  const resources = only ? drift.resources.filter((r) => only.has(r.key)) : drift.resources;
  const check = await checkTargetProject(session.client, drift.target, resources, options.drift?.timeoutMs);
  if (!check.findings.length && !check.warnings.length) return plan;
  const blockers = check.findings.map((f) => ({
    code: f.rule, message: `Argo CD refuses this sync: ${f.message}`,
    ...(f.resource ? { key: `${f.resource.group}/${f.resource.kind}/${f.resource.namespace ?? ''}/${f.resource.name}` } : {}),
  }));
  return { ...plan, blocked: plan.blocked || blockers.length > 0, blockers: [...plan.blockers, ...blockers], warnings: [...plan.warnings, ...check.warnings] };
}

/**
 * The plan with what the user may not do: the dry runs' 403s, and a SelfSubjectAccessReview for
 * each verb, kind and namespace the dry runs did not prove (deletes, kinds whose live state is
 * unknown), asked side by side before anything is sent.
 */
async function withPermissions(session: PrepareSession, plan: SyncPlan, drift: TargetDrift, options: PrepareOptions): Promise<SyncPlan> {
  const { checks, denied } = permissionChecks(plan, drift.resources);
  const denials: Denial[] = [...denied];
  const unchecked: string[] = [];
  await Promise.all(checks.map(async (c) => {
    try {
      const answer = await session.client.canI({ group: c.group, kind: c.kind, namespace: c.namespace || undefined }, c.verb, { timeoutMs: options.drift?.timeoutMs, signal: options.drift?.signal });
      if (!answer.allowed) denials.push({ ...c, ...(answer.reason ? { reason: answer.reason } : {}) });
    } catch (e) {
      unchecked.push(`${c.verb} ${c.kind}${c.namespace ? ` in ${c.namespace}` : ''} (${e instanceof Error ? e.message : String(e)})`);
    }
  }));
  const restricted = restrictPlan(plan, denials, !!options.partial);
  if (!unchecked.length) return restricted;
  return { ...restricted, warnings: [...restricted.warnings, `Permissions could not be checked before sending: ${unchecked.join('; ')}. The server decides.`] };
}
