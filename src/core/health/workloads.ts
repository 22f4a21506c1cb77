/**
 * Health of workload objects, after Argo CD's built-in checks (gitops-engine pkg/health):
 * Deployment, StatefulSet and DaemonSet rollouts, a LoadBalancer Service or an Ingress without an
 * address, PersistentVolumeClaim, Job and Pod phases.
 */
import type { Health, HealthCheck } from './types';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

const healthy: Health = { status: 'Healthy' };
const progressing = (message: string): Health => ({ status: 'Progressing', message });

/** Has the controller seen the latest spec? */
function observed(o: Obj): boolean {
  const generation = num(obj(o.metadata).generation);
  const seen = obj(o.status).observedGeneration;
  return typeof seen === 'number' && generation <= seen;
}

function condition(o: Obj, type: string): Obj | undefined {
  return arr(obj(o.status).conditions).find((c) => c.type === type);
}

function deployment(o: Obj): Health {
  const spec = obj(o.spec);
  const st = obj(o.status);
  if (spec.paused === true) return { status: 'Suspended', message: 'Deployment is paused' };
  if (!observed(o)) return progressing('Waiting for rollout to finish: observed deployment generation less than desired generation');
  const progressingCond = condition(o, 'Progressing');
  if (progressingCond?.reason === 'ProgressDeadlineExceeded') return { status: 'Degraded', message: `Deployment "${String(obj(o.metadata).name)}" exceeded its progress deadline` };
  const want = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const updated = num(st.updatedReplicas);
  if (updated < want) return progressing(`Waiting for rollout to finish: ${updated} out of ${want} new replicas have been updated...`);
  if (num(st.replicas) > updated) return progressing(`Waiting for rollout to finish: ${num(st.replicas) - updated} old replicas are pending termination...`);
  if (num(st.availableReplicas) < updated) return progressing(`Waiting for rollout to finish: ${num(st.availableReplicas)} of ${updated} updated replicas are available...`);
  return healthy;
}

function statefulSet(o: Obj): Health {
  const spec = obj(o.spec);
  const st = obj(o.status);
  if (!observed(o) || num(st.observedGeneration) === 0) return progressing('Waiting for statefulset spec update to be observed...');
  const want = typeof spec.replicas === 'number' ? spec.replicas : 1;
  if (num(st.readyReplicas) < want) return progressing(`Waiting for ${want - num(st.readyReplicas)} pods to be ready...`);
  const strategy = obj(spec.updateStrategy);
  if (strategy.type === 'OnDelete') return { status: 'Healthy', message: 'statefulset has OnDelete update strategy: no rollout to wait for' };
  const partition = num(obj(strategy.rollingUpdate).partition);
  if (partition > 0) {
    if (num(st.updatedReplicas) < want - partition) return progressing(`Waiting for partitioned roll out to finish: ${num(st.updatedReplicas)} out of ${want - partition} new pods have been updated...`);
    return healthy;
  }
  if (st.updateRevision !== st.currentRevision) return progressing(`waiting for statefulset rolling update to complete ${num(st.updatedReplicas)} pods at revision ${String(st.updateRevision)}...`);
  return healthy;
}

function daemonSet(o: Obj): Health {
  const st = obj(o.status);
  if (!observed(o)) return progressing('Waiting for rollout to finish: observed daemon set generation less than desired generation');
  if (obj(obj(o.spec).updateStrategy).type === 'OnDelete') return { status: 'Healthy', message: 'daemonset has OnDelete update strategy: no rollout to wait for' };
  const desired = num(st.desiredNumberScheduled);
  if (num(st.updatedNumberScheduled) < desired) return progressing(`Waiting for daemon set rollout to finish: ${num(st.updatedNumberScheduled)} out of ${desired} new pods have been updated...`);
  if (num(st.numberAvailable) < desired) return progressing(`Waiting for daemon set rollout to finish: ${num(st.numberAvailable)} of ${desired} updated pods are available...`);
  return healthy;
}

const hasAddress = (o: Obj) => arr(obj(obj(o.status).loadBalancer).ingress).length > 0;

function service(o: Obj): Health {
  if (obj(o.spec).type !== 'LoadBalancer') return healthy;
  return hasAddress(o) ? healthy : progressing('Waiting for the load balancer to give the Service an address');
}

function ingress(o: Obj): Health {
  return hasAddress(o) ? healthy : progressing('Waiting for the Ingress to get an address');
}

function pvc(o: Obj): Health {
  const phase = obj(o.status).phase;
  if (phase === 'Bound') return healthy;
  if (phase === 'Pending') return progressing('PersistentVolumeClaim is Pending');
  if (phase === 'Lost') return { status: 'Degraded', message: 'PersistentVolumeClaim lost its volume' };
  return { status: 'Unknown', message: phase ? `PersistentVolumeClaim phase ${String(phase)}` : 'PersistentVolumeClaim has no phase yet' };
}

function job(o: Obj): Health {
  const conds = arr(obj(o.status).conditions).filter((c) => c.status === 'True');
  const failed = conds.find((c) => c.type === 'Failed');
  if (failed) return { status: 'Degraded', message: String(failed.message ?? failed.reason ?? 'Job failed') };
  if (conds.some((c) => c.type === 'Complete')) return { status: 'Healthy', message: 'Job completed' };
  if (obj(o.spec).suspend === true) return { status: 'Suspended', message: 'Job is suspended' };
  return progressing('Job is running');
}

function pod(o: Obj): Health {
  const st = obj(o.status);
  const statuses = [...arr(st.initContainerStatuses), ...arr(st.containerStatuses)];
  const waiting = statuses.map((c) => obj(obj(c.state).waiting)).find((w) => typeof w.reason === 'string' && /BackOff|Err|Invalid/.test(w.reason));
  switch (st.phase) {
    case 'Pending':
      return waiting ? { status: 'Degraded', message: String(waiting.message ?? waiting.reason) } : progressing(String(st.message ?? 'Pod is Pending'));
    case 'Succeeded':
      return { status: 'Healthy', message: String(st.message ?? 'Pod completed') };
    case 'Failed':
      return { status: 'Degraded', message: String(st.message ?? 'Pod failed') };
    case 'Running': {
      if (obj(o.spec).restartPolicy !== 'Always' && obj(o.spec).restartPolicy !== undefined) return progressing('Pod is running');
      if (waiting) return { status: 'Degraded', message: String(waiting.message ?? waiting.reason) };
      return condition(o, 'Ready')?.status === 'True' ? healthy : progressing('Pod is running; not all containers are ready');
    }
    default:
      return { status: 'Unknown', message: String(st.message ?? 'Pod phase unknown') };
  }
}

export const WORKLOAD_CHECKS: readonly HealthCheck[] = [
  { group: 'apps', kind: 'Deployment', check: deployment },
  { group: 'apps', kind: 'StatefulSet', check: statefulSet },
  { group: 'apps', kind: 'DaemonSet', check: daemonSet },
  { group: '', kind: 'Service', check: service },
  { group: 'networking.k8s.io', kind: 'Ingress', check: ingress },
  { group: '', kind: 'PersistentVolumeClaim', check: pvc },
  { group: 'batch', kind: 'Job', check: job },
  { group: '', kind: 'Pod', check: pod },
];
