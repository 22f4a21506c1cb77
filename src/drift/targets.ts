/**
 * What is compared: the drift targets of a workspace repository.
 *
 *   1. Argo CD Applications on the connected Supervisor whose `spec.source.repoURL` names a remote
 *      of the repository (https, ssh, scp and `.git` forms alike, see git/remote-url.ts): the
 *      Application's path, targetRevision (on that remote), destination namespace, directory
 *      options, ignoreDifferences and tracking. Every namespace the user may list is looked in;
 *      an Application where argocd-cmd-params-cm's application.namespaces says Argo CD does not
 *      reconcile is left out (with a warning). An ApplicationSet's Applications are named
 *      `<ApplicationSet>/<Application>`.
 *   2. The setting `tanzuGitops.targets` ([{name, path, context?, namespace?, revision?}]).
 *   3. Without the setting: the workspace's targets, as they are in the working tree, against the
 *      current context: one per leaf kustomization (an overlay; its bases are not targets),
 *      named by its path, and the "workspace" target of every other manifest of the repository
 *      (when there is one). Beside Applications, as in Argo CD one target per path: the folders
 *      the Applications deploy from are theirs alone (excluded from the workspace target, and
 *      no leaf inside them is a target of its own).
 *
 * Applications are turned into targets by src/argocd (applications.ts, with Argo CD's settings
 * from settings.ts). Settings that cannot be read are named in `warnings`.
 */
import { isAbsolute, posix, relative as relativePath, resolve as resolvePath, sep } from 'node:path';
import type { ConnectionSession } from '../cluster/session';
import { listApplications, reconciledNamespace, targetFromApplication, withSettings } from '../argocd/applications';
import { ARGOCD_CMD_PARAMS_CM, ARGOCD_NAMESPACE, readArgoSettings, type ArgoSettings } from '../argocd/settings';
import { inFolder, normalizeSourcePath } from '../git/select';
import type { DirectoryOptions, ManifestSet, ManifestSource, Remote, Repository } from '../git/types';
import { kustomizationLeaves } from '../sources/leaves';
import type { DriftTarget } from './types';
import { isRecord } from '../core/json';

/** One entry of the setting `tanzuGitops.targets`. */
export interface TargetSetting {
  readonly name: string;
  /** Folder of the manifests, relative to the repository root. */
  readonly path: string;
  /** Context to compare against (default: the connected one). */
  readonly context?: string;
  /** Namespace of manifests that name none (default: the context's). */
  readonly namespace?: string;
  /** 'worktree' (default), 'HEAD' (the local HEAD commit), or a branch, tag or commit of the remote. */
  readonly revision?: string;
  /** Walk sub-folders (default true). */
  readonly recurse?: boolean;
}

/** What discoverTargets needs of a session (a ConnectionSession is one). */
export type TargetSession = Pick<ConnectionSession, 'client' | 'context' | 'namespace'>;

export interface DiscoverOptions {
  readonly repo: Repository;
  /** The connected Supervisor; Argo CD Applications are looked for there. Absent: none are. */
  readonly session?: TargetSession;
  /** The setting's value as read from the configuration (checked here; bad entries become warnings). */
  readonly settings?: readonly unknown[];
  /**
   * Namespaces to list Applications in when they cannot be listed in all namespaces
   * (default: `argocd` and the context's namespace).
   */
  readonly applicationNamespaces?: readonly string[];
  /** Namespace of the workspace target (default: the session's, else `default`). */
  readonly namespace?: string;
  /** The workspace target's folder: absolute, or relative to the root (default '': the whole repository). */
  readonly workspacePath?: string;
  /** The workspace target's source (default: the working tree). */
  readonly workspaceSource?: ManifestSource;
  /** Look for Argo CD Applications (default true). */
  readonly argocd?: boolean;
  readonly timeoutMs?: number;
}

export interface DiscoveredTargets {
  readonly targets: DriftTarget[];
  /** Settings that could not be used, Applications that could not be listed. */
  readonly warnings: string[];
}

export const WORKSPACE_TARGET = 'workspace';

