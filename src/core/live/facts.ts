/**
 * What the live rules know about the connected Supervisor: plain data, gathered by the cluster
 * layer (lists kept fresh by watches) and handed to the pure rules. No network here.
 *
 * Invariant: a fact that could not be learned (forbidden, not served, not loaded yet) is absent
 * (undefined), never empty: an empty set means "the Supervisor has none", and rules act on it;
 * an absent one means "unknown", and rules stay silent.
 */

export interface TkrFact {
  /** Object name, e.g. v1.25.7---vmware.3-fips.1-tkg.1. */
  readonly name: string;
  /** spec.version, e.g. v1.25.7+vmware.3-fips.1-tkg.1. */
  readonly version: string;
  /** Kubernetes version (spec.kubernetes.version or spec.kubernetesVersion), e.g. v1.25.7. */
  readonly kubernetesVersion?: string;
  /** False when labelled incompatible or its Compatible condition is False. */
  readonly compatible: boolean;
  /** False when its Ready condition is False. */
  readonly ready: boolean;
  /** Labelled deactivated or invalid. */
  readonly deactivated: boolean;
}

/** A VM class's size, from its spec.hardware. */
export interface VmClassSize {
  readonly cpus?: number;
  /** A quantity, as the class gives it (e.g. 8Gi). */
  readonly memory?: string;
}

export interface NamespaceFacts {
  /** VM classes usable in the namespace (bound on vSphere 7, present in it on vSphere 8). */
  readonly vmClasses?: ReadonlySet<string>;
  /** Storage classes assigned to the namespace (its storage quota keys). */
  readonly storageClasses?: ReadonlySet<string>;
  /** vSphere Zones a node pool's failureDomain may name. */
  readonly zones?: ReadonlySet<string>;
}

/** The label the local Supervisor puts on the namespaces it creates as vSphere Namespaces. */
export const VSPHERE_NAMESPACE_LABEL = 'tanzu-gitops.dev/vsphere-namespace';

/** Pickers offer vSphere Namespaces when they are known, else every namespace; others stay typeable. */
export function pickableNamespaces(facts: Pick<SupervisorFacts, 'namespaces' | 'vsphereNamespaces'>): ReadonlySet<string> | undefined {
  return facts.vsphereNamespaces && facts.vsphereNamespaces.size > 0 ? facts.vsphereNamespaces : facts.namespaces;
}

export interface SupervisorFacts {
  /** Context name, for messages. */
  readonly context: string;
  /** Namespaces visible to the user; undefined when they cannot be listed. */
  readonly namespaces?: ReadonlySet<string>;
  readonly byNamespace: ReadonlyMap<string, NamespaceFacts>;
  /**
   * The vSphere Namespaces among `namespaces`, told apart from system ones (kube-system, argocd,
   * default…) by the Supervisor's own markers: a storage quota, VM classes bound or in it, or the
   * local Supervisor's label. Undefined when the markers cannot be read.
   */
  readonly vsphereNamespaces?: ReadonlySet<string>;
  /** VM class sizes by class name, for the classes that can be read; undefined when none can. */
  readonly vmClassSizes?: ReadonlyMap<string, VmClassSize>;
  /** TKRs by object name; undefined when they cannot be listed. */
  readonly tkrs?: ReadonlyMap<string, TkrFact>;
  /**
   * The live object of a cluster, by `<group>/<kind>/<namespace>/<name>`, for the rules that
   * compare an edit with what exists (immutable fields, scale-in, downgrade). Undefined: unknown.
   */
  liveObject(group: string, kind: string, namespace: string, name: string): Record<string, unknown> | undefined;
  /** The namespace a document without metadata.namespace goes to (the context's). */
  readonly defaultNamespace: string;
  /** Changes whenever any fact changes; the engine's cache keys on it. */
  readonly generation: number;
}
