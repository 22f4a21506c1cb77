/**
 * A sync plan made fresh: the target's manifests read once, compared with the Supervisor
 * (computeDrift: lists and server-side dry-runs of exactly what the sync would send), the
 * Supervisor's facts awaited, and the pure plan made from them (core/sync/plan.ts). The editor's
 * Sync commands and the command line both start here.
 */
import type { ConnectionSession } from '../cluster/session';
import type { SupervisorFacts } from '../core/live/facts';
import { namespacesNamed } from '../core/manifest/namespaces';
import { planSync } from '../core/sync/plan';
import type { SyncPlan } from '../core/sync/types';
import { computeDrift, type DriftOptions } from '../drift/engine';
import type { DriftTarget, TargetDrift } from '../drift/types';
import type { ManifestSet, Repository } from '../git/types';

export type PrepareSession = Pick<ConnectionSession, 'client' | 'context' | 'namespace' | 'facts'>;

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
  /** How long to wait for the facts (default 30 s); the live rules that lack a fact stay silent. */
  readonly factsTimeoutMs?: number;
  /** Passed to computeDrift (concurrency, default 16 here: a sync is a burst the user waits for; request timeout, dry-run store, signal). */
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
  // the facts load (lists and watches) while the drift is computed: neither waits for the other
  const source = options.facts ? undefined : session.facts({ namespaces: [target.namespace, ...namespacesNamed((manifests?.files ?? []).map((f) => f.text))] });
  const [ready, drift] = await Promise.all([
    source ? source.whenReady(options.factsTimeoutMs ?? 30_000) : Promise.resolve(true),
    computeDrift(session, repo, target, { concurrency: 16, ...options.drift, ...(manifests ? { manifests } : {}), extra: options.drift?.extra ?? true }),
  ]);
  const facts = options.facts ?? source?.current();
  const factsReady = ready;
  const plan = planSync(drift, {
    files: manifests?.files ?? [],
    facts,
    prune: options.prune,
    ...(options.only ? { only: options.only } : {}),
    context: session.context,
    protectedContexts: options.protectedContexts,
  });
  const warnings = factsReady ? [] : ['Not every fact of the Supervisor could be read in time: the live rules that lack one did not run.'];
  return { drift, plan: warnings.length ? { ...plan, warnings: [...plan.warnings, ...warnings] } : plan, ...(manifests ? { manifests } : {}), factsReady };
}
