/**
 * The drift engine's contract with its two users, the editor's drift tree and the command line:
 * targets (what is compared), and per target the resources with their status and diff.
 * The engine (src/drift/engine.ts) joins Git (src/git), the cluster (src/cluster) and the pure
 * core (src/core/reconcile, src/core/diff). No vscode import.
 */
import type { ArgoCompareOptions, IgnoreDifference } from '../core/diff/types';
import type { Ownership } from '../core/reconcile/ownership';
import type { ResourceFilter } from '../core/reconcile/resource-filter';
import type { ResourceStatus } from '../core/reconcile/types';
import type { HelmSourceOptions } from '../sources/helm-args';
import type { KustomizeSourceOptions } from '../sources/kustomize-options';
import type { DirectoryOptions, ManifestSource, RevisionInfo, UnreadFile } from '../git/types';

export type TargetOrigin = 'argocd' | 'setting' | 'workspace';

export interface DriftTarget {
  /** Unique among the targets: the Application's name, the setting's name, or "workspace". */
  readonly name: string;
  readonly origin: TargetOrigin;
  /** Folder of the manifests, relative to the repository root ('' = the root). */
  readonly path: string;
  readonly source: ManifestSource;
  readonly directory: DirectoryOptions;
  /** Context to compare against (undefined: the connected one). */
  readonly context?: string;
  /** Namespace of manifests that name none. */
  readonly namespace: string;
  readonly ignoreDifferences: readonly IgnoreDifference[];
  /** Argo CD's `resource.compareoptions` (Argo CD targets; absent: its defaults). */
  readonly compareOptions?: ArgoCompareOptions;
  readonly ownership: Ownership;
  /** For Argo CD targets: the Application (its ApplicationSet when one generated it, its project). */
  readonly application?: {
    readonly name: string; readonly namespace: string; readonly repoURL: string; readonly targetRevision: string;
    readonly applicationSet?: string; readonly project?: string;
    readonly destination?: { readonly server?: string; readonly name?: string };
  };
  /** How its folder is rendered when it holds a kustomization or a chart: the Application's options. */
  readonly render?: { readonly kustomize?: KustomizeSourceOptions; readonly helm?: HelmSourceOptions; readonly releaseName?: string };
  /**
   * For an Argo CD target that deploys into another cluster than the Supervisor: that cluster
   * (spec.destination). It is compared through a connection to it (cluster/destinations.ts).
   */
  readonly destination?: { readonly server?: string; readonly name?: string; readonly label: string };
  /** Set when the target cannot be compared (Helm repositories, plugins, several sources...): why. */
  readonly unsupported?: string;
  /** Argo CD's resource.exclusions and inclusions: kinds it excludes are never listed, compared or pruned. */
  readonly resourceFilter?: ResourceFilter;
}

export interface TargetDrift {
  readonly target: DriftTarget;
  /** Which Git revision was read (branch, commit, dirty). */
  readonly revision?: RevisionInfo;
  readonly resources: readonly ResourceStatus[];
  /** Counts by status, for badges and summaries. */
  readonly counts: Readonly<Record<ResourceStatus['status'], number>>;
  /** Problems that did not stop the comparison (unparseable files, unsupported ignore rules). */
  readonly warnings: readonly string[];
  /**
   * Files that could not be read (Git's reasons, and YAML syntax errors): present when any. Then
   * no live object is Extra (each is Unknown, cause 'unread'), and no sync of the target prunes.
   */
  readonly unread?: readonly UnreadFile[];
  /**
   * Set when the target could not be compared at all: no repository or path, the server
   * unreachable (resources then lists Git's objects as Unknown 'unreachable'), another context,
   * or the target's `unsupported` message.
   */
  readonly error?: string;
  /** What the computation cost (for budgets in the view, and the benchmark). */
  readonly stats?: DriftStats;
  /** When this result was computed (ms since epoch). */
  readonly computedAt: number;
}

export interface DriftStats {
  /** The whole computation, ms. */
  readonly totalMs: number;
  /** Reading the manifests. */
  readonly gitMs: number;
  /** Parsing them (files unchanged since the last run are not parsed again). */
  readonly parseMs: number;
  /** Discovery and lists (or cache reads). */
  readonly listMs: number;
  readonly dryRunMs: number;
  readonly reconcileMs: number;
  readonly files: number;
  /** Kubernetes objects read from Git. */
  readonly objects: number;
  /** Lists asked of the live source. */
  readonly lists: number;
  /** Server-side dry-runs sent; answered from earlier results; spared because applying is a no-op. */
  readonly dryRuns: number;
  readonly dryRunsReused: number;
  readonly dryRunsSkipped: number;
}
