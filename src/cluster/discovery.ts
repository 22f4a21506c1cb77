/**
 * Discovery: which resource serves a kind, whether it is namespaced, which versions are served.
 * Asked lazily per API group and cached for the life of the connection (a new session after a
 * context switch starts afresh; `refresh()` forgets what was learnt, e.g. after a CRD appears).
 */
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

export class Discovery {
  private groups?: Promise<Map<string, { versions: string[]; preferred: string }>>;
  private readonly groupResources = new Map<string, Promise<Map<string, ResourceInfo>>>();

  constructor(private readonly connection: Connection) {}

  /** The resource of a kind in a group (any served version, or the one asked for); undefined when not served. */
  async resource(group: string, kind: string, version?: string): Promise<ResourceInfo | undefined> {
    const byKind = await this.resourcesOf(group);
    const info = byKind.get(kind);
    if (!info || !version || info.version === version) return info;
    return info.versions.includes(version) ? { ...info, version } : undefined;
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
    const groups = await this.groupList();
    const out: ResourceInfo[] = [];
    for (const g of ['', ...groups.keys()]) out.push(...(await this.resourcesOf(g)).values());
    return out;
  }

  /** Forget what was learnt (about one group, e.g. after its CRD may have appeared; or all). */
  refresh(group?: string): void {
    if (group === undefined) {
      this.groupResources.clear();
    } else {
      this.groupResources.delete(group);
    }
    this.groups = undefined;
  }

  private groupList(): Promise<Map<string, { versions: string[]; preferred: string }>> {
    this.groups ??= this.connection.request<ApiGroupList>({ path: '/apis', describe: { verb: 'discover' } }).then((list) => {
      const m = new Map<string, { versions: string[]; preferred: string }>();
      for (const g of list.groups ?? []) {
        const versions = g.versions.map((v) => v.version);
        m.set(g.name, { versions, preferred: g.preferredVersion?.version ?? versions[0] });
      }
      return m;
    });
    this.groups.catch(() => { this.groups = undefined; });
    return this.groups;
  }

  private resourcesOf(group: string): Promise<Map<string, ResourceInfo>> {
    let p = this.groupResources.get(group);
    if (!p) {
      p = this.load(group);
      this.groupResources.set(group, p);
      p.catch(() => this.groupResources.delete(group));
    }
    return p;
  }

  private async load(group: string): Promise<Map<string, ResourceInfo>> {
    let versions: string[];
    let preferred: string;
    if (group === '') {
      versions = ['v1'];
      preferred = 'v1';
    } else {
      const g = (await this.groupList()).get(group);
      if (!g) return new Map();
      versions = g.versions;
      preferred = g.preferred;
    }
    const lists = await Promise.all(versions.map(async (v) => {
      const path = group === '' ? `/api/${v}` : `/apis/${group}/${v}`;
      try {
        return { v, list: await this.connection.request<ApiResourceList>({ path, describe: { verb: 'discover' } }) };
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
    return out;
  }
}

/** The URL path of a resource collection or object. */
export function resourcePath(info: Pick<ResourceInfo, 'group' | 'version' | 'resource' | 'namespaced'>, namespace?: string, name?: string, subresource?: string): string {
  const base = info.group === '' ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const obj = name ? `/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}` : '';
  return `${base}${ns}/${info.resource}${obj}`;
}
