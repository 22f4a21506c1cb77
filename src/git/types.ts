/**
 * What the drift engine asks of Git: a repository's remotes and state, and the manifests under
 * a path as they are in the working tree, at HEAD, or at a revision of the remote.
 * Implemented over simple-git (src/git/repository.ts); no vscode import.
 */

/** Which version of the manifests to read. */
export type ManifestSource =
  | { readonly kind: 'worktree' }
  | { readonly kind: 'head' }
  /** A branch, tag or commit of a remote, read after a fetch (e.g. an Application's targetRevision). */
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
  /** For the working tree: uncommitted changes under the path. */
  readonly dirty: boolean;
}

export interface ManifestSet {
  readonly files: readonly ManifestFile[];
  readonly revision: RevisionInfo;
}

export interface Remote {
  readonly name: string;
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
  /** The YAML/JSON manifests (*.yaml, *.yml, *.json) under `path` (relative to the root) at a source. */
  readManifests(path: string, source: ManifestSource, directory: DirectoryOptions): Promise<ManifestSet>;
}
