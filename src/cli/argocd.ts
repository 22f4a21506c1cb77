/**
 * `tanzu-gitops argocd terminate|history|rollback NAME`: the operations people run on an Argo CD
 * Application, as the argocd CLI runs them (terminate-op, history, rollback), through the
 * Application object. Exit codes: 0 done, 1 refused or not succeeded, 2 usage or connection.
 */
import {
  COMMON_OPTIONS, SESSION_OPTIONS, UsageError, argsOrExit, failure, formatOf, openSession, parseCommandLine, timeoutOf, type OptionDefs,
} from './command';
import type { ErrWriter } from './format';
import { argoJson, formatArgoReport } from './sync-format';

export const ARGOCD_USAGE = `Usage: tanzu-gitops argocd terminate NAME [options]
       tanzu-gitops argocd history NAME [options]
       tanzu-gitops argocd rollback NAME ID [--wait] [options]

Operations on an Argo CD Application, as the argocd CLI runs them:
  terminate   stops the operation in progress (its operationState goes Terminating)
  history     the deployments Argo CD recorded (status.history): id, revision, deployed at, by
  rollback    syncs the revision and source of history entry ID; refused while automated sync
              is on, as Argo CD refuses it

Options:
  --argocd-namespace NS the Application's namespace (default: argocd)
  --kubeconfig FILE     kubeconfig to read (repeatable; default: KUBECONFIG, else ~/.kube/config)
  --context NAME        the context (default: the kubeconfig's current one)
  --wait                rollback: when another operation is in progress, wait for it first
  -o, --format text|json
  --timeout SECONDS     how long to follow a rollback (default 300)
  -h, --help            this help

Exit codes: 0 done, 1 refused (auto-sync on, no such entry, nothing to terminate, another
operation in progress) or the rollback did not succeed, 2 a usage or connection error.`;

export const ARGOCD_OPTIONS = {
  ...COMMON_OPTIONS,
  ...SESSION_OPTIONS,
  'argocd-namespace': { type: 'string' },
  wait: { type: 'boolean' },
  format: { type: 'string', short: 'o' },
} as const satisfies OptionDefs;

export interface ArgocdArgs {
  readonly action: 'terminate' | 'history' | 'rollback';
  readonly name: string;
  readonly id?: number;
  readonly namespace: string;
  readonly kubeconfig: readonly string[];
  readonly context?: string;
  readonly wait: boolean;
  readonly format: 'text' | 'json';
  readonly timeoutMs: number;
  readonly help: boolean;
}

export function parseArgocdArgs(argv: readonly string[]): ArgocdArgs {
  const { values: v, positionals } = parseCommandLine(argv, ARGOCD_OPTIONS);
  const help = v.help ?? false;
  const [action, name, id, ...rest] = positionals;
  const base = { namespace: v['argocd-namespace']?.trim() || 'argocd', kubeconfig: v.kubeconfig ?? [], context: v.context, wait: v.wait ?? false, format: formatOf(v.format, ['text', 'json'] as const), timeoutMs: timeoutOf(v.timeout, 300_000), help };
  if (help) return { action: 'history', name: '', ...base };
  if (action !== 'terminate' && action !== 'history' && action !== 'rollback') throw new UsageError(`argocd needs terminate, history or rollback${action ? ` (got ${action})` : ''}`);
  if (!name) throw new UsageError(`argocd ${action} needs the Application's name`);
  if (action === 'rollback' && (id === undefined || !/^\d+$/.test(id))) throw new UsageError('argocd rollback needs the history id (a number; see argocd history NAME)');
  if (rest.length || (action !== 'rollback' && id !== undefined)) throw new UsageError(`argocd ${action} takes ${action === 'rollback' ? 'NAME ID' : 'NAME'} only`);
  if (base.wait && action !== 'rollback') throw new UsageError('--wait applies to rollback');
  return { action, name, ...(action === 'rollback' ? { id: Number(id) } : {}), ...base };
}

export async function runArgocd(argv: readonly string[], write: (s: string) => void, writeErr: ErrWriter): Promise<number> {
  const fail = failure('argocd', writeErr);
  const args = argsOrExit('argocd', ARGOCD_USAGE, argv, parseArgocdArgs, write, writeErr);
  if (typeof args === 'number') return args;
  const cluster = require('../cluster') as typeof import('../cluster');
  const argocd = require('../argocd') as typeof import('../argocd');
  const clean = (t: string) => cluster.redact(t);
  let session: import('../cluster').ConnectionSession;
  try {
    session = await openSession({ kubeconfig: args.kubeconfig, context: args.context, requestTimeoutMs: 30_000 });
  } catch (err) {
    return fail(clean(err instanceof Error ? err.message : String(err)), 'connection');
  }
  const ref = { name: args.name, namespace: args.namespace };
  const json = (v: unknown) => write(`${JSON.stringify(v, null, 2)}\n`);
  try {
    if (args.action === 'history') {
      const history = argocd.historyOf(await argocd.getApplication(session.client, ref));
      if (args.format === 'json') json(history);
      else for (const h of history) write(`${String(h.id).padEnd(4)} ${h.revision.slice(0, 12).padEnd(12)} ${h.deployedAt ?? ''}${h.initiatedBy ? `  by ${h.initiatedBy}` : ''}\n`);
      if (args.format === 'text' && history.length === 0) writeErr(`Application ${ref.namespace}/${ref.name} has no deployment history yet.\n`);
      return 0;
    }
    if (args.action === 'terminate') {
      const r = await argocd.terminateOperation(session.client, ref);
      if (args.format === 'json') json(r);
      else writeErr(`${clean(r.message)}\n`);
      return r.outcome === 'terminating' ? 0 : 1;
    }
    const r = await argocd.rollbackApplication(session.client, ref, args.id as number, { ifBusy: args.wait ? 'wait' : 'report', timeoutMs: args.timeoutMs, pollMs: 500 });
    if (r.outcome === 'refused') {
      if (args.format === 'json') json({ outcome: 'refused', message: r.message });
      else writeErr(`tanzu-gitops argocd: ${clean(r.message)}\n`);
      return 1;
    }
    if (args.format === 'json') json(argoJson(r, clean));
    else {
      write(formatArgoReport(r, clean));
      writeErr(`${clean(r.message)}\n`);
    }
    return r.outcome === 'succeeded' ? 0 : 1;
  } catch (err) {
    const e = cluster.toClusterError(err);
    if (e.kind === 'notFound') return fail(`no Argo CD Application ${ref.namespace}/${ref.name} on context "${session.context}" (see --argocd-namespace).`);
    return fail(clean(e.message), e.kind === 'unreachable' || e.kind === 'timeout' ? 'connection' : 'failed');
  } finally {
    session.dispose();
  }
}
