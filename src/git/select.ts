/**
 * Which files of a directory source are manifests, as Argo CD's repo server decides it
 * (reposerver/repository: findManifests): names ending in .yaml, .yml or .json (case-sensitive),
 * directly in the source path unless `recurse`, then the exclude and include globs matched
 * against the path relative to the source path. `.jsonnet` files pass the same filters but are
 * not rendered here: they are reported, not silently dropped.
 * Pure: no git, no file system.
 */
import { passesDirectoryFilters } from './glob';
import type { DirectoryOptions } from './types';

/** Files larger than this are not read (and so block a prune), in the working tree and in Git alike. */
export const MAX_MANIFEST_BYTES = 5 * 1024 * 1024;

export type Selection = 'manifest' | 'jsonnet' | undefined;

const MANIFEST = /\.(?:yaml|yml|json)$/;
const JSONNET = /\.jsonnet$/;

/** What to do with a file at `relativePath` (relative to the source path, '/' separators). */
export function selectFile(relativePath: string, directory: DirectoryOptions): Selection {
  if (!directory.recurse && relativePath.includes('/')) return undefined;
  const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  const kind: Selection = MANIFEST.test(name) ? 'manifest' : JSONNET.test(name) ? 'jsonnet' : undefined;
  if (!kind) return undefined;
  return passesDirectoryFilters(relativePath, directory.include, directory.exclude) ? kind : undefined;
}

/**
 * A source path as the repository root sees it: '/' separators, no leading `./` or `/`, no
 * trailing `/`, `''` for the root. Throws for a path that leaves the repository (`..`).
 */
export function normalizeSourcePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new Error(`path ${path} leaves the repository`);
    parts.push(part);
  }
  return parts.join('/');
}

/** `prefix/rel`, or `rel` at the root. */
export function joinPath(prefix: string, rel: string): string {
  return prefix === '' ? rel : `${prefix}/${rel}`;
}

/** Whether repository path `path` is the folder `folder` or inside it ('' is the root: everything is). */
export function inFolder(folder: string, path: string): boolean {
  return path === folder || relativeTo(folder, path) !== undefined;
}

/** `a/b/c` relative to `a` → `b/c`; undefined when outside. */
export function relativeTo(prefix: string, path: string): string | undefined {
  if (prefix === '') return path;
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length + 1) : undefined;
}

/**
 * Where a symbolic link stored in Git points, as a path from the repository root: `target` (the
 * link's text) taken from the link's folder ('' for the root itself). Undefined when it leaves the repository (an absolute
 * target, or more `..` than there are folders above), as git's own `--follow-symlinks` decides.
 */
export function linkTarget(linkPath: string, target: string): string | undefined {
  if (target.startsWith('/') || /^[A-Za-z]:[\\/]/.test(target) || target === '') return undefined;
  const parts = linkPath.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}
