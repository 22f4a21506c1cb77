/**
 * The vocabulary of drift comparison: objects, diff options (plain values, as gitops-engine's
 * `diff_options.go`), and what a comparison yields.
 *
 * Invariant: nothing here knows where objects come from (Git, the cluster, a dry-run); the
 * reconcile layer decides which objects are compared, this layer only how.
 */

/** A Kubernetes object as plain JSON (parsed YAML, or the API server's answer). */
export type KubeObject = Record<string, unknown>;

/** Which resource: its group ('' for core), version, kind, namespace ('' when cluster-scoped) and name. */
export interface ResourceRef {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** Which object a comparison is about: the version does not matter. */
export type ObjectRef = Omit<ResourceRef, 'version'>;

/**
 * One entry of an Argo CD Application's `spec.ignoreDifferences` (or a target's own setting).
 * `group` and `kind` are globs (`*` and `?`), as Argo CD matches them; an omitted group is the core group.
 */
export interface IgnoreDifference {
  readonly group?: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  /** RFC 6901 pointers (`/spec/replicas`, `/metadata/labels/app.kubernetes.io~1name`), removed from both sides. */
  readonly jsonPointers?: readonly string[];
  /**
   * jq path expressions (Argo CD deletes `del(<expression>)`): evaluated by jq outside core, which
   * hands the paths they select on each object in `DiffOptions.jqPaths`.
   */
  readonly jqPathExpressions?: readonly string[];
  /** Fields the live object's managedFields say these managers own are removed from both sides. */
  readonly managedFieldsManagers?: readonly string[];
}

/** A path into a JSON value as jq's `path()` gives it: keys and array indices. */
export type JqPath = readonly (string | number)[];

/**
 * argocd-cm `resource.compareoptions`, as Argo CD's diff normaliser applies them:
 * `ignoreResourceStatusField` says whose `status` is left out (`all`, Argo CD 3's default; `crd`:
 * CustomResourceDefinitions only; `none`), and `ignoreAggregatedRoles` leaves out the `rules` of a
 * Role or ClusterRole that has an `aggregationRule` (the aggregation controller writes them).
 */
export interface ArgoCompareOptions {
  readonly ignoreAggregatedRoles?: boolean;
  readonly ignoreResourceStatusField?: 'all' | 'crd' | 'none';
}

export interface DiffOptions {
  readonly ignoreDifferences?: readonly IgnoreDifference[];
  /** Argo CD's `resource.compareoptions` (absent: its defaults). */
  readonly compareOptions?: ArgoCompareOptions;
  /**
   * The paths the entries' jqPathExpressions select, by object (the Git object, the dry-run
   * result and the live object, as handed to reconcile): removed from that side. Absent: none.
   */
  readonly jqPaths?: ReadonlyMap<KubeObject, readonly JqPath[]>;
  /** Lines of context in the unified diff (default 3, as `diff -u` and kubectl diff). */
  readonly contextLines?: number;
}

/**
 * One difference between the live side (before) and the Git side (after).
 * `added`: only in Git (a sync would add it); `removed`: only live (a sync would remove it);
 * `reordered`: the same list items by name, in another order.
 * Values are kept for scalars and lists of scalars only; Secret data values are masks.
 */
export interface Change {
  readonly path: string;
  readonly kind: 'changed' | 'added' | 'removed' | 'reordered';
  readonly live?: unknown;
  readonly git?: unknown;
}

export interface ResourceDiff {
  /** The Git side as compared (YAML); '' when the object is not in Git. */
  readonly gitText: string;
  /** The live side as compared (YAML); '' when the object is not live. */
  readonly liveText: string;
  /** Unified diff, live as "a" (---) and Git as "b" (+++); '' when both sides are equal. */
  readonly unified: string;
  /** Paths of the changed leaves, e.g. `spec.topology.controlPlane.replicas`, `spec.topology.nodePools[name=workers].vmClass`. */
  readonly changedPaths: readonly string[];
  /** Without the tracking keys, which are in `tracking`. */
  readonly changes: readonly Change[];
  /**
   * The tracking metadata a sync would add or change (`tanzu-gitops.io/target`, Argo CD's
   * label or annotation): left out of both texts, the unified diff and `changes`.
   */
  readonly tracking?: readonly Change[];
}
