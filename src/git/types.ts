/**
 * What the drift engine asks of Git: a repository's remotes and state, and the manifests under
 * a path as they are in the working tree, at HEAD, or at a revision of the remote.
 * Implemented over simple-git and git cat-file (src/git/repository.ts, local.ts, exec.ts); no vscode import.
 */

/** Which version of the manifests to read. */
export type ManifestSource =
  | { readonly kind: 'worktree' }
  | { readonly kind: 'head' }
  /**
   * A branch, tag or commit of a remote (e.g. an Application's targetRevision), resolved as Argo CD
   * does: the remote's branch (its remote-tracking ref `<remote>/<revision>`), else a tag, else a
   * commit; `HEAD` (or '') is the remote's default branch. Read from the local object database:
   * when the revision is not known locally the remote is fetched once; otherwise call `fetch()`
   * first to see what the remote has now. `remote` defaults to origin, else the first remote.
   */
  | { readonly kind: 'revision'; readonly revision: string; readonly remote?: string };

export interface DirectoryOptions {
  /** Walk sub-folders (Argo CD's directory.recurse; default false as in Argo CD). */
  readonly recurse: boolean;
  /** Argo CD directory.include: a glob, or {glob1,glob2}, matched against the file path relative to `path`. */
  readonly include?: string;
  /** Argo CD directory.exclude, the same form. */
  readonly exclude?: string;
}

export interface ManifestFile {
  /** Path relative to the repository root, with '/' separators. */
  readonly path: string;
  readonly text: string;
}

export interface RevisionInfo {
  /** What was read: 'working tree', 'HEAD', or the revision asked for. */
  readonly label: string;
  /** Branch name when on one (or the revision's branch). */
  readonly branch?: string;
  /** Full commit sha ('' for an unborn branch). */
  readonly commit: string;
  /** The ref that was read when there is one: refs/heads/main (HEAD), refs/remotes/origin/main, refs/tags/v1. */
  readonly ref?: string;
  /** For the working tree: uncommitted changes under the path. */
  readonly dirty: boolean;
  /** For the working tree: the branch's upstream and how far apart they are, as `git status` read them. */
  readonly tracking?: BranchTracking;
}

/** A branch's upstream (absent: it has none) and the commits each has that the other lacks (as of the last fetch). */
export interface BranchTracking {
  readonly upstream?: string;
  readonly ahead?: number;
  readonly behind?: number;
}

/**
 * A file that would be a manifest but could not be read, and why: a symbolic link that leaves the
 * repository or loops, larger than 5 MB, binary or in an unknown encoding, jsonnet, a submodule;
 * and (added by the drift engine) a YAML syntax error. What such a file defines is not known, so
 * a target with one is never pruned: its live objects may be exactly what the file holds.
 */
export interface UnreadFile {
  /** Path relative to the repository root, with '/' separators (a link's own path, not its target's). */
  readonly path: string;
  readonly reason: string;
  /** Set by src/sources: the kustomization or Chart.yaml whose folder could not be rendered. */
  readonly rendering?: boolean;
  /**
   * Set by src/sources for a kustomization below a plain folder: what compares what it renders
   * (its own folder's target for a leaf, the overlays for a base). No problem of this target (no
   * warning, no sync blocked), yet no live object is its Extra for its sake, and nothing is pruned.
   */
  readonly separate?: string;
}

export interface ManifestSet {
  /** Sorted by path. */
  readonly files: readonly ManifestFile[];
  readonly revision: RevisionInfo;
  /** Present when a file could not be read; sorted by path. */
  readonly unread?: readonly UnreadFile[];
  /** Set when the files are what a tool rendered from the folder (src/sources): not rendered again. */
  readonly renderedBy?: 'directory' | 'kustomize' | 'helm';
}

export interface Remote {
  readonly name: string;
  /** The fetch URL, with any credentials in it replaced by `***`. */
  readonly url: string;
  /** host/owner/repo, lower-cased host, no scheme, user, port or `.git`: equal for https, ssh and scp forms. */
  readonly normalized: string;
}

export interface Repository {
  /** Absolute path of the repository's top folder. */
  readonly root: string;
  remotes(): Promise<Remote[]>;
  /** Current branch, HEAD commit, dirty or not. */
  state(): Promise<RevisionInfo>;
  /** Fetches a remote (default: origin, else the first); errors are clear messages (auth, network). */
  fetch(remote?: string): Promise<void>;
  /**
   * The YAML/JSON manifests (*.yaml, *.yml, *.json) under `path` (relative to the root) at a
   * source, with the directory options applied as Argo CD applies them. The working tree means
   * tracked and untracked-not-ignored files as they are on disk. Throws a GitError ('path-missing')
   * naming the path and the revision when the path is not a folder there.
   */
  readManifests(path: string, source: ManifestSource, directory: DirectoryOptions): Promise<ManifestSet>;
}
