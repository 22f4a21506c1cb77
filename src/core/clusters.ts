/**
 * What a TanzuKubernetesCluster or Cluster API Cluster says about itself, read from its spec and
 * status: phase, conditions, release, replicas desired and ready, where its API server answers,
 * and whether an Argo CD cluster Secret points at it.
 */

export interface ConditionSummary {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

export interface Replicas {
  readonly desired?: number;
  /** From status; undefined when the status does not say. */
  readonly ready?: number;
}

export interface ClusterSummary {
  readonly namespace: string;
  readonly name: string;
  readonly kind: 'TanzuKubernetesCluster' | 'Cluster';
  readonly phase?: string;
  /** The Ready condition's status (True, False, Unknown), undefined when there is none. */
  readonly ready?: string;
  readonly conditions: ConditionSummary[];
  /** The Kubernetes release (TKR name or version). */
  readonly release?: string;
  readonly controlPlane: Replicas;
  readonly nodePools: Replicas;
  /** The API server's URL as the cluster reports it. */
  readonly server?: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

function sum(items: unknown[], field: string): number | undefined {
  let total: number | undefined;
  for (const i of items) {
    const n = num(obj(i)[field]);
    if (n !== undefined) total = (total ?? 0) + n;
  }
  return total;
}

function conditionsOf(status: Obj): ConditionSummary[] {
  return arr(status.conditions).map(obj).filter((c) => str(c.type)).map((c) => ({
    type: String(c.type),
    status: str(c.status) ?? 'Unknown',
    ...(str(c.reason) ? { reason: String(c.reason) } : {}),
    ...(str(c.message) ? { message: String(c.message) } : {}),
  }));
}

function endpoint(host: unknown, port: unknown): string | undefined {
  const h = str(host);
  if (!h) return undefined;
  const p = num(port) ?? 6443;
  return `https://${h.includes(':') ? `[${h}]` : h}:${p}`;
}

/** The summary of a TKC (any served version) or a Cluster; undefined for any other object. */
export function summarizeCluster(o: unknown): ClusterSummary | undefined {
  const root = obj(o);
  const kind = root.kind;
  if (kind !== 'TanzuKubernetesCluster' && kind !== 'Cluster') return undefined;
  const meta = obj(root.metadata);
  const spec = obj(root.spec);
  const status = obj(root.status);
  const topology = obj(spec.topology);
  const conditions = conditionsOf(status);
  const ready = conditions.find((c) => c.type === 'Ready')?.status;
  const base = { namespace: str(meta.namespace) ?? '', name: str(meta.name) ?? '', kind, phase: str(status.phase), ready, conditions } as const;
  if (kind === 'TanzuKubernetesCluster') {
    const cp = obj(topology.controlPlane);
    const pools = arr(topology.nodePools);
    const cpReady = conditions.find((c) => c.type === 'ControlPlaneReady')?.status;
    const desiredCp = num(cp.replicas) ?? num(cp.count);
    const release = str(obj(obj(cp.tkr).reference).name) ?? str(obj(spec.distribution).fullVersion) ?? str(obj(spec.distribution).version) ?? str(status.version);
    const ep = arr(status.apiEndpoints)[0] ?? arr(obj(status.clusterApiStatus).apiEndpoints)[0];
    return {
      ...base,
      ...(release ? { release } : {}),
      // a TKC's status counts no control plane machines: all of them when ControlPlaneReady is True
      controlPlane: { desired: desiredCp, ready: cpReady === 'True' ? desiredCp : undefined },
      nodePools: { desired: sum(pools, 'replicas') ?? num(obj(topology.workers).count), ready: num(status.totalWorkerReplicas) },
      ...(ep ? { server: endpoint(obj(ep).host, obj(ep).port) } : {}),
    };
  }
  const cp = obj(topology.controlPlane);
  const mds = arr(obj(topology.workers).machineDeployments);
  // Cluster API v1beta2 reports counts in status.controlPlane/workers, v1beta1 (1.9+) in status.v1beta2
  const cpStatus = obj(status.controlPlane ?? obj(status.v1beta2).controlPlane);
  const wStatus = obj(status.workers ?? obj(status.v1beta2).workers);
  const ep = obj(spec.controlPlaneEndpoint);
  return {
    ...base,
    ...(str(topology.version) ? { release: String(topology.version) } : {}),
    controlPlane: { desired: num(cp.replicas) ?? num(cpStatus.desiredReplicas), ready: num(cpStatus.readyReplicas) },
    nodePools: { desired: sum(mds, 'replicas') ?? num(wStatus.desiredReplicas), ready: num(wStatus.readyReplicas) },
    ...(endpoint(ep.host, ep.port) ? { server: endpoint(ep.host, ep.port) } : {}),
  };
}

/** A server URL for comparison: lower-case host, no trailing slash, the default port spelled out. */
export function normalizeServer(url: string): string {
  const m = /^(https?):\/\/([^/:]+|\[[^\]]+\])(?::(\d+))?(\/.*)?$/i.exec(url.trim());
  if (!m) return url.trim().replace(/\/+$/, '');
  const scheme = m[1].toLowerCase();
  const port = m[3] ?? (scheme === 'https' ? '443' : '80');
  return `${scheme}://${m[2].toLowerCase()}:${port}${(m[4] ?? '').replace(/\/+$/, '')}`;
}

export interface ArgoClusterSecret {
  readonly name: string;
  readonly server: string;
  /** The cluster name Argo CD shows (data.name). */
  readonly clusterName?: string;
  /** `NS/NAME` of the Supervisor cluster it was registered for (the annotation registration writes), if any. */
  readonly cluster?: string;
}

/** The Argo CD cluster Secret whose server is one of the cluster's, if any. */
export function argoRegistration(servers: readonly (string | undefined)[], secrets: readonly ArgoClusterSecret[]): ArgoClusterSecret | undefined {
  const wanted = new Set(servers.filter((s): s is string => !!s).map(normalizeServer));
  return secrets.find((s) => wanted.has(normalizeServer(s.server)));
}

/** The cluster's Argo CD Secret: by its server, else the one registered for it by name (its status may not name a server yet). */
export function clusterRegistration(c: ClusterSummary, secrets: readonly ArgoClusterSecret[]): ArgoClusterSecret | undefined {
  return argoRegistration([c.server], secrets) ?? secrets.find((s) => s.cluster === `${c.namespace}/${c.name}`);
}

/** What the clusters view shows of an Argo CD Application: where it deploys, its sync and health. */
export interface ApplicationSummary {
  readonly namespace: string;
  readonly name: string;
  readonly destination: { readonly server?: string; readonly name?: string; readonly namespace?: string };
  readonly sync?: string;
  readonly health?: string;
}

export function summarizeApplication(o: unknown): ApplicationSummary | undefined {
  const root = obj(o);
  if (root.kind !== undefined && root.kind !== 'Application') return undefined;
  const meta = obj(root.metadata);
  const dest = obj(obj(root.spec).destination);
  const status = obj(root.status);
  const name = str(meta.name);
  if (!name) return undefined;
  return {
    namespace: str(meta.namespace) ?? '',
    name,
    destination: {
      ...(str(dest.server) ? { server: String(dest.server) } : {}),
      ...(str(dest.name) ? { name: String(dest.name) } : {}),
      ...(str(dest.namespace) ? { namespace: String(dest.namespace) } : {}),
    },
    ...(str(obj(status.sync).status) ? { sync: String(obj(status.sync).status) } : {}),
    ...(str(obj(status.health).status) ? { health: String(obj(status.health).status) } : {}),
  };
}

/**
 * The cluster an Application deploys into, as Argo CD resolves its destination: `server`, or
 * `name` through the cluster Secrets; then the cluster whose server that is, or for which the
 * Secret of that server was registered. Undefined: the Supervisor itself, or a cluster not listed.
 */
export function applicationCluster<C extends ClusterSummary>(app: ApplicationSummary, clusters: readonly C[], secrets: readonly ArgoClusterSecret[]): C | undefined {
  const server = app.destination.server ?? (app.destination.name ? secrets.find((s) => s.clusterName === app.destination.name)?.server : undefined);
  if (!server) return undefined;
  const wanted = normalizeServer(server);
  const secret = secrets.find((s) => normalizeServer(s.server) === wanted);
  return clusters.find((c) => (c.server !== undefined && normalizeServer(c.server) === wanted) || (secret?.cluster !== undefined && secret.cluster === `${c.namespace}/${c.name}`));
}
