/**
 * Where an Argo CD Application deploys, as a connection. Its destination (`server`, or `name`
 * through the cluster Secrets labelled argocd.argoproj.io/secret-type=cluster) is the Supervisor
 * itself (`https://kubernetes.default.svc`, `in-cluster`, the Supervisor's own URL) or another
 * cluster, reached the way Argo CD reaches it: the cluster Secret's credentials (bearerToken,
 * tlsClientConfig); else, where that Secret cannot be read or holds no credentials this client
 * can use, the workload cluster's kubeconfig Secret or the context named for it (workload.ts).
 * Each destination gets a session of its own (its connection, discovery and caches), kept and
 * shared; opening one never waits on another.
 */
import { normalizeServer, summarizeCluster } from '../core/clusters';
import type { ClusterClient, KubeObject } from './client';
import { ClusterError, toClusterError } from './errors';
import type { Disposable } from './events';
import { Kubeconfig, parseKubeconfigText } from './kubeconfig';
import { registerSecret } from './redact';
import { CLUSTER_SECRET_SELECTOR } from './register';
import { ConnectionSession } from './session';
import { WorkloadSessions, clusterKey, kubeconfigSecretName, type ClusterRef, type WorkloadSessionOptions } from './workload';

/** Argo CD's name for the cluster it runs in. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';
export const IN_CLUSTER_NAME = 'in-cluster';

export interface Destination {
  readonly server?: string;
  readonly name?: string;
}

/** An Argo CD cluster Secret, decoded; `config` holds credentials (registered with the redactor as read). */
export interface ArgoCluster {
  /** The Secret's namespace/name. */
  readonly secret: string;
  readonly server: string;
  /** The cluster's name in Argo CD (data.name). */
  readonly name?: string;
  readonly config: ArgoClusterConfig;
}

export interface ArgoClusterConfig {
  readonly bearerToken?: string;
  readonly username?: string;
  readonly password?: string;
  readonly tlsClientConfig?: { readonly insecure?: boolean; readonly serverName?: string; readonly caData?: string; readonly certData?: string; readonly keyData?: string };
  /** Argo CD authenticates through a program or a cloud (execProviderConfig, awsAuthConfig): not usable here. */
  readonly external?: string;
}

/** Whether a destination is the Supervisor the Application lives on. */
export function isInCluster(dest: Destination, supervisorServer?: string): boolean {
  const server = (dest.server ?? '').trim();
  const name = (dest.name ?? '').trim();
  if (!server && !name) return true;
  if (name) return name === IN_CLUSTER_NAME;
  const s = normalizeServer(server);
  return s === normalizeServer(IN_CLUSTER_SERVER) || (!!supervisorServer && s === normalizeServer(supervisorServer));
}

/** A destination as people read it: its name, else its server. */
export function destinationLabel(dest: Destination): string {
  return dest.name?.trim() || dest.server?.trim() || IN_CLUSTER_NAME;
}

function decodeConfig(text: string | undefined): ArgoClusterConfig {
  if (!text) return {};
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { external: 'its config is not JSON' };
  }
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const tls = raw.tlsClientConfig && typeof raw.tlsClientConfig === 'object' ? raw.tlsClientConfig as Record<string, unknown> : {};
  const config: ArgoClusterConfig = {
    ...(str(raw.bearerToken) ? { bearerToken: str(raw.bearerToken) } : {}),
    ...(str(raw.username) ? { username: str(raw.username), password: str(raw.password) } : {}),
    tlsClientConfig: {
      ...(tls.insecure === true ? { insecure: true } : {}),
      ...(str(tls.serverName) ? { serverName: str(tls.serverName) } : {}),
      ...(str(tls.caData) ? { caData: str(tls.caData) } : {}),
      ...(str(tls.certData) ? { certData: str(tls.certData) } : {}),
      ...(str(tls.keyData) ? { keyData: str(tls.keyData) } : {}),
    },
    ...(raw.execProviderConfig ? { external: 'it authenticates through execProviderConfig' } : raw.awsAuthConfig ? { external: 'it authenticates through awsAuthConfig' } : {}),
  };
  for (const v of [config.bearerToken, config.password, config.tlsClientConfig?.keyData, config.tlsClientConfig?.certData]) registerSecret(v);
  return config;
}

