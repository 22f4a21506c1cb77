/**
 * Argo CD's resource filter (argocd-cm `resource.exclusions` and `resource.inclusions`, and the
 * kinds it always leaves out): a kind it excludes is never watched, compared, synced or pruned.
 * As settings.ResourcesFilter.IsExcludedResource: excluded when an exclusion matches; else, with
 * inclusions, excluded unless one matches. An entry matches when each of its lists (apiGroups,
 * kinds, clusters; globs) is empty or has a match.
 */

export interface FilteredResource {
  readonly apiGroups: readonly string[];
  readonly kinds: readonly string[];
  readonly clusters: readonly string[];
}

export interface ResourceFilter {
  readonly exclusions: readonly FilteredResource[];
  readonly inclusions: readonly FilteredResource[];
  /** The destination cluster's URL, what `clusters` match. */
  readonly cluster: string;
}

/** What Argo CD always leaves out (settings.go coreExcludedResources). */
export const CORE_EXCLUSIONS: readonly FilteredResource[] = [
  { apiGroups: ['events.k8s.io', 'metrics.k8s.io'], kinds: [], clusters: [] },
  { apiGroups: [''], kinds: ['Event'], clusters: [] },
  { apiGroups: ['coordination.k8s.io'], kinds: ['Lease'], clusters: [] },
];

export function isExcluded(filter: ResourceFilter | undefined, group: string, kind: string): boolean {
  if (!filter) return false;
  const match = (r: FilteredResource) => listMatch(r.apiGroups, group) && listMatch(r.kinds, kind) && listMatch(r.clusters, filter.cluster);
  if (CORE_EXCLUSIONS.some(match) || filter.exclusions.some(match)) return true;
  return filter.inclusions.length > 0 && !filter.inclusions.some(match);
}

function listMatch(patterns: readonly string[], value: string): boolean {
  return patterns.length === 0 || patterns.some((p) => globMatch(p, value));
}

/** Argo CD's glob match (gobwas/glob without separators): `*` any text, `?` one character, `{a,b}` either. */
export function globMatch(pattern: string, text: string): boolean {
  if (pattern === text) return true;
  if (!/[*?[{]/.test(pattern)) return false;
  const re = pattern.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.').replace(/\{([^}]*)\}/g, (_m, alts: string) => `(?:${alts.split(',').join('|')})`);
  try {
    return new RegExp(`^${re}$`).test(text);
  } catch {
    return false;
  }
}

/**
 * `resource.exclusions` / `resource.inclusions` text (a YAML list, already parsed) as entries, or
 * why it cannot be used.
 */
export function filteredResources(value: unknown): FilteredResource[] | string {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) return 'must be a list of {apiGroups, kinds, clusters}';
  const out: FilteredResource[] = [];
  for (const e of value) {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) return 'each entry must be a map of apiGroups, kinds and clusters';
    const r = e as Record<string, unknown>;
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    out.push({ apiGroups: strings(r.apiGroups), kinds: strings(r.kinds), clusters: strings(r.clusters) });
  }
  return out;
}
