/**
 * `tanzu-gitops diff`: what the Supervisor holds against what Git says, for the manifests under a
 * path of a Git repository, as the drift view computes it (src/drift): server-side dry-run of what
 * a sync would apply, normalised, Secrets masked.
 *
 * Exit codes as kubectl diff: 0 nothing drifts, 1 something drifts, 2 an error. A resource that
 * could not be compared (Unknown: kind forbidden or not served, defined twice) is an error too:
 * the answer would otherwise claim more than was checked.
 *
 * Invariant: no Secret value reaches stdout or stderr: diffs and records come masked from the
 * core, messages pass through the engine's scrubber and redact().
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ResourceStatus } from '../core/reconcile/types';
import type { ResourceRecord } from '../core/reconcile/reconcile';
import type { TargetDrift } from '../drift/types';
import { trace } from '../trace';
import { fetchFirst, freshnessText, readFreshness, type GitFreshness } from '../git/freshness';
import type { ManifestSource, RevisionInfo, UnreadFile } from '../git/types';
import { UsageError, clusterContextsOf, clusterRefOf, openDestinations, argsOrExit, cannotReadPath, failure, formatOf, onePath, openSession, parseCommandLine, timeoutOf } from './command';
import { DIFF_OPTIONS } from './options';
import type { ErrWriter, FailureCode } from './format';

export const DIFF_USAGE = `Usage: tanzu-gitops diff [--kubeconfig FILE] [--context NAME] [--namespace NS]
                         [--revision REV] [--target NAME] [--format text|json] [--timeout SECONDS]
                         [--argocd-app NAME [--argocd-namespace NS] | --cluster NS/NAME]
                         [--cluster-context NS/NAME=CONTEXT]... <path>

Compares the manifests under <path> (a folder or a file inside a Git repository) with the live
objects of the Supervisor, as a sync would apply them: each object is dry-run on the server
(server-side apply), so defaults, status and server-owned fields never show as drift. Secret
values are masked. A folder that holds a kustomization is rendered with Kustomize (a folder with
Chart.yaml with helm). Without --target, each leaf kustomization below <path> (an overlay: one no
other kustomization references) is compared as its own target, as diff <its folder> would; its
bases are compared through it, never on their own.

Options:
  --kubeconfig FILE     kubeconfig to read (repeatable; default: KUBECONFIG, else ~/.kube/config)
  --context NAME        the context to compare against (default: the kubeconfig's current one)
  -n, --namespace NS    the namespace of manifests that name none (default: the context's)
  --revision REV        worktree (default: the files as they are on disk), HEAD (the last
                        commit), or a branch, tag or commit of the remote (origin), which is
                        fetched first (a fetch that fails is a warning saying how old the last is)
  --target NAME         the name the objects were synced under (sync --target NAME): compare
                        with that target's tracking, and look for its Extra objects under <path>
  --argocd-app NAME     compare as this Argo CD Application does (argocd app diff): <path> is a
                        checkout of its repository; its spec.source.path there is compared with
                        Argo CD's tracking, ignoreDifferences (argocd-cm and the Application's,
                        jq included), hooks and compare-options; JSON entries gain
                        argocd: {sync, health}, Argo CD's own verdict from status.resources;
                        what its AppProject refuses (sourceRepos, destinations, the resource
                        allow and deny lists) is reported as Argo CD reports it, and JSON gives
                        it project: {rule, message} (on the resource, or an entry of its own)
                        An Application that deploys into another cluster (spec.destination:
                        server, or name through Argo CD's cluster Secrets) is compared inside it,
                        connected as Argo CD connects (the cluster Secret's bearer token and CA),
                        else through the cluster's kubeconfig Secret or --cluster-context
  --argocd-namespace NS the Application's namespace (default: argocd)
  --cluster NS/NAME     compare with the objects inside this TanzuKubernetesCluster or Cluster,
                        connected through its kubeconfig Secret NAME-kubeconfig (key value)
  --cluster-context NS/NAME=CONTEXT
                        the kubeconfig context to reach that cluster by when its Secret cannot be
                        read (repeatable; as the setting tanzuGitops.clusterContexts)
  -o, --format text|json  text: a unified diff per drifting resource (live as ---, Git as +++) and
                        a summary on stderr; json: an array of
                        {group, version, kind, namespace, name, status, diff, target,
                        revision: {commit, dirty, fetchedAt, upstream, behind, ahead}}
                        (+ tracked, reason; fetchedAt and the upstream's counts when known)
  --timeout SECONDS     time allowed for each request to the Supervisor (default 30; or 90s, 2m)
  -h, --help            this help

Statuses: Synced (equal to Git; "tracked": false when the object lacks only this tool's
tracking, which the next sync adds), OutOfSync, Missing (in Git, not live), Extra (live, carries
this tool's tracking label, not in Git; only when <path> is the repository's top folder, or a
folder with --target), Unknown (not compared: kind forbidden or not served, or defined twice in
Git; or live and tracked while a file could not be read, which may define it). Symbolic links inside the repository are followed; a
file that could not be read (a link leaving the repository or looping, over 5 MB, binary, a YAML
syntax error) is listed, and JSON gives it an entry {file, status: "Unknown", reason}.

Exit codes: 0 nothing drifts, 1 something drifts (OutOfSync, Missing, Extra) or, with
--argocd-app, its AppProject refuses something, 2 an error: usage,
not a Git repository, no kubeconfig, the Supervisor unreachable, an Unknown resource, or a file
that could not be read.`;

export interface DiffArgs {
  readonly path: string;
  readonly kubeconfig: readonly string[];
  readonly context?: string;
  readonly namespace?: string;
  /** 'worktree', 'HEAD' or a revision of the remote. */
  readonly revision: string;
  /** The name the objects are tracked under (as sync --target). */
  readonly target?: string;
  /** Compare as this Argo CD Application does; `path` is a checkout of its repository. */
  readonly argocdApp?: string;
  /** The Application's namespace (with argocdApp; default argocd). */
  readonly argocdNamespace?: string;
  /** Compare inside this workload cluster. */
  readonly cluster?: import('../cluster').ClusterRef;
  /** Cluster NS/NAME to a kubeconfig context, when its kubeconfig Secret cannot be read. */
  readonly clusterContexts?: Readonly<Record<string, string>>;
  readonly format: 'text' | 'json';
  readonly timeoutSeconds: number;
  readonly help: boolean;
}

