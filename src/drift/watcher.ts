/**
 * DriftWatcher: keeps the TargetDrift of each target current, for the editor's drift view (no
 * vscode here: the editor subscribes to onDidChange and calls notifyFilesChanged on save).
 *
 * What triggers a recompute of a target, within about a second, coalesced per target (several
 * events → one recompute; an event during a recompute → one more after it):
 *   - a change of a live object it holds or owns (watched ResourceCaches of the session, one per
 *     kind, version, namespace and owner selector the target lists: shared with other users);
 *   - a cache that loses or regains the server;
 *   - a Git event: commit, checkout, fetch (git/watch.ts), or a saved file (notifyFilesChanged);
 *   - refresh(): at once, everything read again and every dry-run asked again.
 *
 * Objects the target tracks of kinds Git no longer names (their last file was removed) are found
 * by a sweep: one list by the target's label of every served kind Git does not name, made on the
 * first compute, on refresh() and every `sweepIntervalMs`. A kind where it found some is then
 * watched like Git's kinds (a change or a delete shows at once); between sweeps the others are
 * not listed again (their last answer, none, stands), so a live change costs no list.
 *
 * A recompute after a live change reuses what did not change: the manifests (not read again
 * unless Git or a file changed), the parsed files, the caches' items (no list), and the dry-run
 * results of every object whose Git text and live resourceVersion are the same (engine.ts).
 *
 * A target that deploys into another cluster (an Application's destination) reads from that
 * cluster's session (options.clusters): its own connection and caches. A cluster that cannot be
 * connected to makes that target's result an error with the cause, tried again later; the other
 * targets go on.
 *
 * Lifetime: dispose() releases every cache, the Git watch and the listeners. The watcher belongs
 * to one Supervisor session; when it ends (a context switch) the watcher ends with it.
 */
import type { CacheChange, CacheState, ResourceCache } from '../cluster/cache';
import type { KubeObject as ClusterObject } from '../cluster/client';
import { ClusterError, toClusterError } from '../cluster/errors';
import { Emitter, type Disposable, type Event } from '../cluster/events';
import { redactingLog, type LogSink } from '../cluster/redact';
import type { ConnectionSession } from '../cluster/session';
import { splitApiVersion } from '../core/reconcile/identity';
import { isOwnedBy } from '../core/reconcile/ownership';
import type { ManifestSet, Repository } from '../git/types';
import { watchRepository } from '../git/watch';
import { readTargetManifests, type RenderSettings } from '../sources';
import { computeDrift, DryRunStore, isClusterFailure, listingSource, ParseCache, type LiveRef, type LiveScope, type LiveSource } from './engine';
import type { DriftTarget, TargetDrift } from './types';

/** What the watcher needs of a session (a ConnectionSession is one). */
export type WatcherSession = Pick<ConnectionSession, 'client' | 'context' | 'namespace' | 'acquire' | 'release' | 'onDidDispose'>;

export interface DriftWatcherOptions {
  /** Quiet time after a live change or a saved file before the recompute (default 100 ms). */
  readonly debounceMs?: number;
  /** Watch the repository's refs: commit, checkout, fetch (default true). */
  readonly watchGit?: boolean;
  /** Quiet time of the Git watch (default 300 ms). */
  readonly gitDebounceMs?: number;
  /** Requests in flight at once (default 8). */
  readonly concurrency?: number;
  /** Time allowed for each request (default: the connection's). */
  readonly timeoutMs?: number;
  /** How long a recompute waits for a new cache's first list (default 30 s). */
  readonly syncTimeoutMs?: number;
  /** Where kustomize and helm are (src/sources). */
  readonly render?: RenderSettings;
  /** Time between sweeps of the kinds Git does not name (default 5 minutes; 0: only on refresh). */
  readonly sweepIntervalMs?: number;
  /**
   * The session of a target that deploys into another cluster (DriftTarget.destination): its own
   * connection and caches (cluster/destinations.ts). Absent: such targets say they need one.
   */
  readonly clusters?: ClusterSessions;
  /** How long after a cluster could not be connected to it is tried again (default 30 s). */
  readonly clusterRetryMs?: number;
  readonly log?: LogSink;
}

/** Opens (or gives the open) session to a target's destination; rejects with the cause. */
export type ClusterSessions = (destination: NonNullable<DriftTarget['destination']>) => Promise<WatcherSession>;

