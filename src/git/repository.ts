/**
 * The Git side of drift: a repository's remotes and state, and the manifests under a path as they
 * are in the working tree, at HEAD, or at a revision of a remote — read the way Argo CD's repo
 * server reads a directory source (see select.ts and glob.ts).
 *
 * Process budget (drift recomputes on every Git event): local one-shot commands go through
 * simple-git (local.ts), network ones through runGit (exec.ts); everything read from the object
 * database goes through ONE `git cat-file --batch`
 * process per read (HEAD or revision resolved, trees walked, blobs read, pipelined), so 500 files
 * at HEAD cost two git processes (`symbolic-ref` for the branch name and `cat-file`), not 500.
 * A revision costs two as well (`git remote -v` and `cat-file`; a third, `symbolic-ref`, for
 * `HEAD`), plus a fetch when the revision is not known locally (and an `ls-remote` for `HEAD`
 * when the remote's default branch is not known locally). Reads of the same path and source that
 * overlap in time share one read (several Applications of one repository, compared side by side,
 * cost one). The working tree costs two
 * (`status` for branch, commit and dirtiness under the path, and `ls-files` for tracked and
 * untracked-not-ignored files) plus plain file reads.
 *
 * Invariants:
 * - Nothing here writes to the repository except `fetch` (remote-tracking refs, auto-followed
 *   tags, FETCH_HEAD). `status` runs with --no-optional-locks so it never rewrites the index (and
 *   never races the user's own git commands for index.lock).
 * - Remote names and revisions from Applications never reach git's command line as options: a
 *   remote must be one of `git remote`, a revision goes to cat-file on stdin, after a check.
 * - No URL with credentials leaves this module: remote URLs are redacted in `remotes()` and in
 *   every error.
 * - Only open repositories of trusted workspaces: `git status` runs the repository's configured
 *   fsmonitor and clean filters, as it does for the user.
 */
