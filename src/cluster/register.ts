/**
 * Registering a workload cluster with the Supervisor's Argo CD, as `argocd cluster add` does: in
 * the cluster a ServiceAccount argocd-manager (kube-system) bound to a ClusterRole that may do
 * everything, and a bearer token of it; on the Supervisor a Secret labelled
 * argocd.argoproj.io/secret-type: cluster with name, server and config (bearerToken,
 * tlsClientConfig.caData). The token is registered with the redactor the moment it is read.
 */
import fs from 'node:fs';
import { normalizeServer, type ArgoClusterSecret } from '../core/clusters';
import type { ClusterClient, KubeObject } from './client';
import { ClusterError, toClusterError } from './errors';
import { registerSecret } from './redact';
import { clusterKey, type ClusterRef } from './workload';

export const ARGOCD_MANAGER = 'argocd-manager';
export const ARGOCD_MANAGER_ROLE = 'argocd-manager-role';
export const ARGOCD_MANAGER_BINDING = 'argocd-manager-role-binding';
const TOKEN_SECRET = 'argocd-manager-token';
const NS = 'kube-system';
const FIELD_MANAGER = 'tanzu-gitops';
/** What TokenRequest is asked for when no token controller fills the Secret: one year. */
export const TOKEN_REQUEST_SECONDS = 365 * 24 * 3600;
const CLUSTER_SECRET_LABEL = 'argocd.argoproj.io/secret-type';
/** The label selector of Argo CD's cluster Secrets. */
export const CLUSTER_SECRET_SELECTOR = `${CLUSTER_SECRET_LABEL}=cluster`;
/** The annotation that names the Supervisor cluster a Secret was registered for. */
const CLUSTER_ANNOTATION = 'tanzu-gitops.dev/cluster';

/** An Argo CD cluster Secret's name, server and cluster name (never its config: that holds the token). */
export function argoClusterSecretOf(s: KubeObject): ArgoClusterSecret {
  const data = (s.data ?? {}) as Record<string, unknown>;
  const dec = (k: string) => (typeof data[k] === 'string' ? Buffer.from(data[k], 'base64').toString('utf8') : undefined);
  const clusterName = dec('name');
  const cluster = (s.metadata?.annotations as Record<string, string> | undefined)?.[CLUSTER_ANNOTATION];
  return { name: s.metadata?.name ?? '', server: dec('server') ?? '', ...(clusterName ? { clusterName } : {}), ...(cluster ? { cluster } : {}) };
}

export interface Registration {
  readonly cluster: ClusterRef;
  /** The cluster's API server, as Argo CD will reach it. */
  readonly server: string;
  /** Base64 PEM of the CA the server is checked against (none with insecure-skip-tls-verify). */
  readonly caData?: string;
  readonly argocdNamespace: string;
  /** The Secret's name on the Supervisor. */
  readonly secretName: string;
  /** The cluster's name in Argo CD (data.name). */
  readonly clusterName: string;
}

/** What register will do, before anything changes. */
export function registration(cluster: ClusterRef, workload: ClusterClient, argocdNamespace: string): Registration {
  const c = workload.connection.resolved.cluster;
  const caData = c.caData ?? (c.caFile ? fs.readFileSync(c.caFile).toString('base64') : undefined);
  return {
    cluster,
    server: c.server,
    ...(caData ? { caData } : {}),
    argocdNamespace,
    secretName: `cluster-${cluster.namespace}-${cluster.name}`,
    clusterName: `${cluster.namespace}-${cluster.name}`,
  };
}