interface TargetState {
  target: DriftTarget;
  result?: TargetDrift;
  manifests?: ManifestSet;
  gitStale: boolean;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
  again: boolean;
  readonly parsed: ParseCache;
  readonly dryRuns: DryRunStore;
  /** The session the caches below read from: the Supervisor's, or the target's cluster's. */
  bound: WatcherSession;
  live: WatchedLive;
  swept: SweptLive;
  unbind?: Disposable;
  /** Keys of the last result (Git objects and Extra ones): live events about other objects are ignored. */
  keys: Set<string>;
  disposed: boolean;
}

export class DriftWatcher implements Disposable {
  private readonly states = new Map<string, TargetState>();
  private order: string[] = [];
  private readonly changeEmitter = new Emitter<TargetDrift>();
  private readonly disposables: Disposable[] = [];
  private readonly log: LogSink;
  private disposed = false;

  /** A target's new result (after each recompute). */
  readonly onDidChange: Event<TargetDrift> = this.changeEmitter.event;

  constructor(
    private readonly session: WatcherSession,
    private readonly repo: Repository,
    targets: readonly DriftTarget[],
    private readonly options: DriftWatcherOptions = {},
  ) {
    this.log = redactingLog(options.log);
    this.disposables.push(session.onDidDispose(() => this.dispose()));
    if (options.watchGit !== false) {
      const dirs = repo as Partial<{ gitDir: string; commonDir: string }>;
      this.disposables.push(watchRepository(repo.root, (changed) => this.onGitChange(changed), {
        debounceMs: options.gitDebounceMs,
        ...(dirs.gitDir ? { gitDir: dirs.gitDir, commonDir: dirs.commonDir ?? dirs.gitDir } : {}),
      }));
    }
    const every = options.sweepIntervalMs ?? 5 * 60_000;
    if (every > 0) {
      const timer = setInterval(() => {
        for (const s of this.states.values()) {
          s.swept.due = true;
          this.schedule(s, 0);
        }
      }, every);
      timer.unref?.();
      this.disposables.push({ dispose: () => clearInterval(timer) });
    }
    this.setTargetsNow(targets);
  }

  get targets(): readonly DriftTarget[] {
    return this.order.map((n) => (this.states.get(n) as TargetState).target);
  }

  /** The latest result of each target that has one, in target order. */
  get results(): readonly TargetDrift[] {
    return this.order.map((n) => this.states.get(n)?.result).filter((r): r is TargetDrift => !!r);
  }

  result(name: string): TargetDrift | undefined {
    return this.states.get(name)?.result;
  }

  /**
   * Recomputes now (one target, or all): manifests read again, every dry-run asked again, kinds
   * that were forbidden or not served tried again. Resolves when done.
   */
  refresh(name?: string): Promise<void> {
    const states = name === undefined ? [...this.states.values()] : [this.states.get(name)].filter((s): s is TargetState => !!s);
    // a CRD installed since is served now: learn the kinds again
    for (const session of new Set([this.session, ...states.map((s) => s.bound)])) session.client.discovery.refresh();
    return Promise.all(states.map((s) => {
      s.gitStale = true;
      s.dryRuns.clear();
      s.live.forgetFailures();
      s.swept.due = true;
      if (s.timer) clearTimeout(s.timer);
      s.timer = undefined;
      return this.run(s);
    })).then(() => undefined);
  }

  /**
   * Files were saved or changed on disk (absolute or repository-relative paths; none: any).
   * Targets that read the working tree and hold one of them recompute.
   */
  notifyFilesChanged(paths?: readonly string[]): void {
    for (const s of this.states.values()) {
      if (s.target.source.kind !== 'worktree') continue;
      // a kustomization builds on files anywhere in the repository (its bases): any manifest may change it
      const rendered = s.manifests?.renderedBy === 'kustomize';
      if (paths && !paths.some((p) => (rendered ? this.concerns({ ...s.target, path: '' }, p) : this.concerns(s.target, p)))) continue;
      s.gitStale = true;
      this.schedule(s, this.options.debounceMs ?? 100);
    }
  }

  /** Replaces the targets; unchanged ones keep their state and result. Resolves when new ones are computed. */
  setTargets(targets: readonly DriftTarget[]): Promise<void> {
    const added = this.setTargetsNow(targets);
    return Promise.all(added.map((s) => this.run(s))).then(() => undefined);
  }

  /** Resolves when no recompute is scheduled or running (tests, the benchmark). */
  async whenIdle(): Promise<void> {
    for (;;) {
      const busy = [...this.states.values()].filter((s) => s.running || s.timer);
      if (busy.length === 0) return;
      await Promise.all(busy.map((s) => s.running ?? new Promise((r) => setTimeout(r, 10))));
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.states.values()) this.disposeState(s);
    this.states.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.changeEmitter.dispose();
  }

  // ---- internals ------------------------------------------------------------------------------

