/**
 * TanzuKubernetesCluster to Cluster of class tanzukubernetescluster: each field lands where the
 * TKG Service documents it, what has no place in a Cluster is named in a note, and the quick fix's
 * result validates clean.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { validateText } from '../../src/core/engine';
import { CONVERT_TO_CLUSTER_TITLE, RESOLVE_OS_IMAGE, tkcToCluster } from '../../src/core/rules/tkc-to-cluster';
import { merge, tkcV1alpha1, tkcV1alpha2, tkcV1alpha3, yaml } from './builders';
import { applyEdits, one } from './more-builders';

type Obj = Record<string, unknown>;
const at = (v: unknown, ...path: (string | number)[]): unknown => path.reduce<unknown>((c, k) => (c as Record<string | number, unknown> | undefined)?.[k], v);
const variable = (c: Obj, name: string): unknown => (at(c, 'spec', 'topology', 'variables') as Obj[]).find((v) => v.name === name)?.value;
const overrides = (c: Obj, i: number): Record<string, unknown> =>
  Object.fromEntries(((at(c, 'spec', 'topology', 'workers', 'machineDeployments', i, 'variables', 'overrides') ?? []) as Obj[]).map((o) => [o.name as string, o.value]));

const VOLUME = { name: 'containerd', mountPath: '/var/lib/containerd', capacity: { storage: '50Gi' } };
const ETCD = { name: 'etcd', mountPath: '/var/lib/etcd', capacity: { storage: '4Gi' } };

/** A v1alpha3 cluster with every field the conversion maps. */
function fullTkc(): Obj {
  return merge(tkcV1alpha3({
    topology: {
      controlPlane: { replicas: 3, vmClass: 'best-effort-small', storageClass: 'vsan-default', volumes: [ETCD], nodeDrainTimeout: '5m' },
      nodePools: [
        { name: 'workers', replicas: 2, vmClass: 'best-effort-medium', storageClass: 'vsan-default', failureDomain: 'zone-a', volumes: [VOLUME], labels: { tier: 'web' }, taints: [{ key: 'gpu', effect: 'NoSchedule' }], nodeDrainTimeout: '10m' },
        { name: 'batch', vmClass: 'best-effort-small', storageClass: 'vsan-fast', volumes: [VOLUME] },
      ],
    },
    settings: {
      network: {
        cni: { name: 'antrea' },
        pods: { cidrBlocks: ['192.168.0.0/16'] },
        services: { cidrBlocks: ['10.96.0.0/12'] },
        serviceDomain: 'corp.local',
        proxy: { httpProxy: 'http://proxy:3128', httpsProxy: 'http://proxy:3128', noProxy: ['10.0.0.0/8', '.svc'] },
      },
      storage: { classes: ['vsan-default', 'vsan-fast'], defaultClass: 'vsan-default' },
    },
  }, { labels: { team: 'a' }, annotations: { [RESOLVE_OS_IMAGE]: 'os-name=ubuntu', owner: 'platform' } }), {}) as Obj;
}

