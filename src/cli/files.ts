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
  return join(cacheBase(env), 'discovery');
}

/**
 * Where the command line keeps the output of Kustomize builds (src/sources/render-cache.ts):
 * `<cache>/renders`; undefined when TANZU_GITOPS_RENDER_CACHE=0 (every build runs).
 */
export function renderCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.TANZU_GITOPS_RENDER_CACHE === '0' ? undefined : join(cacheBase(env), 'renders');
}

function cacheBase(env: NodeJS.ProcessEnv): string {
  return env.TANZU_GITOPS_CACHE || (env.XDG_CACHE_HOME ? join(env.XDG_CACHE_HOME, 'tanzu-gitops') : join(homedir(), '.cache', 'tanzu-gitops'));
}
