/**
 * ResourceCache: one kind (in one namespace or all), listed once and kept fresh by a watch.
 *
 * List, then watch from the list's resourceVersion; a watch the server ends is resumed from the
 * last resourceVersion seen (events and bookmarks move it); 410 Gone (too old) lists again;
 * failures wait with exponential backoff (capped, jittered) and try again — after a network
 * failure the watch resumes without a new list, so nothing is missed and nothing fetched twice.
 * Changes go out as events. dispose() aborts the list or watch in flight and stops the loop.
 */
import { Backoff, type BackoffOptions } from './backoff';
import type { ClusterClient, KindRef, KubeObject } from './client';
import type { WatchEvent, WatchHandle } from './connection';
import { resourcePath, type ResourceInfo } from './discovery';
import { ClusterError, toClusterError } from './errors';
import { Emitter, whenEvent, type Disposable, type Event } from './events';
import { redactingLog, type LogSink } from './redact';

export interface ResourceCacheOptions {
  /** One namespace; all when omitted (cluster-scoped kinds ignore it). */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Items per list page (default 500). */
  readonly pageSize?: number;
  /** Time allowed for each list page and for a watch to be answered (default: the connection's). */
  readonly requestTimeoutMs?: number;
  /** How long the server keeps one watch open (default: random 300–600 s, as client-go). */
  readonly watchTimeoutSeconds?: number;
  /** Drop a watch that delivers nothing for this long (default: off; the total deadline still applies). */
  readonly idleTimeoutMs?: number;
  /**
   * false: list once and keep that (a one-shot reader: the command line, whose run is over in a
   * second); a list that fails is tried again as usual. Default true: watch after the list.
   */
  readonly watch?: boolean;
  readonly backoff?: BackoffOptions;
  readonly log?: LogSink;
}

export type CacheState = 'idle' | 'listing' | 'watching' | 'backoff' | 'disposed';

export interface CacheChange {
  /** SYNCED: a (re)list finished; the per-object events of the list came before it. */
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'SYNCED';
  readonly object?: KubeObject;
}

export interface CacheStats {
  lists: number;
  watches: number;
  events: number;
  /** 410 Gone answers (each leads to a new list). */
  gone: number;
  errors: number;
}

/** Errors that trying again soon will not fix: wait the longest backoff. */
const SLOW_RETRY = new Set(['forbidden', 'unauthorized', 'notFound', 'config', 'invalid']);

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function keyOf(o: KubeObject): string {
  return objectKey(o.metadata?.namespace, o.metadata?.name ?? '');
}

export class ResourceCache implements Disposable {
  private store = new Map<string, KubeObject>();
  private rv?: string;
  private needList = true;
  private currentState: CacheState = 'idle';
  private started = false;
  private disposed = false;
  private readonly abort = new AbortController();
  private watch?: WatchHandle;
  private watchFailure?: ClusterError;
  private forced?: string;
  private wake?: () => void;
  private readonly backoff: Backoff;
  private readonly log: LogSink;
  private readonly changeEmitter = new Emitter<CacheChange>();
  private readonly stateEmitter = new Emitter<CacheState>();

  /** Changes of the cached objects. */
  readonly onDidChange: Event<CacheChange> = this.changeEmitter.event;
  /** listing → watching → backoff → ...; `lastError` says why a backoff happened. */
  readonly onDidChangeState: Event<CacheState> = this.stateEmitter.event;
  readonly stats: CacheStats = { lists: 0, watches: 0, events: 0, gone: 0, errors: 0 };
  /** True once a list succeeded (stays true across later failures: the data is stale, not absent). */
  synced = false;
  /** The kind is not served (no CRD): discovery said so on the last try. */
  notServed = false;
  lastError?: ClusterError;
  info?: ResourceInfo;

  constructor(private readonly client: ClusterClient, readonly ref: KindRef, readonly options: ResourceCacheOptions = {}) {
    this.backoff = new Backoff(options.backoff);
    this.log = redactingLog(options.log);
  }

  get state(): CacheState {
    return this.currentState;
  }

  get resourceVersion(): string | undefined {
    return this.rv;
  }

  get size(): number {
    return this.store.size;
  }

  /** A readable name for logs: `virtualmachineclasses.vmoperator.vmware.com in team-a`. */
  get label(): string {
    const what = `${this.ref.kind}${this.ref.group ? `.${this.ref.group}` : ''}`;
    return this.options.namespace ? `${what} in ${this.options.namespace}` : what;
  }

  start(): this {
    if (this.started || this.disposed) return this;
    this.started = true;
    void this.run();
    return this;
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(objectKey(this.info?.namespaced === false ? undefined : namespace, name));
  }

  items(): KubeObject[] {
    return [...this.store.values()];
  }