/** Argo CD's cluster Secrets in `namespace`, decoded; undefined when they may not be read (or Argo CD is not there). */
export async function readArgoClusters(client: Pick<ClusterClient, 'list'>, namespace: string, timeoutMs?: number): Promise<ArgoCluster[] | undefined> {
  let items: KubeObject[];
  try {
    ({ items } = await client.list({ group: '', kind: 'Secret', version: 'v1' }, { namespace, labelSelector: CLUSTER_SECRET_SELECTOR, timeoutMs }));
  } catch (err) {
    const kind = toClusterError(err).kind;
    if (kind === 'forbidden' || kind === 'notFound') return undefined;
    throw err;
  }
  return items.map((s) => {
    const data = (s.data ?? {}) as Record<string, string>;
    const dec = (k: string) => (typeof data[k] === 'string' ? Buffer.from(data[k], 'base64').toString('utf8') : undefined);
    const name = dec('name');
    return { secret: `${namespace}/${s.metadata?.name ?? ''}`, server: dec('server') ?? '', ...(name ? { name } : {}), config: decodeConfig(dec('config')) };
  });
}

/** The Secret's credentials as a kubeconfig (in memory only), or why they cannot be used. */
export function argoClusterKubeconfig(c: ArgoCluster): Kubeconfig | string {
  const { config } = c;
  const tls = config.tlsClientConfig ?? {};
  if (config.external) return `${c.secret}: ${config.external}`;
  if (!config.bearerToken && !(tls.certData && tls.keyData) && !config.username) return `${c.secret} holds no bearer token, client certificate or basic credentials`;
  const q = (v: string) => JSON.stringify(v);
  const lines = [
    'apiVersion: v1', 'kind: Config', 'current-context: argocd',
    'clusters:', '- name: argocd', '  cluster:', `    server: ${q(c.server)}`,
    ...(tls.caData ? [`    certificate-authority-data: ${q(tls.caData)}`] : []),
    ...(tls.insecure ? ['    insecure-skip-tls-verify: true'] : []),
    ...(tls.serverName ? [`    tls-server-name: ${q(tls.serverName)}`] : []),
    'users:', '- name: argocd', '  user:',
    ...(config.bearerToken ? [`    token: ${q(config.bearerToken)}`] : []),
    ...(tls.certData && tls.keyData ? [`    client-certificate-data: ${q(tls.certData)}`, `    client-key-data: ${q(tls.keyData)}`] : []),
    ...(!config.bearerToken && config.username ? [`    username: ${q(config.username)}`, `    password: ${q(config.password ?? '')}`] : []),
    'contexts:', '- name: argocd', '  context:', '    cluster: argocd', '    user: argocd',
  ];
  try {
    return new Kubeconfig([parseKubeconfigText(lines.join('\n'), `Argo CD cluster Secret ${c.secret}`)], 'setting');
  } catch (err) {
    return `${c.secret}: ${toClusterError(err).message}`;
  }
}