export { DIFF_OPTIONS };

export function parseDiffArgs(argv: readonly string[]): DiffArgs {
  const { values: v, positionals } = parseCommandLine(argv, DIFF_OPTIONS);
  const help = v.help ?? false;
  const revision = (v.revision ?? 'worktree').trim();
  if (revision === '') throw new UsageError('--revision must not be empty (worktree, HEAD, or a branch, tag or commit)');
  const target = v.target?.trim();
  if (target === '') throw new UsageError('--target must not be empty');
  const argocdApp = v['argocd-app']?.trim();
  if (argocdApp === '') throw new UsageError('--argocd-app must not be empty');
  if (v['argocd-namespace'] !== undefined && !argocdApp) throw new UsageError('--argocd-namespace needs --argocd-app');
  if (argocdApp && target) throw new UsageError('--target and --argocd-app exclude each other: an Application is tracked under its own name');
  const cluster = clusterRefOf(v.cluster);
  if (cluster && argocdApp) throw new UsageError('--cluster and --argocd-app exclude each other: an Application deploys where its destination says');
  return {
    path: onePath(positionals, help) ?? '',
    kubeconfig: v.kubeconfig ?? [],
    context: v.context,
    namespace: v.namespace,
    revision,
    ...(target ? { target } : {}),
    ...(argocdApp ? { argocdApp, argocdNamespace: v['argocd-namespace']?.trim() || 'argocd' } : {}),
    ...(cluster ? { cluster } : {}),
    ...(v['cluster-context']?.length ? { clusterContexts: clusterContextsOf(v['cluster-context']) } : {}),
    format: formatOf(v.format, ['text', 'json'] as const),
    timeoutSeconds: timeoutOf(v.timeout, 30_000) / 1000,
    help,
  };
}

/** 'worktree' | 'HEAD' | a revision of the remote. */
export function diffSource(revision: string): ManifestSource {
  if (revision.toLowerCase() === 'worktree') return { kind: 'worktree' };
  if (revision === 'HEAD') return { kind: 'head' };
  return { kind: 'revision', revision };
}

export async function runDiff(argv: readonly string[], write: (s: string) => void, writeErr: ErrWriter): Promise<number> {
  const fail = failure('diff', writeErr);
  const args = argsOrExit('diff', DIFF_USAGE, argv, parseDiffArgs, write, writeErr);
  if (typeof args === 'number') return args;
  const abs = resolve(args.path);
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch (err) {
    return fail(cannotReadPath(args.path, err), 'unreadable');
  }

  // The render of an overlay on disk starts first: it runs beside the Git reads and the connection.
  const sources = require('../sources') as typeof import('../sources');
  if (isDir && !args.argocdApp && diffSource(args.revision).kind === 'worktree') sources.prerenderKustomization(abs);
  try {
    return await diffAt(abs, isDir, args, write, writeErr, fail);
  } finally {
    sources.dropPrerenders();
  }
}

