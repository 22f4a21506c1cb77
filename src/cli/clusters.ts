/**
 *   tanzu-gitops clusters [--kubeconfig F] [--context C] [--namespace NS] [--argocd-namespace NS]
 *                         [--format text|json]
 * The Supervisor's TanzuKubernetesClusters and Clusters: phase, conditions, release, replicas
 * desired and ready, and whether Argo CD has them as a cluster. A user who may not list across
 * namespaces sees those of their own (the context's, or --namespace).
 */
import type { ClusterClient } from '../cluster';
import { argoRegistration, summarizeCluster, type ArgoClusterSecret, type ClusterSummary, type Replicas } from '../core/clusters';
import { COMMON_OPTIONS, CONNECTION_OPTIONS, argsOrExit, failure, formatOf, openSession, parseCommandLine, redacted, timeoutOf, UsageError, type OptionDefs } from './command';
import type { ErrWriter } from './format';

export const CLUSTERS_USAGE = `Usage: tanzu-gitops clusters [--kubeconfig FILE] [--context NAME] [--namespace NS]
                             [--argocd-namespace NS] [--format text|json]

Lists the Supervisor's TanzuKubernetesClusters and Clusters (all vSphere Namespaces you may read,
else the context's namespace or --namespace): phase, Ready and the conditions that are not True,
Kubernetes release, control plane and node pool replicas (ready/desired, from status), and the
Argo CD cluster Secret that points at each, if any.

Options:
  --kubeconfig FILE          kubeconfig file(s) (default: KUBECONFIG, else ~/.kube/config)
  --context NAME             the Supervisor's context (default: the current one)
  -n, --namespace NS         only this vSphere Namespace
  --argocd-namespace NS      where Argo CD's cluster Secrets are (default: argocd)
  --timeout SECONDS          time allowed for each request (default 30)
  -o, --format text|json     output format (default: text)
  -h, --help                 this help

Exit codes: 0 listed, 2 the Supervisor could not be read or a usage error.`;

export const CLUSTERS_OPTIONS = {
  ...COMMON_OPTIONS,
  ...CONNECTION_OPTIONS,
  'argocd-namespace': { type: 'string' },
  format: { type: 'string', short: 'o' },
} as const satisfies OptionDefs;

interface Args {
  kubeconfig: string[];
  context?: string;
  namespace?: string;
  argocdNamespace: string;
  format: 'text' | 'json';
  timeoutMs: number;
  help: boolean;
}

function parse(argv: readonly string[]): Args {
  const { values: v, positionals } = parseCommandLine(argv, CLUSTERS_OPTIONS);
  if (positionals.length) throw new UsageError(`clusters takes no argument (got ${positionals.join(', ')})`);
  return {
    kubeconfig: v.kubeconfig ?? [],
    ...(v.context !== undefined ? { context: v.context } : {}),
    ...(v.namespace !== undefined ? { namespace: v.namespace } : {}),
    argocdNamespace: v['argocd-namespace']?.trim() || 'argocd',
    format: formatOf(v.format, ['text', 'json'] as const),
    timeoutMs: timeoutOf(v.timeout, 30_000),
    help: v.help ?? false,
  };
}

export interface ListedCluster extends ClusterSummary {
  /** The Argo CD cluster Secret pointing at it; null when none does; undefined when they could not be read. */
  readonly argocd?: { readonly secret: string; readonly name?: string } | null;
}

/** Argo CD's cluster Secrets (name and server only); undefined when they may not be read. */
export async function argoClusterSecrets(client: ClusterClient, namespace: string, timeoutMs: number): Promise<ArgoClusterSecret[] | undefined> {
  try {
    const { CLUSTER_SECRET_SELECTOR, argoClusterSecretOf } = require('../cluster/register') as typeof import('../cluster/register');
    const { items } = await client.list({ group: '', kind: 'Secret', version: 'v1' }, { namespace, labelSelector: CLUSTER_SECRET_SELECTOR, timeoutMs });
    return items.map(argoClusterSecretOf);
  } catch (err) {
    const kind = (err as { kind?: string }).kind;
    if (kind === 'forbidden' || kind === 'notFound') return undefined;
    throw err;
  }
}

