/**
 * The cluster designer's model: what the form shows and edits, independent of the API form the
 * manifest is written in. The designer converts between this and YAML both ways (see yaml.ts),
 * so the form and the text stay in step.
 */

/** The three manifest forms the designer writes. */
export type ApiForm = 'tkc-v1alpha3' | 'tkc-v1alpha2' | 'cluster-v1beta1';

export const API_FORMS: readonly { readonly id: ApiForm; readonly label: string; readonly apiVersion: string; readonly kind: string }[] = [
  { id: 'cluster-v1beta1', label: 'Cluster v1beta1, class tanzukubernetescluster (vSphere 8)', apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster' },
  { id: 'tkc-v1alpha3', label: 'TanzuKubernetesCluster v1alpha3 (vSphere 8)', apiVersion: 'run.tanzu.vmware.com/v1alpha3', kind: 'TanzuKubernetesCluster' },
  { id: 'tkc-v1alpha2', label: 'TanzuKubernetesCluster v1alpha2 (vSphere 7 U3)', apiVersion: 'run.tanzu.vmware.com/v1alpha2', kind: 'TanzuKubernetesCluster' },
];

export interface VolumeDesign {
  name: string;
  mountPath: string;
  /** A quantity, e.g. `50Gi`. */
  capacity: string;
  /** Empty: the pool's own storage class. */
  storageClass: string;
}

export interface NodePoolDesign {
  name: string;
  /** Undefined: left to an autoscaler. */
  replicas: number | undefined;
  vmClass: string;
  storageClass: string;
  /** A vSphere Zone; empty: spread across zones. Not written for tkc-v1alpha2. */
  failureDomain: string;
  volumes: VolumeDesign[];
}

export interface ProxyDesign {
  httpProxy: string;
  httpsProxy: string;
  noProxy: string[];
}

export interface ClusterDesign {
  form: ApiForm;
  name: string;
  namespace: string;
  controlPlane: {
    /** 1 or 3; another count only as the text holds it (the form shows it, the rules flag it). */
    replicas: number;
    vmClass: string;
    storageClass: string;
  };
  nodePools: NodePoolDesign[];
  /** A TanzuKubernetesRelease name, e.g. `v1.26.5---vmware.2-fips.1-tkg.1`. */
  tkr: string;
  /** TKC forms only (calico, antrea, antrea-nsx-routed); empty: the Supervisor's default. */
  cni: string;
  podCidrs: string[];
  serviceCidrs: string[];
  serviceDomain: string;
  /** Undefined: no proxy. */
  proxy: ProxyDesign | undefined;
}

/**
 * A form field's id, as the webview names its controls and as findings are mapped to them:
 * `name`, `namespace`, `form`, `controlPlane.replicas`, `controlPlane.vmClass`,
 * `controlPlane.storageClass`, `nodePools.<i>.name|replicas|vmClass|storageClass|failureDomain`,
 * `nodePools.<i>.volumes.<j>.name|mountPath|capacity|storageClass`, `nodePools` (the list itself),
 * `tkr`, `cni`, `podCidrs`, `serviceCidrs`, `serviceDomain`, `proxy`, `proxy.httpProxy`,
 * `proxy.httpsProxy`, `proxy.noProxy`.
 */
export type DesignFieldId = string;

/** What the pickers offer when a context is connected (and what the defaults are drawn from). */
export interface DesignerChoices {
  namespaces: string[];
  vmClasses: string[];
  storageClasses: string[];
  tkrs: string[];
  zones: string[];
  /** "2 CPU, 8Gi" by VM class, for the classes whose size is known. */
  vmClassSizes?: Record<string, string>;
}
