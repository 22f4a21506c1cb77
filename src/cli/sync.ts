/**
 * `tanzu-gitops sync`: the manifests under a path of a Git repository applied to the Supervisor
 * (server-side apply, field manager tanzu-gitops), or an Argo CD Application synced through its
 * `.operation`. Without --yes it prints the plan and sends nothing.
 *
 * Exit codes: 0 every resource succeeded (or, without --yes, the plan is not blocked); 1 a
 * resource failed or was not done, the plan is blocked, or Argo CD's sync did not succeed
 * (failed, another operation in progress, the timeout); 2 usage or connection errors, and the
 * Supervisor lost in the middle of a sync (what it did is not all known).
 *
 * Invariant: no Secret value reaches stdout or stderr: the plan holds the drift's masked diffs
 * only, and server messages pass through the scrubber of the Git Secrets and redact().
 */
import { readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { ManifestFile } from '../git/types';
import type { ArgoSyncReport, SyncReport, SyncResource } from '../sync';
import { trace } from '../trace';
import { UsageError, clusterContextsOf, clusterRefOf, openDestinations, argsOrExit, cannotReadPath, failure, formatOf, onePath, openSession, parseCommandLine, timeoutOf } from './command';
import { SYNC_OPTIONS } from './options';
import { walkFiles } from './files';
import type { ErrWriter } from './format';
import { formatArgoReport, formatPlan, formatReport, planJson, reportJson, argoJson, type Cleaner } from './sync-format';

export const SYNC_USAGE = `Usage: tanzu-gitops sync [--kubeconfig FILE] [--context NAME] [--namespace NS] [--dry-run]
                         [--prune] [--yes] [--force-conflicts] [--partial] [--confirm NAME]...
                         [--target NAME] [--cluster NS/NAME [--cluster-context NS/NAME=CONTEXT]]
                         [--argocd-app NAME [--argocd-namespace NS]] [--wait]
                         [--resource GROUP:KIND:[NS/]NAME]... [--sync-option KEY=VALUE]...
                         [--timeout DURATION] [--format text|json] <path>

Applies the manifests under <path> (a folder or a file inside a Git repository, as they are on
disk) to the Supervisor with server-side apply (field manager tanzu-gitops). First it makes a
plan: each object is dry-run on the server (a field another field manager owns and Git sets
differently shows as a conflict); Namespaces, then CRDs, then argocd.argoproj.io/sync-wave (lower first) in
a stable kind order; the validator's rules, with the Supervisor's facts, block the sync on an
error (immutable fields, scale-in, downgrades, unavailable VM or storage classes, unknown
namespaces), and so do a conflict and a verb the user may not use on a kind in a namespace
(SelfSubjectAccessReview, or the dry run's 403). Without --yes it prints the plan and sends
nothing. A failed resource fails its wave and the later waves are not started.

Options:
  --kubeconfig FILE        kubeconfig to read (repeatable; default: KUBECONFIG, else ~/.kube/config)
  --context NAME           the context to sync to (default: the kubeconfig's current one)
  -n, --namespace NS       the namespace of manifests that name none (default: the context's)
  -y, --yes                apply; without it the plan is printed and nothing is sent
  --dry-run                send everything with dryRun=All (nothing is stored); with
                           --argocd-app, Argo CD's dry run
  --prune                  delete live objects this tool applied for <path> (a folder) that are no
                           longer in Git, of any kind (after every apply succeeded); nothing when
                           a file could not be read (a link leaving the repository, over 5 MB,
                           binary, a syntax error: the plan is blocked); never objects without its
                           tracking, those another folder's sync applied, those Argo CD tracks,
                           nor those marked argocd.argoproj.io/sync-options: Prune=false.
                           Deleting a TanzuKubernetesCluster or Cluster, a Namespace, or an
                           object marked Delete=confirm needs --confirm NAME
  --confirm NAME           confirms the delete of the object NAME (repeatable)
  --target NAME            the name the applied objects are tracked under (label
                           tanzu-gitops.io/target), what --prune looks for (default: the
                           repository, from its origin's URL, and <path>: one target per folder,
                           recorded in the annotation tanzu-gitops.io/path)
  --force-conflicts        take over fields another field manager owns (default: a conflict
                           blocks the plan and names the fields and their managers)
  --partial                apply what the user may; the plan lists what is skipped as not
                           permitted (default: such a plan is blocked as a whole)
  --cluster NS/NAME        apply inside this TanzuKubernetesCluster or Cluster instead of the
                           Supervisor, connected through its kubeconfig Secret NAME-kubeconfig
                           (key value); the rules that need the Supervisor's facts do not apply
  --cluster-context NS/NAME=CONTEXT
                           the kubeconfig context to reach that cluster by when its Secret cannot
                           be read (repeatable; as the setting tanzuGitops.clusterContexts)
  --argocd-app NAME        sync this Argo CD Application instead: sets its .operation and follows
                           status.operationState to the end; <path>, when given, selects the
                           resources it defines (a selective sync). Blocked, nothing
                           requested, when its AppProject refuses its source repository,
                           destination, or a selected resource's kind or namespace
  --argocd-namespace NS    the Application's namespace (default: argocd)
  --resource GROUP:KIND:[NS/]NAME
                           with --argocd-app: sync only this resource (repeatable; GROUP empty
                           for core kinds, e.g. :ConfigMap:team-a/settings or
                           apps:Deployment:team-a/web), instead of <path>
  --sync-option KEY=VALUE  with --argocd-app: an Argo CD sync option for this operation
                           (repeatable): ServerSideApply, Replace, Force, PruneLast,
                           ApplyOutOfSyncOnly, CreateNamespace, Validate,
                           RespectIgnoreDifferences, FailOnSharedResource,
                           SkipDryRunOnMissingResource (true|false); Prune, Delete
                           (false|confirm); PrunePropagationPolicy (foreground|background|orphan)
  --wait                   with --argocd-app: when another operation is in progress, wait for it
                           to end, then sync (default: report it and exit 1)
  --timeout DURATION       e.g. 90s, 5m: how long to follow Argo CD's operation (default 5m; it is
                           left running after); for a direct sync, the time allowed for each
                           request (default 30s)
  -o, --format text|json   text: the plan and a line per resource; json: {plan, report}
  -h, --help               this help

Exit codes: 0 every resource succeeded (without --yes: the plan is not blocked; with --partial,
what is skipped as not permitted aside), 1 a resource failed or was not done, the plan is
blocked (a rule, a conflict, a permission), or Argo CD's sync did not succeed, 2 usage or
connection errors, and the Supervisor lost in the middle of the sync.`;

export interface SyncArgs {
  readonly path?: string;
  readonly kubeconfig: readonly string[];
  readonly context?: string;
  readonly namespace?: string;
  readonly dryRun: boolean;
  readonly prune: boolean;
  readonly yes: boolean;
  readonly forceConflicts: boolean;
  readonly partial: boolean;
  readonly confirm: readonly string[];
  readonly target?: string;
  readonly argocdApp?: string;
  readonly argocdNamespace: string;
  /** With argocdApp: --resource, the selective sync's resources. */
  readonly resources: readonly SyncResource[];
  /** With argocdApp: --sync-option, as KEY=VALUE. */
  readonly syncOptions: readonly string[];
  /** Apply inside this workload cluster. */
  readonly cluster?: import('../cluster').ClusterRef;
  readonly clusterContexts?: Readonly<Record<string, string>>;
  readonly wait: boolean;
  /** Milliseconds, when given. */
  readonly timeoutMs?: number;
  readonly format: 'text' | 'json';
  readonly help: boolean;
}

export { SYNC_OPTIONS };

/** Argo CD's sync options and the values each takes (argocd app sync --sync-option; sync-options.md). */
const SYNC_OPTION_VALUES: Readonly<Record<string, readonly string[]>> = {
  ServerSideApply: ['true', 'false'], Replace: ['true', 'false'], Force: ['true', 'false'], PruneLast: ['true', 'false'],
  ApplyOutOfSyncOnly: ['true', 'false'], CreateNamespace: ['true', 'false'], Validate: ['true', 'false'],
  RespectIgnoreDifferences: ['true', 'false'], FailOnSharedResource: ['true', 'false'], SkipDryRunOnMissingResource: ['true', 'false'],
  Prune: ['false', 'confirm'], Delete: ['false', 'confirm'], PrunePropagationPolicy: ['foreground', 'background', 'orphan'],
};

/** `--resource GROUP:KIND:[NS/]NAME` as Argo CD's SyncOperationResource (group "" for core kinds). */
export function parseResourceArg(text: string): SyncResource {
  const parts = text.split(':');
  const [group, kind, rest] = parts;
  const slash = rest?.split('/') ?? [];
  if (parts.length !== 3 || !kind || !rest || slash.length > 2 || slash.some((x) => !x)) {
    throw new UsageError(`--resource ${text}: expected GROUP:KIND:NAME or GROUP:KIND:NAMESPACE/NAME (GROUP empty for core kinds, e.g. :ConfigMap:team-a/settings)`);
  }
  const [namespace, name] = slash.length === 2 ? slash : [undefined, slash[0]];
  return { group, kind, name, ...(namespace ? { namespace } : {}) };
}

/** `--sync-option KEY=VALUE`, checked against Argo CD's options and their values. */
export function parseSyncOptionArg(text: string): string {
  const eq = text.indexOf('=');
  const key = eq < 0 ? text : text.slice(0, eq);
  const values = SYNC_OPTION_VALUES[key];
  if (!values) throw new UsageError(`--sync-option ${text}: ${key ? `"${key}" is not an Argo CD sync option` : 'expected KEY=VALUE'} (one of ${Object.keys(SYNC_OPTION_VALUES).join(', ')})`);
  const value = eq < 0 ? '' : text.slice(eq + 1);
  if (!values.includes(value)) throw new UsageError(`--sync-option ${text}: ${key} takes ${values.join(' or ')}`);
  return `${key}=${value}`;
}

export function parseSyncArgs(argv: readonly string[]): SyncArgs {
  const { values: v, positionals } = parseCommandLine(argv, SYNC_OPTIONS);
  const flags = { dryRun: !!v['dry-run'], prune: !!v.prune, yes: !!v.yes, forceConflicts: !!v['force-conflicts'], partial: !!v.partial, wait: !!v.wait, help: !!v.help };
  const confirm = v.confirm ?? [];
  const target = v.target?.trim();
  if (target === '') throw new UsageError('--target must not be empty');
  const argocdApp = v['argocd-app'];
  const format = formatOf(v.format, ['text', 'json'] as const);
  const timeoutMs = v.timeout === undefined ? undefined : timeoutOf(v.timeout, 0);
  const path = onePath(positionals, flags.help || !!argocdApp);
  if (v['argocd-namespace'] && !argocdApp) throw new UsageError('--argocd-namespace needs --argocd-app');
  if (flags.wait && !argocdApp) throw new UsageError('--wait applies to --argocd-app (an Argo CD operation in progress)');
  const cluster = clusterRefOf(v.cluster);
  if (cluster && argocdApp) throw new UsageError('--cluster and --argocd-app exclude each other: Argo CD applies where the Application\'s destination says');
  if (argocdApp && (flags.forceConflicts || flags.partial || confirm.length || target)) throw new UsageError('--force-conflicts, --partial, --confirm and --target apply to a direct sync, not to --argocd-app (Argo CD applies)');
  if ((v.resource?.length || v['sync-option']?.length) && !argocdApp) throw new UsageError('--resource and --sync-option apply to --argocd-app (a direct sync follows the argocd.argoproj.io/sync-options annotations)');
  if (v.resource?.length && path) throw new UsageError('--resource and <path> both select the resources to sync: give one of them');
  const resources = (v.resource ?? []).map(parseResourceArg);
  const syncOptions = [...new Set((v['sync-option'] ?? []).map(parseSyncOptionArg))];
  return {
    ...(path ? { path } : {}),
    kubeconfig: v.kubeconfig ?? [], confirm, format, ...flags,
    ...(v.context ? { context: v.context } : {}),
    ...(v.namespace ? { namespace: v.namespace } : {}),
    ...(target ? { target } : {}),
    ...(argocdApp ? { argocdApp } : {}),
    argocdNamespace: v['argocd-namespace'] ?? 'argocd',
    resources, syncOptions,
    ...(cluster ? { cluster } : {}),
    ...(v['cluster-context']?.length ? { clusterContexts: clusterContextsOf(v['cluster-context']) } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
  };
}

export async function runSync(argv: readonly string[], write: (s: string) => void, writeErr: ErrWriter): Promise<number> {
  const fail = failure('sync', writeErr);
  const args = argsOrExit('sync', SYNC_USAGE, argv, parseSyncArgs, write, writeErr);
  if (typeof args === 'number') return args;
  const cluster = require('../cluster') as typeof import('../cluster');
  trace('cluster layer loaded');
  const clean: Cleaner = (text) => cluster.redact(text);
  let isDir = false;
  const abs = args.path ? resolve(args.path) : undefined;
  if (abs) {
    try {
      isDir = statSync(abs).isDirectory();
    } catch (err) {
      return fail(cannotReadPath(args.path ?? abs, err), 'unreadable');
    }
  }
  // the render of an overlay on disk, then a direct sync's Git, start first: they run while the
  // kubeconfig is read and the connection made
  const sources = require('../sources') as typeof import('../sources');
  if (!args.argocdApp && abs && isDir) sources.prerenderKustomization(abs);
  const opening = !args.argocdApp && abs ? settle((require('../git/repository') as typeof import('../git/repository')).openRepository(abs)) : undefined;
  let session: import('../cluster').ConnectionSession;
  try {
    session = await openSession({ kubeconfig: args.kubeconfig, context: args.context, requestTimeoutMs: args.argocdApp ? 30_000 : args.timeoutMs ?? 30_000 });
    trace('session open');
  } catch (err) {
    sources.dropPrerenders();
    return fail(clean(err instanceof Error ? err.message : String(err)), 'connection');
  }
  const destinations = openDestinations(session, { ...args, requestTimeoutMs: args.timeoutMs ?? 30_000 });
  try {
    if (args.argocdApp) return await argoSync(session, args, abs, isDir, write, writeErr, clean);
    let inside: import('../cluster').OpenDestination | undefined;
    if (args.cluster) {
      try {
        inside = await destinations.openCluster(args.cluster);
      } catch (err) {
        return fail(clean(cluster.toClusterError(err).message), 'connection');
      }
    }
    return await directSync(inside ? { session: inside.session, cluster: `${inside.label} (through ${inside.from})` } : { session }, args, abs as string, isDir, opening as Promise<Settled<Opened>>, write, writeErr, clean);
  } catch (err) {
    const e = cluster.toClusterError(err);
    return fail(clean(e.message), CONNECTION_KINDS.has(e.kind) ? 'connection' : 'failed');
  } finally {
    destinations.dispose();
    session.dispose();
    sources.dropPrerenders();
  }
}

/** Cluster error kinds that mean the Supervisor could not be reached or would not let us in. */
const CONNECTION_KINDS = new Set(['unauthorized', 'timeout', 'unreachable', 'tls', 'config']);

async function directSync(
  into: { session: import('../cluster').ConnectionSession; cluster?: string }, args: SyncArgs, abs: string, isDir: boolean, opening: Promise<Settled<Opened>>,
  write: (s: string) => void, writeErr: ErrWriter, clean: Cleaner,
): Promise<number> {
  const fail = failure('sync', writeErr);
  const { session, cluster } = into;
  // one cheap request first, sent while Git works: a Supervisor that cannot be reached is a
  // connection error (exit 2), not a plan (discovery may come from disk: this one goes to the
  // server). Once it is answered, the Supervisor's facts (for the live rules) start loading: listed
  // once, not watched (the plan is made within the second). A workload cluster has none.
  const reached = settle(session.connection.request({ path: '/version', describe: { verb: 'discover' } })
    .then(() => { if (!cluster) session.facts({ namespaces: [args.namespace || session.namespace], cacheOptions: { watch: false } }); }));
  const { pathScope, targetForPath } = require('../drift/targets') as typeof import('../drift/targets');
  const { unreadWarnings } = require('../drift/engine') as typeof import('../drift/engine');
  const { secretScrubber } = require('../core/diff/secrets') as typeof import('../core/diff/secrets');
  const sync = require('../sync') as typeof import('../sync');
  trace('sync modules loaded');

  const opened = await opening;
  if (!opened.ok) return fail(clean((opened.error as Error).message), 'git');
  const repo = opened.value;
  trace('repository opened');
  if (!repo) return fail(`${args.path} is not inside a Git working tree: sync applies the manifests of a Git repository (git init, or clone one).`, 'git');
  const scope = pathScope(repo.root, abs, !isDir);
  if (args.prune && !isDir) return fail('--prune needs <path> to be a folder: a sync of one file prunes nothing.', 'usage');
  // the manifests are read (git status, ls-files) while the owner is looked up and the first request answers;
  // a read that fails is left to prepareSync, which reads again and reports it as the drift's error
  const reading = settle(repo.readManifests(scope.folder, { kind: 'worktree' }, scope.directory));
  // --target names the owner; otherwise it is the repository's (its origin's URL: git remote)
  const { target, extra } = await targetForPath({ repo, path: abs, file: !isDir, namespace: args.namespace || session.namespace, name: args.target });
  trace('target made');
  const timeoutMs = args.timeoutMs ?? 30_000;
  const first = await reached;
  if (!first.ok) throw first.error;
  trace('first request answered');
  const read = await reading;
  const overlays = read.ok && isDir && !args.target ? leafOverlays(scope.folder, read.value.files) : [];
  if (overlays.length) {
    const rel = (p: string) => relative(process.cwd(), join(repo.root, p)) || '.';
    return fail(`${args.path} holds ${overlays.length === 1 ? 'a leaf kustomization' : `${overlays.length} leaf kustomizations`} (${overlays.join(', ')}): each is a target of its own, synced and pruned on its own (its bases through it), never as part of this folder. Sync ${overlays.length === 1 ? 'it' : 'each'}: ${overlays.map((o) => `tanzu-gitops sync ${rel(o)}`).join('; ')}; and the folder's other manifests by the folder (or file) that holds them.`, 'usage');
  }
  const prepared = await sync.prepareSync(session, repo, target, {
    prune: args.prune, forceConflicts: args.forceConflicts, partial: args.partial, workload: !!cluster,
    factsTimeoutMs: Math.min(timeoutMs, 30_000), drift: { extra, timeoutMs },
    ...(read.ok ? { manifests: read.value } : {}),
  });
  const plan = prepared.plan;
  trace('plan made');
  const { gitObjectsFromText } = require('../core/reconcile/git-objects') as typeof import('../core/reconcile/git-objects');
  const git = (prepared.manifests?.files ?? []).filter((f) => f.text.includes('Secret')).flatMap((f) => gitObjectsFromText(f.path, f.text).objects);
  const scrub = secretScrubber(git.map((g) => g.object));
  const cleaner: Cleaner = (t) => clean(scrub(t));
  const unreadLines = new Set(unreadWarnings(prepared.drift.unread ?? [])); // blockers of the plan
  for (const w of prepared.drift.warnings) if (!plan.warnings.includes(w) && !unreadLines.has(w)) writeErr(`tanzu-gitops sync: warning: ${cleaner(w)}\n`);
  // as diff: a target that could not be compared (the Supervisor went away, a Git error) is an error
  if (prepared.drift.error) return fail(cleaner(prepared.drift.error));

  if (plan.blocked || !args.yes || plan.empty && !args.dryRun) {
    if (args.format === 'json') write(`${JSON.stringify({ plan: planJson(plan, cleaner), report: null }, null, 2)}\n`);
    else write(formatPlan(plan, session.context, cleaner, cluster));
    if (plan.blocked) {
      if (args.format === 'text') writeErr(`tanzu-gitops sync: blocked: nothing was sent (${plan.blockers.length} problem${plan.blockers.length === 1 ? '' : 's'} above).\n`);
      return 1;
    }
    if (args.format === 'text') writeErr(plan.empty ? 'Nothing to do: everything is in sync.\n' : 'Nothing was sent: run again with --yes to sync.\n');
    return 0;
  }
  if (args.format === 'text') write(formatPlan(plan, session.context, cleaner, cluster));

  const confirmed = new Set(plan.items.filter((i) => i.action === 'delete' && args.confirm.includes(i.name)).map((i) => i.key));
  const typedNames = new Map(plan.items.filter((i) => i.destructive && args.confirm.includes(i.name)).map((i) => [i.key, i.name] as const));
  const report: SyncReport = await sync.executePlan(session, plan, {
    forceConflicts: args.forceConflicts,
    dryRun: args.dryRun,
    confirmed,
    typedNames,
    protectedConfirmed: true,
    timeoutMs,
    onProgress: (p) => {
      if (args.format !== 'text') return;
      if (p.type === 'wave') writeErr(`${p.wave.label}: ${p.wave.items.length} resource${p.wave.items.length === 1 ? '' : 's'}\n`);
    },
  });
  trace('applies done');
  if (args.format === 'json') write(`${JSON.stringify({ plan: planJson(plan, cleaner), report: reportJson(report, cleaner) }, null, 2)}\n`);
  else {
    write(formatReport(report, cleaner));
    writeErr(`${report.interrupted ? interruptedSummary(report, cleaner) : cleaner(report.message)}\n`);
  }
  trace('report written');
  // the Supervisor lost in the middle: what it did is not all known (exit 2, as a connection error)
  if (report.interrupted) return 2;
  const partial = new Set(plan.items.filter((i) => i.skip).map((i) => i.key));
  const notDone = report.results.filter((r) => r.outcome === 'skipped' && !partial.has(r.key)).length;
  return report.outcome === 'succeeded' && report.counts.failed === 0 && notDone === 0 ? 0 : 1;
}

/** One line for a sync the Supervisor stopped answering, and the resources whose state is not known. */
function interruptedSummary(report: SyncReport, clean: Cleaner): string {
  const unknown = report.results.filter((r) => r.stateUnknown);
  const notSent = report.results.filter((r) => r.outcome === 'skipped' || (r.outcome === 'failed' && !r.stateUnknown)).length;
  const line = `tanzu-gitops sync: the Supervisor stopped answering in the middle of the sync (${clean(report.interrupted ?? '')}): ${report.counts.applied + report.counts.deleted} done before that, ${unknown.length} with state unknown, ${notSent} not sent; nothing was pruned. Sync again once it answers: applying again is safe.`;
  if (!unknown.length) return line;
  return [line, 'State unknown (sent, no answer):', ...unknown.map((r) => `  ${r.kind}${r.group ? `.${r.group}` : ''}/${r.namespace ? `${r.namespace}/` : ''}${r.name}`)].join('\n');
}

type Opened = Awaited<ReturnType<typeof import('../git/repository').openRepository>>;
type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects: started early, awaited later (no unhandled rejection meanwhile). */
function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
}

async function argoSync(
  session: import('../cluster').ConnectionSession, args: SyncArgs, abs: string | undefined, isDir: boolean,
  write: (s: string) => void, writeErr: (s: string) => void, clean: Cleaner,
): Promise<number> {
  const sync = require('../sync') as typeof import('../sync');
  const app = { name: args.argocdApp as string, namespace: args.argocdNamespace };
  const obj = await sync.getApplication(session.client, app);
  const spec = (obj.spec ?? {}) as { destination?: { namespace?: string; server?: string; name?: string }; source?: { targetRevision?: string } };
  const resources = args.resources.length ? args.resources : abs ? selectedResources(abs, isDir, spec.destination?.namespace || 'default') : [];
  const request = { revision: spec.source?.targetRevision || 'HEAD', prune: args.prune, dryRun: args.dryRun, resources, syncOptions: args.syncOptions };
  const refused = await projectRefusal(session, obj, app, resources);
  for (const w of refused.warnings) writeErr(`tanzu-gitops sync: warning: ${clean(w)}\n`);
  if (refused.findings.length) {
    const argocd = require('../argocd') as typeof import('../argocd');
    if (args.format === 'json') write(`${JSON.stringify({ request, blocked: refused.findings, report: null }, null, 2)}\n`);
    else for (const f of refused.findings) write(`${clean(argocd.findingLine(f))}\n`);
    writeErr(`tanzu-gitops sync: blocked: Argo CD's project rules refuse this sync of ${app.namespace}/${app.name}; nothing was requested.\n`);
    return 1;
  }
  const busy = sync.operationInProgress(obj);
  const into = await destinationNote(session, spec.destination ?? {}, args.argocdNamespace);
  if (into && args.format === 'text') writeErr(`${into}\n`);
  if (!args.yes) {
    if (args.format === 'json') write(`${JSON.stringify({ request, inProgress: busy ?? null, report: null }, null, 2)}\n`);
    else {
      write(`Argo CD Application ${app.namespace}/${app.name} on context "${session.context}": would request a sync of revision ${request.revision}${request.prune ? ', with prune' : ''}${request.dryRun ? ', dry run' : ''}${args.syncOptions.length ? `, with ${args.syncOptions.join(', ')}` : ''}${resources.length ? `, of ${resources.length} selected resource${resources.length === 1 ? '' : 's'}:` : ', of every resource.'}\n`);
      for (const r of resources) write(`  ${r.kind}${r.group ? `.${r.group}` : ''} ${r.namespace ? `${r.namespace}/` : ''}${r.name}\n`);
      if (busy) write(`${sync.describeBusy(app, busy)}\n`);
      writeErr('Nothing was requested: run again with --yes to sync.\n');
    }
    return 0;
  }
  const report: ArgoSyncReport = await sync.syncApplication(session.client, app, {
    prune: args.prune,
    dryRun: args.dryRun,
    resources,
    syncOptions: args.syncOptions,
    ifBusy: args.wait ? 'wait' : 'report',
    timeoutMs: args.timeoutMs ?? 5 * 60_000,
    pollMs: 500,
    onNotice: (m) => {
      if (args.format === 'text') writeErr(`${clean(m)}\n`);
    },
    onProgress: (p) => {
      if (args.format === 'text') writeErr(`Argo CD: ${p.phase}${p.message ? `: ${clean(p.message)}` : ''}${p.resources.length ? ` (${p.resources.length} resource${p.resources.length === 1 ? '' : 's'} reported)` : ''}\n`);
    },
  });
  if (args.format === 'json') write(`${JSON.stringify(argoJson(report, clean), null, 2)}\n`);
  else {
    write(formatArgoReport(report, clean));
    writeErr(`${clean(report.message)}\n`);
  }
  return report.outcome === 'succeeded' ? 0 : 1;
}

/** The Application (its source and destination) and the selected resources against its AppProject. */
async function projectRefusal(
  session: import('../cluster').ConnectionSession, obj: Record<string, unknown>, app: { name: string; namespace: string }, resources: readonly SyncResource[],
): Promise<import('../argocd').ProjectCheck> {
  const argocd = require('../argocd') as typeof import('../argocd');
  const settings = await argocd.settingsForApplication(session.client, app.namespace);
  const spec = (obj.spec ?? {}) as { project?: unknown };
  const selected = resources.map((r) => ({ group: r.group ?? '', kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) }));
  return argocd.checkProject(session.client, typeof spec.project === 'string' ? spec.project : 'default', settings.namespace, argocd.placeOf(obj), selected);
}