/** Every cluster the user may see, with its Argo CD registration. */
export async function listClusters(client: ClusterClient, options: { namespace?: string; fallbackNamespace: string; argocdNamespace: string; timeoutMs: number }): Promise<{ clusters: ListedCluster[]; argocdReadable: boolean }> {
  const { listWorkloadClusters } = require('../cluster') as typeof import('../cluster');
  const objects = await listWorkloadClusters(client, { namespace: options.namespace, fallback: options.fallbackNamespace, timeoutMs: options.timeoutMs });
  const secrets = await argoClusterSecrets(client, options.argocdNamespace, options.timeoutMs);
  const clusters = objects.map((o) => summarizeCluster(o)).filter((s): s is ClusterSummary => !!s).map((s): ListedCluster => {
    if (!secrets) return s;
    const hit = argoRegistration([s.server], secrets);
    return { ...s, argocd: hit ? { secret: `${options.argocdNamespace}/${hit.name}`, ...(hit.clusterName ? { name: hit.clusterName } : {}) } : null };
  });
  clusters.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
  return { clusters, argocdReadable: secrets !== undefined };
}

function replicas(r: Replicas): string {
  return `${r.ready ?? '?'}/${r.desired ?? '?'}`;
}

function textLines(clusters: readonly ListedCluster[]): string[] {
  const rows = [['NAMESPACE', 'NAME', 'KIND', 'PHASE', 'READY', 'RELEASE', 'CONTROL PLANE', 'WORKERS', 'ARGO CD']];
  for (const c of clusters) {
    rows.push([c.namespace, c.name, c.kind === 'TanzuKubernetesCluster' ? 'TKC' : 'Cluster', c.phase ?? '-', c.ready ?? '-', c.release ?? '-',
      replicas(c.controlPlane), replicas(c.nodePools), c.argocd === undefined ? '?' : c.argocd ? c.argocd.secret : 'no']);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  '));
  for (const c of clusters) {
    const off = c.conditions.filter((x) => x.status !== 'True' && x.type !== 'UpdatesAvailable');
    for (const x of off) lines.push(`  ${c.namespace}/${c.name}: ${x.type} ${x.status}${x.reason ? ` (${x.reason})` : ''}${x.message ? `: ${x.message}` : ''}`);
  }
  return lines;
}

export async function runClusters(argv: readonly string[], write: (s: string) => void, writeErr: ErrWriter): Promise<number> {
  const args = argsOrExit('clusters', CLUSTERS_USAGE, argv, parse, write, writeErr);
  if (typeof args === 'number') return args;
  const fail = failure('clusters', writeErr);
  let session;
  try {
    session = await openSession({ kubeconfig: args.kubeconfig, context: args.context, requestTimeoutMs: args.timeoutMs });
  } catch (err) {
    return fail(redacted(err), 'connection');
  }
  try {
    const { clusters, argocdReadable } = await listClusters(session.client, { namespace: args.namespace, fallbackNamespace: session.namespace, argocdNamespace: args.argocdNamespace, timeoutMs: args.timeoutMs });
    if (args.format === 'json') {
      write(`${JSON.stringify({ clusters }, null, 2)}\n`);
      return 0;
    }
    if (!clusters.length) writeErr('tanzu-gitops clusters: no TanzuKubernetesCluster or Cluster you may read\n');
    else write(`${textLines(clusters).join('\n')}\n`);
    if (!argocdReadable) writeErr(`tanzu-gitops clusters: the Argo CD cluster Secrets in ${args.argocdNamespace} cannot be read: registration unknown (?)\n`);
    return 0;
  } catch (err) {
    return fail(redacted(err), 'connection');
  } finally {
    session.dispose();
  }
}