async function diffAt(abs: string, isDir: boolean, args: DiffArgs, write: (s: string) => void, writeErr: ErrWriter, fail: (message: string, code?: FailureCode) => number): Promise<number> {
  // Heavy modules load only here (validate does not need them).
  const { openRepository } = require('../git/repository') as typeof import('../git/repository');
  const cluster = require('../cluster') as typeof import('../cluster');
  const { computeDrift, unreadWarnings } = require('../drift/engine') as typeof import('../drift/engine');
  const { folderTargets, targetForPath } = require('../drift/targets') as typeof import('../drift/targets');
  const clean = (text: string) => cluster.redact(text);

  let repo: Awaited<ReturnType<typeof openRepository>>;
  try {
    repo = await openRepository(abs);
  } catch (err) {
    return fail(clean((err as Error).message), 'git');
  }
  trace('repository opened');
  if (!repo) return fail(`${args.path} is not inside a Git working tree: diff compares the manifests of a Git repository (git init, or clone one).`, 'git');

  let session: import('../cluster').ConnectionSession;
  try {
    session = await openSession({ kubeconfig: args.kubeconfig, context: args.context, requestTimeoutMs: args.timeoutSeconds * 1000 });
  } catch (err) {
    return fail(clean(err instanceof Error ? err.message : String(err)), 'connection');
  }
  trace('session open');
  const source = diffSource(args.revision);
  const runs: { drift: TargetDrift; freshness?: GitFreshness }[] = [];
  let leaves: readonly string[] = [];
  const destinations = openDestinations(session, { ...args, requestTimeoutMs: args.timeoutSeconds * 1000 });
  if (args.argocdApp) {
    try {
      const job = await argocdJob(session, args, source);
      if (typeof job === 'string') return fail(clean(job));
      const argocd = require('../argocd') as typeof import('../argocd');
      // the AppProject is read beside the comparison (readProject answers, it never throws)
      const project = argocd.readProject(session.client, job.target.application?.project || 'default', job.settingsNamespace, args.timeoutSeconds * 1000);
      // a destination given by name: its server, from Argo CD's cluster Secrets (never throws either)
      const resolution = argocd.resolveDestination(session.client, argocd.targetPlace(job.target), job.settingsNamespace, args.timeoutSeconds * 1000);
      await fetchRemotes(repo, [job.target.source], writeErr, clean);
      // an Application that deploys into another cluster is compared inside it
      const dest = job.target.destination;
      let compared: import('../cluster').OpenDestination | undefined;
      try {
        const inside = dest ? await destinations.open(dest) : undefined;
        compared = inside === 'supervisor' ? undefined : inside;
      } catch (err) {
        return fail(clean(`${job.target.name} deploys into cluster ${dest?.label ?? ''}: ${(err as Error).message}`), 'connection');
      }
      const drift = await computeDrift(compared?.session ?? session, repo, job.target, { extra: true, timeoutMs: args.timeoutSeconds * 1000, ...(dest ? { destination: dest.label } : {}) });
      const check = drift.error ? undefined : argocd.targetProjectCheck(job.target, drift.resources, await project, await resolution);
      if (check) job.project = check;
      runs.push({ drift, ...(drift.revision ? { freshness: await readFreshness(repo.root, drift.revision.commit, repo.gitDir, drift.revision.tracking) } : {}) });
      return reportDiffs(runs, { args, context: session.context, ...whereOf(compared), namespace: job.target.namespace, several: false, leaves, write, writeErr, fail, clean, unreadWarnings, argocd: job });
    } catch (err) {
      return fail(clean((err as Error).message), 'connection');
    } finally {
      destinations.dispose();
      session.dispose();
    }
  }
  let compared: import('../cluster').OpenDestination | undefined;
  if (args.cluster) {
    try {
      compared = await destinations.openCluster(args.cluster);
    } catch (err) {
      destinations.dispose();
      session.dispose();
      return fail(clean((err as Error).message), 'connection');
    }
  }
  const inCluster = compared?.session ?? session;
  try {
    // a folder without --target: its own target, and each leaf kustomization below it as its own
    const namespace = args.namespace || inCluster.namespace;
    const found = isDir && !args.target ? await folderTargets({ repo, path: abs, namespace, source }) : undefined;
    const single = found ? undefined : await targetForPath({ repo, path: abs, file: !isDir, namespace, source, name: args.target });
    const jobs = found
      ? [...(found.plain || found.leaves.length === 0 ? [{ target: found.top.target, extra: found.top.extra }] : []), ...found.leaves.map((target) => ({ target, extra: true }))]
      : [{ target: single!.target, extra: single!.extra }];
    leaves = found ? found.leaves.map((t) => t.path) : [];
    trace('targets found');
    // the folder's files as folderTargets read them are the top target's (a remote revision is read
    // again after its fetch), and the freshness of their commit is read beside the comparison
    const read = found?.read && source.kind !== 'revision' ? found.read : undefined;
    const freshness = new Map<string, Promise<GitFreshness>>();
    const freshnessOf = (r: RevisionInfo) => freshness.get(r.commit) ?? freshness.set(r.commit, readFreshness(repo.root, r.commit, repo.gitDir, r.tracking)).get(r.commit)!;
    if (read) void freshnessOf(read.revision);
    await fetchRemotes(repo, jobs.map((j) => j.target.source), writeErr, clean);
    for (const job of jobs) {
      const manifests = read && job.target === found?.top.target ? { manifests: read } : {};
      const drift = await computeDrift(inCluster, repo, job.target, { extra: job.extra, timeoutMs: args.timeoutSeconds * 1000, ...manifests });
      runs.push({ drift, ...(drift.revision ? { freshness: await freshnessOf(drift.revision) } : {}) });
    }
  } finally {
    destinations.dispose();
    session.dispose();
  }
  return reportDiffs(runs, { args, context: session.context, ...whereOf(compared), namespace: args.namespace || inCluster.namespace, several: runs.length > 1, leaves, write, writeErr, fail, clean, unreadWarnings });
}

