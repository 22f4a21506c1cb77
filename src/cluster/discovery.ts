/**
 * Discovery: which resource serves a kind, whether it is namespaced, which versions are served.
 * Asked lazily per API group and cached for the life of the connection (a new session after a
 * context switch starts afresh; `refresh()` forgets what was learnt, e.g. after a CRD appears).
 *
 * Optionally also on disk (the command line: every run is a new process), as kubectl keeps its
 * own: the answers of the discovery requests, per server URL, each used for `ttlMs` (default 10
 * minutes). A kind or version that the saved answers do not have is asked of the server again
 * before it counts as not served (a CRD installed since); after `refresh()` nothing more is read
 * from disk. The file holds resource names and scopes only, no credential.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ClusterError } from './errors';
import type { Connection } from './connection';

export interface ResourceInfo {
  /** API group, '' for the core group. */
  readonly group: string;
  /** The version requests use: the group's preferred version when it serves the kind. */
  readonly version: string;
  /** Every served version that has this kind. */
  readonly versions: readonly string[];
  readonly kind: string;
  /** The plural resource name, e.g. tanzukubernetesclusters. */
  readonly resource: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
}

interface ApiResourceList {
  groupVersion: string;
  resources: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[];
}

interface ApiGroupList {
  groups: { name: string; versions: { groupVersion: string; version: string }[]; preferredVersion?: { version: string } }[];
}

export interface DiscoveryCacheOptions {
  /** Folder of the cache files (one per server URL). */
  readonly dir: string;
  /** How long a saved answer is used without asking the server (default 10 minutes). */
  readonly ttlMs?: number;
}

export class Discovery {
  /** The group list, and whether it came from disk. */
  private groups?: Promise<{ map: Map<string, { versions: string[]; preferred: string }>; saved: boolean }>;
  private readonly groupResources = new Map<string, Promise<Map<string, ResourceInfo>>>();
  private readonly disk?: DiskCache;
  /** Answers built from what was saved on disk (a miss in them is asked of the server again). */
  private readonly saved = new WeakSet<Map<string, ResourceInfo>>();
  /** Whether the group list in use was asked of the server since a miss (it is asked once). */
  private groupsFresh = false;
  /** After refresh(): nothing more from disk. */
  private diskReads = true;

  constructor(private readonly connection: Connection, options: { cache?: DiscoveryCacheOptions } = {}) {
    if (options.cache) this.disk = new DiskCache(options.cache, connection.server);
  }

  /** The resource of a kind in a group (any served version, or the one asked for); undefined when not served. */
  async resource(group: string, kind: string, version?: string): Promise<ResourceInfo | undefined> {
    const p = this.resourcesOf(group);
    const byKind = await p;
    const found = this.find(byKind, kind, version);
    if (found || !this.saved.has(byKind)) return found;
    // saved answers may be older than a CRD: ask the server (once for every lookup that missed)
    // before saying it is not served
    if (this.groupResources.get(group) === p) this.groupResources.set(group, this.track(group, this.load(group, true)));
    return this.find(await this.resourcesOf(group), kind, version);
  }

  private find(byKind: Map<string, ResourceInfo>, kind: string, version?: string): ResourceInfo | undefined {
    const info = byKind.get(kind);
    if (!info || !version || info.version === version) return info;
    return info.versions.includes(version) ? { ...info, version } : undefined;
  }

  /** Writes what was learnt to the disk cache now (when it has one and something new). */
  flush(): void {
    this.disk?.flush();
  }

  /** Like resource(), but a kind that is not served is an error naming it. */
  async require(group: string, kind: string, version?: string): Promise<ResourceInfo> {
    const info = await this.resource(group, kind, version);
    if (!info) {
      const gv = `${group || 'core'}${version ? `/${version}` : ''}`;
      throw new ClusterError('notFound', `${this.connection.server} does not serve ${kind} (${gv}): its CRD is not installed, or this version is not served.`);
    }
    return info;
  }

  /** Resources of every group (fetches all group versions). */
  async all(): Promise<ResourceInfo[]> {
    const groups = (await this.groupList()).map;
    // every group asked at once (each answer is cached, on disk too when there is a disk cache)
    const lists = await Promise.all(['', ...groups.keys()].map((g) => this.resourcesOf(g)));
    return lists.flatMap((byKind) => [...byKind.values()]);
  }

