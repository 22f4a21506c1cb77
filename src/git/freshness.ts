/**
 * How fresh what was compared is: the commit (subject, age), when the repository last fetched
 * (the time of FETCH_HEAD), and how far the branch is behind its upstream. Every part is best
 * effort: a repository without a fetch, an upstream or a commit yet simply lacks that part.
 */
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { runGit } from './exec';
import type { BranchTracking, ManifestSource } from './types';

export interface GitFreshness {
  /** The commit compared (full sha; '' before the first commit). */
  readonly commit: string;
  readonly subject?: string;
  /** Committer time, ms since epoch. */
  readonly committedAt?: number;
  /** The last fetch of any remote (FETCH_HEAD's time), ms since epoch; absent when never fetched. */
  readonly fetchedAt?: number;
  /** The current branch's upstream, e.g. origin/main. */
  readonly upstream?: string;
  /** Commits the upstream has that HEAD lacks, and the other way round (as of the last fetch). */
  readonly behind?: number;
  readonly ahead?: number;
}

const TIMEOUT_MS = 10_000;

async function git(root: string, args: readonly string[]): Promise<string | undefined> {
  try {
    const r = await runGit(args, { cwd: root, timeoutMs: TIMEOUT_MS, what: `git ${args[0]}` });
    return r.code === 0 ? r.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The freshness of `commit` in the repository at `root` (and of the branch checked out there).
 * With the working tree's git directory (rev-parse --absolute-git-dir, where FETCH_HEAD is), and
 * with the branch's tracking as the working tree's `git status` read it, up to three git processes
 * fewer are started.
 */
export async function readFreshness(root: string, commit: string, gitDir?: string, tracking?: BranchTracking): Promise<GitFreshness> {
  const [log, fetchHead, upstream] = await Promise.all([
    commit ? git(root, ['log', '-1', '--format=%ct%x00%s', commit, '--']) : Promise.resolve(undefined),
    gitDir ? join(gitDir, 'FETCH_HEAD') : git(root, ['rev-parse', '--git-path', 'FETCH_HEAD']),
    tracking ? tracking.upstream : git(root, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}']),
  ]);
  const [time, ...subject] = (log ?? '').split('\0');
  let fetchedAt: number | undefined;
  if (fetchHead) {
    try {
      fetchedAt = statSync(isAbsolute(fetchHead) ? fetchHead : join(root, fetchHead)).mtimeMs;
    } catch {
      // never fetched
    }
  }
  const counts = !tracking && upstream ? await git(root, ['rev-list', '--left-right', '--count', `HEAD...${upstream}`]) : undefined;
  const [ahead, behind] = tracking ? [tracking.ahead, tracking.behind] : (counts ?? '').split(/\s+/).map((n) => Number.parseInt(n, 10));
  return {
    commit,
    ...(log ? { subject: subject.join('\0'), committedAt: Number(time) * 1000 } : {}),
    ...(fetchedAt !== undefined ? { fetchedAt: Math.round(fetchedAt) } : {}),
    ...(upstream ? { upstream } : {}),
    ...(Number.isFinite(behind) ? { behind, ahead } : {}),
  };
}

/** `5 minutes ago`, `3 hours ago`, `just now`. */
export function ago(at: number, now: number = Date.now()): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 45) return 'just now';
  const units: [number, string][] = [[86_400 * 365, 'year'], [86_400 * 30, 'month'], [86_400, 'day'], [3600, 'hour'], [60, 'minute']];
  for (const [size, unit] of units) {
    const n = Math.round(s / size);
    if (n >= 1 && s >= size * 0.75) return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}

/** `2 commits behind origin/main`, `1 commit ahead of origin/main`, undefined when level or unknown. */
export function behindText(f: GitFreshness): string | undefined {
  if (!f.upstream || f.behind === undefined) return undefined;
  const n = (k: number) => `${k} commit${k === 1 ? '' : 's'}`;
  const parts = [f.behind ? `${n(f.behind)} behind` : '', f.ahead ? `${n(f.ahead)} ahead of` : ''].filter(Boolean);
  if (parts.length === 0) return undefined;
  return parts.length === 2 ? `${n(f.behind)} behind and ${n(f.ahead ?? 0)} ahead of ${f.upstream}` : `${parts[0]} ${f.upstream}`;
}

/** One line: `abc1234 "subject" (3 hours ago) · fetched 5 minutes ago · 2 commits behind origin/main`. */
export function freshnessText(f: GitFreshness, now: number = Date.now()): string {
  const commit = f.commit ? `${f.commit.slice(0, 7)}${f.subject !== undefined ? ` "${f.subject}"` : ''}${f.committedAt ? ` (${ago(f.committedAt, now)})` : ''}` : 'no commit yet';
  const fetched = f.upstream || f.fetchedAt !== undefined ? (f.fetchedAt !== undefined ? `fetched ${ago(f.fetchedAt, now)}` : 'never fetched') : '';
  return [commit, fetched, behindText(f) ?? ''].filter(Boolean).join(' · ');
}

/** What fetching first did: the remotes fetched, and a warning for each that could not be. */
export interface FetchFirst {
  readonly fetched: readonly string[];
  readonly warnings: readonly string[];
}

/** What fetchFirst needs of a repository (a GitRepository is one). */
export interface Fetchable {
  readonly root: string;
  fetch(remote?: string): Promise<void>;
  /** The remote fetched when none is named (origin, else the first); without it, named "the remote". */
  defaultRemote?(): Promise<string>;
}

/**
 * Fetches, before a comparison, the remote of every source that follows a remote revision (a
 * branch or tag moves on the remote; a full commit id does not, and is not fetched for), once per
 * remote, each within the repository's fetch time limit. A fetch that fails does not stop the
 * comparison: the revision is read as the last fetch left it, and the warning says so, why, and
 * how old that fetch is, so that a stale ref is never compared silently.
 */
export async function fetchFirst(repo: Fetchable, sources: readonly ManifestSource[], now: () => number = Date.now): Promise<FetchFirst> {
  const byRemote = new Map<string, string[]>();
  for (const s of sources) {
    if (s.kind !== 'revision' || /^[0-9a-f]{40}$/i.test(s.revision.trim())) continue;
    let remote: string;
    try {
      remote = s.remote ?? (repo.defaultRemote ? await repo.defaultRemote() : '');
    } catch {
      continue; // no remote: reading the revision says so
    }
    const revisions = byRemote.get(remote) ?? [];
    if (!revisions.includes(s.revision)) revisions.push(s.revision);
    byRemote.set(remote, revisions);
  }
  const fetched: string[] = [];
  const warnings: string[] = [];
  await Promise.all([...byRemote].map(async ([remote, revisions]) => {
    try {
      await repo.fetch(remote || undefined);
      fetched.push(remote || 'the remote');
    } catch (e) {
      const fetchedAt = (await readFreshness(repo.root, '')).fetchedAt;
      const age = fetchedAt === undefined ? 'never fetched before' : `last fetched ${ago(fetchedAt, now())}`;
      const what = revisions.map((r) => (r === 'HEAD' ? 'the default branch' : r)).join(', ');
      warnings.push(`${e instanceof Error ? e.message : String(e)}; ${what} of ${remote || 'the remote'} compared as the repository has it (${age}): it may be stale`);
    }
  }));
  return { fetched: fetched.sort(), warnings };
}