/** The cluster compared with, for the summary line, when it is not the Supervisor. */
function whereOf(d: import('../cluster').OpenDestination | undefined): { cluster?: string } {
  return d ? { cluster: `${d.label} (through ${d.from})` } : {};
}

/** A remote revision is compared as the remote has it now: its remote is fetched first; a fetch that fails is a warning. */
async function fetchRemotes(repo: import('../git/repository').GitRepository, sources: readonly ManifestSource[], writeErr: ErrWriter, clean: (text: string) => string): Promise<void> {
  if (!sources.some((s) => s.kind === 'revision')) return;
  const { warnings } = await fetchFirst(repo, sources);
  trace('remotes fetched');
  for (const w of warnings) writeErr(`tanzu-gitops diff: warning: ${clean(w)}\n`);
}

interface ReportContext {
  readonly args: DiffArgs;
  readonly context: string;
  /** The workload cluster compared with, when not the Supervisor: `NS/NAME (through ...)`. */
  readonly cluster?: string;
  readonly namespace: string;
  /** More than one target was compared: each line names its target. */
  readonly several: boolean;
  /** The leaf kustomizations below the folder, each compared as a target of its own. */
  readonly leaves: readonly string[];
  readonly write: (s: string) => void;
  readonly writeErr: ErrWriter;
  readonly fail: (message: string, code?: FailureCode) => number;
  readonly clean: (text: string) => string;
  readonly unreadWarnings: (unread: readonly UnreadFile[]) => string[];
  /** With --argocd-app: Argo CD's own verdicts, shown beside ours. */
  readonly argocd?: ArgoJob;
}

interface ArgoJob {
  readonly target: TargetDrift['target'];
  /** What the Application's AppProject refuses (Argo CD would not sync it). */
  project?: import('../argocd').ProjectCheck;
  readonly verdicts: ReadonlyMap<string, { readonly sync?: string; readonly health?: string }>;
  readonly line?: string;
  /** Argo CD's namespace (argocd-cm's), where the Application's AppProject is. */
  readonly settingsNamespace: string;
}