export async function discoverTargets(options: DiscoverOptions): Promise<DiscoveredTargets> {
  const warnings: string[] = [];
  const targets: DriftTarget[] = [];
  const session = options.session;
  const defaultNamespace = options.namespace || session?.namespace || 'default';

  if (session && options.argocd !== false) {
    const remotes = await options.repo.remotes();
    if (remotes.length > 0) {
      const settings = new SettingsByNamespace(session, options.timeoutMs);
      const namespaces = options.applicationNamespaces?.length ? [...options.applicationNamespaces] : [ARGOCD_NAMESPACE, session.namespace, ...(await settings.applicationNamespaces())];
      const apps = await listApplications(session.client, namespaces, warnings, options.timeoutMs);
      const control = apps.length ? await settings.read(ARGOCD_NAMESPACE) : undefined;
      for (const app of apps) {
        const t = targetFromApplication(app, remotes, session.client.connection.server);
        if (!t) continue;
        const appNs = t.application.namespace;
        if (!reconciledNamespace(appNs, await settings.read(appNs), control)) {
          warnings.push(`Application ${appNs}/${t.application.name} is in namespace ${appNs}, which application.namespaces of ${ARGOCD_CMD_PARAMS_CM} (namespace ${ARGOCD_NAMESPACE}) does not name: Argo CD does not reconcile it, so it is not compared.`);
          continue;
        }
        if (t.unsupported) {
          targets.push(t);
          continue;
        }
        const s = await settings.of(t.application.namespace);
        if (s) for (const w of s.warnings) if (!warnings.includes(w)) warnings.push(w);
        targets.push(withSettings(t, s));
      }
    }
  }

  for (const [i, raw] of (options.settings ?? []).entries()) {
    const parsed = targetFromSetting(raw, defaultNamespace);
    if (typeof parsed === 'string') warnings.push(`tanzuGitops.targets[${i}]: ${parsed}`);
    else targets.push(parsed);
  }

  // The setting names the targets; without it the workspace's folders are targets beside the
  // Applications, each Application keeping its own path (one target per path of the repository).
  if (!targets.some((t) => t.origin === 'setting')) {
    const claimed = applicationFolders(targets);
    const { folder } = pathScope(options.repo.root, options.workspacePath ?? '');
    if (!claimed.some((d) => inFolder(d, folder))) {
      const found = await folderTargets({ repo: options.repo, path: options.workspacePath ?? '', namespace: defaultNamespace, source: options.workspaceSource, claimed });
      // the folder itself when it holds manifests of its own (or nothing else), then each leaf overlay
      if (found.plain || (found.leaves.length === 0 && targets.length === 0)) targets.push(found.top.target);
      targets.push(...found.leaves);
    }
  }
  return { targets: uniqueNames(targets), warnings };
}

/** The folders (repository-relative, '' for the root) the Applications among `targets` deploy from. */
function applicationFolders(targets: readonly DriftTarget[]): string[] {
  const out: string[] = [];
  for (const t of targets) {
    // a Helm repository's chart has no path of this repository
    if (t.origin !== 'argocd' || t.path.trim() === '') continue;
    try {
      out.push(normalizeSourcePath(t.path));
    } catch {
      // a path that leaves the repository claims none of it (its comparison says why)
    }
  }
  return unique(out);
}

/**
 * The owner the workspace target tracks what it applies under: one per repository (its origin's
 * URL, else its folder's name), so two repositories synced to one Supervisor never see each
 * other's objects as Extra, and a prune of one never deletes the other's.
 */
export async function workspaceOwner(repo: Pick<Repository, 'root' | 'remotes'>): Promise<string> {
  const remotes = await repo.remotes().catch((): Remote[] => []);
  const origin = remotes.find((r) => r.name === 'origin') ?? remotes[0];
  const base = repo.root.split(/[\\/]/).filter(Boolean).pop() ?? 'repository';
  return `repo-${origin ? origin.normalized : base}`;
}

export interface PathTargetOptions {
  /** The repository: its root, and its remotes (the owner's name when `name` is not given). */
  readonly repo: Pick<Repository, 'root' | 'remotes'>;
  /** A folder or a file of the repository: absolute, or relative to its root ('' = the top). */
  readonly path: string;
  /** `path` is a file: the target is its folder narrowed to that one file. */
  readonly file?: boolean;
  /** Namespace of manifests that name none. */
  readonly namespace: string;
  /** Default: the working tree. */
  readonly source?: ManifestSource;
  /** The name the objects are tracked under (the command line's --target); default: the repository's. */
  readonly name?: string;
}

export interface PathTarget {
  readonly target: DriftTarget;
  /** The folder relative to the root, git style ('' = the top): `path`, or a file's folder. */
  readonly folder: string;
  /**
   * Whether live objects the target tracks and not in Git are Extra (what a prune would delete):
   * for a folder (tracked by its name, or by the repository's owner and its path), not for a file.
   */
  readonly extra: boolean;
}

/**
 * The target of a path, the one way the command line and the editor turn a folder or a file
 * into what is compared and synced: the folder (recursively), or the folder narrowed to the
 * file; tracked under `name` when one is given, else under the repository's owner.
 */
