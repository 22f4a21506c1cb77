/**
 * Notices what changes the answer of the Git side without a file save: a checkout or a commit
 * (HEAD, refs/heads), a fetch (refs/remotes, FETCH_HEAD, tags), a gc or pack-refs (packed-refs),
 * and the index (an add, a `git rm --cached`, a `git checkout -- file`).
 * Pure Node (fs.watch), no git process, no vscode: the editor adds its own file-save events.
 *
 * Git replaces these files by renaming a `.lock` file over them, so a watch on the file itself
 * would be lost after the first change: the folders are watched and the names filtered.
 *
 * Invariant: our own reads never write the index (status runs with --no-optional-locks, ls-files
 * and cat-file only read), so watching it cannot make our reads trigger new reads. Another
 * program's `git status` may rewrite it once after files change: one more recompute, not a loop.
 */
import { readdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Disposable {
  dispose(): void;
}

export interface WatchOptions {
  /** Quiet time after the last event before `onChange` runs; default 300 ms. */
  readonly debounceMs?: number;
  /** The git directories when already known (GitRepository.gitDir / commonDir); else found from `root/.git`. */
  readonly gitDir?: string;
  readonly commonDir?: string;
}

/** Files directly in the per-worktree git directory whose change matters. */
const WORKTREE_FILES = new Set(['HEAD', 'FETCH_HEAD', 'index']);
/** Files directly in the common git directory whose change matters. */
const COMMON_FILES = new Set(['packed-refs']);

/**
 * Watches the repository at `root` and calls `onChange` (debounced) with the git-relative names
 * that changed (e.g. `HEAD`, `refs/heads/main`, `FETCH_HEAD`). Returns a disposable that stops the
 * watch. A repository whose git directory cannot be found gives a disposable that does nothing.
 */
export function watchRepository(root: string, onChange: (changed: readonly string[]) => void, options: WatchOptions = {}): Disposable {
  const dirs = options.gitDir ? { gitDir: options.gitDir, commonDir: options.commonDir ?? options.gitDir } : findGitDirs(root);
  if (!dirs) return { dispose: () => undefined };
  const debounceMs = options.debounceMs ?? 300;
  const watchers: FSWatcher[] = [];
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let disposed = false;

  const note = (name: string): void => {
    if (disposed || name.endsWith('.lock')) return;
    pending.add(name);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      const changed = [...pending].sort();
      pending = new Set();
      if (!disposed) onChange(changed);
    }, debounceMs);
  };

  const add = (dir: string, recursive: boolean, onName: (name: string) => void): FSWatcher | undefined => {
    try {
      const w = watch(dir, { recursive, persistent: false }, (_event, filename) => {
        if (filename !== null && !disposed) onName(String(filename).replace(/\\/g, '/'));
      });
      w.on('error', () => w.close());
      w.on('close', () => {
        const i = watchers.indexOf(w);
        if (i >= 0) watchers.splice(i, 1);
      });
      watchers.push(w);
      return w;
    } catch {
      return undefined; // gone, or no permission: nothing to watch there
    }
  };

  const same = resolve(dirs.gitDir) === resolve(dirs.commonDir);
  add(dirs.gitDir, false, (n) => {
    if (WORKTREE_FILES.has(n) || (same && COMMON_FILES.has(n))) note(n);
  });
  if (!same) {
    add(dirs.commonDir, false, (n) => {
      if (COMMON_FILES.has(n)) note(n);
    });
  }
  const refs = join(dirs.commonDir, 'refs');
  if (NATIVE_RECURSIVE) add(refs, true, (n) => note(`refs/${n}`));
  else watchTree(refs, 'refs', add, note);

  return {
    dispose: () => {
      disposed = true;
      if (timer) clearTimeout(timer);
      for (const w of watchers.splice(0)) w.close();
    },
  };
}

/**
 * macOS and Windows watch a tree natively. On Linux, Node's `recursive` option is emulated, and
 * in the Node of older VS Code builds (20.9) by polling every file with fs.watchFile (a 5 s
 * delay, and a burst of events at start): there we watch each folder ourselves, and add folders
 * as they appear (refs/remotes/origin on the first fetch, refs/heads/feature/ on a new branch).
 */
const NATIVE_RECURSIVE = process.platform === 'darwin' || process.platform === 'win32';
/** More folders than this under refs/ (thousands of namespaced refs) are not watched one by one. */
const MAX_WATCHED_FOLDERS = 500;

function watchTree(
  dir: string, label: string,
  add: (dir: string, recursive: boolean, onName: (name: string) => void) => FSWatcher | undefined,
  note: (name: string) => void,
): void {
  const watched = new Map<string, FSWatcher>();
  const watchFolder = (abs: string, rel: string): void => {
    if (watched.size >= MAX_WATCHED_FOLDERS) return;
    const w = add(abs, false, (name) => {
      note(`${rel}/${name}`);
      const child = join(abs, name);
      if (!isDirectory(child)) return;
      // a folder event: new, or deleted and made again (a watch on the old one sees nothing)
      watched.get(child)?.close();
      watchFolder(child, `${rel}/${name}`);
    });
    if (!w) return;
    watched.set(abs, w);
    w.on('close', () => {
      if (watched.get(abs) === w) watched.delete(abs);
    });
    for (const entry of listFolders(abs)) {
      const child = join(abs, entry);
      if (!watched.has(child)) watchFolder(child, `${rel}/${entry}`);
    }
  };
  watchFolder(dir, label);
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function listFolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
}

/** The git directories of the working tree at `root`: `.git` a folder, or a file `gitdir: …` (worktrees, submodules). */
export function findGitDirs(root: string): { gitDir: string; commonDir: string } | undefined {
  const dotGit = join(root, '.git');
  let gitDir: string;
  try {
    if (statSync(dotGit).isDirectory()) {
      gitDir = dotGit;
    } else {
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
      if (!m) return undefined;
      gitDir = resolve(root, m[1]);
    }
  } catch {
    return undefined;
  }
  let commonDir = gitDir;
  try {
    commonDir = resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim());
  } catch {
    // not a linked worktree
  }
  return { gitDir, commonDir };
}
