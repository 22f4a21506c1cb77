/**
 * Where the repository's fixtures are, and a lister that fails instead of returning nothing: a
 * test over a folder of fixtures must not pass by shrinking when the folder is missing.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** out/test/unit -> the repository root. */
export const ROOT = resolve(__dirname, '../../..');
/** The public CRDs (see test/fixtures/SOURCES.md). */
export const CRDS = join(ROOT, 'test/fixtures/crds');
/** The public example manifests (see test/fixtures/SOURCES.md). */
export const EXAMPLES = join(ROOT, 'test/fixtures/examples');

/** The YAML files under `dir` (recursively, sorted); throws when the folder is missing or holds none. */
export function yamlFilesIn(dir: string): string[] {
  if (!existsSync(dir)) throw new Error(`fixture folder ${dir} is missing`);
  const walk = (d: string): string[] =>
    readdirSync(d).sort().flatMap((n) => {
      const p = join(d, n);
      return statSync(p).isDirectory() ? walk(p) : /\.ya?ml$/.test(n) ? [p] : [];
    });
  const files = walk(dir);
  if (files.length === 0) throw new Error(`fixture folder ${dir} holds no YAML file`);
  return files;
}