/** The Application's target in the checkout, and Argo CD's verdicts; a string: why not. */
async function argocdJob(session: import('../cluster').ConnectionSession, args: DiffArgs, source: ManifestSource): Promise<ArgoJob | string> {
  const argocd = require('../argocd') as typeof import('../argocd');
  const ref = { name: args.argocdApp ?? '', namespace: args.argocdNamespace ?? 'argocd' };
  let app: Record<string, unknown>;
  try {
    app = await argocd.getApplication(session.client, ref, args.timeoutSeconds * 1000);
  } catch (err) {
    const e = err as { kind?: string; message: string };
    if (e.kind === 'notFound') return `no Argo CD Application ${ref.namespace}/${ref.name} on context "${session.context}" (see --argocd-namespace).`;
    throw err;
  }
  const settings = await argocd.settingsForApplication(session.client, ref.namespace, args.timeoutSeconds * 1000);
  const target = argocd.checkoutTarget(app, source, settings, session.client.connection.server);
  if (typeof target === 'string') return target;
  if (target.unsupported) return target.unsupported;
  const line = argocd.verdictLine(app);
  return { target, verdicts: argocd.resourceVerdicts(app), ...(line ? { line } : {}), settingsNamespace: settings.namespace };
}

/** The drift of each target compared, as text or JSON; the exit code over all of them. */
function reportDiffs(runs: readonly { drift: TargetDrift; freshness?: GitFreshness }[], c: ReportContext): number {
  const { args, write, writeErr, clean } = c;
  const failed = runs.filter((r) => r.drift.error);
  // nothing was compared: the error alone says why (the per-kind warnings would repeat it)
  if (!c.several && failed.length) return c.fail(clean(failed[0].drift.error ?? ''));
  const label = (d: TargetDrift) => (c.several ? `${targetLabel(d)}: ` : '');
  const records: unknown[] = [];
  let unknowns = 0;
  let drifts = 0;
  let refusals = 0;
  if (c.leaves.length && args.format !== 'json') {
    const n = c.leaves.length;
    writeErr(`tanzu-gitops diff: ${n} leaf kustomization${n === 1 ? '' : 's'} below the folder, each compared as its own target (as diff <its folder> would): ${c.leaves.join(', ')}\n`);
  }
  for (const { drift, freshness } of runs) {
    if (drift.error) {
      writeErr(`tanzu-gitops diff: ${label(drift)}${clean(drift.error)}\n`);
      unknowns++;
      continue;
    }
    // a kustomization below the folder, compared on its own (or through its overlays), is not unread here
    const unread = (drift.unread ?? []).filter((u) => !u.separate);
    const unreadLines = new Set(c.unreadWarnings(unread));
    for (const w of drift.warnings) if (!unreadLines.has(w)) writeErr(`tanzu-gitops diff: ${label(drift)}warning: ${clean(w)}\n`);
    const drifting = drift.resources.filter((r) => r.status === 'OutOfSync' || r.status === 'Missing' || r.status === 'Extra');
    const unknown = drift.resources.filter((r) => r.status === 'Unknown');
    unknowns += unknown.length + unread.length;
    drifts += drifting.length;
    // what the AppProject refuses: Argo CD would not sync it (a finding, as a difference is)
    const findings = c.argocd?.project?.findings ?? [];
    refusals += findings.length;
    for (const w of c.argocd?.project?.warnings ?? []) writeErr(`tanzu-gitops diff: warning: ${clean(w)}\n`);
    if (args.format !== 'json' && findings.length) {
      const { findingLine } = require('../argocd/projects') as typeof import('../argocd/projects');
      for (const f of findings) writeErr(`tanzu-gitops diff: Argo CD project: ${clean(findingLine(f))}\n`);
    }
    if (args.format === 'json') {
      const { toRecord } = require('../core/reconcile/reconcile') as typeof import('../core/reconcile/reconcile');
      const about = { target: targetLabel(drift), ...(drift.revision ? { revision: revisionRecord(drift.revision, freshness) } : {}) };
      // a file that could not be read is an entry of its own: what it defines was not compared
      for (const u of unread) records.push({ file: u.path, status: 'Unknown', reason: clean(`${u.rendering ? 'could not be rendered' : 'could not be read'}: ${u.reason}`), ...about });
      for (const r of drift.resources) {
        const verdict = c.argocd?.verdicts.get(`${r.group}/${r.kind}/${r.namespace}/${r.name}`);
        const refused = findings.find((f) => f.resource && `${f.resource.group}/${f.resource.kind}/${f.resource.namespace ?? ''}/${f.resource.name}` === r.key);
        records.push({ ...cleanRecord(toRecord(r), clean), ...about, ...(verdict ? { argocd: verdict } : {}), ...(refused ? { project: { rule: refused.rule, message: clean(refused.message) } } : {}) });
      }
      for (const f of findings.filter((x) => !x.resource)) records.push({ ...about, project: { rule: f.rule, message: clean(f.message) } });
      continue;
    }
    for (const r of drifting) if (r.diff?.unified) write(r.diff.unified.endsWith('\n') ? r.diff.unified : `${r.diff.unified}\n`);
    for (const u of unread) writeErr(`tanzu-gitops diff: ${label(drift)}${u.rendering ? 'could not be rendered' : 'could not be read'}: ${u.path}: ${clean(u.reason)}\n`);
    for (const r of unknown) writeErr(`tanzu-gitops diff: ${label(drift)}not compared: ${nameOf(r)}: ${clean(r.reason ?? 'unknown')}\n`);
    for (const r of drifting) {
      if (r.conflicts?.length) writeErr(`tanzu-gitops diff: conflict: ${nameOf(r)}: ${r.conflicts.map((x) => `${x.field} (owned by "${x.manager}")`).join(', ')}; sync takes ${r.conflicts.length === 1 ? 'it' : 'them'} over only with --force-conflicts\n`);
    }
    writeErr(`${label(drift)}${summary(drift, c.context, c.namespace, c.cluster)}${unread.length ? `; ${unread.length} file${unread.length === 1 ? '' : 's'} could not be read` : ''}\n`);
    if (c.argocd) writeErr(`${c.argocd.line ?? 'Argo CD: no verdict reported yet'}; here: ${drifts} resource${drifts === 1 ? '' : 's'} differ${drifts === 1 ? 's' : ''} from ${describeRevision(drift.revision)}.\n`);
  }
  const fresh = runs.find((r) => r.freshness)?.freshness;
  if (args.format === 'json') write(`${JSON.stringify(records, null, 2)}\n`);
  else if (fresh) writeErr(`Git: ${freshnessText(fresh)}\n`);
  if (unknowns > 0) return 2;
  return drifts > 0 || refusals > 0 ? 1 : 0;
}

