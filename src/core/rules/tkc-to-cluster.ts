/**
 * A TanzuKubernetesCluster (v1alpha2/v1alpha3; v1alpha1 through its v1alpha3 form) as a
 * cluster.x-k8s.io/v1beta1 Cluster of class tanzukubernetescluster, with the fields mapped as the
 * TKG Service on vSphere 8 documents them:
 *
 * - controlPlane.replicas and nodeDrainTimeout stay in spec.topology.controlPlane;
 * - controlPlane.vmClass / storageClass become the class variables vmClass / storageClass, and
 *   controlPlane.volumes the variable controlPlaneVolumes;
 * - tkr.reference.name (else spec.distribution's full version) becomes spec.topology.version;
 * - nodePools become workers.machineDeployments of class node-pool (name, replicas,
 *   failureDomain, nodeDrainTimeout), a pool's vmClass / storageClass an override where it differs
 *   from the control plane's, its volumes nodePoolVolumes (one class variable when every pool has
 *   the same), its labels nodePoolLabels and its taints nodePoolTaints;
 * - settings.network pods / services / serviceDomain become spec.clusterNetwork, proxy and trust
 *   the variables of those names; settings.storage classes / defaultClass become storageClasses /
 *   defaultStorageClass;
 * - the annotation run.tanzu.vmware.com/resolve-os-image moves to the control plane's and each
 *   machine deployment's metadata, where the class reads it.
 *
 * Whatever has no place in a Cluster is named in a note: nothing is dropped silently.
 */
import { isRecord } from '../json';
import type { ManifestDocument } from '../manifest/document';
import { TKC_CLASS } from '../manifest/kinds';
import type { Fix } from '../types';
import { convertDocumentFix, tkcV1alpha1ToV1alpha3, tkrNameFromVersion } from './tkc-convert';

type Obj = Record<string, unknown>;

export const RESOLVE_OS_IMAGE = 'run.tanzu.vmware.com/resolve-os-image';
const CLUSTER_API_VERSION = 'cluster.x-k8s.io/v1beta1';

export interface ClusterConversion {
  /** The Cluster's value. */
  readonly value: Obj;
  /** What could not be mapped (or needs something besides the Cluster), one sentence each. */
  readonly notes: string[];
}

const rec = (v: unknown): Obj => (isRecord(v) ? v : {});

/** Keys of `o` other than `known`, as paths under `where` (what a conversion would lose). */
function leftOver(o: Obj, known: readonly string[], where: string, notes: string[], why: string): void {
  for (const k of Object.keys(o)) if (!known.includes(k)) notes.push(`${where}.${k} ${why}`);
}

const NOT_IN_CLUSTER = 'has no place in a Cluster of class tanzukubernetescluster: not converted.';

class Variables {
  readonly list: Obj[] = [];
  set(name: string, value: unknown): void {
    if (value !== undefined && value !== null) this.list.push({ name, value });
  }
}

/** The TKR name a distribution's full version (or a version hint with a build) makes, offline. */
function distributionName(dist: unknown): string | undefined {
  const d = rec(dist);
  const version = [d.fullVersion, d.version].find((v): v is string => typeof v === 'string' && v.includes('+') && !v.includes('${'));
  return version ? tkrNameFromVersion(version) : undefined;
}

function releaseOf(spec: Obj, cp: Obj, notes: string[]): string {
  const ref = rec(rec(cp.tkr).reference);
  const fromRef = typeof ref.name === 'string' ? ref.name : '';
  const dist = spec.distribution;
  const fromDist = distributionName(dist);
  if (fromRef) {
    if (dist !== undefined && fromDist !== fromRef) notes.push(`spec.distribution is left out: the release is tkr.reference.name ${fromRef}.`);
    return fromRef;
  }
  if (fromDist) return fromDist;
  if (dist !== undefined) notes.push('spec.distribution names no TanzuKubernetesRelease without a full version: set spec.topology.version to a release name.');
  else notes.push('The cluster names no release: set spec.topology.version to a TanzuKubernetesRelease name.');
  return '';
}

/** metadata with resolve-os-image taken out; the image annotation, if any. */
function splitMetadata(meta: Obj): { metadata: Obj; osImage: string | undefined } {
  const annotations = rec(meta.annotations);
  const osImage = typeof annotations[RESOLVE_OS_IMAGE] === 'string' ? (annotations[RESOLVE_OS_IMAGE] as string) : undefined;
  if (osImage === undefined) return { metadata: { ...meta }, osImage };
  const { [RESOLVE_OS_IMAGE]: _moved, ...rest } = annotations;
  const metadata: Obj = { ...meta, annotations: rest };
  if (Object.keys(rest).length === 0) delete metadata.annotations;
  return { metadata, osImage };
}

