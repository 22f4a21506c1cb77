/**
 * Where each TKC concept lives in each API form. Rules ask this module for "the control plane
 * replicas" or "the pod CIDRs" and stay the same for TKC v1alpha1/2/3 and Cluster.
 *
 * Invariant: this is the only module that knows the per-version field layout.
 */
import type { YamlPath } from '../types';
import { getAt, type ManifestDocument } from './document';
import type { Flavor } from './kinds';

export interface NodePool {
  readonly path: YamlPath;
  /** Path of the pool's name field; undefined for v1alpha1's single unnamed `workers`. */
  readonly namePath?: YamlPath;
}

export interface ClusterLayout {
  readonly controlPlaneReplicas: YamlPath;
  /** The field name users see in messages: `count` (v1alpha1) or `replicas`. */
  readonly replicasField: string;
  readonly podCidrs: YamlPath;
  readonly serviceCidrs: YamlPath;
  readonly serviceDomain: YamlPath;
  readonly cni?: YamlPath;
  readonly nodePools: YamlPath;
  readonly distribution?: YamlPath;
}

const TKC_NETWORK = ['spec', 'settings', 'network'];
const CLUSTER_NETWORK = ['spec', 'clusterNetwork'];

/** The pod and service CIDRs and the service domain, under a cluster's network section. */
function networkOf(network: YamlPath): Pick<ClusterLayout, 'podCidrs' | 'serviceCidrs' | 'serviceDomain'> {
  return { podCidrs: [...network, 'pods', 'cidrBlocks'], serviceCidrs: [...network, 'services', 'cidrBlocks'], serviceDomain: [...network, 'serviceDomain'] };
}

/** A TanzuKubernetesCluster: v1alpha1 counts its replicas in `count` and has one `workers` pool; later versions say `replicas` and `nodePools`. */
function tkcLayout(replicasField: 'count' | 'replicas', nodePools: 'workers' | 'nodePools'): ClusterLayout {
  return {
    controlPlaneReplicas: ['spec', 'topology', 'controlPlane', replicasField],
    replicasField,
    ...networkOf(TKC_NETWORK),
    cni: [...TKC_NETWORK, 'cni', 'name'],
    nodePools: ['spec', 'topology', nodePools],
    distribution: ['spec', 'distribution'],
  };
}

export function layoutOf(flavor: Flavor): ClusterLayout | undefined {
  switch (flavor) {
    case 'tkc-v1alpha1':
      return tkcLayout('count', 'workers');
    case 'tkc-v1alpha2':
    case 'tkc-v1alpha3':
      return tkcLayout('replicas', 'nodePools');
    case 'cluster-tkc':
    case 'cluster-other':
      return {
        controlPlaneReplicas: ['spec', 'topology', 'controlPlane', 'replicas'],
        replicasField: 'replicas',
        ...networkOf(CLUSTER_NETWORK),
        nodePools: ['spec', 'topology', 'workers', 'machineDeployments'],
      };
    default:
      return undefined;
  }
}

/** The node pools of a cluster document, each with its path (v1alpha1: the one `workers`). */
export function nodePoolsOf(doc: ManifestDocument): NodePool[] {
  const layout = layoutOf(doc.info.flavor);
  if (!layout) return [];
  const at = getAt(doc.value, layout.nodePools);
  if (doc.info.flavor === 'tkc-v1alpha1') return at && typeof at === 'object' ? [{ path: layout.nodePools }] : [];
  if (!Array.isArray(at)) return [];
  // items that are not maps are the schema's to report: no rule looks into them
  const out: NodePool[] = [];
  at.forEach((item, i) => {
    if (item && typeof item === 'object' && !Array.isArray(item)) out.push({ path: [...layout.nodePools, i], namePath: [...layout.nodePools, i, 'name'] });
  });
  return out;
}

/** A Cluster's topology variable by name: its index and value path, or undefined. */
export function clusterVariable(doc: ManifestDocument, name: string): { path: YamlPath; valuePath: YamlPath; value: unknown } | undefined {
  const vars = getAt(doc.value, ['spec', 'topology', 'variables']);
  if (!Array.isArray(vars)) return undefined;
  const i = vars.findIndex((v) => v && typeof v === 'object' && (v as Record<string, unknown>).name === name);
  if (i === -1) return undefined;
  const path = ['spec', 'topology', 'variables', i];
  return { path, valuePath: [...path, 'value'], value: (vars[i] as Record<string, unknown>).value };
}

/** Every place a list of volumes can stand in this document, as paths to the arrays. */
export function volumeListsOf(doc: ManifestDocument): YamlPath[] {
  const f = doc.info.flavor;
  if (f === 'tkc-v1alpha1') return [['spec', 'topology', 'controlPlane', 'volumes'], ['spec', 'topology', 'workers', 'volumes']];
  if (f === 'tkc-v1alpha2' || f === 'tkc-v1alpha3') {
    return [['spec', 'topology', 'controlPlane', 'volumes'], ...nodePoolsOf(doc).map((p) => [...p.path, 'volumes'])];
  }
  if (f === 'cluster-tkc') {
    const lists: YamlPath[] = [];
    for (const name of ['controlPlaneVolumes', 'nodePoolVolumes']) {
      const v = clusterVariable(doc, name);
      if (v) lists.push(v.valuePath);
    }
    nodePoolsOf(doc).forEach((p) => {
      const overrides = getAt(doc.value, [...p.path, 'variables', 'overrides']);
      if (!Array.isArray(overrides)) return;
      overrides.forEach((o, j) => {
        if (o && typeof o === 'object' && ['nodePoolVolumes', 'controlPlaneVolumes'].includes(String((o as Record<string, unknown>).name))) {
          lists.push([...p.path, 'variables', 'overrides', j, 'value']);
        }
      });
    });
    return lists;
  }
  return [];
}

/** Path of the proxy settings object, if the document has one. */
export function proxyPathOf(doc: ManifestDocument): YamlPath | undefined {
  const f = doc.info.flavor;
  if (f === 'cluster-tkc') return clusterVariable(doc, 'proxy')?.valuePath;
  if (f.startsWith('tkc-')) return [...TKC_NETWORK, 'proxy'];
  return undefined;
}

/** Path of the additionalTrustedCAs list, if the document has one. */
export function trustedCasPathOf(doc: ManifestDocument): YamlPath | undefined {
  const f = doc.info.flavor;
  if (f === 'cluster-tkc') {
    const v = clusterVariable(doc, 'trust');
    return v ? [...v.valuePath, 'additionalTrustedCAs'] : undefined;
  }
  if (f.startsWith('tkc-')) return [...TKC_NETWORK, 'trust', 'additionalTrustedCAs'];
  return undefined;
}