  private setTargetsNow(targets: readonly DriftTarget[]): TargetState[] {
    const added: TargetState[] = [];
    const next = new Map<string, TargetState>();
    for (const t of targets) {
      const old = this.states.get(t.name);
      if (old && JSON.stringify(old.target) === JSON.stringify(t)) {
        next.set(t.name, old);
        continue;
      }
      const s = this.newState(t);
      next.set(t.name, s);
      added.push(s);
    }
    for (const [name, s] of this.states) if (next.get(name) !== s) this.disposeState(s);
    this.states.clear();
    for (const [n, s] of next) this.states.set(n, s);
    this.order = targets.map((t) => t.name);
    return added;
  }

  private newState(target: DriftTarget): TargetState {
    const state = { target, gitStale: true, again: false, parsed: new ParseCache(), dryRuns: new DryRunStore(), keys: new Set(), disposed: false } as Partial<TargetState> as TargetState;
    this.bind(state, this.session);
    return state;
  }

  /** The target's caches read from `session` (the Supervisor's, or its cluster's once connected). */
  private bind(state: TargetState, session: WatcherSession): void {
    if (state.bound === session) return;
    state.live?.dispose();
    state.unbind?.dispose();
    state.dryRuns.clear();
    state.bound = session;
    state.live = new WatchedLive(session, this.options.syncTimeoutMs ?? 30_000, {
      onChange: (change) => {
        if (this.relevant(state, change)) this.schedule(state, this.options.debounceMs ?? 100);
      },
      onConnectivity: () => this.schedule(state, this.options.debounceMs ?? 100),
    });
    state.swept = new SweptLive(session, state.live, this.options.timeoutMs);
    // a cluster's session that ends (closed, its credentials changed) is opened again by the next compute
    state.unbind = session === this.session ? undefined : session.onDidDispose(() => {
      if (state.bound !== session) return;
      this.bind(state, this.session);
      this.schedule(state, 0);
    });
  }

  private disposeState(s: TargetState): void {
    s.disposed = true;
    if (s.timer) clearTimeout(s.timer);
    s.timer = undefined;
    s.live.dispose();
    s.unbind?.dispose();
  }

  /**
   * The session of a target that deploys into another cluster, the state bound to it; or the
   * result that says why it cannot be compared now (tried again after clusterRetryMs).
   */
  private async clusterSession(s: TargetState): Promise<TargetDrift | undefined> {
    const dest = s.target.destination;
    if (!dest || s.target.unsupported || !this.options.clusters) return undefined;
    try {
      this.bind(s, await this.options.clusters(dest));
      return undefined;
    } catch (e) {
      const err = toClusterError(e);
      const message = err.message.startsWith('Cluster ') ? err.message : `Cluster ${dest.label}: ${err.message}`;
      const retry = setTimeout(() => this.schedule(s, 0), this.options.clusterRetryMs ?? 30_000);
      retry.unref?.();
      return { target: s.target, resources: [], counts: { Synced: 0, OutOfSync: 0, Missing: 0, Extra: 0, Unknown: 0 }, warnings: [], error: message, computedAt: Date.now() };
    }
  }

  private relevant(s: TargetState, change: CacheChange): boolean {
    const o = change.object;
    if (change.type === 'SYNCED' || !o) return true;
    const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '';
    const id = { group: splitApiVersion(apiVersion)?.group ?? '', kind: typeof o.kind === 'string' ? o.kind : '', namespace: o.metadata?.namespace ?? '', name: o.metadata?.name ?? '' };
    return s.keys.has(`${id.group}/${id.kind}/${id.namespace}/${id.name}`) || isOwnedBy(o, id, s.target.ownership);
  }