const osImageMetadata = (osImage: string | undefined): Obj => (osImage === undefined ? {} : { metadata: { annotations: { [RESOLVE_OS_IMAGE]: osImage } } });

function controlPlaneOf(cp: Obj, osImage: string | undefined, vars: Variables, notes: string[]): Obj {
  vars.set('vmClass', cp.vmClass);
  vars.set('storageClass', cp.storageClass);
  if (cp.volumes !== undefined) vars.set('controlPlaneVolumes', cp.volumes);
  leftOver(cp, ['replicas', 'vmClass', 'storageClass', 'volumes', 'tkr', 'nodeDrainTimeout'], 'spec.topology.controlPlane', notes, NOT_IN_CLUSTER);
  return {
    ...osImageMetadata(osImage),
    ...(cp.replicas !== undefined ? { replicas: cp.replicas } : {}),
    ...(cp.nodeDrainTimeout !== undefined ? { nodeDrainTimeout: cp.nodeDrainTimeout } : {}),
  };
}

const POOL_KEYS = ['name', 'replicas', 'vmClass', 'storageClass', 'failureDomain', 'volumes', 'labels', 'taints', 'tkr', 'nodeDrainTimeout'];

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function machineDeployments(pools: unknown[], cp: Obj, version: string, osImage: string | undefined, vars: Variables, notes: string[]): Obj[] {
  const volumes = pools.map((p) => rec(p).volumes);
  // One class variable when every pool has the same volumes (as the designer writes them).
  const shared = volumes.length > 0 && volumes[0] !== undefined && volumes.every((v) => sameJson(v, volumes[0]));
  if (shared) vars.set('nodePoolVolumes', volumes[0]);
  return pools.map((item, i) => {
    const where = `spec.topology.nodePools[${i}]`;
    const p = rec(item);
    const overrides: Obj[] = [];
    if (p.vmClass !== undefined && p.vmClass !== cp.vmClass) overrides.push({ name: 'vmClass', value: p.vmClass });
    if (p.storageClass !== undefined && p.storageClass !== cp.storageClass) overrides.push({ name: 'storageClass', value: p.storageClass });
    if (!shared && p.volumes !== undefined) overrides.push({ name: 'nodePoolVolumes', value: p.volumes });
    if (isRecord(p.labels) && Object.keys(p.labels).length > 0) {
      overrides.push({ name: 'nodePoolLabels', value: Object.entries(p.labels).map(([key, value]) => ({ key, value })) });
    }
    if (p.taints !== undefined) overrides.push({ name: 'nodePoolTaints', value: p.taints });
    const poolRelease = rec(rec(p.tkr).reference).name;
    if (typeof poolRelease === 'string' && poolRelease !== version) {
      notes.push(`${where}.tkr.reference.name ${poolRelease} differs from the cluster's release: a Cluster has one spec.topology.version, so the pool runs ${version || 'the cluster\'s release'}.`);
    }
    leftOver(p, POOL_KEYS, where, notes, NOT_IN_CLUSTER);
    return {
      class: 'node-pool',
      name: p.name,
      ...osImageMetadata(osImage),
      ...(p.replicas !== undefined ? { replicas: p.replicas } : {}),
      ...(p.failureDomain !== undefined ? { failureDomain: p.failureDomain } : {}),
      ...(p.nodeDrainTimeout !== undefined ? { nodeDrainTimeout: p.nodeDrainTimeout } : {}),
      ...(overrides.length > 0 ? { variables: { overrides } } : {}),
    };
  });
}