describe('tkcToCluster: the fields as the TKG Service maps them', () => {
  const { value: c, notes } = tkcToCluster(fullTkc());

  it('is a v1beta1 Cluster of class tanzukubernetescluster with the TKC\'s name, namespace and labels', () => {
    assert.equal(c.apiVersion, 'cluster.x-k8s.io/v1beta1');
    assert.equal(c.kind, 'Cluster');
    assert.equal(at(c, 'spec', 'topology', 'class'), 'tanzukubernetescluster');
    assert.deepEqual(at(c, 'metadata'), { name: 'tkc-1', namespace: 'ns-1', labels: { team: 'a' }, annotations: { owner: 'platform' } });
  });

  it('the release: tkr.reference.name becomes topology.version; the OS image annotation moves to the control plane and every pool', () => {
    assert.equal(at(c, 'spec', 'topology', 'version'), 'v1.21.6---vmware.1-tkg.1.b3d708a');
    assert.equal(at(c, 'spec', 'topology', 'controlPlane', 'metadata', 'annotations', RESOLVE_OS_IMAGE), 'os-name=ubuntu');
    for (const i of [0, 1]) assert.equal(at(c, 'spec', 'topology', 'workers', 'machineDeployments', i, 'metadata', 'annotations', RESOLVE_OS_IMAGE), 'os-name=ubuntu');
  });

  it('the control plane: replicas and nodeDrainTimeout stay; vmClass, storageClass and volumes become variables', () => {
    assert.equal(at(c, 'spec', 'topology', 'controlPlane', 'replicas'), 3);
    assert.equal(at(c, 'spec', 'topology', 'controlPlane', 'nodeDrainTimeout'), '5m');
    assert.equal(variable(c, 'vmClass'), 'best-effort-small');
    assert.equal(variable(c, 'storageClass'), 'vsan-default');
    assert.deepEqual(variable(c, 'controlPlaneVolumes'), [ETCD]);
  });

  it('node pools: machine deployments of class node-pool, overrides only where a pool differs', () => {
    const mds = at(c, 'spec', 'topology', 'workers', 'machineDeployments') as Obj[];
    assert.deepEqual(mds.map((m) => [m.class, m.name, m.replicas, m.failureDomain, m.nodeDrainTimeout]), [
      ['node-pool', 'workers', 2, 'zone-a', '10m'],
      ['node-pool', 'batch', undefined, undefined, undefined],
    ]);
    assert.deepEqual(overrides(c, 0), { vmClass: 'best-effort-medium', nodePoolLabels: [{ key: 'tier', value: 'web' }], nodePoolTaints: [{ key: 'gpu', effect: 'NoSchedule' }] });
    assert.deepEqual(overrides(c, 1), { storageClass: 'vsan-fast' });
    assert.deepEqual(variable(c, 'nodePoolVolumes'), [VOLUME], 'the same volumes in every pool: one class variable');
  });

  it('pools with different volumes each get a nodePoolVolumes override', () => {
    const tkc = tkcV1alpha3({ topology: { nodePools: [{ name: 'a', vmClass: 'x', storageClass: 'y', volumes: [VOLUME] }, { name: 'b', vmClass: 'x', storageClass: 'y' }] } });
    const out = tkcToCluster(tkc).value;
    assert.equal(variable(out, 'nodePoolVolumes'), undefined);
    assert.deepEqual(overrides(out, 0).nodePoolVolumes, [VOLUME]);
    assert.equal(overrides(out, 1).nodePoolVolumes, undefined);
  });

  it('the network: pods, services and serviceDomain in clusterNetwork; proxy a variable', () => {
    assert.deepEqual(at(c, 'spec', 'clusterNetwork'), { services: { cidrBlocks: ['10.96.0.0/12'] }, pods: { cidrBlocks: ['192.168.0.0/16'] }, serviceDomain: 'corp.local' });
    assert.deepEqual(variable(c, 'proxy'), { httpProxy: 'http://proxy:3128', httpsProxy: 'http://proxy:3128', noProxy: ['10.0.0.0/8', '.svc'] });
  });

  it('storage: classes and defaultClass become storageClasses and defaultStorageClass', () => {
    assert.deepEqual(variable(c, 'storageClasses'), ['vsan-default', 'vsan-fast']);
    assert.equal(variable(c, 'defaultStorageClass'), 'vsan-default');
  });

  it('the CNI has no Cluster field: a note says so', () => {
    assert.equal(notes.length, 1, notes.join('\n'));
    assert.match(notes[0], /^spec\.settings\.network\.cni\.name antrea is not a field of a Cluster/);
  });
});

