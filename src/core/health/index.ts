/**
 * The health of a resource beside its sync status, as Argo CD shows both. A kind without a check
 * has no health (undefined), as in Argo CD; a resource with no live object is Missing.
 */
import { CLUSTER_CHECKS } from './clusters';
import { WORKLOAD_CHECKS } from './workloads';
import type { Health, HealthCheck } from './types';

export type { Health, HealthCheck, HealthStatus } from './types';

/** Every kind with a health check; workload kinds join this list from their own module. */
const CHECKS: readonly HealthCheck[] = [...CLUSTER_CHECKS, ...WORKLOAD_CHECKS];

const BY_KIND = new Map(CHECKS.map((c) => [`${c.group}/${c.kind}`, c]));

export function hasHealthCheck(group: string, kind: string): boolean {
  return BY_KIND.has(`${group}/${kind}`);
}

export function healthOf(group: string, kind: string, live: Record<string, unknown> | undefined): Health | undefined {
  const check = BY_KIND.get(`${group}/${kind}`);
  if (!check) return undefined;
  if (!live) return { status: 'Missing' };
  try {
    return check.check(live);
  } catch (e) {
    return { status: 'Unknown', message: `health check failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