import { existsSync, lstatSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { decodeManifest } from '../core/manifest/decode';
import { sharedWhileRunning } from '../core/concurrency';
import { GitError, remoteError } from './errors';
import { CatFileBatch, parseTree, runGit, type GitObject } from './exec';
import { LocalGit } from './local';
import { normalizeRepoUrl, redactUrlCredentials } from './remote-url';
import { joinPath, linkTarget, MAX_MANIFEST_BYTES, normalizeSourcePath, relativeTo, selectFile, type Selection } from './select';
import type {
  BranchTracking, DirectoryOptions, ManifestFile, ManifestSet, ManifestSource, Remote, Repository, RevisionInfo, UnreadFile,
} from './types';
import { followLink, readManifestFile, realBoundary, tooLarge, walkFolder, within } from './walk';

export interface RepositoryOptions {
  /** Time limit of `fetch` (and of `ls-remote` for a remote's default branch); default 30 s. */
  readonly fetchTimeoutMs?: number;
  /** Time limit of local git commands without output; default 60 s. */
  readonly localTimeoutMs?: number;
}

const DEFAULT_FETCH_TIMEOUT_MS = 30_000;
const DEFAULT_LOCAL_TIMEOUT_MS = 60_000;
const SLICE_MS = 8;

/**
 * The repository that contains `folder` (a folder or a file in it), or undefined when it is not
 * in a Git working tree (a bare repository, a `.git` folder, or no repository at all).
 * Throws a GitError of kind 'git-missing' when git cannot be run.
 */
export async function openRepository(folder: string, options: RepositoryOptions = {}): Promise<GitRepository | undefined> {
  let dir = resolve(folder);
  try {
    if (!(await stat(dir)).isDirectory()) dir = resolve(dir, '..');
  } catch {
    return undefined;
  }
  let out: string;
  try {
    // 'git-missing' when git cannot be started, 'timeout' when it hangs
    out = await new LocalGit(dir, options.localTimeoutMs ?? DEFAULT_LOCAL_TIMEOUT_MS)
      .run((git) => git.revparse(['--show-toplevel', '--absolute-git-dir', '--git-common-dir']), 'git rev-parse');
  } catch (e) {
    if (e instanceof GitError && e.kind !== 'other') throw e;
    const text = (e instanceof GitError ? e.detail : undefined) ?? String(e);
    if (/not a git repository|must be run in a work tree|outside repository|not a working tree/i.test(text)) return undefined;
    throw new GitError('other', `git rev-parse in ${dir} failed: ${text.trim()}`);
  }
  const [top, gitDir, commonDir] = out.split(/\r?\n/);
  if (!top || !gitDir) return undefined;
  return new GitRepository(resolve(top), resolve(gitDir), resolve(dir, commonDir || gitDir), options);
}

export class GitRepository implements Repository {
  readonly root: string;
  /** This working tree's git directory (HEAD, FETCH_HEAD, index live here). */
  readonly gitDir: string;
  /** The directory shared by all worktrees (refs, packed-refs, objects); equal to gitDir outside linked worktrees. */
  readonly commonDir: string;
  private readonly fetchTimeoutMs: number;
  private readonly localTimeoutMs: number;
  private readonly git: LocalGit;
  private readonly fetches = new Map<string, Promise<void>>();
  private readonly defaultBranches = new Map<string, string>();
  /** Reads in flight, by path, source and directory options: a read that overlaps one of them shares it. */
  private readonly reads = new Map<string, Promise<ManifestSet>>();
  private readonly defaultBranchAsks = new Map<string, Promise<string | undefined>>();
  private readonly remotesInFlight = new Map<'', Promise<Remote[]>>();

  constructor(root: string, gitDir: string, commonDir: string, options: RepositoryOptions = {}) {
    this.root = root;
    this.gitDir = gitDir;
    this.commonDir = commonDir;
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
    this.localTimeoutMs = options.localTimeoutMs ?? DEFAULT_LOCAL_TIMEOUT_MS;
    this.git = new LocalGit(root, this.localTimeoutMs);
  }

  /** The remotes; calls that overlap share one `git remote -v`. */
  remotes(): Promise<Remote[]> {
    return sharedWhileRunning(this.remotesInFlight, '', async () => {
      const list = await this.git.run((git) => git.getRemotes(true), 'git remote -v');
      return list.map((r) => {
        const url = r.refs.fetch || r.refs.push;
        return { name: r.name, url: redactUrlCredentials(url), normalized: normalizeRepoUrl(url) };
      });
    });
  }

  async state(): Promise<RevisionInfo> {
    const out = await this.plain(['--no-optional-locks', 'status', '--porcelain=v2', '--branch', '-z'], 'git status');
    const s = parseStatus(out);
    return { label: 'working tree', ...branchFields(s.branch), commit: s.commit, dirty: s.dirty, tracking: s.tracking };
  }

  /** Concurrent fetches of one remote share one git process (git would refuse the second one). */
  fetch(remote?: string): Promise<void> {
    if (remote !== undefined) return this.fetchRemote(remote);
    return this.defaultRemote().then((name) => this.fetchRemote(name));
  }

  /** The manifests under `path`; a read of the same path, source and options still in flight is shared (the set is read-only). */
  readManifests(path: string, source: ManifestSource, directory: DirectoryOptions): Promise<ManifestSet> {
    return sharedWhileRunning(this.reads, JSON.stringify([path, source, directory]), () => this.readOnce(path, source, directory));
  }

  private async readOnce(path: string, source: ManifestSource, directory: DirectoryOptions): Promise<ManifestSet> {
    let prefix: string;
    try {
      prefix = normalizeSourcePath(path);
    } catch (e) {
      throw new GitError('path-missing', (e as Error).message);
    }
    switch (source.kind) {
      case 'worktree':
        return this.readWorktree(path, prefix, directory);
      case 'head':
        return this.readHead(path, prefix, directory);
      case 'revision':
        return this.readRevision(path, prefix, directory, source.revision, source.remote);
    }
  }

  /** The remote used when none is named: origin, else the first one. */
  async defaultRemote(): Promise<string> {
    const names = (await this.git.run((git) => git.getRemotes(false), 'git remote')).map((r) => r.name);
    const name = names.includes('origin') ? 'origin' : names[0];
    if (!name) throw new GitError('remote-missing', `the repository ${this.root} has no remote`);
    return name;
  }

  // ---- working tree ---------------------------------------------------------------------------

  private async readWorktree(path: string, prefix: string, directory: DirectoryOptions): Promise<ManifestSet> {
    const dir = join(this.root, prefix);
    const isDir = await stat(dir).then((s) => s.isDirectory(), () => undefined);
    if (isDir === undefined) throw new GitError('path-missing', `path ${path} does not exist in the working tree of ${this.root}`);
    if (!isDir) throw new GitError('path-missing', `path ${path} is a file, not a folder, in the working tree of ${this.root}`);
    const [statusOut, listed] = await Promise.all([
      this.plain(['--no-optional-locks', 'status', '--porcelain=v2', '--branch', '-z', '--', '.'], 'git status', dir),
      this.plain(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--full-name', '--', '.'], 'git ls-files', dir),
    ]);
    const s = parseStatus(statusOut);
    const unread: UnreadFile[] = [];
    const entries: { full: string; rel: string; sel: Selection }[] = [];
    for (const full of new Set(listed.split('\0'))) {
      if (full === '' || full.endsWith('/')) continue; // a nested repository shows as a folder
      const rel = relativeTo(prefix, full);
      if (rel === undefined) continue;
      const sel = selectFile(rel, directory);
      // without recurse only manifests matter; with it, any entry may be a link to a folder
      if (sel || directory.recurse) entries.push({ full, rel, sel });
    }
    const boundary = realBoundary(this.root);
    const wanted: { full: string; real: string; size: number }[] = [];
    await inSlices(entries, ({ full, rel, sel }) => {
      const abs = join(this.root, full);
      let info: Stats;
      try {
        info = lstatSync(abs);
      } catch {
        return; // deleted in the working tree, still in the index
      }
      if (info.isSymbolicLink()) return void this.linkedEntry(abs, full, rel, sel, directory, boundary, wanted, unread);
      if (sel === 'jsonnet') unread.push({ path: full, reason: JSONNET_REASON });
      else if (sel === 'manifest' && info.isFile()) wanted.push({ full, real: abs, size: info.size });
    });
    const files: ManifestFile[] = [];
    await inSlices(wanted, ({ full, real, size }) => {
      const read = readManifestFile(real, size);
      if ('text' in read) files.push({ path: full, text: read.text });
      else if (existsSync(real)) unread.push({ path: full, reason: read.unread });
      // else: removed between the two calls
    });
    const revision: RevisionInfo = { label: 'working tree', ...branchFields(s.branch), commit: s.commit, dirty: s.dirty, tracking: s.tracking };
    return result(files, unread, revision);
  }

  /**
   * A symbolic link of the working tree, followed as kubectl follows it: a file is read where it
   * points, a folder (with recurse) walked as if it were here. Links that leave the repository,
   * loop or dangle are not followed: files that could not be read.
   */
  private linkedEntry(
    abs: string, full: string, rel: string, sel: Selection, directory: DirectoryOptions, boundary: string,
    wanted: { full: string; real: string; size: number }[], unread: UnreadFile[],
  ): void {
    const f = followLink(abs, boundary);
    if ('reason' in f) return void unread.push({ path: full, reason: f.reason });
    if (f.stats.isDirectory()) {
      if (!directory.recurse) return;
      // the real folders above the link: a link back to one of them is a loop
      const chain = new Set<string>();
      for (let d = realBoundary(dirname(abs)); within(boundary, d); d = dirname(d)) {
        chain.add(d);
        if (d === boundary) break;
      }
      if (chain.has(f.real)) return void unread.push({ path: full, reason: `symbolic link loop: ${full} leads back to a folder above it; not followed` });
      const walked = walkFolder(f.real, {
        boundary, prefix: full,
        select: (p) => {
          const k = selectFile(`${rel}/${p}`, directory);
          return k === 'jsonnet' ? { unread: JSONNET_REASON } : k;
        },
      }, undefined, '', chain);
      unread.push(...walked.unread);
      for (const w of walked.files) wanted.push({ full: `${full}/${w.path}`, real: w.real, size: w.size });
      return;
    }
    if (sel === 'jsonnet') unread.push({ path: full, reason: JSONNET_REASON });
    else if (sel === 'manifest' && f.stats.isFile()) wanted.push({ full, real: f.real, size: f.stats.size });
  }

  // ---- HEAD -----------------------------------------------------------------------------------

  private async readHead(path: string, prefix: string, directory: DirectoryOptions): Promise<ManifestSet> {
    const batch = new CatFileBatch(this.root, this.localTimeoutMs);
    try {
      const [ref, head] = await Promise.all([this.symbolicRef('HEAD'), batch.get('HEAD')]);
      const branch = ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
      if (!head || head.type !== 'commit') {
        throw new GitError('unborn', `HEAD has no commit yet${branch ? ` (branch ${branch} is unborn)` : ''}: nothing to read at HEAD`);
      }
      const revision: RevisionInfo = { label: 'HEAD', ...branchFields(branch), ...(ref ? { ref } : {}), commit: head.oid, dirty: false };
      return await this.readTree(batch, path, prefix, directory, revision, `HEAD (${short(head.oid)})`);
    } finally {
      batch.close();
    }
  }

  // ---- a revision of a remote -----------------------------------------------------------------

  private async readRevision(path: string, prefix: string, directory: DirectoryOptions, asked: string, remoteName?: string): Promise<ManifestSet> {
    // one `git remote` either way: the default remote, or a check that the named one exists (a
    // tag or a sha would otherwise resolve whatever remote was named)
    const remote = remoteName === undefined ? await this.defaultRemote() : (await this.knownRemote(remoteName)).name;
    const revision = asked.trim() === '' ? 'HEAD' : asked.trim();
    if (!isSafeRevision(revision)) throw new GitError('revision-missing', `${JSON.stringify(asked)} is not a valid revision name`);
    let batch = new CatFileBatch(this.root, this.localTimeoutMs);
    try {
      let found = await this.resolve(batch, remote, revision);
      if (!found) {
        // not known locally: fetch the remote once, then look again
        batch.close();
        await this.fetchRemote(remote);
        batch = new CatFileBatch(this.root, this.localTimeoutMs);
        found = await this.resolve(batch, remote, revision);
      }
      if (!found) {
        throw new GitError('revision-missing', `revision ${revision} is neither a branch of ${remote}, nor a tag, nor a commit (after git fetch ${remote})`);
      }
      const info: RevisionInfo = {
        label: found.label, ...branchFields(found.branch), ...(found.ref ? { ref: found.ref } : {}), commit: found.commit, dirty: false,
      };
      return await this.readTree(batch, path, prefix, directory, info, `${found.label} (${short(found.commit)})`);
    } finally {
      batch.close();
    }
  }

  /**
   * Argo CD's order: a branch of the remote (its remote-tracking ref), then a tag, then a commit.
   * `HEAD` is the remote's default branch.
   */
  private async resolve(batch: CatFileBatch, remote: string, revision: string): Promise<Resolved | undefined> {
    const commitOf = async (name: string): Promise<string | undefined> => {
      const o = await batch.get(`${name}^{commit}`);
      return o?.type === 'commit' ? o.oid : undefined;
    };
    if (revision === 'HEAD') {
      const branch = await this.remoteDefaultBranch(remote);
      if (!branch) return undefined;
      return this.resolve(batch, remote, branch);
    }
    const tryBranch = async (b: string): Promise<Resolved | undefined> => {
      const ref = `refs/remotes/${remote}/${b}`;
      const commit = await commitOf(ref);
      return commit ? { label: `${remote}/${b}`, branch: b, ref, commit } : undefined;
    };
    const tryTag = async (t: string): Promise<Resolved | undefined> => {
      const ref = `refs/tags/${t}`;
      const commit = await commitOf(ref);
      return commit ? { label: t, ref, commit } : undefined;
    };
    if (revision.startsWith('refs/heads/')) return tryBranch(revision.slice('refs/heads/'.length));
    if (revision.startsWith('refs/tags/')) return tryTag(revision.slice('refs/tags/'.length));
    if (revision.startsWith('refs/')) {
      const commit = await commitOf(revision);
      return commit ? { label: revision, ref: revision, commit } : undefined;
    }
    const asBranch = await tryBranch(revision);
    if (asBranch) return asBranch;
    const asTag = await tryTag(revision);
    if (asTag) return asTag;
    if (/^[0-9a-f]{4,64}$/i.test(revision)) {
      const commit = await commitOf(revision);
      if (commit) return { label: revision, commit };
    }
    return undefined;
  }

  /**
   * The branch `refs/remotes/<remote>/HEAD` points at; else asks the remote (ls-remote --symref,
   * once per remote: overlapping asks share it). Asked before any fetch: when the branch is known
   * locally, it is read as a named branch is, without fetching (a repository made with `git init`
   * and `git remote add` has no `<remote>/HEAD`, and a fetch does not write one).
   */
  private async remoteDefaultBranch(remote: string): Promise<string | undefined> {
    const local = await this.symbolicRef(`refs/remotes/${remote}/HEAD`);
    const prefix = `refs/remotes/${remote}/`;
    if (local?.startsWith(prefix)) return local.slice(prefix.length);
    const known = this.defaultBranches.get(remote);
    if (known) return known;
    return sharedWhileRunning(this.defaultBranchAsks, remote, () => this.askDefaultBranch(remote));
  }

  /** `remote` is one of `git remote` (readRevision checked it). */
  private async askDefaultBranch(remote: string): Promise<string | undefined> {
    const res = await runGit(['ls-remote', '--symref', remote, 'HEAD'], { cwd: this.root, timeoutMs: this.fetchTimeoutMs, what: `git ls-remote ${remote}` });
    if (res.code !== 0) throw remoteError('ls-remote', remote, undefined, res.stderr);
    const m = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(res.stdout);
    if (m) this.defaultBranches.set(remote, m[1]);
    return m?.[1];
  }

  // ---- trees ----------------------------------------------------------------------------------

  private async readTree(
    batch: CatFileBatch, path: string, prefix: string, directory: DirectoryOptions, revision: RevisionInfo, where: string,
  ): Promise<ManifestSet> {
    const top = await batch.get(prefix === '' ? `${revision.commit}^{tree}` : `${revision.commit}:${prefix}`);
    if (!top) throw new GitError('path-missing', `path ${path} does not exist at ${where}`);
    if (top.type !== 'tree') throw new GitError('path-missing', `path ${path} is a file, not a folder, at ${where}`);
    const oidLength = top.oid.length;
    const unread: UnreadFile[] = [];
    const blobs: { full: string; oid: string }[] = [];
    // `real`: the folder's own path in the repository (a linked folder's is its target's); `chain`:
    // the real folders above it, for loops through links
    type Level = { rel: string; real: string; chain: readonly string[]; tree: GitObject | undefined };
    let level: Level[] = [{ rel: '', real: prefix, chain: [], tree: top }];
    while (level.length > 0) {
      const next: { rel: string; real: string; chain: readonly string[]; oid: string }[] = [];
      const links: { rel: string; full: string; oid: string; parent: Level }[] = [];
      for (const item of level) {
        const { rel, tree } = item;
        if (!tree || tree.type !== 'tree') continue;
        for (const entry of parseTree(tree.data, oidLength)) {
          const r = rel === '' ? entry.name : `${rel}/${entry.name}`;
          const full = joinPath(prefix, r);
          if (entry.mode === '40000') {
            if (directory.recurse) next.push({ rel: r, real: joinPath(item.real, entry.name), chain: [...item.chain, item.real], oid: entry.oid });
            continue;
          }
          if (entry.mode === '160000') {
            if (directory.recurse) unread.push({ path: full, reason: SUBMODULE_REASON });
            continue;
          }
          const sel = selectFile(r, directory);
          if (entry.mode === '120000') {
            if (sel || directory.recurse) links.push({ rel: r, full, oid: entry.oid, parent: item });
            continue;
          }
          if (sel === 'jsonnet') unread.push({ path: full, reason: JSONNET_REASON });
          else if (sel === 'manifest') blobs.push({ full, oid: entry.oid });
        }
      }
      await Promise.all(links.map(async (l) => {
        const to = await resolveTreeLink(batch, revision.commit, joinPath(l.parent.real, l.full.slice(l.full.lastIndexOf('/') + 1)), l.oid, oidLength);
        if ('reason' in to) return void unread.push({ path: l.full, reason: to.reason });
        const sel = selectFile(l.rel, directory);
        if (to.mode === '40000') {
          if (!directory.recurse) return;
          const above = [...l.parent.chain, l.parent.real];
          if (above.some((a) => a === to.path || isAncestor(to.path, a))) {
            return void unread.push({ path: l.full, reason: `symbolic link loop: ${l.full} leads back to a folder above it; not followed` });
          }
          next.push({ rel: l.rel, real: to.path, chain: above, oid: to.oid });
        } else if (to.mode === '160000') {
          unread.push({ path: l.full, reason: SUBMODULE_REASON });
        } else if (sel === 'jsonnet') {
          unread.push({ path: l.full, reason: JSONNET_REASON });
        } else if (sel === 'manifest') {
          blobs.push({ full: l.full, oid: to.oid });
        }
      }));
      level = await Promise.all(next.map(async (n) => ({ rel: n.rel, real: n.real, chain: n.chain, tree: await batch.get(n.oid) })));
    }
    const objects = await Promise.all(blobs.map((b) => batch.get(b.oid)));
    const files: ManifestFile[] = [];
    blobs.forEach((b, i) => {
      const o = objects[i];
      if (!o) return;
      if (o.size > MAX_MANIFEST_BYTES) return void unread.push({ path: b.full, reason: tooLarge(o.size) });
      const decoded = decodeManifest(o.data);
      if ('text' in decoded) files.push({ path: b.full, text: decoded.text });
      else unread.push({ path: b.full, reason: decoded.unread });
    });
    return result(files, unread, revision);
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private fetchRemote(name: string): Promise<void> {
    return sharedWhileRunning(this.fetches, name, () => this.doFetch(name));
  }

  /**
   * Network commands (this fetch, and ls-remote above) run through runGit, not simple-git: the
   * invariant of exec.ts needs a new session (simple-git's spawn options take only uid and gid, so
   * ssh could ask on our terminal) and a kill of the whole process group at the deadline
   * (simple-git sends SIGINT to git alone, and waits while a remote helper or ssh holds its pipes).
   */
  private async doFetch(name: string): Promise<void> {
    const remote = await this.knownRemote(name);
    const what = `git fetch ${name} (${remote.url})`;
    const res = await runGit(['fetch', '--quiet', name], { cwd: this.root, timeoutMs: this.fetchTimeoutMs, what });
    if (res.code !== 0) throw remoteError('fetch', name, remote.url, res.stderr);
  }

  private async knownRemote(name: string): Promise<Remote> {
    const remotes = await this.remotes();
    const remote = remotes.find((r) => r.name === name);
    if (!remote) {
      const names = remotes.map((r) => r.name).join(', ');
      throw new GitError('remote-missing', `no remote named ${name} in ${this.root}${names ? ` (remotes: ${names})` : ' (it has no remote)'}`);
    }
    return remote;
  }

  /** Whether Git tracks a file (`rel`: relative to the root, '/' separators). */
  async tracks(rel: string): Promise<boolean> {
    return (await this.plain(['ls-files', '--', rel], 'git ls-files')).trim() !== '';
  }

  /**
   * Stages one file and commits only it, with the user's identity and hooks; the new commit's
   * id, or undefined when the file has nothing to commit.
   */
  async commitFile(rel: string, message: string): Promise<string | undefined> {
    await this.git.run((git) => git.add(['--', rel]), 'git add');
    const staged = await this.git.run((git) => git.diff(['--cached', '--name-only', '--', rel]), 'git diff --cached');
    if (staged.trim() === '') return undefined;
    await this.git.run((git) => git.commit(message, ['--', rel]), 'git commit');
    return this.git.run((git) => git.revparse(['HEAD']), 'git rev-parse');
  }

  /** `git symbolic-ref -q <name>`: the ref it points to, or undefined (detached, or not symbolic). */
  private async symbolicRef(name: string): Promise<string | undefined> {
    const out = await this.plain(['symbolic-ref', '-q', name], 'git symbolic-ref').catch(() => '');
    return out.trim() || undefined;
  }

  /** A local one-shot command (simple-git's raw), its output; a GitError that names it when it fails. */
  private plain(args: readonly string[], what: string, cwd: string = this.root): Promise<string> {
    return this.git.raw(args, what, cwd);
  }
}

interface Resolved {
  readonly label: string;
  readonly branch?: string;
  readonly ref?: string;
  readonly commit: string;
}

const JSONNET_REASON = 'jsonnet is not rendered (Argo CD would evaluate it)';
const SUBMODULE_REASON = 'submodule: not read';
/** As Linux (MAXSYMLINKS): more links in a chain is a loop. */
const MAX_LINK_HOPS = 40;

/** Whether folder `a` is above `b` (repository paths, '' the root). */
function isAncestor(a: string, b: string): boolean {
  return a === '' ? b !== '' : b.startsWith(`${a}/`);
}

/**
 * Where a link stored in a commit leads (through chains of links): the entry's mode and oid, and
 * its path; or why it is not followed (leaves the repository, loops, dangles).
 */
async function resolveTreeLink(
  batch: CatFileBatch, commit: string, linkPath: string, linkOid: string, oidLength: number,
): Promise<{ path: string; mode: string; oid: string } | { reason: string }> {
  let path = linkPath;
  let oid = linkOid;
  for (let hop = 0; hop < MAX_LINK_HOPS; hop++) {
    const blob = await batch.get(oid);
    const text = blob ? blob.data.toString('utf8') : '';
    const to = linkTarget(path, text);
    if (to === undefined) return { reason: `symbolic link to ${text}, outside the repository: not followed` };
    if (to === '') return { reason: `symbolic link loop: it leads to the repository's top folder; not followed` };
    const slash = to.lastIndexOf('/');
    const parent = await batch.get(slash < 0 ? `${commit}^{tree}` : `${commit}:${to.slice(0, slash)}`);
    const entry = parent?.type === 'tree' ? parseTree(parent.data, oidLength).find((e) => e.name === to.slice(slash + 1)) : undefined;
    if (!entry) return { reason: `symbolic link to ${text}, which does not exist: not followed` };
    if (entry.mode !== '120000') return { path: to, mode: entry.mode, oid: entry.oid };
    path = to;
    oid = entry.oid;
  }
  return { reason: 'symbolic link loop: not followed' };
}

function short(oid: string): string {
  return oid.slice(0, 7);
}

function branchFields(branch: string | undefined): { branch?: string } {
  return branch ? { branch } : {};
}

function result(files: ManifestFile[], unread: UnreadFile[], revision: RevisionInfo): ManifestSet {
  const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  files.sort(byPath);
  unread.sort(byPath);
  return unread.length > 0 ? { files, revision, unread } : { files, revision };
}

/** Branch, commit and dirtiness from `git status --porcelain=v2 --branch -z`. */
export function parseStatus(out: string): { branch?: string; commit: string; dirty: boolean; tracking: BranchTracking } {
  let branch: string | undefined;
  let commit = '';
  let dirty = false;
  let upstream: string | undefined;
  let ab: { ahead: number; behind: number } | undefined;
  for (const token of out.split('\0')) {
    if (token.startsWith('# branch.oid ')) {
      const v = token.slice('# branch.oid '.length).trim();
      commit = v === '(initial)' ? '' : v;
    } else if (token.startsWith('# branch.head ')) {
      const v = token.slice('# branch.head '.length).trim();
      branch = v === '(detached)' ? undefined : v;
    } else if (token.startsWith('# branch.upstream ')) {
      upstream = token.slice('# branch.upstream '.length).trim() || undefined;
    } else if (token.startsWith('# branch.ab ')) {
      // `+<ahead> -<behind>`, only when the upstream's ref is there
      const m = /^\+(\d+) -(\d+)$/.exec(token.slice('# branch.ab '.length).trim());
      if (m) ab = { ahead: Number(m[1]), behind: Number(m[2]) };
    } else if (token !== '' && !token.startsWith('# ')) {
      dirty = true;
    }
  }
  return { ...(branch ? { branch } : {}), commit, dirty, tracking: upstream ? { upstream, ...ab } : {} };
}

/**
 * A revision we are willing to hand to git: a ref name, a tag or a (short) sha. Refuses what
 * git's rev syntax would read as something else (`:`, `^`, `~`, `@{`, `..`, spaces, globs).
 */
function isSafeRevision(rev: string): boolean {
  if (rev.startsWith('-') || rev.startsWith('/') || rev.endsWith('/') || rev.endsWith('.lock')) return false;
  if (rev.includes('..') || rev.includes('@{') || rev.includes('//')) return false;
  // eslint-disable-next-line no-control-regex
  return !/[\x00-\x20\x7f~^:?*[\\]/.test(rev);
}

/**
 * Runs `fn` over `items` synchronously in slices of at most SLICE_MS, yielding to the event loop
 * between slices. Why sync: through fs.promises each small file costs ~0.1 ms of thread-pool
 * round trips (500 manifests: ~50 ms); read synchronously they cost ~5 ms, and the slices keep
 * the extension host responsive even on a slow (network) file system.
 */
async function inSlices<T>(items: readonly T[], fn: (item: T) => void): Promise<void> {
  let start = performance.now();
  for (const item of items) {
    fn(item);
    if (performance.now() - start > SLICE_MS) {
      await new Promise<void>((r) => setImmediate(r));
      start = performance.now();
    }
  }
}