describe('tkcToCluster: what cannot be mapped is a note, never dropped silently', () => {
  it('unknown fields, a pool on another release, trust\'s certificates and status are each named', () => {
    const tkc = merge(tkcV1alpha2({
      topology: {
        controlPlane: { extra: 1 },
        nodePools: [{ name: 'workers', replicas: 1, vmClass: 'best-effort-small', storageClass: 'vsan-default', tkr: { reference: { name: 'v1.20.0---vmware.1-tkg.1' } }, oddField: true }],
      },
      settings: { network: { cni: undefined, trust: { additionalTrustedCAs: [{ name: 'corp-ca', data: 'TFMwdExTMUNSVWRKVGc9PQ==' }] } }, storage: { weird: 'x' } },
      futureSpec: {},
    }), { status: { phase: 'running' } }) as Obj;
    const { value, notes } = tkcToCluster(tkc);
    const text = notes.join('\n');
    assert.match(text, /spec\.topology\.controlPlane\.extra has no place/);
    assert.match(text, /spec\.topology\.nodePools\[0\]\.oddField has no place/);
    assert.match(text, /nodePools\[0\]\.tkr\.reference\.name v1\.20\.0---vmware\.1-tkg\.1 differs from the cluster's release/);
    assert.match(text, /corp-ca.*tkc-1-user-trusted-ca-secret/);
    assert.match(text, /spec\.settings\.storage\.weird has no place/);
    assert.match(text, /spec\.futureSpec has no place/);
    assert.match(text, /status is the controller's/);
    assert.equal(notes.length, 7, text);
    assert.deepEqual(variable(value, 'trust'), { additionalTrustedCAs: [{ name: 'corp-ca' }] }, 'the CA names, never their data');
    assert.doesNotMatch(JSON.stringify(value), /TFMwdExTMUNSVWRKVGc9PQ/);
    assert.equal(value.status, undefined);
  });

  it('the release from spec.distribution\'s full version; a bare hint is a note and an empty version', () => {
    const full = tkcV1alpha2({ topology: { controlPlane: { tkr: undefined } }, distribution: { fullVersion: 'v1.23.8+vmware.2-tkg.2-zshippable' } });
    delete ((full.spec as Obj).topology as { controlPlane: Obj }).controlPlane.tkr;
    assert.equal(at(tkcToCluster(full).value, 'spec', 'topology', 'version'), 'v1.23.8---vmware.2-tkg.2-zshippable');
    assert.deepEqual(tkcToCluster(full).notes.filter((n) => /release|distribution/.test(n)), []);
    const hint = structuredClone(full);
    (hint.spec as Obj).distribution = { version: 'v1.23' };
    const converted = tkcToCluster(hint);
    assert.equal(at(converted.value, 'spec', 'topology', 'version'), '');
    assert.ok(converted.notes.some((n) => /spec\.distribution names no TanzuKubernetesRelease/.test(n)), converted.notes.join('\n'));
  });
});

describe('quick fix: deprecated-api converts a TKC to a Cluster', () => {
  it('v1alpha3: the result validates with no finding at all; the CNI note is a comment above it', () => {
    const tkc = fullTkc();
    const text = yaml(tkc);
    const f = one(text, 'deprecated-api');
    const fix = f.fixes?.find((x) => x.title.startsWith(CONVERT_TO_CLUSTER_TITLE));
    assert.ok(fix, f.fixes?.map((x) => x.title).join(' | '));
    assert.equal(fix.title, `${CONVERT_TO_CLUSTER_TITLE}: 1 note in comments`);
    const out = applyEdits(text, fix.edits);
    assert.match(out, /^# Converted from TanzuKubernetesCluster run\.tanzu\.vmware\.com\/v1alpha3\. Not converted as it was:\n# - spec\.settings\.network\.cni\.name antrea/);
    assert.deepEqual(validateText(out).map((x) => `${x.code}: ${x.message}`), []);
    assert.deepEqual(parse(out), tkcToCluster(tkc).value);
  });

  it('v1alpha1: converted to v1alpha3 (preferred) or to a Cluster, which validates with no error', () => {
    const text = yaml(tkcV1alpha1({ distribution: { version: undefined, fullVersion: 'v1.21.6+vmware.1-tkg.1.b3d708a' } }));
    const f = one(text, 'deprecated-api');
    assert.deepEqual(f.fixes?.map((x) => x.title), ['Convert to run.tanzu.vmware.com/v1alpha3', `${CONVERT_TO_CLUSTER_TITLE}: 1 note in comments`]);
    const out = applyEdits(text, f.fixes![1].edits);
    const c = parse(out) as Obj;
    assert.equal(at(c, 'spec', 'topology', 'version'), 'v1.21.6---vmware.1-tkg.1.b3d708a');
    assert.equal(at(c, 'spec', 'topology', 'controlPlane', 'replicas'), 1);
    assert.deepEqual(at(c, 'spec', 'topology', 'workers', 'machineDeployments'), [{ class: 'node-pool', name: 'workers', replicas: 3 }]);
    assert.match(out, /cni\.name calico is not a field of a Cluster/);
    assert.deepEqual(validateText(out).map((x) => x.code), []);
  });

  it('the other documents of the file stay as they were', () => {
    const other = yaml(tkcV1alpha2());
    const text = `${other}---\n${yaml(tkcV1alpha3({}, { name: 'second' }))}`;
    const f = one(text, 'deprecated-api');
    const out = applyEdits(text, f.fixes![0].edits);
    assert.ok(out.startsWith(`${other}---\n`));
    assert.equal(at(parse(out.slice(other.length + 4)), 'metadata', 'name'), 'second');
  });
});
