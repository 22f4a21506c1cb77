/**
 * The health of a TanzuKubernetesCluster or Cluster, from its live status: a one-line summary
 * (phase, Ready, version, replicas) for the drift tree, and the conditions for its children.
 */

export interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
}

/** Health of a TanzuKubernetesCluster or Cluster from its live status; undefined without a live object. */
export function clusterHealth(live: Record<string, unknown> | undefined): { summary: string; conditions: Condition[] } | undefined {
  if (!live) return undefined;
  const status = (live.status ?? {}) as Record<string, unknown>;
  const spec = (live.spec ?? {}) as Record<string, unknown>;
  const conditions = Array.isArray(status.conditions) ? (status.conditions as Condition[]).filter((c) => c && typeof c.type === 'string') : [];
  const ready = conditions.find((c) => c.type === 'Ready');
  const topology = (spec.topology ?? {}) as Record<string, unknown>;
  const cp = (topology.controlPlane ?? {}) as Record<string, unknown>;
  const replicas = cp.replicas ?? cp.count;
  const parts = [
    typeof status.phase === 'string' ? status.phase : undefined,
    ready ? `Ready ${ready.status}` : undefined,
    typeof status.version === 'string' ? status.version : typeof topology.version === 'string' ? topology.version : undefined,
    replicas !== undefined ? `control plane ${String(replicas)}` : undefined,
    typeof status.totalWorkerReplicas === 'number' ? `workers ${status.totalWorkerReplicas}` : undefined,
  ].filter(Boolean);
  return { summary: parts.join(' · '), conditions };
}