const CLUSTER_KINDS = [
  { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster' },
  { group: 'cluster.x-k8s.io', kind: 'Cluster' },
] as const;

/**
 * The Supervisor's TanzuKubernetesClusters and Clusters: across namespaces when allowed, else in
 * `fallback` (a namespace's user); none of a kind that is not served.
 */
export async function listWorkloadClusters(client: Pick<ClusterClient, 'list'>, options: { namespace?: string; fallback: string; timeoutMs?: number }): Promise<KubeObject[]> {
  const lists = await Promise.all(CLUSTER_KINDS.map(async (ref) => {
    try {
      return (await client.list(ref, { namespace: options.namespace, timeoutMs: options.timeoutMs })).items;
    } catch (err) {
      const kind = toClusterError(err).kind;
      if (kind === 'forbidden' && !options.namespace) {
        return (await client.list(ref, { namespace: options.fallback, timeoutMs: options.timeoutMs }).catch((e: unknown) => {
          if (toClusterError(e).kind === 'notFound') return { items: [] };
          throw e;
        })).items;
      }
      if (kind === 'notFound') return [];
      throw err;
    }
  }));
  return lists.flat();
}

export interface DestinationOptions extends Omit<WorkloadSessionOptions, 'supervisor'> {
  /** The Supervisor's client and URL: reads the Secrets, the clusters, and tells in-cluster apart. */
  readonly supervisor: { readonly client: ClusterClient; readonly namespace: string };
  /** Where Argo CD's cluster Secrets are (default argocd). */
  readonly argocdNamespace?: string;
}

/** An open destination: its session, and how it was reached (for messages; never a credential). */
export interface OpenDestination {
  readonly session: ConnectionSession;
  /** `team-a/wl-1`, or the Argo CD cluster's name, or its server. */
  readonly label: string;
  /** `Argo CD cluster Secret argocd/x`, `Secret team-a/wl-1-kubeconfig`, `context c`. */
  readonly from: string;
  readonly server: string;
  /** The workload cluster, when known. */
  readonly cluster?: ClusterRef;
}

interface Found {
  readonly argo?: ArgoCluster;
  readonly argoProblem?: string;
  readonly cluster?: ClusterRef;
  readonly server?: string;
}

/**
 * One session per destination (by server, else by name), opened on first need; a failed open is
 * not kept. `'supervisor'` for an in-cluster destination: the caller's own session is the one.
 */
export class DestinationSessions implements Disposable {
  private readonly sessions = new Map<string, Promise<OpenDestination>>();
  private readonly workloads: WorkloadSessions;
  private argoClusters?: Promise<ArgoCluster[] | undefined>;
  private clusters?: Promise<KubeObject[]>;
  private disposed = false;

  constructor(private readonly options: DestinationOptions) {
    this.workloads = new WorkloadSessions({ ...options, supervisor: options.supervisor.client });
  }

  open(dest: Destination): Promise<OpenDestination | 'supervisor'> {
    if (isInCluster(dest, this.options.supervisor.client.connection.server)) return Promise.resolve('supervisor');
    if (this.disposed) return Promise.reject(new ClusterError('cancelled', 'The cluster connections were closed.'));
    const key = dest.server?.trim() ? `server:${normalizeServer(dest.server)}` : `name:${dest.name?.trim()}`;
    let p = this.sessions.get(key);
    if (!p) {
      const opening = this.connect(dest);
      this.sessions.set(key, (p = opening));
      opening.catch(() => {
        if (this.sessions.get(key) === opening) this.sessions.delete(key);
      });
    }
    return p;
  }

  /** A workload cluster by name (a direct diff or sync into it): its kubeconfig Secret, else its context. */
  async openCluster(ref: ClusterRef): Promise<OpenDestination> {
    const session = await this.workloads.open(ref);
    return { session, label: clusterKey(ref), server: session.connection.server, cluster: ref, from: this.fromOf(ref, session) };
  }

  /** The destinations open or opening. */
  get keys(): string[] {
    return [...this.sessions.keys()];
  }

  /** Read the Argo CD cluster Secrets and the clusters again on the next open (a registration since). */
  forgetLookups(): void {
    this.argoClusters = undefined;
    this.clusters = undefined;
  }

  /** Ends one destination's session. */
  close(dest: Destination): void {
    const key = dest.server?.trim() ? `server:${normalizeServer(dest.server)}` : `name:${dest.name?.trim()}`;
    const p = this.sessions.get(key);
    this.sessions.delete(key);
    p?.then((d) => {
      if (d.cluster && !d.from.startsWith('Argo CD')) this.workloads.close(d.cluster);
      else d.session.dispose();
    }, () => undefined);
  }

  dispose(): void {
    this.disposed = true;
    for (const p of this.sessions.values()) p.then((d) => d.session.dispose(), () => undefined);
    this.sessions.clear();
    this.workloads.dispose();
  }

  private async connect(dest: Destination): Promise<OpenDestination> {
    const label = destinationLabel(dest);
    const found = await this.find(dest);
    if (found.argo) {
      const kubeconfig = argoClusterKubeconfig(found.argo);
      if (typeof kubeconfig !== 'string') {
        const session = await ConnectionSession.open({ ...this.options.session, kubeconfig, context: 'argocd' });
        if (this.disposed) {
          session.dispose();
          throw new ClusterError('cancelled', `The connection to cluster ${label} was closed while it opened.`);
        }
        const name = found.cluster ? clusterKey(found.cluster) : found.argo.name || label;
        return { session, label: name, from: `Argo CD cluster Secret ${found.argo.secret}`, server: found.argo.server, ...(found.cluster ? { cluster: found.cluster } : {}) };
      }
    }
    if (!found.cluster) {
      const why = found.argo ? argoClusterKubeconfig(found.argo) as string : found.argoProblem ?? 'no Argo CD cluster Secret names it';
      throw new ClusterError('config', `Cluster ${label}: cannot connect: ${why}, and no TanzuKubernetesCluster or Cluster you may read${dest.server ? ` has the server ${dest.server}` : ` is named ${label}`}. Name a kubeconfig context for it in the setting tanzuGitops.clusterContexts ("NS/NAME": "<context>") or with --cluster-context NS/NAME=<context>.`);
    }
    return this.openCluster(found.cluster);
  }

  private fromOf(ref: ClusterRef, session: ConnectionSession): string {
    return this.options.contexts?.[clusterKey(ref)] === session.context ? `context ${session.context}` : `Secret ${ref.namespace}/${kubeconfigSecretName(ref)}`;
  }

  /** The destination's Argo CD cluster Secret and workload cluster, as far as the user may read them. */
  private async find(dest: Destination): Promise<Found> {
    const { client, namespace } = this.options.supervisor;
    const timeoutMs = this.options.timeoutMs;
    const argoNs = this.options.argocdNamespace ?? 'argocd';
    // both lookups at once: the clusters are needed when no Secret names the destination, or to name it
    this.argoClusters ??= readArgoClusters(client, argoNs, timeoutMs);
    this.clusters ??= listWorkloadClusters(client, { fallback: namespace, timeoutMs });
    const clusters = this.clusters.catch((): KubeObject[] => []);
    const secrets = await this.argoClusters.catch((err: unknown) => { this.argoClusters = undefined; throw err; });
    const wantServer = dest.server?.trim() ? normalizeServer(dest.server) : undefined;
    const wantName = dest.name?.trim();
    const argo = secrets?.find((s) => (wantServer ? normalizeServer(s.server) === wantServer : s.name === wantName));
    const argoProblem = secrets === undefined ? `the Argo CD cluster Secrets in ${argoNs} cannot be read (forbidden)` : argo ? undefined : `no Argo CD cluster Secret in ${argoNs} ${wantServer ? `has the server ${dest.server}` : `is named ${wantName}`}`;
    const server = wantServer ?? (argo ? normalizeServer(argo.server) : undefined);
    // the workload cluster: by its API server, else by Argo CD's name (NS-NAME, as register-cluster writes it)
    const objects = await clusters;
    let cluster: ClusterRef | undefined;
    for (const o of objects) {
      const s = summarizeCluster(o);
      if (!s) continue;
      if ((server && s.server && normalizeServer(s.server) === server) || (wantName && (wantName === `${s.namespace}-${s.name}` || wantName === `${s.namespace}/${s.name}`))) {
        cluster = { namespace: s.namespace, name: s.name };
        break;
      }
    }
    // else a context named for a cluster whose server is the destination's
    cluster ??= this.contextCluster(server, wantName);
    return { ...(argo ? { argo } : {}), ...(argoProblem ? { argoProblem } : {}), ...(cluster ? { cluster } : {}), ...(server ? { server } : {}) };
  }

  private contextCluster(server: string | undefined, name: string | undefined): ClusterRef | undefined {
    const contexts = this.options.contexts ?? {};
    for (const [key, context] of Object.entries(contexts)) {
      const i = key.indexOf('/');
      const ref = { namespace: key.slice(0, i), name: key.slice(i + 1) };
      if (name && (name === key || name === `${ref.namespace}-${ref.name}`)) return ref;
      if (!server || !this.options.fallbackKubeconfig) continue;
      try {
        const s = this.options.fallbackKubeconfig().resolve(context).cluster.server;
        if (normalizeServer(s) === server) return ref;
      } catch {
        // a context that is not there is reported when it is used
      }
    }
    return undefined;
  }
}
