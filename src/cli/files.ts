/** Paths for the command line: walking folders for manifests, paths as Git and Argo CD write them, its cache. */
import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, sep } from 'node:path';

/** Files under `dir` whose names match, in a stable order; node_modules and .git are skipped. */
export function walkFiles(dir: string, name: RegExp, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walkFiles(p, name, out);
    else if (entry.isFile() && name.test(entry.name)) out.push(p);
  }
  return out;
}

/** The git-style path of `abs` relative to `root` ('' for the root itself). */
export function repoRelative(root: string, abs: string): string {
  const rel = relative(root, abs);
  return rel === '' ? '' : rel.split(sep).join('/');
}

/** Escapes a file name for an Argo CD directory glob (gobwas: `\` escapes). */
export function globLiteral(name: string): string {
  return name.replace(/[\\*?[\]{},]/g, (c) => `\\${c}`);
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