export function planLines(r: Registration, unregister: boolean): string[] {
  if (unregister) {
    return [
      `Unregister cluster ${clusterKey(r.cluster)} (${r.server}) from Argo CD:`,
      `  on the Supervisor: delete the cluster Secret(s) in ${r.argocdNamespace} whose server is ${r.server}`,
      `  in the cluster: delete ClusterRoleBinding ${ARGOCD_MANAGER_BINDING}, ClusterRole ${ARGOCD_MANAGER_ROLE}, Secret ${NS}/${TOKEN_SECRET}, ServiceAccount ${NS}/${ARGOCD_MANAGER}`,
    ];
  }
  return [
    `Register cluster ${clusterKey(r.cluster)} with Argo CD:`,
    `  in the cluster (${r.server}):`,
    `    ServiceAccount ${NS}/${ARGOCD_MANAGER}`,
    `    ClusterRole ${ARGOCD_MANAGER_ROLE} (every verb on every resource and non-resource URL)`,
    `    ClusterRoleBinding ${ARGOCD_MANAGER_BINDING} (${ARGOCD_MANAGER_ROLE} to ${NS}/${ARGOCD_MANAGER})`,
    `    a bearer token of ${ARGOCD_MANAGER}: Secret ${NS}/${TOKEN_SECRET} when a token controller fills it, else TokenRequest (valid ${TOKEN_REQUEST_SECONDS / 86400} days)`,
    `  on the Supervisor:`,
    `    Secret ${r.argocdNamespace}/${r.secretName} (${CLUSTER_SECRET_LABEL}: cluster; name ${r.clusterName}, server ${r.server}, bearer token, ${r.caData ? 'CA data' : 'no CA data'})`,
  ];
}

export interface RegisterOptions {
  /** How long to wait for a token controller to fill the token Secret (default 10 s). */
  readonly tokenWaitMs?: number;
  readonly pollMs?: number;
  /** Progress lines (never the token). */
  readonly progress?: (line: string) => void;
}

export interface Registered {
  readonly via: 'secret' | 'tokenRequest';
  /** When the token expires (TokenRequest); undefined for a Secret's token, which does not. */
  readonly expires?: Date;
  readonly secret: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Creates both sides (server-side apply: running it again changes nothing but the token). */
export async function register(r: Registration, supervisor: ClusterClient, workload: ClusterClient, options: RegisterOptions = {}): Promise<Registered> {
  const say = options.progress ?? (() => undefined);
  const apply = (o: KubeObject) => workload.apply(o, { fieldManager: FIELD_MANAGER, force: true });
  await apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: ARGOCD_MANAGER, namespace: NS } });
  await apply({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: ARGOCD_MANAGER_ROLE },
    rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }],
  });
  await apply({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: ARGOCD_MANAGER_BINDING },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: ARGOCD_MANAGER_ROLE },
    subjects: [{ kind: 'ServiceAccount', name: ARGOCD_MANAGER, namespace: NS }],
  });
  say(`cluster: ServiceAccount ${NS}/${ARGOCD_MANAGER}, ClusterRole ${ARGOCD_MANAGER_ROLE}, ClusterRoleBinding ${ARGOCD_MANAGER_BINDING} applied`);
  const token = await bearerToken(workload, options, say);
  registerSecret(token.token);
  const config = { bearerToken: token.token, tlsClientConfig: { insecure: !r.caData, ...(r.caData ? { caData: r.caData } : {}) } };
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  try {
    await supervisor.apply({
      apiVersion: 'v1', kind: 'Secret',
      metadata: {
        name: r.secretName, namespace: r.argocdNamespace,
        labels: { [CLUSTER_SECRET_LABEL]: 'cluster' },
        annotations: { 'managed-by': 'argocd.argoproj.io', [CLUSTER_ANNOTATION]: clusterKey(r.cluster) },
      },
      type: 'Opaque',
      data: { name: b64(r.clusterName), server: b64(r.server), config: b64(JSON.stringify(config)) },
    }, { fieldManager: FIELD_MANAGER, force: true });
  } catch (err) {
    throw toClusterError(err);
  }
  say(`Supervisor: Secret ${r.argocdNamespace}/${r.secretName} applied`);
  return { via: token.via, ...(token.expires ? { expires: token.expires } : {}), secret: `${r.argocdNamespace}/${r.secretName}` };
}