export async function targetForPath(options: PathTargetOptions): Promise<PathTarget> {
  const { folder, directory } = pathScope(options.repo.root, options.path, options.file);
  const named = options.name?.trim();
  const base = workspaceTarget(folder, options.namespace, options.source, named ? undefined : await workspaceOwner(options.repo));
  // A file is a part of the repository's top target, not a target of its own: what its sync
  // applies records the top folder, so the whole repository's target (the editor's) owns it.
  const ownership = named
    ? { kind: 'tanzu-gitops' as const, target: named }
    : options.file && base.ownership.kind === 'tanzu-gitops' ? { ...base.ownership, path: '' } : base.ownership;
  const target: DriftTarget = {
    ...base,
    ...(named ? { name: named, origin: 'setting' as const } : {}),
    ownership,
    directory,
  };
  // a folder's target owns what it applied (its name and, unnamed, its path): its Extra are its own
  return { target, folder, extra: !options.file };
}

export interface FolderTargets {
  /** The folder's own target (its plain manifests; the kustomizations below it are not read by it). */
  readonly top: PathTarget;
  /**
   * Each leaf kustomization below the folder (one no other kustomization of the folder
   * references: an overlay, or a lone base) as a target of its own, named by its path and tracked
   * as targetForPath tracks that folder, so the editor and the command line agree on what each
   * applied. Empty when the folder is itself a kustomization (it renders as one).
   */
  readonly leaves: DriftTarget[];
  /** Whether the folder holds manifests outside its kustomizations (or files that could not be read). */
  readonly plain: boolean;
  /** Every kustomization folder below the folder, leaves and bases ('' for the root). */
  readonly kustomizations: string[];
  /** The folder's files as read (recursively, at the source given); absent when it could not be read. */
  readonly read?: ManifestSet;
}

export interface FolderTargetsOptions {
  readonly repo: Repository;
  /**
   * Folders (repository-relative) that other targets deploy from, the Applications' paths: the
   * folder's target excludes them (directory.exclude) and no leaf inside them is a target.
   */
  readonly claimed?: readonly string[];
}

/**
 * The targets of a folder: its own, and one per leaf kustomization below it. Reads the folder's
 * files once (the working tree, or the source given); a folder that cannot be read gives its own
 * target alone, whose comparison then says why.
 */
export async function folderTargets(options: Omit<PathTargetOptions, 'file' | 'repo'> & FolderTargetsOptions): Promise<FolderTargets> {
  const found = await targetForPath(options);
  // folders below this one that other targets deploy from are theirs: the folder's target leaves them out
  const claimed = (options.claimed ?? []).filter((d) => d !== found.folder && inFolder(found.folder, d));
  const exclude = claimed.map((d) => `${globLiteral(found.folder === '' ? d : d.slice(found.folder.length + 1))}/*`);
  const top = exclude.length === 0 ? found
    : { ...found, target: { ...found.target, directory: { ...found.target.directory, exclude: exclude.length === 1 ? exclude[0] : `{${exclude.join(',')}}` } } };
  const theirs = (p: string) => claimed.some((d) => inFolder(d, p));
  let set: ManifestSet;
  try {
    set = await options.repo.readManifests(top.folder, top.target.source, { recurse: true });
  } catch {
    return { top, leaves: [], plain: true, kustomizations: [] };
  }
  const { folders, leaves } = kustomizationLeaves(set.files);
  if (folders.includes(top.folder)) return { top, leaves: [], plain: true, kustomizations: folders, read: set };
  const inside = (p: string) => folders.some((d) => p.startsWith(`${d}/`));
  const plain = (set.unread ?? []).some((f) => !theirs(f.path)) || set.files.some((f) => !inside(f.path) && !theirs(f.path));
  const out: DriftTarget[] = [];
  for (const leaf of leaves.filter((l) => !theirs(l))) {
    // tracked by the repository's owner and the leaf's path, whatever name the folder's target has
    const t = (await targetForPath({ ...options, name: undefined, path: leaf })).target;
    out.push({ ...t, name: leaf });
  }
  return { top, leaves: out, plain, kustomizations: folders, read: set };
}

/**
 * The folder (relative to the root) and directory options targetForPath gives a path: known at
 * once, so that the manifests can be read while the owner is looked up.
 */
export function pathScope(root: string, path: string, file = false): { folder: string; directory: DirectoryOptions } {
  const rel = repoRelative(root, resolvePath(root, path));
  if (rel === '..' || rel.startsWith('../') || isAbsolute(rel)) throw new Error(`${path} is outside the repository ${root}`);
  if (!file) return { folder: rel, directory: { recurse: true } };
  return { folder: posix.dirname(rel).replace(/^\.$/, ''), directory: { recurse: false, include: globLiteral(posix.basename(rel)) } };
}

