/** Paths for the command line: walking folders for manifests, its cache. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { UnreadFile } from '../git/types';
import { realBoundary, walkFolder, worktreeTop } from '../git/walk';

/**
 * Files under `dir` whose names match, in a stable order (node_modules and .git are skipped),
 * symbolic links followed within the repository that holds `dir` (else within `dir`); links that
 * leave it, loop or dangle are in `unread`, with why.
 */
export function walkFiles(dir: string, name: RegExp): { files: string[]; unread: UnreadFile[] } {
  const boundary = realBoundary(worktreeTop(dir) ?? dir);
  const walked = walkFolder(dir, { boundary, prefix: dir.replace(/[\\/]+$/, '') || dir, select: (p) => (name.test(p.slice(p.lastIndexOf('/') + 1)) ? 'manifest' : undefined) });
  return { files: walked.files.map((f) => join(dir, f.path)), unread: walked.unread };
}

/**
 * Where the command line keeps its discovery cache (see src/cluster/discovery.ts):
 * `<cache>/discovery`, the cache folder being TANZU_GITOPS_CACHE, else `$XDG_CACHE_HOME/tanzu-gitops`,
 * else `~/.cache/tanzu-gitops`.
 */
export function discoveryCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.TANZU_GITOPS_CACHE || (env.XDG_CACHE_HOME ? join(env.XDG_CACHE_HOME, 'tanzu-gitops') : join(homedir(), '.cache', 'tanzu-gitops'));
  return join(base, 'discovery');
}
