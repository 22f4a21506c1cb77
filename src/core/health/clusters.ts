/**
 * Health of a TanzuKubernetesCluster and a Cluster, as Argo CD's check for cluster.x-k8s.io
 * Cluster reads it (resource_customizations/cluster.x-k8s.io/Cluster/health.lua): paused is
 * Suspended; a Failed phase or Ready=False is Degraded; Provisioned (TKC: running) with Ready
 * not False is Healthy; anything else is Progressing. One refinement for both kinds: Ready=False
 * while the cluster is being created, updated or deleted, or before the controller has seen the
 * latest spec, is Progressing: the cluster is on its way, not broken.
 */
import { isRecord } from '../json';
import type { Health, HealthCheck } from './types';

interface Cond { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }

function conditionsOf(status: Record<string, unknown>): Cond[] {
  return Array.isArray(status.conditions)
    ? status.conditions.filter((c): c is Cond => isRecord(c) && typeof c.type === 'string' && typeof c.status === 'string')
    : [];
}

function withMessage(status: Health['status'], message: string | undefined, since?: string): Health {
  return { status, ...(message ? { message } : {}), ...(since ? { since } : {}) };
}

/** The phases in which a cluster is on its way (lower-case TKC phases and CAPI phases). */
const MOVING = new Set(['creating', 'updating', 'deleting', 'pending', 'provisioning', 'deprovisioning']);
const HEALTHY_PHASES = new Set(['running', 'provisioned']);

export function clusterHealthOf(obj: Record<string, unknown>): Health {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  const status = isRecord(obj.status) ? obj.status : {};
  if (spec.paused === true) return { status: 'Suspended', message: 'Cluster is paused' };
  const phase = typeof status.phase === 'string' ? status.phase : '';
  const p = phase.toLowerCase();
  const conditions = conditionsOf(status);
  const ready = conditions.find((c) => c.type === 'Ready');
  const since = ready?.lastTransitionTime;
  const why = ready ? [ready.reason, ready.message].filter(Boolean).join(': ') : undefined;
  const stale = typeof meta.generation === 'number' && typeof status.observedGeneration === 'number' && status.observedGeneration < meta.generation;
  const moving = MOVING.has(p) || meta.deletionTimestamp !== undefined || stale;
  if (p === 'failed') return withMessage('Degraded', why || `Cluster phase is ${phase}`, since);
  if (ready?.status === 'False') {
    return moving ? withMessage('Progressing', `${phase ? `${phase}: ` : ''}${why || 'not Ready yet'}`, since) : withMessage('Degraded', why || 'Ready is False', since);
  }
  if (moving) return withMessage('Progressing', phase ? `Cluster is ${p}` : 'Waiting for the controller to observe the latest spec', since);
  if (HEALTHY_PHASES.has(p) && ready?.status !== 'Unknown') return withMessage('Healthy', 'Cluster is running', since);
  if (!phase && ready?.status === 'True') return withMessage('Healthy', 'Cluster is Ready', since);
  return withMessage('Progressing', 'Waiting for the cluster', since);
}

export const CLUSTER_CHECKS: readonly HealthCheck[] = [
  { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster', check: clusterHealthOf },
  { group: 'cluster.x-k8s.io', kind: 'Cluster', check: clusterHealthOf },
];
