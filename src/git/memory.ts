/**
 * A Repository over manifests held in memory: an editor buffer, or a file that is not in a Git
 * repository, read by the drift and sync engines as they read a working tree.
 */
import type { ManifestSet, Repository } from './types';

export function memoryRepository(root: string, manifests: ManifestSet): Repository {
  return {
    root,
    remotes: async () => [],
    state: async () => manifests.revision,
    fetch: async () => undefined,
    readManifests: async () => manifests,
  };
}