/** The token Secret's token once a controller fills it, else (after the wait) a TokenRequest token. */
async function bearerToken(workload: ClusterClient, options: RegisterOptions, say: (line: string) => void): Promise<{ token: string; via: Registered['via']; expires?: Date }> {
  const secretRef = { group: '', kind: 'Secret', version: 'v1', namespace: NS, name: TOKEN_SECRET } as const;
  await workload.apply({
    apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token',
    metadata: { name: TOKEN_SECRET, namespace: NS, annotations: { 'kubernetes.io/service-account.name': ARGOCD_MANAGER } },
  }, { fieldManager: FIELD_MANAGER, force: true });
  const until = Date.now() + (options.tokenWaitMs ?? 10_000);
  for (;;) {
    const s = await workload.get(secretRef);
    const data = (s.data ?? {}) as Record<string, string>;
    if (data.token) {
      const token = Buffer.from(data.token, 'base64').toString('utf8');
      registerSecret(token);
      say(`cluster: token from Secret ${NS}/${TOKEN_SECRET} (filled by the token controller; it does not expire)`);
      return { token, via: 'secret' };
    }
    if (Date.now() >= until) break;
    await sleep(options.pollMs ?? 500);
  }
  // no token controller filled it: the Secret is of no use, a TokenRequest token replaces it
  await workload.delete(secretRef).catch(() => undefined);
  const answer = await workload.connection.request<{ status?: { token?: string; expirationTimestamp?: string } }>({
    method: 'POST',
    path: `/api/v1/namespaces/${NS}/serviceaccounts/${ARGOCD_MANAGER}/token`,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: TOKEN_REQUEST_SECONDS } },
    describe: { verb: 'create', resource: 'serviceaccounts/token', namespace: NS, name: ARGOCD_MANAGER },
  });
  const token = answer.status?.token;
  if (!token) throw new ClusterError('server', `The cluster answered the TokenRequest for ${NS}/${ARGOCD_MANAGER} without a token.`);
  registerSecret(token);
  const expires = answer.status?.expirationTimestamp ? new Date(answer.status.expirationTimestamp) : undefined;
  say(`cluster: no token controller filled Secret ${NS}/${TOKEN_SECRET}; token from TokenRequest${expires ? `, expires ${expires.toISOString()}` : ''}`);
  return { token, via: 'tokenRequest', ...(expires ? { expires } : {}) };
}

/** Argo CD cluster Secrets in the namespace whose server is this one. */
async function clusterSecretsFor(supervisor: ClusterClient, r: Registration): Promise<string[]> {
  const { items } = await supervisor.list({ group: '', kind: 'Secret', version: 'v1' }, { namespace: r.argocdNamespace, labelSelector: CLUSTER_SECRET_SELECTOR });
  return items.filter((s) => {
    const server = (s.data as Record<string, string> | undefined)?.server;
    return (server && normalizeServer(Buffer.from(server, 'base64').toString('utf8')) === normalizeServer(r.server)) || s.metadata?.name === r.secretName;
  }).map((s) => s.metadata?.name ?? '');
}

/** Removes both sides; what was there and is gone, by name. A missing object is not an error. */
export async function unregister(r: Registration, supervisor: ClusterClient, workload: ClusterClient | undefined): Promise<string[]> {
  const removed: string[] = [];
  const del = async (client: ClusterClient, ref: { group: string; kind: string; version: string; namespace?: string; name: string }, label: string) => {
    try {
      await client.delete(ref);
      removed.push(label);
    } catch (err) {
      if (toClusterError(err).kind !== 'notFound') throw err;
    }
  };
  for (const name of await clusterSecretsFor(supervisor, r)) {
    await del(supervisor, { group: '', kind: 'Secret', version: 'v1', namespace: r.argocdNamespace, name }, `Supervisor Secret ${r.argocdNamespace}/${name}`);
  }
  if (workload) {
    await del(workload, { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding', version: 'v1', name: ARGOCD_MANAGER_BINDING }, `ClusterRoleBinding ${ARGOCD_MANAGER_BINDING}`);
    await del(workload, { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', version: 'v1', name: ARGOCD_MANAGER_ROLE }, `ClusterRole ${ARGOCD_MANAGER_ROLE}`);
    await del(workload, { group: '', kind: 'Secret', version: 'v1', namespace: NS, name: TOKEN_SECRET }, `Secret ${NS}/${TOKEN_SECRET}`);
    await del(workload, { group: '', kind: 'ServiceAccount', version: 'v1', namespace: NS, name: ARGOCD_MANAGER }, `ServiceAccount ${NS}/${ARGOCD_MANAGER}`);
  }
  return removed;
}