  /** Forget what was learnt (about one group, e.g. after its CRD may have appeared; or all). */
  refresh(group?: string): void {
    if (group === undefined) {
      this.groupResources.clear();
    } else {
      this.groupResources.delete(group);
    }
    this.groups = undefined;
    this.groupsFresh = false;
    this.diskReads = false;
  }

  /** A discovery answer: from disk when allowed and saved recently, else from the server (and saved). */
  private async get<T>(path: string, fresh: boolean): Promise<{ body: T; saved: boolean }> {
    if (this.disk && this.diskReads && !fresh) {
      const hit = this.disk.get(path) as T | undefined;
      if (hit !== undefined) return { body: hit, saved: true };
    }
    const body = await this.connection.request<T>({ path, describe: { verb: 'discover' } });
    this.disk?.put(path, body);
    return { body, saved: false };
  }

  private groupList(fresh = false): Promise<{ map: Map<string, { versions: string[]; preferred: string }>; saved: boolean }> {
    if (fresh && !this.groupsFresh) {
      this.groups = undefined;
      this.groupsFresh = true;
    }
    this.groups ??= this.get<ApiGroupList>('/apis', fresh).then(({ body: list, saved }) => {
      const m = new Map<string, { versions: string[]; preferred: string }>();
      for (const g of list.groups ?? []) {
        const versions = g.versions.map((v) => v.version);
        m.set(g.name, { versions, preferred: g.preferredVersion?.version ?? versions[0] });
      }
      return { map: m, saved };
    });
    const groups = this.groups;
    groups.catch(() => {
      if (this.groups !== groups) return;
      this.groups = undefined;
      this.groupsFresh = false;
    });
    return groups;
  }

  private resourcesOf(group: string): Promise<Map<string, ResourceInfo>> {
    let p = this.groupResources.get(group);
    if (!p) {
      p = this.track(group, this.load(group, false));
      this.groupResources.set(group, p);
    }
    return p;
  }

  private track(group: string, p: Promise<Map<string, ResourceInfo>>): Promise<Map<string, ResourceInfo>> {
    p.catch(() => { if (this.groupResources.get(group) === p) this.groupResources.delete(group); });
    return p;
  }

  private async load(group: string, fresh: boolean): Promise<Map<string, ResourceInfo>> {
    let versions: string[];
    let preferred: string;
    let saved = false;
    if (group === '') {
      versions = ['v1'];
      preferred = 'v1';
    } else {
      const list = await this.groupList(fresh);
      const g = list.map.get(group);
      if (!g) {
        const none = new Map<string, ResourceInfo>();
        if (list.saved) this.saved.add(none);
        return none;
      }
      saved = list.saved;
      versions = g.versions;
      preferred = g.preferred;
    }
    const lists = await Promise.all(versions.map(async (v) => {
      const path = group === '' ? `/api/${v}` : `/apis/${group}/${v}`;
      try {
        const got = await this.get<ApiResourceList>(path, fresh);
        saved ||= got.saved;
        return { v, list: got.body };
      } catch (err) {
        // an aggregated API that is down (503) must not hide the others
        if (err instanceof ClusterError && (err.kind === 'server' || err.kind === 'notFound')) return { v, list: undefined };
        throw err;
      }
    }));
    const byKind = new Map<string, { versions: string[]; r: ApiResourceList['resources'][number] }>();
    // preferred version first, so its resource entry is the one kept
    lists.sort((a, b) => (a.v === preferred ? -1 : b.v === preferred ? 1 : 0));
    for (const { v, list } of lists) {
      for (const r of list?.resources ?? []) {
        if (r.name.includes('/')) continue; // subresources
        const e = byKind.get(r.kind);
        if (e) e.versions.push(v);
        else byKind.set(r.kind, { versions: [v], r });
      }
    }
    const out = new Map<string, ResourceInfo>();
    for (const [kind, { versions: vs, r }] of byKind) {
      out.set(kind, { group, version: vs[0], versions: vs, kind, resource: r.name, namespaced: r.namespaced, verbs: r.verbs ?? [] });
    }
    if (saved) this.saved.add(out);
    return out;
  }
}

