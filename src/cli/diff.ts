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
import type { ManifestSource, RevisionInfo } from '../git/types';
import { COMMON_OPTIONS, CONNECTION_OPTIONS, UsageError, argsOrExit, cannotReadPath, failure, formatOf, onePath, openSession, parseCommandLine, timeoutOf, type OptionDefs } from './command';
import type { ErrWriter } from './format';

export const DIFF_USAGE = `Usage: tanzu-gitops diff [--kubeconfig FILE] [--context NAME] [--namespace NS]
                         [--revision REV] [--target NAME] [--format text|json] [--timeout SECONDS]
                         <path>

Compares the manifests under <path> (a folder or a file inside a Git repository) with the live
objects of the Supervisor, as a sync would apply them: each object is dry-run on the server
(server-side apply), so defaults, status and server-owned fields never show as drift. Secret
values are masked.

Options:
  --kubeconfig FILE     kubeconfig to read (repeatable; default: KUBECONFIG, else ~/.kube/config)
  --context NAME        the context to compare against (default: the kubeconfig's current one)
  -n, --namespace NS    the namespace of manifests that name none (default: the context's)
  --revision REV        worktree (default: the files as they are on disk), HEAD (the last
                        commit), or a branch, tag or commit of the remote (origin)
  --target NAME         the name the objects were synced under (sync --target NAME): compare
                        with that target's tracking, and look for its Extra objects under <path>
  -o, --format text|json  text: a unified diff per drifting resource (live as ---, Git as +++) and
                        a summary on stderr; json: an array of
                        {group, version, kind, namespace, name, status, diff} (+ tracked,
                        reason)
  --timeout SECONDS     time allowed for each request to the Supervisor (default 30; or 90s, 2m)
  -h, --help            this help

Statuses: Synced (equal to Git; "tracked": false when the object lacks only this tool's
tracking, which the next sync adds), OutOfSync, Missing (in Git, not live), Extra (live, carries
this tool's tracking label, not in Git; only when <path> is the repository's top folder, or a
folder with --target), Unknown (not compared: kind forbidden or not served, or defined twice in
Git; or live and tracked while a file could not be read, which may define it). Symbolic links inside the repository are followed; a
file that could not be read (a link leaving the repository or looping, over 5 MB, binary, a YAML
syntax error) is listed, and JSON gives it an entry {file, status: "Unknown", reason}.

Exit codes: 0 nothing drifts, 1 something drifts (OutOfSync, Missing, Extra), 2 an error: usage,
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
  readonly format: 'text' | 'json';
  readonly timeoutSeconds: number;
  readonly help: boolean;
}

export const DIFF_OPTIONS = {
  ...COMMON_OPTIONS,
  ...CONNECTION_OPTIONS,
  revision: { type: 'string' },
  target: { type: 'string' },
  format: { type: 'string', short: 'o' },
} as const satisfies OptionDefs;

export function parseDiffArgs(argv: readonly string[]): DiffArgs {
  const { values: v, positionals } = parseCommandLine(argv, DIFF_OPTIONS);
  const help = v.help ?? false;
  const revision = (v.revision ?? 'worktree').trim();
  if (revision === '') throw new UsageError('--revision must not be empty (worktree, HEAD, or a branch, tag or commit)');
  const target = v.target?.trim();
  if (target === '') throw new UsageError('--target must not be empty');
  return {
    path: onePath(positionals, help) ?? '',
    kubeconfig: v.kubeconfig ?? [],
    context: v.context,
    namespace: v.namespace,
    revision,
    ...(target ? { target } : {}),
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

  // Heavy modules load only here (validate does not need them).
  const { openRepository } = require('../git/repository') as typeof import('../git/repository');
  const cluster = require('../cluster') as typeof import('../cluster');
  const { computeDrift, unreadWarnings } = require('../drift/engine') as typeof import('../drift/engine');
  const { targetForPath } = require('../drift/targets') as typeof import('../drift/targets');
  const clean = (text: string) => cluster.redact(text);

  let repo: Awaited<ReturnType<typeof openRepository>>;
  try {
    repo = await openRepository(abs);
  } catch (err) {
    return fail(clean((err as Error).message), 'git');
  }
  if (!repo) return fail(`${args.path} is not inside a Git working tree: diff compares the manifests of a Git repository (git init, or clone one).`, 'git');

  let session: import('../cluster').ConnectionSession;
  try {
    session = await openSession({ kubeconfig: args.kubeconfig, context: args.context, requestTimeoutMs: args.timeoutSeconds * 1000 });
  } catch (err) {
    return fail(clean(err instanceof Error ? err.message : String(err)), 'connection');
  }
  let drift: TargetDrift;
  try {
    const { target, extra } = await targetForPath({ repo, path: abs, file: !isDir, namespace: args.namespace || session.namespace, source: diffSource(args.revision), name: args.target });
    drift = await computeDrift(session, repo, target, { extra, timeoutMs: args.timeoutSeconds * 1000 });
  } finally {
    session.dispose();
  }

  // nothing was compared: the error alone says why (the per-kind warnings would repeat it)
  if (drift.error) return fail(clean(drift.error));
  const unread = drift.unread ?? [];
  const unreadLines = new Set(unreadWarnings(unread));
  for (const w of drift.warnings) if (!unreadLines.has(w)) writeErr(`tanzu-gitops diff: warning: ${clean(w)}\n`);

  const drifting = drift.resources.filter((r) => r.status === 'OutOfSync' || r.status === 'Missing' || r.status === 'Extra');
  const unknown = drift.resources.filter((r) => r.status === 'Unknown');
  if (args.format === 'json') {
    const { toRecord } = require('../core/reconcile/reconcile') as typeof import('../core/reconcile/reconcile');
    // a file that could not be read is an entry of its own: what it defines was not compared
    const files = unread.map((u) => ({ file: u.path, status: 'Unknown', reason: clean(`${u.rendering ? 'could not be rendered' : 'could not be read'}: ${u.reason}`) }));
    write(`${JSON.stringify([...files, ...drift.resources.map((r) => cleanRecord(toRecord(r), clean))], null, 2)}\n`);
  } else {
    for (const r of drifting) if (r.diff?.unified) write(r.diff.unified.endsWith('\n') ? r.diff.unified : `${r.diff.unified}\n`);
    for (const u of unread) writeErr(`tanzu-gitops diff: ${u.rendering ? 'could not be rendered' : 'could not be read'}: ${u.path}: ${clean(u.reason)}\n`);
    for (const r of unknown) writeErr(`tanzu-gitops diff: not compared: ${nameOf(r)}: ${clean(r.reason ?? 'unknown')}\n`);
    for (const r of drifting) {
      if (r.conflicts?.length) writeErr(`tanzu-gitops diff: conflict: ${nameOf(r)}: ${r.conflicts.map((c) => `${c.field} (owned by "${c.manager}")`).join(', ')}; sync takes ${r.conflicts.length === 1 ? 'it' : 'them'} over only with --force-conflicts\n`);
    }
    writeErr(`${summary(drift, session.context, args.namespace || session.namespace)}${unread.length ? `; ${unread.length} file${unread.length === 1 ? '' : 's'} could not be read` : ''}\n`);
  }
  if (unknown.length > 0 || unread.length > 0) return 2;
  return drifting.length > 0 ? 1 : 0;
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
export function summary(drift: TargetDrift, context: string, namespace: string): string {
  const c = drift.counts;
  const n = drift.resources.length;
  const parts = (['OutOfSync', 'Missing', 'Extra', 'Unknown', 'Synced'] as const).map((s) => `${c[s]} ${s}`);
  const untracked = drift.resources.filter((r) => r.status === 'Synced' && r.tracked === false).length;
  if (untracked > 0) parts[parts.length - 1] += ` (${untracked} not tracked yet: the next sync adopts ${untracked === 1 ? 'it' : 'them'})`;
  return `${n} resource${n === 1 ? '' : 's'} compared with context "${context}" (namespace ${namespace}) at ${describeRevision(drift.revision)}: ${parts.join(', ')}`;
}
