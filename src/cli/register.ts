/**
 *   tanzu-gitops register-cluster [--kubeconfig F] [--context C] [--cluster-context C]
 *                                 [--argocd-namespace NS] [--yes] [--unregister] NS/NAME
 * Registers a workload cluster with the Supervisor's Argo CD (or, with --unregister, removes both
 * sides). Without --yes it prints the plan and changes nothing. The token is never printed.
 */
import type { ClusterRef } from '../cluster';
import { COMMON_OPTIONS, SESSION_OPTIONS, argsOrExit, failure, openSession, parseCommandLine, redacted, timeoutOf, UsageError, type OptionDefs } from './command';
import { discoveryCacheDir } from './files';
import type { ErrWriter } from './format';

export const REGISTER_USAGE = `Usage: tanzu-gitops register-cluster [--kubeconfig FILE] [--context NAME] [--cluster-context NAME]
                                     [--argocd-namespace NS] [--yes] [--unregister] NS/NAME

Registers the TanzuKubernetesCluster or Cluster NS/NAME with the Supervisor's Argo CD, as
\`argocd cluster add\` does: in the cluster a ServiceAccount argocd-manager (kube-system), a
ClusterRole argocd-manager-role and its ClusterRoleBinding, and a bearer token (a
service-account-token Secret when a token controller fills it, else TokenRequest, valid one year:
the expiry is printed); on the Supervisor a Secret labelled argocd.argoproj.io/secret-type: cluster
with name, server and config. The cluster's credentials come from the Supervisor Secret
NAME-kubeconfig in NS (key value), else from --cluster-context. The token is never printed.

Options:
  --kubeconfig FILE          kubeconfig file(s) (default: KUBECONFIG, else ~/.kube/config)
  --context NAME             the Supervisor's context (default: the current one)
  --cluster-context NAME     the cluster's context in those files, when its Secret cannot be read
  --argocd-namespace NS      Argo CD's namespace on the Supervisor (default: argocd)
  -y, --yes                  make the changes (without it: print the plan, change nothing)
  --unregister               remove the Supervisor's cluster Secret and, in the cluster, what
                             registration created
  --token-wait SECONDS       how long to wait for a token controller (default 10)
  --timeout SECONDS          time allowed for each request (default 30)
  -h, --help                 this help

Exit codes: 0 done (or the plan printed), 2 it could not be done or a usage error.`;

export const REGISTER_OPTIONS = {
  ...COMMON_OPTIONS,
  ...SESSION_OPTIONS,
  'cluster-context': { type: 'string' },
  'argocd-namespace': { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  unregister: { type: 'boolean' },
  'token-wait': { type: 'string' },
} as const satisfies OptionDefs;

interface Args {
  cluster: ClusterRef;
  kubeconfig: string[];
  context?: string;
  clusterContext?: string;
  argocdNamespace: string;
  yes: boolean;
  unregister: boolean;
  tokenWaitMs: number;
  timeoutMs: number;
  help: boolean;
}

function parse(argv: readonly string[]): Args {
  const { values: v, positionals } = parseCommandLine(argv, REGISTER_OPTIONS);
  const help = v.help ?? false;
  if (positionals.length !== 1 && !help) throw new UsageError(positionals.length ? `one cluster only (got ${positionals.join(', ')})` : 'no cluster given (NS/NAME)');
  const { parseClusterRef } = require('../cluster/workload') as typeof import('../cluster/workload');
  const cluster = help ? { namespace: '', name: '' } : parseClusterRef(positionals[0]);
  if (!cluster) throw new UsageError(`"${positionals[0]}" is not NS/NAME (a vSphere Namespace and a cluster in it)`);
  let tokenWaitMs = 10_000;
  if (v['token-wait'] !== undefined) {
    const n = Number(v['token-wait']);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`--token-wait must be a number of seconds, not "${v['token-wait']}"`);
    tokenWaitMs = n * 1000;
  }
  return {
    cluster,
    kubeconfig: v.kubeconfig ?? [],
    ...(v.context !== undefined ? { context: v.context } : {}),
    ...(v['cluster-context'] !== undefined ? { clusterContext: v['cluster-context'] } : {}),
    argocdNamespace: v['argocd-namespace']?.trim() || 'argocd',
    yes: v.yes ?? false,
    unregister: v.unregister ?? false,
    tokenWaitMs,
    timeoutMs: timeoutOf(v.timeout, 30_000),
    help,
  };
}

export async function runRegister(argv: readonly string[], write: (s: string) => void, writeErr: ErrWriter): Promise<number> {
  const args = argsOrExit('register-cluster', REGISTER_USAGE, argv, parse, write, writeErr);
  if (typeof args === 'number') return args;
  const fail = failure('register-cluster', writeErr);
  const cluster = require('../cluster') as typeof import('../cluster');
  const key = cluster.clusterKey(args.cluster);
  let supervisor;
  try {
    supervisor = await openSession({ kubeconfig: args.kubeconfig, context: args.context, requestTimeoutMs: args.timeoutMs });
  } catch (err) {
    return fail(redacted(err), 'connection');
  }
  const workloads = new cluster.WorkloadSessions({
    supervisor: supervisor.client,
    contexts: args.clusterContext ? { [key]: args.clusterContext } : {},
    fallbackKubeconfig: () => cluster.loadKubeconfig({ paths: args.kubeconfig, pathsFrom: 'command line' }),
    timeoutMs: args.timeoutMs,
    session: { allowExec: true, requestTimeoutMs: args.timeoutMs, discoveryCache: { dir: discoveryCacheDir() } },
  });
  try {
    const workload = await workloads.open(args.cluster);
    const plan = cluster.registration(args.cluster, workload.client, args.argocdNamespace);
    if (!args.yes) {
      write(`${cluster.planLines(plan, args.unregister).join('\n')}\nNothing was changed: run again with --yes to ${args.unregister ? 'unregister' : 'register'}.\n`);
      return 0;
    }
    if (args.unregister) {
      const removed = await cluster.unregister(plan, supervisor.client, workload.client);
      write(removed.length ? `Unregistered ${key}: removed ${removed.join(', ')}\n` : `${key} was not registered: nothing to remove\n`);
      return 0;
    }
    const done = await cluster.register(plan, supervisor.client, workload.client, { tokenWaitMs: args.tokenWaitMs, progress: (l) => writeErr(`tanzu-gitops register-cluster: ${redacted(l)}\n`) });
    const how = done.via === 'secret' ? 'token from a service-account-token Secret (no expiry)'
      : `token from TokenRequest, expires ${done.expires ? done.expires.toISOString() : '(no expiry given)'}: register again before then`;
    write(`Registered ${key} with Argo CD as ${plan.clusterName} (${plan.server}): Secret ${done.secret}; ${how}\n`);
    return 0;
  } catch (err) {
    const e = err as { kind?: string };
    return fail(redacted(err), e.kind === 'forbidden' || e.kind === 'config' ? 'failed' : 'connection');
  } finally {
    workloads.dispose();
    supervisor.dispose();
  }
}
