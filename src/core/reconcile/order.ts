/**
 * The order resources are listed in: kinds in the order a sync applies them (namespaces and
 * classes before what uses them, clusters after their classes, Applications last), then
 * namespace, then name. Kinds not in the table come after, by kind then group.
 */
import type { ResourceRef } from './identity';

export const KIND_ORDER: readonly string[] = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'ServiceAccount', 'Secret', 'ConfigMap',
  'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition',
  'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding',
  'VirtualMachineClass', 'VirtualMachineClassBinding', 'TanzuKubernetesRelease', 'ClusterClass',
  'TanzuKubernetesCluster', 'Cluster',
  'Service', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Ingress',
  'AppProject', 'Application',
];

const RANK = new Map(KIND_ORDER.map((k, i) => [k, i]));

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type Sortable = Pick<ResourceRef, 'group' | 'kind' | 'namespace' | 'name'>;

export function compareResources(a: Sortable, b: Sortable): number {
  const ra = RANK.get(a.kind) ?? KIND_ORDER.length;
  const rb = RANK.get(b.kind) ?? KIND_ORDER.length;
  return ra - rb || cmp(a.kind, b.kind) || cmp(a.group, b.group) || cmp(a.namespace, b.namespace) || cmp(a.name, b.name);
}