  private concerns(target: DriftTarget, file: string): boolean {
    // a manifest (or jsonnet, which is reported), or a folder (no extension): other files change nothing
    const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
    if (base.includes('.') && base !== '.gitignore' && !/\.(ya?ml|json|jsonnet)$/.test(base)) return false;
    const root = this.repo.root.replace(/\\/g, '/').replace(/\/+$/, '');
    let rel = file.replace(/\\/g, '/');
    if (rel.startsWith(`${root}/`)) rel = rel.slice(root.length + 1);
    else if (rel.startsWith('/') || /^[A-Za-z]:\//.test(rel)) return false;
    const dir = target.path.replace(/^\.?\/+|\/+$/g, '');
    return dir === '' || rel === dir || rel.startsWith(`${dir}/`);
  }

  private onGitChange(changed: readonly string[]): void {
    this.log(`drift: git changed (${changed.join(', ')})`);
    for (const s of this.states.values()) {
      s.gitStale = true;
      this.schedule(s, 0);
    }
  }

  private schedule(s: TargetState, delayMs: number): void {
    if (this.disposed || s.disposed || s.timer) return;
    s.timer = setTimeout(() => {
      s.timer = undefined;
      void this.run(s);
    }, delayMs);
  }

  /** Runs a recompute, or asks the running one to go once more. */
  private run(s: TargetState): Promise<void> {
    if (s.running) {
      s.again = true;
      return s.running;
    }
    s.running = (async () => {
      do {
        s.again = false;
        await this.computeOnce(s);
      } while (s.again && !s.disposed && !this.disposed);
    })().finally(() => {
      s.running = undefined;
    });
    return s.running;
  }

  private async computeOnce(s: TargetState): Promise<void> {
    if (s.disposed || this.disposed) return;
    const t = s.target;
    let gitMs = 0;
    // the destination's connection opens while Git is read (neither waits on the other)
    const binding = this.clusterSession(s);
    if (s.gitStale || !s.manifests) {
      s.gitStale = false;
      s.manifests = undefined;
      if (!t.unsupported) {
        const g0 = Date.now();
        try {
          s.manifests = await readTargetManifests(this.repo, t, this.options.render);
        } catch {
          // computeDrift reads again and reports the error
        }
        gitMs = Date.now() - g0;
      }
    }
    const failed = await binding;
    if (failed) {
      if (s.disposed || this.disposed) return;
      s.result = failed;
      s.keys = new Set();
      this.changeEmitter.fire(failed);
      return;
    }
    s.live.begin();
    s.swept.begin();
    let result: TargetDrift;
    try {
      result = await computeDrift(s.bound, this.repo, t, {
        ...(t.destination && s.bound !== this.session ? { destination: t.destination.label } : {}),
        live: s.live,
        sweep: s.swept,
        ...(s.manifests ? { manifests: s.manifests } : {}),
        parsed: s.parsed,
        dryRuns: s.dryRuns,
        concurrency: this.options.concurrency,
        timeoutMs: this.options.timeoutMs,
        render: this.options.render,
      });
    } catch (e) {
      // computeDrift reports failures in its result; this is a bug, not a state of the world
      const message = e instanceof Error ? e.message : String(e);
      this.log(`drift: ${t.name}: ${message}`);
      result = { target: t, resources: [], counts: { Synced: 0, OutOfSync: 0, Missing: 0, Extra: 0, Unknown: 0 }, warnings: [], error: message, computedAt: Date.now() };
    } finally {
      s.live.end();
      s.swept.end();
    }
    if (s.disposed || this.disposed) return;
    // a sweep that could not reach the cluster is made again next time
    if (!result.error) s.swept.due = false;
    // the manifests were read here: their time belongs to this result
    if (result.stats && gitMs) result = { ...result, stats: { ...result.stats, gitMs, totalMs: result.stats.totalMs + gitMs } };
    s.result = result;
    s.keys = new Set(result.resources.map((r) => r.key));
    this.changeEmitter.fire(result);
  }
}

/**
 * The sweep's lists (see the module header), for one target. When a sweep is due, every kind is
 * listed by the label; a kind that had objects is from then on read from a watched cache (through
 * WatchedLive, which releases it once no computation asks for it); between sweeps, a kind that
 * had none, or could not be listed, gives that answer again without a request.
 */
class SweptLive implements LiveSource {
  /** Set by refresh(), the sweep interval and a new target; cleared after a compute that reached the cluster. */
  due = true;
  /** List requests the sweeps made (not those of the watched caches). */
  requests = 0;
  private readonly last = new Map<string, { found: boolean } | { error: unknown }>();
  private readonly direct: LiveSource;
  /** The kinds swept by the last computation, and by this one: a kind new to the sweep (its last file just left Git) is listed at once. */
  private sweptBefore = new Set<string>();
  private sweptNow = new Set<string>();

  constructor(session: WatcherSession, private readonly watched: WatchedLive, timeoutMs: number | undefined) {
    this.direct = listingSource(session, { timeoutMs });
  }