/** The git-style path of `abs` relative to `root` ('' for the root itself). */
export function repoRelative(root: string, abs: string): string {
  const rel = relativePath(root, abs);
  return rel === '' ? '' : rel.split(sep).join('/');
}

/** Escapes a file name for an Argo CD directory glob (gobwas: `\` escapes). */
export function globLiteral(name: string): string {
  return name.replace(/[\\*?[\]{},]/g, (c) => `\\${c}`);
}

/** The target of the whole working tree (or of one folder of it), against the current context. */
export function workspaceTarget(path: string, namespace: string, source: ManifestSource = { kind: 'worktree' }, owner: string = WORKSPACE_TARGET): DriftTarget {
  return {
    name: WORKSPACE_TARGET,
    origin: 'workspace',
    path,
    source,
    directory: { recurse: true },
    namespace,
    ignoreDifferences: [],
    // the repository's owner and the folder: one target per path of the repository
    ownership: { kind: 'tanzu-gitops', target: owner, path },
  };
}

/** 'worktree' | 'HEAD' | a revision of the remote, as a ManifestSource. */
export function sourceOf(revision: string | undefined): ManifestSource {
  const r = (revision ?? '').trim();
  if (r === '' || r.toLowerCase() === 'worktree') return { kind: 'worktree' };
  if (r === 'HEAD') return { kind: 'head' };
  return { kind: 'revision', revision: r };
}

/** A setting entry as a target, or why it cannot be one. */
export function targetFromSetting(raw: unknown, defaultNamespace: string): DriftTarget | string {
  if (!isRecord(raw)) return 'each target must be an object {name, path, context?, namespace?, revision?}';
  const name = raw.name;
  const path = raw.path ?? '';
  if (typeof name !== 'string' || name.trim() === '') return 'a target needs a name';
  if (typeof path !== 'string') return `target "${name}": path must be a string (a folder relative to the repository root)`;
  for (const k of ['context', 'namespace', 'revision'] as const) {
    if (raw[k] !== undefined && typeof raw[k] !== 'string') return `target "${name}": ${k} must be a string`;
  }
  if (raw.recurse !== undefined && typeof raw.recurse !== 'boolean') return `target "${name}": recurse must be true or false`;
  const s = raw as unknown as TargetSetting;
  return {
    name: s.name.trim(),
    origin: 'setting',
    path: s.path ?? '',
    source: sourceOf(s.revision),
    directory: { recurse: s.recurse ?? true },
    ...(s.context ? { context: s.context } : {}),
    namespace: s.namespace || defaultNamespace,
    ignoreDifferences: [],
    ownership: { kind: 'tanzu-gitops', target: s.name.trim() },
  };
}

/**
 * Argo CD's settings for an Application: where argocd-cm is in its own namespace, that is Argo
 * CD's namespace; else Argo CD's default namespace (Applications in any namespace). Read once per
 * namespace; undefined when neither holds argocd-cm nor can be read.
 */
class SettingsByNamespace {
  private readonly byNamespace = new Map<string, Promise<ArgoSettings>>();

  constructor(private readonly session: TargetSession, private readonly timeoutMs?: number) {}

  async of(appNamespace: string): Promise<ArgoSettings | undefined> {
    for (const ns of unique([appNamespace, ARGOCD_NAMESPACE].filter(Boolean))) {
      const s = await this.read(ns);
      if (s.trackingMethod !== undefined) return s;
    }
    return undefined;
  }

  /** Namespaces `application.namespaces` names outright (globs cannot be listed one by one). */
  async applicationNamespaces(): Promise<string[]> {
    return (await this.read(ARGOCD_NAMESPACE)).applicationNamespaces.filter((p) => !/[*?/]/.test(p));
  }

  read(namespace: string): Promise<ArgoSettings> {
    let p = this.byNamespace.get(namespace);
    if (!p) this.byNamespace.set(namespace, (p = readArgoSettings(this.session.client, namespace, this.timeoutMs)));
    return p;
  }
}

/** Names stay unique: a later duplicate gets its Application's namespace, or a number. */
function uniqueNames(targets: DriftTarget[]): DriftTarget[] {
  const seen = new Set<string>();
  return targets.map((t) => {
    let name = t.name;
    if (seen.has(name) && t.application?.namespace) name = `${t.application.namespace}/${t.name}`;
    for (let i = 2; seen.has(name); i++) name = `${t.name} (${i})`;
    seen.add(name);
    return name === t.name ? t : { ...t, name };
  });
}


function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
