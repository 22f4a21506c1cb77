/**
 * Which documents are ours, and which schema validates each.
 *
 * Invariant: a document whose apiVersion/kind is not in this table is left alone (no finding at
 * all), so the extension never competes with other YAML tooling on files that are not Tanzu's.
 */

export type Flavor =
  | 'tkc-v1alpha1'
  | 'tkc-v1alpha2'
  | 'tkc-v1alpha3'
  | 'cluster-tkc'
  | 'cluster-other'
  | 'application'
  | 'app-project'
  | 'application-set'
  | 'tkr'
  | 'vm-class'
  | 'vm-class-binding';

export interface KindInfo {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly flavor: Flavor;
  /** Schema id: the file `schemas/<schemaId>.schema.json`. Undefined: recognised, not schema-checked. */
  readonly schemaId?: string;
}

export const TKC_CLASS = 'tanzukubernetescluster';

interface KindEntry {
  readonly versions: readonly string[];
  readonly flavor: (version: string) => Flavor;
  readonly schemaId: (version: string) => string | undefined;
}

const TABLE: Record<string, Record<string, KindEntry>> = {
  'run.tanzu.vmware.com': {
    TanzuKubernetesCluster: {
      versions: ['v1alpha1', 'v1alpha2', 'v1alpha3'],
      flavor: (v) => `tkc-${v}` as Flavor,
      schemaId: (v) => `tkc-${v}`,
    },
    TanzuKubernetesRelease: {
      versions: ['v1alpha1', 'v1alpha2', 'v1alpha3'],
      flavor: () => 'tkr',
      schemaId: (v) => `tkr-${v}`,
    },
  },
  'vmoperator.vmware.com': {
    VirtualMachineClass: {
      versions: ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4', 'v1alpha5', 'v1alpha6'],
      flavor: () => 'vm-class',
      schemaId: (v) => `vmclass-${v}`,
    },
    VirtualMachineClassBinding: {
      versions: ['v1alpha1'],
      flavor: () => 'vm-class-binding',
      schemaId: (v) => `vmclassbinding-${v}`,
    },
  },
  'argoproj.io': {
    Application: { versions: ['v1alpha1'], flavor: () => 'application', schemaId: (v) => `application-${v}` },
    AppProject: { versions: ['v1alpha1'], flavor: () => 'app-project', schemaId: (v) => `appproject-${v}` },
    ApplicationSet: { versions: ['v1alpha1'], flavor: () => 'application-set', schemaId: (v) => `applicationset-${v}` },
  },
};

export const OUR_GROUPS = ['run.tanzu.vmware.com', 'cluster.x-k8s.io', 'argoproj.io', 'vmoperator.vmware.com'];

/** Cheap text test run before parsing: a chunk that cannot be ours is never parsed. */
const MAYBE_OURS = new RegExp(
  String.raw`(["']?apiVersion["']?\s*:\s*["']?(${OUR_GROUPS.map((g) => g.replace(/\./g, '\\.')).join('|')})/)` +
    String.raw`|(["']?kind["']?\s*:\s*["']?(TanzuKubernetesCluster|TanzuKubernetesRelease|VirtualMachineClass)\b)`,
);

export function mightBeOurs(text: string): boolean {
  return MAYBE_OURS.test(text);
}

export type Recognition =
  | { readonly ours: true; readonly info: KindInfo }
  | { readonly ours: false; readonly unknownVersion?: { group: string; version: string; kind: string; known: readonly string[] } };

/** Recognises a parsed document by apiVersion, kind and (for Cluster) its topology class. */
export function recognise(value: unknown): Recognition {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ours: false };
  const obj = value as Record<string, unknown>;
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const slash = apiVersion.indexOf('/');
  const group = slash === -1 ? '' : apiVersion.slice(0, slash);
  const version = slash === -1 ? apiVersion : apiVersion.slice(slash + 1);

  if (group === 'cluster.x-k8s.io' && kind === 'Cluster') {
    const spec = obj.spec as Record<string, unknown> | undefined;
    const topology = spec && typeof spec === 'object' ? (spec.topology as Record<string, unknown> | undefined) : undefined;
    const cls = topology && typeof topology === 'object' ? topology.class : undefined;
    if (version === 'v1beta1' && cls === TKC_CLASS) {
      return { ours: true, info: { group, version, kind, flavor: 'cluster-tkc', schemaId: 'cluster-v1beta1-tanzukubernetescluster' } };
    }
    // Newer classes (builtin-generic-*) and v1beta2 (topology.classRef): recognised, validated leniently.
    if (topology && typeof topology === 'object') {
      return { ours: true, info: { group, version, kind, flavor: 'cluster-other', schemaId: undefined } };
    }
    return { ours: false };
  }
  const entry = TABLE[group]?.[kind];
  if (!entry) return { ours: false };
  if (!entry.versions.includes(version)) {
    return { ours: false, unknownVersion: { group, version, kind, known: entry.versions } };
  }
  return { ours: true, info: { group, version, kind, flavor: entry.flavor(version), schemaId: entry.schemaId(version) } };
}

export function isTkc(flavor: Flavor): boolean {
  return flavor === 'tkc-v1alpha1' || flavor === 'tkc-v1alpha2' || flavor === 'tkc-v1alpha3';
}

/** Every schema id the table can name, for the schema script and the registry. */
export function allSchemaIds(): string[] {
  const ids = new Set<string>(['cluster-v1beta1-tanzukubernetescluster']);
  for (const kinds of Object.values(TABLE)) {
    for (const entry of Object.values(kinds)) for (const v of entry.versions) {
      const id = entry.schemaId(v);
      if (id) ids.add(id);
    }
  }
  return [...ids].sort();
}