/** The target a record belongs to: its folder ('.' the top), or its name when it was given one (an Application's). */
function targetLabel(d: TargetDrift): string {
  return d.target.origin === 'setting' || d.target.origin === 'argocd' ? d.target.name : d.target.path || '.';
}

/** `{commit, dirty, fetchedAt?, upstream?, behind?, ahead?}`: what was compared, and how fresh the repository is. */
function revisionRecord(rev: RevisionInfo, f: GitFreshness | undefined): Record<string, unknown> {
  return {
    commit: rev.commit, dirty: rev.dirty,
    ...(f?.fetchedAt !== undefined ? { fetchedAt: new Date(f.fetchedAt).toISOString() } : {}),
    ...(f?.upstream ? { upstream: f.upstream } : {}),
    ...(f?.behind !== undefined ? { behind: f.behind, ahead: f.ahead ?? 0 } : {}),
  };
}

function cleanRecord(rec: ResourceRecord, clean: (s: string) => string): ResourceRecord {
  return rec.reason === undefined ? rec : { ...rec, reason: clean(rec.reason) };
}

function nameOf(r: ResourceStatus): string {
  return `${r.kind}${r.group ? `.${r.group}` : ''}/${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

export function describeRevision(rev: RevisionInfo | undefined): string {
  if (!rev) return 'Git';
  const commit = rev.commit ? rev.commit.slice(0, 7) : 'no commit yet';
  if (rev.label === 'working tree') return `the working tree${rev.branch ? ` of ${rev.branch}` : ''} at ${commit}${rev.dirty ? ' with uncommitted changes' : ''}`;
  return `${rev.label}${rev.branch && rev.label !== rev.branch && !rev.label.endsWith(`/${rev.branch}`) ? ` (${rev.branch})` : ''} at ${commit}`;
}

/** `12 resources, context "c" (namespace n), the working tree of main at abc1234: 1 OutOfSync, ...` */
export function summary(drift: TargetDrift, context: string, namespace: string, cluster?: string): string {
  const c = drift.counts;
  const n = drift.resources.length;
  const parts = (['OutOfSync', 'Missing', 'Extra', 'Unknown', 'Synced'] as const).map((s) => `${c[s]} ${s}`);
  const untracked = drift.resources.filter((r) => r.status === 'Synced' && r.tracked === false).length;
  if (untracked > 0) parts[parts.length - 1] += ` (${untracked} not tracked yet: the next sync adopts ${untracked === 1 ? 'it' : 'them'})`;
  return `${n} resource${n === 1 ? '' : 's'} compared with ${cluster ? `cluster ${cluster}` : `context "${context}"`} (namespace ${namespace}) at ${describeRevision(drift.revision)}: ${parts.join(', ')}`;
}
