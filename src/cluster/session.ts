/**
 * The lifetime of one context. A ConnectionSession owns the connection, its discovery and every
 * cache (shared between users by kind, namespace and selectors, counted) and the facts source
 * built on them; dispose() ends them all. The SessionManager holds at most one session: a context
 * switch disposes the old session — and with it every watch of the old context — before the new
 * one opens, so nothing of the old context outlives the switch.
 */
import { ClusterClient, type KindRef } from './client';
import { ResourceCache, type ResourceCacheOptions } from './cache';
import { Connection, type ConnectionOptions } from './connection';
import { Discovery, type DiscoveryCacheOptions } from './discovery';
import { ClusterError } from './errors';
import { Emitter, type Disposable, type Event } from './events';
import { SupervisorFactsSource, type FactsSourceOptions } from './facts';
import { expiryNotice } from './jwt';

export interface SessionOptions extends ConnectionOptions {
  /** Defaults for every cache of the session (timeouts, backoff, page size). */
  readonly cacheDefaults?: ResourceCacheOptions;
  /** Keep discovery's answers on disk too (the command line: each run is a new process). */
  readonly discoveryCache?: DiscoveryCacheOptions;
}

interface Entry {
  cache: ResourceCache;
  users: number;
}

export class ConnectionSession implements Disposable {
  readonly client: ClusterClient;
  private readonly entries = new Map<string, Entry>();
  private factsSource?: SupervisorFactsSource;
  private disposed = false;
  private readonly disposeEmitter = new Emitter<void>();
  readonly onDidDispose: Event<void> = this.disposeEmitter.event;

  private constructor(readonly connection: Connection, private readonly options: SessionOptions) {
    this.client = new ClusterClient(connection, new Discovery(connection, options.discoveryCache ? { cache: options.discoveryCache } : {}));
  }

  static async open(options: SessionOptions): Promise<ConnectionSession> {
    return new ConnectionSession(await Connection.open(options), options);
  }

  get context(): string {
    return this.connection.contextName;
  }

  /** The context's namespace (`default` when it names none). */
  get namespace(): string {
    return this.connection.namespace;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Every live cache of the session. */
  get caches(): ResourceCache[] {
    return [...this.entries.values()].map((e) => e.cache);
  }

  /** A started cache for a kind (shared with other users of the same kind, namespace and selectors). */
  acquire(ref: KindRef, options: ResourceCacheOptions = {}): ResourceCache {
    if (this.disposed) throw new ClusterError('cancelled', `The session of context "${this.context}" is closed.`);
    const key = JSON.stringify([ref.group, ref.kind, ref.version ?? '', options.namespace ?? '', options.labelSelector ?? '', options.fieldSelector ?? '']);
    let entry = this.entries.get(key);
    if (!entry) {
      const cache = new ResourceCache(this.client, ref, { ...this.options.cacheDefaults, log: this.options.log, ...options });
      entry = { cache, users: 0 };
      this.entries.set(key, entry);
      cache.start();
    }
    entry.users++;
    return entry.cache;
  }

  /** Gives a cache back; the last user's release stops it. */
  release(cache: ResourceCache): void {
    for (const [key, entry] of this.entries) {
      if (entry.cache !== cache) continue;
      if (--entry.users <= 0) {
        this.entries.delete(key);
        cache.dispose();
      }
      return;
    }
  }

  /** The Supervisor facts of this context (one source per session, started on first use). */
  facts(options: FactsSourceOptions = {}): SupervisorFactsSource {
    if (this.disposed) throw new ClusterError('cancelled', `The session of context "${this.context}" is closed.`);
    if (!this.factsSource) this.factsSource = new SupervisorFactsSource(this, options).start();
    else for (const ns of options.namespaces ?? []) this.factsSource.addNamespace(ns);
    return this.factsSource;
  }

  tokenExpiry(): Date | undefined {
    return this.connection.tokenExpiry();
  }

  /** "The token of context X expires in N minutes. Log in again: kubectl vsphere login ..." when it has a JWT. */
  expiryNotice(now: Date = new Date()): string | undefined {
    const expiry = this.tokenExpiry();
    return expiry ? expiryNotice(this.context, expiry, this.connection.loginHint(), now) : undefined;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.factsSource?.dispose();
    for (const { cache } of this.entries.values()) cache.dispose();
    this.entries.clear();
    this.client.discovery.flush();
    this.connection.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
  }
}

/** A kind as watched in the first scope the user may list it in, or why there is none. */
export interface PermittedCache {
  readonly cache?: ResourceCache;
  /** The namespace it watches; undefined: every namespace. */
  readonly scope?: string;
  /** Every scope was forbidden. */
  readonly denied?: boolean;
  /** The kind is not served. */
  readonly notServed?: boolean;
}

/**
 * A started cache for the kind in the first of `scopes` (a namespace; undefined: all) the user may
 * list it in, tried in order; a forbidden or not-served kind's cache is released at once, so
 * nothing keeps asking in the background. Other failures (slow, unreachable) keep the cache: it
 * goes on trying and its lastError says why it is not synced.
 */
export async function acquirePermitted(session: ConnectionSession, ref: KindRef, scopes: readonly (string | undefined)[], options: Omit<ResourceCacheOptions, 'namespace'> & { readonly syncWaitMs?: number } = {}): Promise<PermittedCache> {
  const { syncWaitMs, ...cacheOptions } = options;
  for (const scope of scopes) {
    const cache = session.acquire(ref, { ...cacheOptions, ...(scope ? { namespace: scope } : {}) });
    if (await cache.whenSynced(syncWaitMs ?? 30_000)) return { cache, scope };
    if (cache.notServed || cache.lastError?.kind === 'forbidden') {
      const notServed = cache.notServed;
      if (!session.isDisposed) session.release(cache);
      if (notServed) return { notServed: true };
      continue;
    }
    return { cache, scope };
  }
  return { denied: true };
}

/** Holds the session of the chosen context; switching disposes the old one first. */
export class SessionManager implements Disposable {
  private session?: ConnectionSession;
  private switching = 0;
  private readonly changeEmitter = new Emitter<ConnectionSession | undefined>();
  readonly onDidChangeSession: Event<ConnectionSession | undefined> = this.changeEmitter.event;

  get current(): ConnectionSession | undefined {
    return this.session;
  }

  /**
   * Ends the current session (its watches and caches), then opens one for the new context. When
   * another switch starts meanwhile, the later one wins and this one's session is disposed.
   */
  async switchTo(options: SessionOptions): Promise<ConnectionSession> {
    const ticket = ++this.switching;
    this.disconnect();
    const session = await ConnectionSession.open(options);
    if (ticket !== this.switching) {
      session.dispose();
      throw new ClusterError('cancelled', `The switch to context "${session.context}" was overtaken by another one.`);
    }
    this.session = session;
    this.changeEmitter.fire(session);
    return session;
  }

  disconnect(): void {
    const old = this.session;
    this.session = undefined;
    if (old) {
      old.dispose();
      this.changeEmitter.fire(undefined);
    }
  }

  dispose(): void {
    this.switching++;
    this.disconnect();
    this.changeEmitter.dispose();
  }
}
