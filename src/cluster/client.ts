/**
 * The requests the extension makes, by kind rather than by URL: paginated list, get, server-side
 * apply (with a field manager, force and dry-run) and delete. Discovery turns a kind into its
 * resource; errors come back as ClusterErrors that name the verb, resource and namespace.
 */
import { splitApiVersion } from '../core/reconcile/identity';
import { ClusterError } from './errors';
import { alignFieldPath } from './fieldpath';
import type { Connection } from './connection';
import { Discovery, resourcePath, type ResourceInfo } from './discovery';

export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string>; [k: string]: unknown };
};

export interface KindRef {
  /** API group, '' for core. */
  readonly group: string;
  readonly kind: string;
  /** A served version; default: the group's preferred one. */
  readonly version?: string;
}

export interface RequestOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface ListOptions extends RequestOptions {
  /** One namespace; all namespaces when omitted (and always for cluster-scoped kinds). */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Items per page (limit/continue); default 500. */
  readonly pageSize?: number;
}

export interface ListResult {
  readonly items: KubeObject[];
  /** The collection's resourceVersion: where a watch takes over. */
  readonly resourceVersion: string;
  readonly pages: number;
  readonly info: ResourceInfo;
}

export interface ApplyOptions extends RequestOptions {
  readonly fieldManager: string;
  readonly force?: boolean;
  readonly dryRun?: boolean;
  /** Namespace for a namespaced object without metadata.namespace (default: the context's). */
  readonly namespace?: string;
}

export interface DeleteOptions extends RequestOptions {
  readonly dryRun?: boolean;
  readonly propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  /** Delete only this very object (its uid), as it was (its resourceVersion); makes the delete safe to send again. */
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
}

export class ClusterClient {
  readonly discovery: Discovery;

  constructor(readonly connection: Connection, discovery?: Discovery) {
    this.discovery = discovery ?? new Discovery(connection);
  }

  /** Every item, page by page. An expired continue token starts the list over once. */
  async list(ref: KindRef, options: ListOptions = {}): Promise<ListResult> {
    const info = await this.discovery.require(ref.group, ref.kind, ref.version);
    const path = resourcePath(info, options.namespace);
    const describe = { verb: 'list', resource: info.resource, group: info.group, namespace: info.namespaced ? options.namespace : undefined };
    for (let attempt = 0; ; attempt++) {
      const items: KubeObject[] = [];
      let cont: string | undefined;
      let rv = '';
      let pages = 0;
      try {
        do {
          const page = await this.connection.request<{ items?: KubeObject[]; metadata?: { continue?: string; resourceVersion?: string } }>({
            path,
            query: { limit: options.pageSize ?? 500, continue: cont, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector },
            timeoutMs: options.timeoutMs,
            signal: options.signal,
            describe,
          });
          pages++;
          const apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
          for (const item of page.items ?? []) items.push({ apiVersion, kind: info.kind, ...item });
          cont = page.metadata?.continue || undefined;
          rv = page.metadata?.resourceVersion ?? rv;
        } while (cont);
        return { items, resourceVersion: rv, pages, info };
      } catch (err) {
        if (attempt === 0 && cont && err instanceof ClusterError && err.isGone) continue;
        throw err;
      }
    }
  }

  async get(ref: KindRef & { namespace?: string; name: string }, options: RequestOptions = {}): Promise<KubeObject> {
    const info = await this.discovery.require(ref.group, ref.kind, ref.version);
    const namespace = info.namespaced ? ref.namespace ?? this.connection.namespace : undefined;
    return this.connection.request<KubeObject>({
      path: resourcePath(info, namespace, ref.name),
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      describe: { verb: 'get', resource: info.resource, group: info.group, namespace, name: ref.name },
    });
  }

  /** Server-side apply (PATCH application/apply-patch+yaml); the object as the server has it (or would, with dryRun). */
  async apply(manifest: KubeObject, options: ApplyOptions): Promise<KubeObject> {
    const { info, namespace, name } = await this.target(manifest, options.namespace);
    return this.connection.request<KubeObject>({
      method: 'PATCH',
      path: resourcePath(info, namespace, name),
      query: { fieldManager: options.fieldManager, force: options.force ? 'true' : undefined, dryRun: options.dryRun ? 'All' : undefined },
      body: JSON.stringify(manifest),
      contentType: 'application/apply-patch+yaml',
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      describe: { verb: 'patch', resource: info.resource, group: info.group, namespace, name },
    }).catch((err: unknown) => {
      throw withAlignedCauses(err, manifest);
    });
  }

  async delete(ref: KindRef & { namespace?: string; name: string }, options: DeleteOptions = {}): Promise<KubeObject | undefined> {
    const info = await this.discovery.require(ref.group, ref.kind, ref.version);
    const namespace = info.namespaced ? ref.namespace ?? this.connection.namespace : undefined;
    return this.connection.request<KubeObject>({
      method: 'DELETE',
      path: resourcePath(info, namespace, ref.name),
      query: { dryRun: options.dryRun ? 'All' : undefined, propagationPolicy: options.propagationPolicy },
      ...(options.preconditions ? { body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: options.preconditions } } : {}),
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      describe: { verb: 'delete', resource: info.resource, group: info.group, namespace, name: ref.name },
    });
  }

  /**
   * Whether the user may `verb` objects of this kind in this namespace (a SelfSubjectAccessReview,
   * which every authenticated user may make). `reason` is the authorizer's, when it gave one.
   */
  async canI(ref: KindRef & { namespace?: string }, verb: string, options: RequestOptions = {}): Promise<{ allowed: boolean; reason?: string }> {
    const info = await this.discovery.require(ref.group, ref.kind, ref.version);
    const review = await this.connection.request<{ status?: { allowed?: boolean; reason?: string } }>({
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      body: {
        apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { verb, group: info.group, resource: info.resource, ...(info.namespaced && ref.namespace ? { namespace: ref.namespace } : {}) } },
      },
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      describe: { verb: 'create', resource: 'selfsubjectaccessreviews', group: 'authorization.k8s.io' },
    });
    return { allowed: review?.status?.allowed === true, ...(review?.status?.reason ? { reason: review.status.reason } : {}) };
  }

  private async target(manifest: KubeObject, defaultNamespace?: string): Promise<{ info: ResourceInfo; namespace?: string; name: string }> {
    const apiVersion = manifest.apiVersion;
    const kind = manifest.kind;
    const name = manifest.metadata?.name;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof name !== 'string' || !name) {
      throw new ClusterError('invalid', 'The manifest needs apiVersion, kind and metadata.name to be applied.');
    }
    const gv = splitApiVersion(apiVersion);
    if (!gv) throw new ClusterError('invalid', `apiVersion "${apiVersion}" is neither a version nor group/version.`);
    const info = await this.discovery.require(gv.group, kind, gv.version);
    const namespace = info.namespaced ? manifest.metadata?.namespace ?? defaultNamespace ?? this.connection.namespace : undefined;
    return { info, namespace, name };
  }
}

/** A 422's causes with the list indexes the server left out put back from the manifest. */
function withAlignedCauses(err: unknown, manifest: KubeObject): unknown {
  if (!(err instanceof ClusterError) || !err.causes.length) return err;
  const causes = err.causes.map((c) => ({ ...c, path: alignFieldPath(c.path, manifest, c.reason) }));
  const aligned = new ClusterError(err.kind, err.message, { status: err.status, reason: err.reason, code: err.code, causes, serverMessage: err.serverMessage });
  return aligned;
}