  async list(ref: LiveRef, scope: LiveScope): Promise<readonly ClusterObject[]> {
    const key = JSON.stringify([ref.group, ref.kind, ref.version, scope.namespace ?? '', scope.labelSelector ?? '', scope.fieldSelector ?? '']);
    const kind = `${ref.group}/${ref.kind}`;
    this.sweptNow.add(kind);
    const last = this.sweptBefore.has(kind) ? this.last.get(key) : undefined;
    if (last && 'found' in last && last.found) {
      const items = await this.watched.list(ref, scope);
      // none left: the next computations leave the kind (and its watch) alone until a sweep finds some
      if (items.length === 0) this.last.set(key, { found: false });
      return items;
    }
    if (last && !this.due) {
      if ('error' in last) throw last.error;
      return [];
    }
    this.requests++;
    try {
      const items = await this.direct.list(ref, scope);
      this.last.set(key, { found: items.length > 0 });
      // some: watched from now on, so that their change or delete shows at once
      return items.length > 0 ? await this.watched.list(ref, scope) : items;
    } catch (e) {
      // a cluster that cannot be reached is asked again; a kind forbidden or not served is not, until the next sweep
      if (!isClusterFailure(toClusterError(e))) this.last.set(key, { error: e });
      throw e;
    }
  }

  begin(): void {
    this.sweptNow = new Set();
  }

  end(): void {
    this.sweptBefore = this.sweptNow;
  }
}

interface Held {
  readonly cache: ResourceCache;
  readonly subs: Disposable[];
  /** The first list was handed to a computation: later events are changes. */
  ready: boolean;
  lastState: CacheState;
}

/**
 * Live objects from the session's watched caches, for one target. A cache that is forbidden or
 * not served is released and its failure remembered until forgetFailures() (refresh): it would
 * only retry in the background. A cache cut off from the server is kept: it comes back by itself,
 * and its return triggers a recompute.
 */
class WatchedLive implements LiveSource, Disposable {
  private held = new Map<string, Held>();
  private used = new Set<string>();
  private readonly failed = new Map<string, ClusterError>();
  private disposed = false;

  constructor(
    private readonly session: WatcherSession,
    private readonly syncTimeoutMs: number,
    private readonly listeners: { onChange(change: CacheChange): void; onConnectivity(): void },
  ) {}

  begin(): void {
    this.used = new Set();
  }

  /** Releases the caches the last computation did not use. */
  end(): void {
    for (const [k, h] of this.held) {
      if (this.used.has(k)) continue;
      this.drop(k, h);
    }
  }

  forgetFailures(): void {
    this.failed.clear();
  }

  async list(ref: LiveRef, scope: LiveScope): Promise<readonly ClusterObject[]> {
    if (this.disposed) throw new ClusterError('cancelled', 'the drift watcher was disposed');
    const key = JSON.stringify([ref.group, ref.kind, ref.version, scope.namespace ?? '', scope.labelSelector ?? '', scope.fieldSelector ?? '']);
    this.used.add(key);
    const failure = this.failed.get(key);
    if (failure) throw failure;
    let h = this.held.get(key);
    if (!h) {
      const cache = this.session.acquire(ref, {
        ...(scope.namespace ? { namespace: scope.namespace } : {}),
        ...(scope.labelSelector ? { labelSelector: scope.labelSelector } : {}),
        ...(scope.fieldSelector ? { fieldSelector: scope.fieldSelector } : {}),
      });
      const entry: Held = { cache, subs: [], ready: false, lastState: cache.state };
      entry.subs.push(cache.onDidChange((c) => {
        if (entry.ready) this.listeners.onChange(c);
      }));
      entry.subs.push(cache.onDidChangeState((st) => {
        const before = entry.lastState;
        entry.lastState = st;
        if (!entry.ready) return;
        const lost = st === 'backoff' && !!cache.lastError && isClusterFailure(cache.lastError);
        if (lost || (before === 'backoff' && st === 'watching')) this.listeners.onConnectivity();
      }));
      this.held.set(key, (h = entry));
    }
    const cache = h.cache;
    if (!cache.synced) {
      const ok = await cache.whenSynced(this.syncTimeoutMs);
      if (this.disposed) throw new ClusterError('cancelled', 'the drift watcher was disposed');
      if (!ok) {
        const err = cache.notServed
          ? new ClusterError('notFound', `${cache.label} is not served by the cluster`)
          : cache.lastError ?? new ClusterError('timeout', `${cache.label}: no list within ${this.syncTimeoutMs} ms`);
        if (isClusterFailure(toClusterError(err))) {
          h.ready = true; // its later return is a change
        } else {
          this.failed.set(key, err);
          this.drop(key, h);
        }
        throw err;
      }
    } else if (cache.state === 'backoff' && cache.lastError && isClusterFailure(cache.lastError)) {
      h.ready = true;
      throw cache.lastError;
    }
    h.ready = true;
    return cache.items();
  }

  private drop(key: string, h: Held): void {
    this.held.delete(key);
    for (const d of h.subs) d.dispose();
    this.session.release(h.cache);
  }

  dispose(): void {
    this.disposed = true;
    for (const [k, h] of [...this.held]) this.drop(k, h);
    this.failed.clear();
  }
}
