/**
 * Manifest files on disk, with symbolic links followed as kubectl follows them (files and
 * folders), within a boundary (the repository's top folder): a link whose target leaves it, that
 * loops, or that points nowhere is not followed but reported as a file that could not be read.
 * One walk for `validate`, the working tree's linked folders (repository.ts) and the command
 * line's selective Argo CD sync.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { decodeManifest } from '../core/manifest/decode';
import { MAX_MANIFEST_BYTES } from './select';
import type { UnreadFile } from './types';

export interface WalkedFile {
  /** The path as reached (through links, not their targets), relative to the walk's base, '/' separators. */
  readonly path: string;
  /** What to read: the real file. */
  readonly real: string;
  readonly size: number;
}

export interface Walked {
  readonly files: WalkedFile[];
  readonly unread: UnreadFile[];
}

/** What a link leads to, or why it is not followed (`folder`: whether it leads to one, when known). */
export type Followed = { readonly real: string; readonly stats: Stats } | { readonly reason: string; readonly folder?: boolean };

/** The real path of `dir` (the boundary links may not leave), or `dir` itself when it cannot be resolved. */
export function realBoundary(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return resolve(dir);
  }
}

/** Follows the symbolic link at `abs` (its whole chain); refused when it leaves `boundary` (a real path), loops or dangles. */
export function followLink(abs: string, boundary: string): Followed {
  let real: string;
  try {
    real = realpathSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { reason: 'symbolic link loop: not followed', folder: true };
    if (code === 'ENOENT') return { reason: 'symbolic link to nothing (its target does not exist)' };
    return { reason: `symbolic link not followed: ${(e as Error).message}` };
  }
  if (!within(boundary, real)) {
    let folder = false;
    try {
      folder = statSync(real).isDirectory();
    } catch {
      // as good as a file
    }
    return { reason: `symbolic link to ${real}, outside the repository (${boundary}): not followed`, folder };
  }
  try {
    return { real, stats: statSync(real) };
  } catch (e) {
    return { reason: `symbolic link not followed: ${(e as Error).message}` };
  }
}

/** Whether `path` is `top` or inside it (both real, absolute). */
export function within(top: string, path: string): boolean {
  const rel = relative(top, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
}

export interface WalkOptions {
  /** Real path that links may not leave. */
  readonly boundary: string;
  /** Which files to take, by their path relative to the walk's base: 'manifest', 'unread' with a reason, or undefined (not a manifest). */
  readonly select: (path: string) => 'manifest' | { readonly unread: string } | undefined;
  /** Whether to enter a folder (by its path relative to the base); default: every folder. */
  readonly enter?: (path: string) => boolean;
  /** Paths reported in `unread` are `prefix/path` (default: as walked). */
  readonly prefix?: string;
}

/**
 * The files under `dir` (real or not), in a stable order. `chain` holds the real folders above
 * (for loops through linked folders); `base` the path of `dir` relative to the walk's start.
 */
export function walkFolder(dir: string, options: WalkOptions, out: Walked = { files: [], unread: [] }, base = '', chain: ReadonlySet<string> = new Set()): Walked {
  const realDir = realBoundary(dir);
  const here = new Set(chain).add(realDir);
  const shown = (p: string) => (options.prefix ? `${options.prefix}/${p}` : p);
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    out.unread.push({ path: shown(base || '.'), reason: `folder could not be read: ${(e as Error).message}` });
    return out;
  }
  for (const entry of entries) {
    if (entry.name === '.git' || entry.name === 'node_modules') continue;
    const abs = join(dir, entry.name);
    const path = base ? `${base}/${entry.name}` : entry.name;
    let real = abs;
    let isDir = entry.isDirectory();
    let size = -1;
    if (entry.isSymbolicLink()) {
      const f = followLink(abs, options.boundary);
      if ('reason' in f) {
        // a link that looks like a manifest, or leads to a folder that would be walked, could hold manifests
        if (options.select(path) !== undefined || (f.folder && (options.enter?.(path) ?? true))) out.unread.push({ path: shown(path), reason: f.reason });
        continue;
      }
      real = f.real;
      isDir = f.stats.isDirectory();
      if (isDir && here.has(real)) {
        out.unread.push({ path: shown(path), reason: `symbolic link loop: ${path} leads back to a folder above it; not followed` });
        continue;
      }
      if (!isDir && !f.stats.isFile()) continue;
      size = f.stats.size;
    } else if (!isDir && !entry.isFile()) continue;
    if (isDir) {
      if (options.enter?.(path) ?? true) walkFolder(real, options, out, path, here);
      continue;
    }
    const sel = options.select(path);
    if (sel === undefined) continue;
    if (sel !== 'manifest') {
      out.unread.push({ path: shown(path), reason: sel.unread });
      continue;
    }
    out.files.push({ path, real, size: size >= 0 ? size : safeSize(real) });
  }
  return out;
}

function safeSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** A manifest's text, or why it could not be read (too large, binary, an unknown encoding, gone). */
export function readManifestFile(real: string, size: number): { text: string } | { unread: string } {
  if (size > MAX_MANIFEST_BYTES) return { unread: tooLarge(size) };
  let bytes: Buffer;
  try {
    bytes = readFileSync(real);
  } catch (e) {
    return { unread: `could not be read: ${(e as Error).message}` };
  }
  if (bytes.length > MAX_MANIFEST_BYTES) return { unread: tooLarge(bytes.length) };
  return decodeManifest(bytes);
}

export function tooLarge(size: number): string {
  return `larger than 5 MB (${(size / 1024 / 1024).toFixed(1)} MB)`;
}

/** The top folder of the Git working tree that holds `path` (a folder with `.git`), or undefined. */
export function worktreeTop(path: string): string | undefined {
  let dir = resolve(path);
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}