/**
 * The discovery answers of one server on disk: `<dir>/<sha256 of the URL>.json`, each answer with
 * the time it was saved. Written whole (a temporary file renamed), best effort: a cache that
 * cannot be read or written is no cache. What is kept of an answer is what Discovery reads.
 */
class DiskCache {
  private readonly file: string;
  private readonly ttlMs: number;
  private entries?: Map<string, { at: number; body: unknown }>;
  private dirty = false;
  private timer?: NodeJS.Timeout;

  constructor(options: DiscoveryCacheOptions, private readonly server: string) {
    this.file = path.join(options.dir, `${crypto.createHash('sha256').update(server).digest('hex').slice(0, 32)}.json`);
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
  }

  get(key: string): unknown {
    const e = this.load().get(key);
    return e && Date.now() - e.at < this.ttlMs ? e.body : undefined;
  }

  put(key: string, body: unknown): void {
    this.load().set(key, { at: Date.now(), body: trimmed(body) });
    this.dirty = true;
    // one write for a burst of answers; it does not keep the process alive (dispose flushes)
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), 100);
      this.timer.unref?.();
    }
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty || !this.entries) return;
    this.dirty = false;
    const now = Date.now();
    const entries: Record<string, { at: number; body: unknown }> = {};
    for (const [k, e] of this.entries) if (now - e.at < this.ttlMs) entries[k] = e;
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(tmp, JSON.stringify({ version: 1, server: this.server, entries }));
      fs.renameSync(tmp, this.file);
      this.prune(now);
    } catch {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // nothing to clean
      }
    }
  }

  /** Removes the files of other servers not written for a day (nothing in them is used any more). */
  private prune(now: number): void {
    const dir = path.dirname(this.file);
    for (const name of fs.readdirSync(dir)) {
      if (!/^[0-9a-f]{32}\.json(\.\d+\.tmp)?$/.test(name)) continue;
      const p = path.join(dir, name);
      try {
        if (p !== this.file && now - fs.statSync(p).mtimeMs > Math.max(this.ttlMs, 24 * 3_600_000)) fs.rmSync(p, { force: true });
      } catch {
        // gone meanwhile
      }
    }
  }

  private load(): Map<string, { at: number; body: unknown }> {
    if (this.entries) return this.entries;
    this.entries = new Map();
    try {
      const doc = JSON.parse(fs.readFileSync(this.file, 'utf8')) as { version?: number; server?: string; entries?: Record<string, { at?: unknown; body?: unknown }> };
      if (doc.version === 1 && doc.server === this.server && doc.entries && typeof doc.entries === 'object') {
        for (const [k, e] of Object.entries(doc.entries)) {
          if (typeof e?.at === 'number' && e.body && typeof e.body === 'object') this.entries.set(k, { at: e.at, body: e.body });
        }
      }
    } catch {
      // no cache yet, or unreadable: start empty
    }
    return this.entries;
  }
}

/** What Discovery reads of an answer (group list or resource list). */
function trimmed(body: unknown): unknown {
  const b = body as Partial<ApiGroupList & ApiResourceList>;
  if (Array.isArray(b?.groups)) {
    return {
      groups: b.groups.map((g) => ({
        name: g.name,
        versions: (g.versions ?? []).map((v) => ({ groupVersion: v.groupVersion, version: v.version })),
        ...(g.preferredVersion ? { preferredVersion: { version: g.preferredVersion.version } } : {}),
      })),
    };
  }
  if (Array.isArray(b?.resources)) {
    return { groupVersion: b.groupVersion, resources: b.resources.map((r) => ({ name: r.name, kind: r.kind, namespaced: r.namespaced, ...(r.verbs ? { verbs: r.verbs } : {}) })) };
  }
  return body;
}

/** The URL path of a resource collection or object. */
export function resourcePath(info: Pick<ResourceInfo, 'group' | 'version' | 'resource' | 'namespaced'>, namespace?: string, name?: string, subresource?: string): string {
  const base = info.group === '' ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const obj = name ? `/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}` : '';
  return `${base}${ns}/${info.resource}${obj}`;
}