/**
 * Where Argo CD will apply, when it is another cluster than the Supervisor: named, and whether
 * Argo CD has a cluster Secret for it (without one its sync fails: the cluster is not registered).
 */
async function destinationNote(session: import('../cluster').ConnectionSession, dest: { server?: string; name?: string }, argocdNamespace: string): Promise<string | undefined> {
  const cluster = require('../cluster') as typeof import('../cluster');
  if (cluster.isInCluster(dest, session.client.connection.server)) return undefined;
  const label = cluster.destinationLabel(dest);
  const secrets = await cluster.readArgoClusters(session.client, argocdNamespace).catch(() => undefined);
  const { normalizeServer } = require('../core/clusters') as typeof import('../core/clusters');
  const hit = secrets?.find((s) => (dest.server ? normalizeServer(s.server) === normalizeServer(dest.server) : s.name === dest.name));
  if (!secrets) return `Argo CD applies inside cluster ${label} (its cluster Secrets in ${argocdNamespace} cannot be read here).`;
  if (hit) return `Argo CD applies inside cluster ${label}, registered as ${hit.secret}.`;
  return `Argo CD applies inside cluster ${label}, but no cluster Secret in ${argocdNamespace} registers it: Argo CD's sync fails until it is registered (tanzu-gitops register-cluster NS/NAME).`;
}

/** The resources the manifests under a path define, for a selective Argo CD sync. */
function selectedResources(abs: string, isDir: boolean, namespace: string): SyncResource[] {
  const { gitObjectsFromText } = require('../core/reconcile/git-objects') as typeof import('../core/reconcile/git-objects');
  const { identityOf } = require('../core/reconcile/identity') as typeof import('../core/reconcile/identity');
  const files = isDir ? walkFiles(abs, /\.(ya?ml|json)$/i).files : [abs];
  const out: SyncResource[] = [];
  for (const f of files) {
    for (const g of gitObjectsFromText(f, readFileSync(f, 'utf8')).objects) {
      const id = identityOf(g.object, { defaultNamespace: namespace });
      if (id) out.push({ group: id.group, kind: id.kind, name: id.name, ...(id.namespace ? { namespace: id.namespace } : {}) });
    }
  }
  return out;
}

/** The leaf kustomizations below `folder` (none when the folder is itself a kustomization: it renders as one). */
function leafOverlays(folder: string, files: readonly ManifestFile[]): string[] {
  const { kustomizationLeaves } = require('../sources/leaves') as typeof import('../sources/leaves');
  const { folders, leaves } = kustomizationLeaves(files);
  return folders.includes(folder) ? [] : leaves;
}
