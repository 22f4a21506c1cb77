/** The health vocabulary: Argo CD's statuses (gitops-engine pkg/health), one check per kind. */

export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

export interface Health {
  readonly status: HealthStatus;
  /** Why, in one line (a condition's reason and message), when the object says. */
  readonly message?: string;
  /** When the deciding condition last changed (ISO 8601), when the object says. */
  readonly since?: string;
}

/** The health of one kind; the object is live (never undefined here). */
export interface HealthCheck {
  readonly group: string;
  readonly kind: string;
  check(obj: Record<string, unknown>): Health;
}
