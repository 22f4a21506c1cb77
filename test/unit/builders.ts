/**
 * Small builders for test manifests: a valid document of each form, changed by a patch, dumped
 * to YAML. Tests state only what differs from valid, as the best test suites do.
 */
import { stringify } from 'yaml';

type Obj = Record<string, unknown>;

export function tkcV1alpha2(spec: Obj = {}, meta: Obj = {}): Obj {
  return {
    apiVersion: 'run.tanzu.vmware.com/v1alpha2',
    kind: 'TanzuKubernetesCluster',
    metadata: { name: 'tkc-1', namespace: 'ns-1', ...meta },
    spec: merge({
      topology: {
        controlPlane: { replicas: 3, vmClass: 'best-effort-small', storageClass: 'vsan-default', tkr: { reference: { name: 'v1.21.6---vmware.1-tkg.1.b3d708a' } } },
        nodePools: [{ name: 'workers', replicas: 3, vmClass: 'best-effort-small', storageClass: 'vsan-default' }],
      },
      settings: { network: { cni: { name: 'antrea' }, pods: { cidrBlocks: ['192.168.0.0/16'] }, services: { cidrBlocks: ['10.96.0.0/12'] }, serviceDomain: 'cluster.local' } },
    }, spec),
  };
}

export function tkcV1alpha3(spec: Obj = {}, meta: Obj = {}): Obj {
  return { ...tkcV1alpha2(spec, meta), apiVersion: 'run.tanzu.vmware.com/v1alpha3' };
}

export function tkcV1alpha1(spec: Obj = {}, meta: Obj = {}): Obj {
  return {
    apiVersion: 'run.tanzu.vmware.com/v1alpha1',
    kind: 'TanzuKubernetesCluster',
    metadata: { name: 'tkc-old', namespace: 'ns-1', ...meta },
    spec: merge({
      distribution: { version: 'v1.20' },
      topology: {
        controlPlane: { count: 1, class: 'best-effort-small', storageClass: 'vsan-default' },
        workers: { count: 3, class: 'best-effort-small', storageClass: 'vsan-default' },
      },
      settings: { network: { cni: { name: 'calico' }, pods: { cidrBlocks: ['192.168.0.0/16'] }, services: { cidrBlocks: ['10.96.0.0/12'] } } },
    }, spec),
  };
}

export function clusterTkc(spec: Obj = {}, meta: Obj = {}): Obj {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta1',
    kind: 'Cluster',
    metadata: { name: 'cc-1', namespace: 'ns-1', ...meta },
    spec: merge({
      clusterNetwork: { pods: { cidrBlocks: ['192.168.144.0/20'] }, services: { cidrBlocks: ['10.96.0.0/12'] }, serviceDomain: 'cluster.local' },
      topology: {
        class: 'tanzukubernetescluster',
        version: 'v1.25.7---vmware.3-fips.1-tkg.1',
        controlPlane: { replicas: 3 },
        workers: { machineDeployments: [{ class: 'node-pool', name: 'np-1', replicas: 2 }] },
        variables: [{ name: 'vmClass', value: 'best-effort-small' }, { name: 'storageClass', value: 'vsan-default' }],
      },
    }, spec),
  };
}

/** Deep merge where `undefined` in the patch deletes the key and arrays replace. */
export function merge(base: Obj, patch: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else if (v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object' && !Array.isArray(out[k])) {
      out[k] = merge(out[k] as Obj, v as Obj);
    } else out[k] = v;
  }
  return out;
}

export function yaml(...docs: Obj[]): string {
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}

/** The line (0-based) of the first line containing `needle`, for asserting ranges. */
export function lineOf(text: string, needle: string, from = 0): number {
  const lines = text.split('\n');
  for (let i = from; i < lines.length; i++) if (lines[i].includes(needle)) return i;
  throw new Error(`"${needle}" not in text`);
}
