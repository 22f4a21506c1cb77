/**
 * The one seam the drift, the sync and the editor read a target's manifests through: the files
 * at the target's source (src/git), rendered as Argo CD's repo server would render them
 * (render.ts). Plain folders pass through unchanged.
 */
import type { DirectoryOptions, ManifestSet, ManifestSource, Repository } from '../git/types';
import type { HelmSourceOptions } from './helm-args';
import type { KustomizeSourceOptions } from './kustomize-options';
import { renderManifests, type RenderSettings } from './render';

/** What rendering needs of a drift target (src/drift/types.ts DriftTarget fits). */
export interface SourceTarget {
  readonly name: string;
  readonly path: string;
  readonly source: ManifestSource;
  readonly namespace: string;
  readonly application?: { readonly name: string };
  readonly render?: { readonly kustomize?: KustomizeSourceOptions; readonly helm?: HelmSourceOptions; readonly releaseName?: string };
  readonly directory: DirectoryOptions;
}

export type { RenderSettings } from './render';
export { HELM_NEEDED, KUSTOMIZATION_NAMES, dropPrerenders, prerenderKustomization, sourceTypeOf } from './render';

/** Renders `set` (the target's files as read) when its folder is a Kustomize or Helm source. */
export function renderTarget(repo: Pick<Repository, 'root'>, target: SourceTarget, set: ManifestSet, settings?: RenderSettings): Promise<ManifestSet> {
  if (set.renderedBy) return Promise.resolve(set);
  return renderManifests(repo.root, {
    path: target.path, source: target.source, namespace: target.namespace,
    releaseName: target.render?.releaseName ?? target.application?.name ?? target.name,
    ...(target.render?.kustomize ? { kustomize: target.render.kustomize } : {}),
    ...(target.render?.helm ? { helm: target.render.helm } : {}),
  }, set, settings);
}

/** The target's manifests, read and rendered. */
export async function readTargetManifests(repo: Repository, target: SourceTarget, settings?: RenderSettings): Promise<ManifestSet> {
  return renderTarget(repo, target, await repo.readManifests(target.path, target.source, target.directory), settings);
}
