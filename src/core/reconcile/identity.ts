/**
 * Resource identity: what pairs a Git object with a live one. The key is
 * `group/kind/namespace/name`; the version is not part of it (the same object is served at every
 * version of its kind), and cluster-scoped objects have namespace ''.
 *
 * Whether a kind is namespaced is the cluster's knowledge (discovery): the caller passes it in as
 * `isNamespaced`; `defaultIsNamespaced` knows the common cluster-scoped kinds for offline use.
 */
import type { KubeObject, ResourceRef } from '../diff/types';

export type { ResourceRef };

/** true: namespaced; false: cluster-scoped; undefined: not known (the object's namespace, or the default, is used). */
export type IsNamespaced = (group: string, kind: string) => boolean | undefined;

/**
 * group and version of an apiVersion, as Kubernetes parses it (apimachinery's ParseGroupVersion):
 * `v1` is the core group (''), `group/version` otherwise. More than one '/' (`a/b/c`) names no
 * API: undefined, so that no caller sends it or pairs it with a live object.
 */
export function splitApiVersion(apiVersion: string): { group: string; version: string } | undefined {
  const parts = apiVersion.split('/');
  if (parts.length > 2) return undefined;
  return parts.length === 1 ? { group: '', version: apiVersion } : { group: parts[0], version: parts[1] };
}

/** The stable key: `group/kind/namespace/name` (core group ''; version not included). */
export function keyOf(id: Pick<ResourceRef, 'group' | 'kind' | 'namespace' | 'name'>): string {
  return `${id.group}/${id.kind}/${id.namespace}/${id.name}`;
}

export interface IdentityOptions {
  /** Namespace of namespaced objects that name none (the target's, or the context's). */
  readonly defaultNamespace?: string;
  readonly isNamespaced?: IsNamespaced;
}

/** The identity of an object; undefined when it has no apiVersion (group/version), kind or metadata.name. */
export function identityOf(obj: unknown, options: IdentityOptions = {}): ResourceRef | undefined {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const o = obj as KubeObject;
  const meta = o.metadata && typeof o.metadata === 'object' && !Array.isArray(o.metadata) ? (o.metadata as KubeObject) : {};
  if (typeof o.apiVersion !== 'string' || !o.apiVersion || typeof o.kind !== 'string' || !o.kind) return undefined;
  if (typeof meta.name !== 'string' || !meta.name) return undefined;
  const gv = splitApiVersion(o.apiVersion);
  if (!gv) return undefined;
  const { group, version } = gv;
  const scoped = (options.isNamespaced ?? defaultIsNamespaced)(group, o.kind);
  let namespace = '';
  if (scoped !== false) {
    namespace = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : options.defaultNamespace || 'default';
  }
  return { group, version, kind: o.kind, namespace, name: meta.name };
}

/** `Kind.group/namespace/name`, as kubectl names resources (core group and cluster scope left out). */
export function displayName(id: Pick<ResourceRef, 'group' | 'kind' | 'namespace' | 'name'>): string {
  return `${id.kind}${id.group ? `.${id.group}` : ''}/${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
}

/** Cluster-scoped kinds a Supervisor serves, for when discovery is not at hand. */
const CLUSTER_SCOPED: Record<string, readonly string[]> = {
  '': ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding'],
  'storage.k8s.io': ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment'],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'apiregistration.k8s.io': ['APIService'],
  'admissionregistration.k8s.io': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
  'scheduling.k8s.io': ['PriorityClass'],
  'node.k8s.io': ['RuntimeClass'],
  'networking.k8s.io': ['IngressClass'],
  'certificates.k8s.io': ['CertificateSigningRequest'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'run.tanzu.vmware.com': ['TanzuKubernetesRelease', 'OSImage'],
  'vmoperator.vmware.com': ['ClusterVirtualMachineImage'],
};

/**
 * Offline knowledge of scope: false for the well-known cluster-scoped kinds, undefined otherwise.
 * VirtualMachineClass is deliberately unknown: cluster-scoped on vSphere 7, namespaced since.
 */
export const defaultIsNamespaced: IsNamespaced = (group, kind) => (CLUSTER_SCOPED[group]?.includes(kind) ? false : undefined);