function networkOf(settings: Obj, clusterName: string, vars: Variables, notes: string[]): Obj {
  const net = rec(settings.network);
  const where = 'spec.settings.network';
  const cni = rec(net.cni).name;
  if (cni !== undefined) {
    notes.push(`${where}.cni.name ${String(cni)} is not a field of a Cluster: the class installs antrea unless its ClusterBootstrap (or an AntreaConfig / CalicoConfig) says otherwise.`);
  }
  if (net.proxy !== undefined) vars.set('proxy', net.proxy);
  const trust = rec(net.trust);
  if (Array.isArray(trust.additionalTrustedCAs)) {
    const cas = trust.additionalTrustedCAs.map(rec);
    vars.set('trust', { additionalTrustedCAs: cas.map((ca) => ({ name: ca.name })) });
    const names = cas.map((ca) => String(ca.name)).join(', ');
    notes.push(`trust names the CAs only: the certificates (${names}) go in a Secret ${clusterName || '<cluster>'}-user-trusted-ca-secret, one key per CA name, each value the TKC's data base64-encoded once more.`);
    leftOver(trust, ['additionalTrustedCAs'], `${where}.trust`, notes, NOT_IN_CLUSTER);
  }
  leftOver(net, ['cni', 'pods', 'services', 'serviceDomain', 'proxy', 'trust'], where, notes, NOT_IN_CLUSTER);
  const cidrs = (v: unknown): Obj | undefined => (isRecord(v) && v.cidrBlocks !== undefined ? { cidrBlocks: v.cidrBlocks } : undefined);
  const pods = cidrs(net.pods);
  const services = cidrs(net.services);
  return {
    ...(services ? { services } : {}),
    ...(pods ? { pods } : {}),
    ...(net.serviceDomain !== undefined ? { serviceDomain: net.serviceDomain } : {}),
  };
}

function storageOf(settings: Obj, vars: Variables, notes: string[]): void {
  const storage = rec(settings.storage);
  if (storage.classes !== undefined) vars.set('storageClasses', storage.classes);
  if (storage.defaultClass !== undefined) vars.set('defaultStorageClass', storage.defaultClass);
  leftOver(storage, ['classes', 'defaultClass'], 'spec.settings.storage', notes, NOT_IN_CLUSTER);
  leftOver(settings, ['network', 'storage'], 'spec.settings', notes, NOT_IN_CLUSTER);
}

/** The Cluster a v1alpha2/v1alpha3 TanzuKubernetesCluster value stands for, and what did not map. */
export function tkcToCluster(tkc: Obj): ClusterConversion {
  const notes: string[] = [];
  const spec = rec(tkc.spec);
  const topo = rec(spec.topology);
  const cp = rec(topo.controlPlane);
  const { metadata, osImage } = splitMetadata(rec(tkc.metadata));
  const vars = new Variables();
  const version = releaseOf(spec, cp, notes);
  const controlPlane = controlPlaneOf(cp, osImage, vars, notes);
  const pools = Array.isArray(topo.nodePools) ? topo.nodePools : [];
  const workers = machineDeployments(pools, cp, version, osImage, vars, notes);
  leftOver(topo, ['controlPlane', 'nodePools'], 'spec.topology', notes, NOT_IN_CLUSTER);
  const settings = rec(spec.settings);
  const clusterNetwork = networkOf(settings, typeof metadata.name === 'string' ? metadata.name : '', vars, notes);
  storageOf(settings, vars, notes);
  leftOver(spec, ['topology', 'settings', 'distribution'], 'spec', notes, NOT_IN_CLUSTER);
  if (tkc.status !== undefined) notes.push('status is the controller\'s and is not carried over.');
  const value: Obj = {
    apiVersion: CLUSTER_API_VERSION,
    kind: 'Cluster',
    metadata,
    spec: {
      ...(Object.keys(clusterNetwork).length > 0 ? { clusterNetwork } : {}),
      topology: {
        class: TKC_CLASS,
        version,
        controlPlane,
        workers: { machineDeployments: workers },
        variables: vars.list,
      },
    },
  };
  return { value, notes };
}

export const CONVERT_TO_CLUSTER_TITLE = 'Convert to Cluster (class tanzukubernetescluster)';

/**
 * The quick fix that replaces a TanzuKubernetesCluster document with its Cluster. What did not map
 * is written as comments above the Cluster, so the user sees it where the change is.
 */
export function convertToClusterFix(doc: ManifestDocument): Fix {
  const source = doc.info.flavor === 'tkc-v1alpha1' ? tkcV1alpha1ToV1alpha3(rec(doc.value)) : rec(doc.value);
  const { value, notes } = tkcToCluster(source);
  const lead = notes.length > 0
    ? [`Converted from TanzuKubernetesCluster ${doc.info.group}/${doc.info.version}. Not converted as it was:`, ...notes.map((n) => `- ${n}`)]
    : [];
  const title = notes.length > 0 ? `${CONVERT_TO_CLUSTER_TITLE}: ${notes.length} note${notes.length === 1 ? '' : 's'} in comments` : CONVERT_TO_CLUSTER_TITLE;
  return convertDocumentFix(doc, value, title, lead);
}