  /**
   * Resolves true when the cache has listed, false when it gave up for now (an error that
   * retrying will not fix soon, such as forbidden or not served), was disposed, or timed out.
   */
  whenSynced(timeoutMs = 30_000): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (this.disposed) return Promise.resolve(false);
    return whenEvent(this.stateEmitter.event, (s) => {
      if (this.synced) return true;
      if (s === 'disposed' || (s === 'backoff' && this.lastError && SLOW_RETRY.has(this.lastError.kind))) return false;
      return undefined;
    }, timeoutMs);
  }

  /**
   * Drops the current watch and watches again from `resourceVersion` (diagnostics and tests: a
   * very old one makes the server answer 410 Gone).
   */
  forceResume(resourceVersion: string): void {
    this.forced = resourceVersion;
    this.watch?.abort();
    this.wake?.();
  }

  private setState(s: CacheState): void {
    if (this.currentState === s || this.currentState === 'disposed') return;
    this.currentState = s;
    this.stateEmitter.fire(s);
  }

  private async run(): Promise<void> {
    let goneInARow = 0;
    while (!this.disposed) {
      try {
        if (this.forced !== undefined) {
          this.rv = this.forced;
          this.forced = undefined;
        }
        if (this.needList) await this.relist();
        if (this.options.watch === false) {
          this.setState('idle');
          return;
        }
        await this.watchOnce();
        goneInARow = 0;
      } catch (e) {
        if (this.disposed) break;
        if (this.forced !== undefined) continue;
        const err = toClusterError(e);
        if (err.isGone && goneInARow++ < 2) {
          this.stats.gone++;
          this.log(`${this.label}: ${err.serverMessage ?? '410 Gone'}; listing again`);
          this.needList = true;
          continue;
        }
        this.stats.errors++;
        this.lastError = err;
        const delay = SLOW_RETRY.has(err.kind) ? this.backoff.max() : this.backoff.next();
        this.log(`${this.label}: ${err.kind}: ${err.message} (trying again in ${delay} ms)`);
        this.setState('backoff');
        await this.sleep(delay);
        if (err.kind === 'notFound' && this.notServed) this.client.discovery.refresh(this.ref.group);
      }
    }
  }

  private async relist(): Promise<void> {
    this.setState('listing');
    const info = await this.client.discovery.resource(this.ref.group, this.ref.kind, this.ref.version);
    if (!info) {
      this.notServed = true;
      throw new ClusterError('notFound', `${this.client.connection.server} does not serve ${this.label}.`);
    }
    this.notServed = false;
    this.info = info;
    const res = await this.client.list(this.ref, {
      namespace: this.options.namespace,
      labelSelector: this.options.labelSelector,
      fieldSelector: this.options.fieldSelector,
      pageSize: this.options.pageSize,
      timeoutMs: this.options.requestTimeoutMs,
      signal: this.abort.signal,
    });
    if (this.disposed) return;
    this.stats.lists++;
    const next = new Map(res.items.map((o) => [keyOf(o), o]));
    const old = this.store;
    this.store = next;
    this.rv = res.resourceVersion;
    this.needList = false;
    this.synced = true;
    this.lastError = undefined;
    this.backoff.reset();
    for (const [k, o] of old) if (!next.has(k)) this.changeEmitter.fire({ type: 'DELETED', object: o });
    for (const [k, o] of next) {
      const before = old.get(k);
      if (!before) this.changeEmitter.fire({ type: 'ADDED', object: o });
      else if (before.metadata?.resourceVersion !== o.metadata?.resourceVersion) this.changeEmitter.fire({ type: 'MODIFIED', object: o });
    }
    this.changeEmitter.fire({ type: 'SYNCED' });
    this.log(`${this.label}: listed ${next.size} in ${res.pages} page(s) at resourceVersion ${this.rv}`);
  }

  private async watchOnce(): Promise<void> {
    const info = this.info as ResourceInfo;
    const timeoutSeconds = this.options.watchTimeoutSeconds ?? Math.round(300 + Math.random() * 300);
    this.watchFailure = undefined;
    this.stats.watches++;
    const handle = this.client.connection.watch({
      path: resourcePath(info, this.options.namespace),
      query: {
        watch: 'true',
        resourceVersion: this.rv,
        allowWatchBookmarks: 'true',
        timeoutSeconds,
        labelSelector: this.options.labelSelector,
        fieldSelector: this.options.fieldSelector,
      },
      timeoutMs: this.options.requestTimeoutMs,
      idleTimeoutMs: this.options.idleTimeoutMs,
      // a frozen server never ends the watch: give up a little after it should have
      totalTimeoutMs: timeoutSeconds * 1100 + 5000,
      signal: this.abort.signal,
      describe: { verb: 'watch', resource: info.resource, group: info.group, namespace: this.options.namespace },
    }, (e) => this.onEvent(e));
    this.watch = handle;
    try {
      await handle.established;
      if (this.disposed) return;
      this.lastError = undefined;
      this.setState('watching');
      await handle.done;
      this.backoff.reset();
    } catch (e) {
      throw this.watchFailure ?? e;
    } finally {
      this.watch = undefined;
    }
  }

  private onEvent(e: WatchEvent): void {
    if (this.disposed || this.watchFailure) return;
    const obj = e.object as KubeObject;
    const rv = obj?.metadata?.resourceVersion;
    switch (e.type) {
      case 'BOOKMARK':
        if (rv) this.rv = rv;
        return;
      case 'ERROR':
        // a Status: 410 Gone ("too old resource version") or another failure of the watch
        this.watchFailure = toClusterError(obj, { verb: 'watch', resource: this.info?.resource, group: this.info?.group, namespace: this.options.namespace });
        this.watch?.abort();
        return;
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED': {
        this.stats.events++;
        this.backoff.reset();
        if (rv) this.rv = rv;
        const info = this.info as ResourceInfo;
        const object: KubeObject = { apiVersion: info.group ? `${info.group}/${info.version}` : info.version, kind: info.kind, ...obj };
        if (e.type === 'DELETED') this.store.delete(keyOf(object));
        else this.store.set(keyOf(object), object);
        this.changeEmitter.fire({ type: e.type, object });
        return;
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.disposed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.abort.abort();
    this.watch?.abort();
    this.wake?.();
    this.setState('disposed');
    this.currentState = 'disposed';
    this.changeEmitter.dispose();
    this.stateEmitter.dispose();
  }
}
