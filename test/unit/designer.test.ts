/**
 * The cluster designer's YAML conversions: reading a design from a manifest, writing one (fresh
 * or as minimal edits that keep everything else byte for byte), and mapping offsets to fields.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  changeForm,
  defaultDesign,
  designFromText,
  designToText,
  fieldAt,
  fixesAt,
  offsetOf,
  type ApiForm,
  type ClusterDesign,
  type NodePoolDesign,
} from '../../src/core/designer';
import { validateText } from '../../src/core/engine';
import { EXAMPLES as EXAMPLE_DIR, ROOT, yamlFilesIn } from './fixtures';

const FORMS: ApiForm[] = ['tkc-v1alpha3', 'tkc-v1alpha2', 'cluster-v1beta1'];

const SAMPLES = yamlFilesIn(join(ROOT, 'samples/gitops-repo/clusters'));
const EXAMPLES = yamlFilesIn(EXAMPLE_DIR).filter((p) => /[/\\]0[78]-[^/\\]*$/.test(p));

function read(text: string): ClusterDesign {
  const r = designFromText(text);
  if ('error' in r) assert.fail(`expected a design, got: ${r.error}`);
  return r.design;
}

function readFull(text: string) {
  const r = designFromText(text);
  if ('error' in r) assert.fail(`expected a design, got: ${r.error}`);
  return r;
}

/** Every note of a read, at a field or not. */
function allNotes(r: ReturnType<typeof readFull>): string[] {
  return [...r.notes, ...r.fieldNotes.map((n) => `${n.field}: ${n.message}`)];
}

function errorOf(text: string): string {
  const r = designFromText(text);
  if (!('error' in r)) assert.fail('expected an error');
  return r.error;
}

function edit(d: ClusterDesign, change: (d: ClusterDesign) => void): ClusterDesign {
  const copy = structuredClone(d);
  change(copy);
  return copy;
}

/** What the form writes: v1alpha2 has no failureDomain, a Cluster no CNI. */
function written(d: ClusterDesign): ClusterDesign {
  const out = structuredClone(d);
  if (out.form === 'tkc-v1alpha2') for (const p of out.nodePools) p.failureDomain = '';
  if (out.form === 'cluster-v1beta1') out.cni = '';
  return out;
}

/** The lines that differ between two texts, as [removed, added] after trimming the common head and tail. */
function changedLines(a: string, b: string): [string[], string[]] {
  const x = a.split('\n');
  const y = b.split('\n');
  let head = 0;
  while (head < x.length && head < y.length && x[head] === y[head]) head++;
  let tail = 0;
  while (tail < x.length - head && tail < y.length - head && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++;
  return [x.slice(head, x.length - tail), y.slice(head, y.length - tail)];
}

function commentLines(text: string): string[] {
  return text.split('\n').filter((l) => l.includes('#')).map((l) => l.slice(l.indexOf('#')));
}

/**
 * Each comment with the line it annotates: its own line's content, or the next content line.
 * A comment must survive whenever that line survives (a removed field may take its comments).
 */
function commentAnchors(text: string): [string, string][] {
  const lines = text.split(/\r?\n/);
  const out: [string, string][] = [];
  lines.forEach((line, i) => {
    const hash = line.indexOf(' #') >= 0 ? line.indexOf(' #') + 1 : line.trimStart().startsWith('#') ? line.indexOf('#') : -1;
    if (hash < 0) return;
    const own = line.slice(0, hash).trimEnd();
    const anchor = own.trim() !== '' ? line : lines.slice(i + 1).find((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
    if (anchor !== undefined) out.push([line.slice(hash), anchor]);
  });
  return out;
}

function pool(name: string, over: Partial<NodePoolDesign> = {}): NodePoolDesign {
  return { name, replicas: 2, vmClass: 'best-effort-medium', storageClass: 'vsan-default', failureDomain: '', volumes: [], ...over };
}

const CHOICES = {
  namespaces: ['team-a', 'team-b'],
  vmClasses: ['best-effort-large', 'best-effort-medium', 'best-effort-small'],
  storageClasses: ['vsan-default', 'vsan-gold'],
  tkrs: ['v1.26.5---vmware.2-fips.1-tkg.1'],
  zones: ['zone-a'],
};

/** A new design with what the user picks: a name, the VM and storage classes and a release. */
function complete(form: ApiForm): ClusterDesign {
  const d = changeForm(defaultDesign({ namespace: CHOICES.namespaces[0] }), form);
  d.controlPlane = { ...d.controlPlane, vmClass: 'best-effort-small', storageClass: 'vsan-default' };
  d.nodePools = d.nodePools.map((p) => ({ ...p, vmClass: 'best-effort-medium', storageClass: 'vsan-default' }));
  return { ...d, name: 'new-cluster', tkr: CHOICES.tkrs[0] };
}

const TKC = `# The web cluster of team A.
apiVersion: run.tanzu.vmware.com/v1alpha3
kind: TanzuKubernetesCluster
metadata:
  name: web # DNS-1123
  namespace: team-a
  labels:
    team: a
  annotations:
    run.tanzu.vmware.com/resolve-os-image: os-name=ubuntu
spec:
  topology:
    controlPlane:
      replicas: 3
      vmClass: best-effort-small
      storageClass: vsan-default
      tkr:
        reference:
          name: v1.26.5---vmware.2-fips.1-tkg.1
    nodePools:
      # The front end.
      - name: web
        replicas: 3
        vmClass: best-effort-medium
        storageClass: vsan-default
        failureDomain: zone-a
        labels:
          tier: web
        taints:
          - key: dedicated
            effect: NoSchedule
        volumes:
          - name: containerd
            mountPath: /var/lib/containerd
            capacity:
              storage: 50Gi
      - name: batch
        replicas: 1
        vmClass: best-effort-large
        storageClass: vsan-default
  settings:
    network:
      cni:
        name: antrea
      services:
        cidrBlocks: ["10.96.0.0/12"]
      pods:
        cidrBlocks: ["192.168.0.0/16"] # immutable
      serviceDomain: cluster.local
      trust:
        additionalTrustedCAs:
          - name: corp-ca
            data: LS0tLS1CRUdJTg==
`;

const CLUSTER = `apiVersion: cluster.x-k8s.io/v1beta1
kind: Cluster
metadata:
  name: ci
  namespace: team-b
spec:
  clusterNetwork:
    services:
      cidrBlocks: ["10.96.0.0/12"]
    pods:
      cidrBlocks: ["192.168.144.0/20"]
    serviceDomain: cluster.local
  topology:
    class: tanzukubernetescluster
    version: v1.26.5---vmware.2-fips.1-tkg.1
    controlPlane:
      replicas: 1
    workers:
      machineDeployments:
        - class: node-pool
          name: runners
          replicas: 4
          failureDomain: zone-b
          metadata:
            labels:
              role: runner
        - class: node-pool
          name: big
          replicas: 1
          variables:
            overrides:
              - name: vmClass
                value: guaranteed-xlarge
    variables:
      - name: vmClass
        value: guaranteed-large
      - name: storageClass
        value: vsan-default
      - name: defaultStorageClass
        value: vsan-default
      # Both pools get a containerd volume.
      - name: nodePoolVolumes
        value:
          - name: containerd
            mountPath: /var/lib/containerd
            capacity:
              storage: 100Gi
      - name: ntp
        value: ntp.corp.example
`;

describe('designer: round trip', () => {
  it('finds the sample manifests', () => {
    assert.ok(SAMPLES.length >= 4, `samples found: ${SAMPLES.join(', ')}`);
  });

  for (const file of [...SAMPLES, ...EXAMPLES]) {
    it(`writes ${file.slice(file.lastIndexOf('clusters') >= 0 ? file.lastIndexOf('clusters') : file.lastIndexOf('examples'))} back byte for byte`, () => {
      const text = readFileSync(file, 'utf8');
      const r = designFromText(text);
      if ('error' in r) assert.fail(r.error);
      assert.equal(designToText(r.design, text), text);
    });
  }

  it('writes the test manifests back byte for byte, also with CRLF line ends and no final newline', () => {
    for (const text of [TKC, CLUSTER, TKC.replace(/\n/g, '\r\n'), CLUSTER.trimEnd()]) {
      assert.equal(designToText(read(text), text), text);
    }
  });

  it('edits the designed document of a multi-document file and leaves the others alone', () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: web-user-trusted-ca-secret # keep\ndata: {corp-ca: TFMwdA==}\n';
    const text = `${secret}---\n${TKC}---\n${CLUSTER}`;
    const r = readFull(text);
    assert.equal(r.documentIndex, 1);
    assert.equal(r.design.name, 'web');
    assert.equal(designToText(r.design, text), text);
    const out = designToText(edit(r.design, (d) => { d.name = 'web2'; }), text);
    assert.equal(out, text.replace('name: web # DNS-1123', 'name: web2 # DNS-1123'));
  });
});

describe('designer: minimal edits', () => {
  it('changes one field and nothing else: comments, labels, taints, trust, order stay', () => {
    const d = read(TKC);
    const out = designToText(edit(d, (x) => { x.nodePools[1].vmClass = 'guaranteed-large'; }), TKC);
    assert.deepEqual(changedLines(TKC, out), [['        vmClass: best-effort-large'], ['        vmClass: guaranteed-large']]);
    assert.deepEqual(commentLines(out), commentLines(TKC));
  });

  it('keeps a trailing comment and the quoting of a value it changes', () => {
    const text = TKC.replace('cidrBlocks: ["192.168.0.0/16"] # immutable', 'cidrBlocks: ["192.168.0.0/16"] # immutable')
      .replace('serviceDomain: cluster.local', 'serviceDomain: "cluster.local" # the default');
    const out = designToText(edit(read(text), (x) => { x.podCidrs = ['10.244.0.0/16']; x.serviceDomain = 'corp.local'; }), text);
    assert.ok(out.includes('cidrBlocks: ["10.244.0.0/16"] # immutable'), out);
    assert.ok(out.includes('serviceDomain: "corp.local" # the default'), out);
    assert.equal(changedLines(text, out)[1].length, 2);
  });

  it('edits a block list of CIDRs item by item, keeping each item comment', () => {
    const text = readFileSync(EXAMPLES.find((p) => p.includes('07-')) ?? assert.fail('07 example missing'), 'utf8');
    const out = designToText(edit(read(text), (x) => { x.podCidrs = ['10.0.0.0/16']; }), text);
    assert.deepEqual(changedLines(text, out), [['        - ${CLUSTER_CIDR} #! CIDR block used by Calico'], ['        - 10.0.0.0/16 #! CIDR block used by Calico']]);
  });

  it('adds a missing field in the document\'s own indentation and sequence style', () => {
    const text = readFileSync(EXAMPLES.find((p) => p.includes('07-')) ?? assert.fail('07 example missing'), 'utf8');
    const d = read(text);
    const out = designToText(edit(d, (x) => {
      x.nodePools.push(pool('extra', { volumes: [{ name: 'data', mountPath: '/data', capacity: '20Gi', storageClass: '' }] }));
    }), text);
    assert.ok(out.endsWith(`          name: \${KUBERNETES_RELEASE}
    - name: extra
      replicas: 2
      vmClass: best-effort-medium
      storageClass: vsan-default
      volumes:
      - name: data
        mountPath: /data
        capacity:
          storage: 20Gi
`), out);
    assert.equal(out.slice(0, text.length), text);
  });

  it('changes a Cluster variable in place, keeping defaultStorageClass, ntp and the comments', () => {
    const out = designToText(edit(read(CLUSTER), (x) => { x.controlPlane.storageClass = 'vsan-gold'; x.nodePools.forEach((p) => { p.storageClass = 'vsan-gold'; }); }), CLUSTER);
    assert.deepEqual(changedLines(CLUSTER, out), [['        value: vsan-default'], ['        value: vsan-gold']]);
    assert.ok(out.includes('- name: defaultStorageClass\n        value: vsan-default'));
    assert.ok(out.includes('# Both pools get a containerd volume.'));
  });

  it('reads back what it writes for every single-field change of every sample', () => {
    const changes: Record<string, (d: ClusterDesign) => void> = {
      name: (d) => { d.name = 'renamed'; },
      namespace: (d) => { d.namespace = 'other-ns'; },
      'namespace cleared': (d) => { d.namespace = ''; },
      replicas: (d) => { d.controlPlane.replicas = d.controlPlane.replicas === 1 ? 3 : 1; },
      'cp vmClass': (d) => { d.controlPlane.vmClass = 'guaranteed-medium'; },
      'cp storageClass': (d) => { d.controlPlane.storageClass = 'vsan-gold'; },
      tkr: (d) => { d.tkr = 'v1.27.5---vmware.1-fips.1-tkg.1'; },
      'tkr cleared': (d) => { d.tkr = ''; },
      cni: (d) => { d.cni = 'calico'; },
      'cni cleared': (d) => { d.cni = ''; },
      pods: (d) => { d.podCidrs = ['10.244.0.0/16', '10.245.0.0/16']; },
      'pods cleared': (d) => { d.podCidrs = []; },
      services: (d) => { d.serviceCidrs = ['10.100.0.0/16']; },
      serviceDomain: (d) => { d.serviceDomain = 'corp.local'; },
      'serviceDomain cleared': (d) => { d.serviceDomain = ''; },
      'proxy on': (d) => { d.proxy = { httpProxy: 'http://proxy:3128', httpsProxy: 'http://proxy:3128', noProxy: ['.corp', '10.0.0.0/8'] }; },
      'proxy off': (d) => { d.proxy = undefined; },
      'pool added': (d) => { d.nodePools.push(pool('added', { failureDomain: 'zone-c', volumes: [{ name: 'v', mountPath: '/v', capacity: '5Gi', storageClass: 'fast' }] })); },
      'first pool removed': (d) => { d.nodePools.shift(); },
      'pools reversed': (d) => { d.nodePools.reverse(); },
      'pool renamed': (d) => { if (d.nodePools[0]) d.nodePools[0].name = 'renamed-pool'; },
      'pool replicas': (d) => { if (d.nodePools[0]) d.nodePools[0].replicas = 7; },
      'pool autoscaled': (d) => { if (d.nodePools[0]) d.nodePools[0].replicas = undefined; },
      'pool vmClass': (d) => { if (d.nodePools[0]) d.nodePools[0].vmClass = 'guaranteed-2xlarge'; },
      'pool storageClass': (d) => { if (d.nodePools[0]) d.nodePools[0].storageClass = 'vsan-gold'; },
      'pool zone': (d) => { if (d.nodePools[0]) d.nodePools[0].failureDomain = 'zone-z'; },
      'pool volume added': (d) => { d.nodePools[0]?.volumes.push({ name: 'logs', mountPath: '/var/log', capacity: '10Gi', storageClass: '' }); },
      'pool volumes cleared': (d) => { if (d.nodePools[0]) d.nodePools[0].volumes = []; },
      'all volumes set': (d) => { d.nodePools.forEach((p) => { p.volumes = [{ name: 'containerd', mountPath: '/var/lib/containerd', capacity: '64Gi', storageClass: '' }]; }); },
      'volume capacity': (d) => { const v = d.nodePools.find((p) => p.volumes.length > 0)?.volumes[0]; if (v) v.capacity = '128Gi'; },
    };
    const texts = [...SAMPLES, ...EXAMPLES].map((f) => readFileSync(f, 'utf8'));
    texts.push(TKC, CLUSTER, TKC.replace(/\n/g, '\r\n'));
    for (const text of texts) {
      const d = read(text);
      for (const [label, change] of Object.entries(changes)) {
        const want = edit(d, change);
        const out = designToText(want, text);
        assert.deepEqual(read(out), written(want), `${label} in\n${text}\ngave\n${out}`);
        for (const [comment, anchor] of commentAnchors(text)) {
          if (out.split(/\r?\n/).includes(anchor)) assert.ok(out.includes(comment), `${label}: comment ${comment} kept`);
        }
        if (text.includes('\r\n')) assert.ok(!/[^\r]\n/.test(out), `${label}: CRLF kept`);
      }
    }
  });

  it('falls back to the Document API for layouts the splicer does not handle, still reading back the design', () => {
    const json = JSON.stringify({
      apiVersion: 'run.tanzu.vmware.com/v1alpha3', kind: 'TanzuKubernetesCluster', metadata: { name: 'j', labels: { a: 'b' } },
      spec: { topology: { controlPlane: { replicas: 1, vmClass: 'small', storageClass: 'sc' }, nodePools: [{ name: 'w', replicas: 1, vmClass: 'm', storageClass: 'sc' }] } },
    });
    const want = edit(read(json), (d) => { d.cni = 'antrea'; d.nodePools.push(pool('second')); d.proxy = { httpProxy: 'h', httpsProxy: 'h', noProxy: [] }; });
    const out = designToText(want, json);
    assert.deepEqual(read(out), want);
    assert.ok(out.includes('labels'), 'unknown fields kept');
  });
});

describe('designer: node pools', () => {
  it('adds a pool at the end and removes one, keeping the other pool\'s labels and taints', () => {
    const d = read(TKC);
    const added = designToText(edit(d, (x) => { x.nodePools.push(pool('gpu', { vmClass: 'gpu-large', failureDomain: 'zone-b' })); }), TKC);
    assert.ok(added.startsWith(TKC.slice(0, TKC.indexOf('  settings:'))), 'everything before the new pool unchanged');
    assert.ok(added.includes('      - name: gpu\n        replicas: 2\n        vmClass: gpu-large\n        storageClass: vsan-default\n        failureDomain: zone-b\n  settings:'), added);
    const removed = designToText(edit(d, (x) => { x.nodePools.splice(0, 1); }), TKC);
    assert.ok(!removed.includes('name: web\n'));
    assert.ok(!removed.includes('# The front end.'), 'the removed pool\'s comment goes with it');
    assert.ok(removed.includes('      - name: batch\n        replicas: 1'), removed);
    assert.deepEqual(read(removed).nodePools.map((p) => p.name), ['batch']);
    const second = designToText(edit(d, (x) => { x.nodePools.splice(1, 1); }), TKC);
    assert.ok(second.includes('tier: web') && second.includes('key: dedicated'), 'the kept pool keeps labels and taints');
    assert.deepEqual(read(second).nodePools.map((p) => p.name), ['web']);
  });

  it('matches pools by name, so a pool removed before another does not pass its labels on', () => {
    const d = read(TKC);
    const out = designToText(edit(d, (x) => { x.nodePools = [x.nodePools[1], pool('new')]; }), TKC);
    assert.ok(!out.includes('tier: web'), out);
    assert.deepEqual(read(out).nodePools.map((p) => p.name), ['batch', 'new']);
  });

  it('writes an empty list when the last pool is removed, and a list again when one is added', () => {
    const none = designToText(edit(read(TKC), (x) => { x.nodePools = []; }), TKC);
    assert.ok(none.includes('    nodePools: []\n'), none);
    const again = designToText(edit(read(none), (x) => { x.nodePools = [pool('w')]; }), none);
    assert.ok(again.includes('    nodePools:\n      - name: w\n'), again);
  });

  it('Cluster: a new machineDeployment is class node-pool with overrides only where it differs', () => {
    const d = read(CLUSTER);
    const out = designToText(edit(d, (x) => {
      x.nodePools.push(pool('gpu', { vmClass: 'gpu-large', storageClass: 'vsan-default', replicas: undefined, volumes: x.nodePools[0].volumes }));
    }), CLUSTER);
    assert.ok(out.includes(`        - class: node-pool
          name: gpu
          variables:
            overrides:
              - name: vmClass
                value: gpu-large
    variables:`), out);
    assert.equal(read(out).nodePools[2].replicas, undefined);
  });

  it('Cluster: pools with different volumes get per-pool nodePoolVolumes overrides; equal ones share the variable', () => {
    const d = read(CLUSTER);
    const differ = designToText(edit(d, (x) => { x.nodePools[1].volumes = [{ name: 'data', mountPath: '/data', capacity: '1Ti', storageClass: 'vsan-gold' }]; }), CLUSTER);
    assert.ok(!/^ {6}- name: nodePoolVolumes/m.test(differ), 'no class variable left');
    const back = read(differ);
    assert.equal(back.nodePools[0].volumes[0].capacity, '100Gi');
    assert.deepEqual(back.nodePools[1].volumes, [{ name: 'data', mountPath: '/data', capacity: '1Ti', storageClass: 'vsan-gold' }]);
    assert.ok(differ.includes(`              - name: nodePoolVolumes
                value:
                  - name: data
                    mountPath: /data
                    capacity:
                      storage: 1Ti
                    storageClass: vsan-gold`), differ);
    const same = designToText(edit(back, (x) => { x.nodePools[1].volumes = structuredClone(x.nodePools[0].volumes); }), differ);
    assert.equal((same.match(/name: nodePoolVolumes/g) ?? []).length, 1, same);
    assert.ok(/^ {6}- name: nodePoolVolumes/m.test(same), same);
    assert.deepEqual(read(same), edit(back, (x) => { x.nodePools[1].volumes = structuredClone(x.nodePools[0].volumes); }));
  });

  it('Cluster: a pool back on the class VM class loses its override', () => {
    const out = designToText(edit(read(CLUSTER), (x) => { x.nodePools[1].vmClass = 'guaranteed-large'; }), CLUSTER);
    assert.ok(!out.includes('overrides'), out);
    assert.ok(!out.includes('guaranteed-xlarge'));
    assert.ok(out.includes('        - class: node-pool\n          name: big\n          replicas: 1\n    variables:'), out);
  });

  it('Cluster: overrides when the pools differ from the control plane, in a fresh document', () => {
    const d = edit(complete('cluster-v1beta1'), (x) => {
      x.nodePools = [
        pool('a', { vmClass: x.controlPlane.vmClass, storageClass: x.controlPlane.storageClass, volumes: [{ name: 'containerd', mountPath: '/var/lib/containerd', capacity: '50Gi', storageClass: '' }] }),
        pool('b', { vmClass: 'best-effort-large', storageClass: 'vsan-gold' }),
      ];
    });
    const text = designToText(d);
    assert.ok(text.includes(`        - class: node-pool
          name: b
          replicas: 2
          variables:
            overrides:
              - name: vmClass
                value: best-effort-large
              - name: storageClass
                value: vsan-gold
`), text);
    assert.ok(text.includes('              - name: nodePoolVolumes\n'), 'pool a has its own volumes');
    assert.deepEqual(read(text), written(d));
  });
});

describe('designer: proxy', () => {
  const proxy = { httpProxy: 'http://proxy.corp:3128', httpsProxy: 'http://proxy.corp:3128', noProxy: ['.corp', '10.0.0.0/8'] };

  it('TKC: turns the proxy on and off', () => {
    const on = designToText(edit(read(TKC), (x) => { x.proxy = proxy; }), TKC);
    assert.ok(on.includes(`      proxy:
        httpProxy: http://proxy.corp:3128
        httpsProxy: http://proxy.corp:3128
        noProxy: [".corp", "10.0.0.0/8"]
`), on);
    assert.deepEqual(read(on).proxy, proxy);
    const off = designToText(edit(read(on), (x) => { x.proxy = undefined; }), on);
    assert.equal(off, TKC);
  });

  it('Cluster: the proxy is a variable', () => {
    const on = designToText(edit(read(CLUSTER), (x) => { x.proxy = proxy; }), CLUSTER);
    assert.ok(on.includes('      - name: proxy\n        value:\n          httpProxy: http://proxy.corp:3128\n'), on);
    assert.deepEqual(read(on).proxy, proxy);
    const changed = designToText(edit(read(on), (x) => { x.proxy = { ...proxy, noProxy: ['.corp'] }; }), on);
    assert.deepEqual(changedLines(on, changed), [['          noProxy: [".corp", "10.0.0.0/8"]'], ['          noProxy: [".corp"]']]);
    assert.equal(designToText(edit(read(on), (x) => { x.proxy = undefined; }), on), CLUSTER);
  });
});

describe('designer: forms', () => {
  for (const form of FORMS) {
    it(`a fresh ${form} document reads back as its design`, () => {
      const d = edit(complete(form), (x) => {
        x.nodePools.push(pool('second', { replicas: undefined, failureDomain: 'zone-a', vmClass: 'best-effort-large' }));
        x.proxy = { httpProxy: 'http://p:1', httpsProxy: 'http://p:2', noProxy: ['.local'] };
      });
      const text = designToText(d);
      assert.deepEqual(read(text), written(d));
      assert.ok(text.startsWith('apiVersion: '), 'conventional key order');
      assert.ok(text.includes('cidrBlocks: ["192.168.0.0/16"]'), 'flow style CIDRs');
    });

    it(`a complete default ${form} design validates without errors`, () => {
      const text = designToText(complete(form));
      const errors = validateText(text).filter((f) => f.severity === 'error');
      assert.deepEqual(errors, [], text);
    });
  }

  it('writes the fresh v1alpha3 default in the conventional layout', () => {
    assert.equal(designToText(complete('tkc-v1alpha3')), `apiVersion: run.tanzu.vmware.com/v1alpha3
kind: TanzuKubernetesCluster
metadata:
  name: new-cluster
  namespace: team-a
spec:
  topology:
    controlPlane:
      replicas: 1
      vmClass: best-effort-small
      storageClass: vsan-default
      tkr:
        reference:
          name: v1.26.5---vmware.2-fips.1-tkg.1
    nodePools:
      - name: workers
        replicas: 2
        vmClass: best-effort-medium
        storageClass: vsan-default
        volumes:
          - name: containerd
            mountPath: /var/lib/containerd
            capacity:
              storage: 50Gi
  settings:
    network:
      cni:
        name: antrea
      services:
        cidrBlocks: ["10.96.0.0/12"]
      pods:
        cidrBlocks: ["192.168.0.0/16"]
      serviceDomain: cluster.local
`);
  });

  it('defaultDesign without choices, and with a namespace', () => {
    const d = defaultDesign();
    assert.equal(d.form, 'cluster-v1beta1', 'new clusters use the form that is not deprecated');
    assert.equal(d.name, '');
    assert.equal(d.namespace, '');
    assert.equal(d.controlPlane.replicas, 1);
    assert.deepEqual(d.nodePools, [{ name: 'workers', replicas: 2, vmClass: '', storageClass: '', failureDomain: '', volumes: [{ name: 'containerd', mountPath: '/var/lib/containerd', capacity: '50Gi', storageClass: '' }] }]);
    assert.deepEqual([d.cni, d.podCidrs, d.serviceCidrs, d.serviceDomain, d.proxy], ['antrea', ['192.168.0.0/16'], ['10.96.0.0/12'], 'cluster.local', undefined]);
    const c = defaultDesign({ namespace: 'team-b' });
    assert.equal(c.namespace, 'team-b');
    assert.deepEqual([c.controlPlane.vmClass, c.nodePools[0].vmClass, c.controlPlane.storageClass, c.nodePools[0].storageClass, c.tkr], ['', '', '', '', ''],
      'the VM and storage classes and the release are the user\'s to pick');
  });

  it('changeForm keeps what the new form cannot write, and only the write leaves it out', () => {
    const d = read(TKC);
    const v2 = changeForm(d, 'tkc-v1alpha2');
    assert.equal(v2.form, 'tkc-v1alpha2');
    assert.equal(v2.nodePools[0].failureDomain, 'zone-a');
    assert.notEqual(v2.nodePools, d.nodePools, 'a copy');
    const text = designToText(v2, TKC);
    assert.ok(text.includes('apiVersion: run.tanzu.vmware.com/v1alpha2'));
    assert.ok(!text.includes('failureDomain'), text);
    assert.ok(text.includes('tier: web') && text.includes('# The front end.'), 'v1alpha3 -> v1alpha2 is edited in place');
    assert.deepEqual(changeForm(changeForm(d, 'cluster-v1beta1'), 'tkc-v1alpha3'), d);
  });

  it('TKC -> Cluster replaces the document, keeping the others and the leading comment', () => {
    const text = `${TKC}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n`;
    const out = designToText(changeForm(read(text), 'cluster-v1beta1'), text);
    assert.ok(out.startsWith('# The web cluster of team A.\napiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\n'), out);
    assert.ok(out.endsWith('---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n'));
    const back = read(out);
    assert.equal(back.form, 'cluster-v1beta1');
    assert.equal(back.cni, '');
    assert.deepEqual(back.nodePools.map((p) => [p.name, p.vmClass, p.volumes.length]), [['web', 'best-effort-medium', 1], ['batch', 'best-effort-large', 0]]);
  });

  it('never overwrites a cluster document it cannot read: broken, v1alpha1, another class, v1beta2', () => {
    const d = complete('tkc-v1alpha3');
    const v1beta2 = readFileSync(join(EXAMPLE_DIR, '09-vks37-cluster-v1beta2-reference-profile-papivot.yaml'), 'utf8');
    for (const text of [
      TKC.replace('replicas: 3\n      vmClass', 'replicas: [3\n      vmClass'),
      'apiVersion: run.tanzu.vmware.com/v1alpha1\nkind: TanzuKubernetesCluster\nmetadata: {name: old} # keep\n',
      'apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nspec:\n  topology:\n    class: builtin-generic-v3.1.0\n',
      v1beta2,
    ]) {
      assert.ok('error' in designFromText(text));
      assert.equal(designToText(d, text), text);
    }
  });

  it('appends the design to a text without a cluster document, and writes it alone into an empty one', () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x';
    const d = complete('tkc-v1alpha2');
    assert.equal(designToText(d, cm), `${cm}\n---\n${designToText(d)}`);
    assert.equal(designToText(d, '# nothing yet\n'), designToText(d));
    assert.equal(designToText(d, ''), designToText(d));
  });
});

describe('designer: reading', () => {
  it('reads each form', () => {
    const t = read(TKC);
    assert.equal(t.form, 'tkc-v1alpha3');
    assert.deepEqual(t.nodePools[0], { name: 'web', replicas: 3, vmClass: 'best-effort-medium', storageClass: 'vsan-default', failureDomain: 'zone-a', volumes: [{ name: 'containerd', mountPath: '/var/lib/containerd', capacity: '50Gi', storageClass: '' }] });
    const c = read(CLUSTER);
    assert.equal(c.form, 'cluster-v1beta1');
    assert.deepEqual(c.controlPlane, { replicas: 1, vmClass: 'guaranteed-large', storageClass: 'vsan-default' });
    assert.deepEqual(c.nodePools.map((p) => [p.name, p.vmClass, p.failureDomain, p.volumes[0]?.capacity]), [['runners', 'guaranteed-large', 'zone-b', '100Gi'], ['big', 'guaranteed-xlarge', '', '100Gi']]);
    assert.equal(c.tkr, 'v1.26.5---vmware.2-fips.1-tkg.1');
  });

  it('takes the release from spec.distribution when there is no tkr reference, with a note', () => {
    const text = readFileSync(SAMPLES.find((p) => p.endsWith('tkc-legacy.yaml')) ?? assert.fail('tkc-legacy sample missing'), 'utf8');
    const r = readFull(text);
    assert.equal(r.design.tkr, 'v1.21');
    assert.ok(r.fieldNotes.some((n) => n.field === 'tkr' && n.message.includes('spec.distribution.version')), allNotes(r).join('\n'));
    const out = designToText(edit(r.design, (d) => { d.tkr = 'v1.21.6---vmware.1-tkg.1.b3d708a'; }), text);
    assert.ok(!out.includes('distribution'), out);
    assert.ok(out.includes('      tkr:\n        reference:\n          name: v1.21.6---vmware.1-tkg.1.b3d708a\n'), out);
  });

  it('gives specific errors for malformed YAML and documents it cannot design', () => {
    assert.match(errorOf('apiVersion: run.tanzu.vmware.com/v1alpha3\nkind: TanzuKubernetesCluster\nmetadata:\n  name: [x\n'), /^YAML does not parse: .+ at line \d+$/);
    assert.match(errorOf('apiVersion: v1\nkind: ConfigMap\n---\napiVersion: run.tanzu.vmware.com/v1alpha3\nkind: TanzuKubernetesCluster\nspec:\n  a: b\n   c: d\n'), /at line [5-9]/);
    assert.match(errorOf('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n'), /^no TanzuKubernetesCluster or Cluster document/);
    assert.match(errorOf(''), /^no TanzuKubernetesCluster or Cluster document/);
    assert.match(errorOf('apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: x}\nspec:\n  topology:\n    class: builtin-generic-v3.1.0\n'), /^Cluster of class builtin-generic-v3\.1\.0 is not the tanzukubernetescluster class/);
    assert.match(errorOf('apiVersion: run.tanzu.vmware.com/v1alpha1\nkind: TanzuKubernetesCluster\nmetadata: {name: x}\n'), /^run\.tanzu\.vmware\.com\/v1alpha1 is not supported by the designer; /);
    assert.match(errorOf('apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nspec:\n  topology:\n    classRef: {name: x}\n'), /v1beta2 Cluster is not supported/);
    assert.match(errorOf('apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nspec: {}\n'), /no spec\.topology\.class/);
    assert.match(errorOf('a: b\n  c: d\n'), /^YAML does not parse/);
  });

  it('skips documents it cannot design when a later one fits', () => {
    const old = 'apiVersion: run.tanzu.vmware.com/v1alpha1\nkind: TanzuKubernetesCluster\nmetadata: {name: old}\n';
    const r = readFull(`${old}---\n${CLUSTER}`);
    assert.equal(r.documentIndex, 1);
    assert.equal(r.design.name, 'ci');
  });

  it('reads wrong-typed and missing values without throwing, noting each', () => {
    const text = `apiVersion: run.tanzu.vmware.com/v1alpha3
kind: TanzuKubernetesCluster
metadata:
  name: 123
  namespace: [a]
spec:
  topology:
    controlPlane:
      replicas: five
      vmClass: {a: 1}
      tkr: x
    nodePools:
      - just-a-string
      - name: p
        replicas: -1
        volumes: notalist
      - name: q
        replicas: "2"
        volumes:
          - name: v
            capacity: 20Gi
  settings:
    network: 42
`;
    const r = readFull(text);
    const d = r.design;
    assert.equal(d.name, '123');
    assert.equal(d.namespace, '');
    assert.equal(d.controlPlane.replicas, 1);
    assert.equal(d.controlPlane.vmClass, '');
    assert.equal(d.tkr, '');
    assert.deepEqual(d.nodePools.map((p) => [p.name, p.replicas, p.volumes.length]), [['', undefined, 0], ['p', undefined, 0], ['q', 2, 1]]);
    assert.equal(d.nodePools[2].volumes[0].capacity, '20Gi');
    assert.deepEqual([d.cni, d.podCidrs, d.proxy], ['', [], undefined]);
    for (const word of ['metadata.name', 'metadata.namespace', 'controlPlane.replicas', 'controlPlane.vmClass', 'controlPlane.tkr', 'nodePools[0]', 'nodePools[1].replicas', 'nodePools[1].volumes', 'nodePools[2].replicas', 'capacity', 'spec.settings.network']) {
      assert.ok(allNotes(r).some((n) => n.includes(word)), `a note about ${word}:\n${allNotes(r).join('\n')}`);
    }
    assert.deepEqual(r.fieldNotes.filter((n) => /^(metadata\.name|spec\.topology\.nodePools\[1\]\.replicas) /.test(n.message)).map((n) => n.field), ['name', 'nodePools.1.replicas'],
      'a note about a field the form shows is said at that field');
    assert.equal(designToText(d, text), text, 'unchanged design, unchanged text');
    const fixed = designToText(edit(d, (x) => { x.controlPlane.replicas = 3; x.controlPlane.vmClass = 'small'; x.tkr = 'v1'; x.cni = 'antrea'; x.nodePools[1].replicas = 1; }), text);
    assert.deepEqual(read(fixed), edit(d, (x) => { x.controlPlane.replicas = 3; x.controlPlane.vmClass = 'small'; x.tkr = 'v1'; x.cni = 'antrea'; x.nodePools[1].replicas = 1; }));
  });

  it('reads a control plane of 2 as 2, as the text says, and leaves it alone unless changed', () => {
    const text = TKC.replace('replicas: 3\n      vmClass: best-effort-small', 'replicas: 2\n      vmClass: best-effort-small');
    const r = readFull(text);
    assert.equal(r.design.controlPlane.replicas, 2, 'the form shows what the YAML holds');
    assert.equal(designToText(r.design, text), text);
    assert.match(designToText({ ...r.design, controlPlane: { ...r.design.controlPlane, replicas: 3 } }, text), /^ {6}replicas: 3$/m);
  });

  it('a misspelt key is a note at the field it means; the form never writes the right key beside it', () => {
    const text = TKC.replace('      vmClass: best-effort-small\n      storageClass', '      vmclass: best-effort-small\n      storageClass');
    assert.notEqual(text, TKC);
    const r = readFull(text);
    assert.equal(r.design.controlPlane.vmClass, '');
    assert.deepEqual(r.fieldNotes.filter((n) => n.field === 'controlPlane.vmClass').map((n) => n.message),
      ['The manifest has "vmclass" where vmClass is meant: the form shows only vmClass (fix the key in the manifest).']);
    assert.equal(designToText(r.design, text), text, 'reading and writing back adds nothing');
    const line = text.split('\n').findIndex((l) => l.includes('vmclass'));
    assert.equal(fieldAt(text, offsetOf(text, line, 8)), 'controlPlane.vmClass', 'a finding on the misspelt key shows at the VM class field');
  });

  it('a Cluster variable spelt otherwise, and a pool override of the wrong type, are notes at their fields', () => {
    const base = designToText(complete('cluster-v1beta1'));
    const text = base.replace('- name: storageClass', '- name: storage_class');
    assert.notEqual(text, base);
    const r = readFull(text);
    assert.ok(r.fieldNotes.some((n) => n.field === 'controlPlane.storageClass' && n.message.includes('"storage_class"')), JSON.stringify(r.fieldNotes));
  });

  it('never throws on hostile or odd input', () => {
    const inputs = [
      '\u0000\u0001', '---\n---\n', '[1, 2]', 'apiVersion: run.tanzu.vmware.com/v1alpha3\nkind: TanzuKubernetesCluster\n',
      'apiVersion: run.tanzu.vmware.com/v1alpha3\nkind: TanzuKubernetesCluster\nspec: [1]\n',
      'a: &a [*a]\napiVersion: run.tanzu.vmware.com/v1alpha3\nkind: TanzuKubernetesCluster\n',
      'apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nspec:\n  topology:\n    class: tanzukubernetescluster\n    variables: {vmClass: x}\n    workers: {machineDeployments: [1, {variables: {overrides: 7}}]}\n',
    ];
    for (const text of inputs) {
      const r = designFromText(text);
      if (!('error' in r)) {
        const out = designToText(edit(r.design, (d) => { d.name = 'x'; d.nodePools.push(pool('p')); }), text);
        assert.equal(read(out).name, 'x');
      }
      for (let o = 0; o <= text.length; o++) fieldAt(text, o);
    }
  });
});

describe('designer: fieldAt and offsetOf', () => {
  /** The field at the start of the `n`th occurrence of `needle` (plus `delta`). */
  function at(text: string, needle: string, n = 0, delta = 0): string | undefined {
    let i = -1;
    for (let k = 0; k <= n; k++) {
      i = text.indexOf(needle, i + 1);
      assert.ok(i >= 0, `${needle} #${n} in text`);
    }
    return fieldAt(text, i + delta);
  }

  it('maps TKC fields', () => {
    assert.equal(at(TKC, 'web # DNS'), 'name');
    assert.equal(at(TKC, 'name: web'), 'name');
    assert.equal(at(TKC, 'team-a'), 'namespace');
    assert.equal(at(TKC, 'TanzuKubernetesCluster'), 'form');
    assert.equal(at(TKC, 'replicas: 3'), 'controlPlane.replicas');
    assert.equal(at(TKC, 'best-effort-small'), 'controlPlane.vmClass');
    assert.equal(at(TKC, 'vsan-default'), 'controlPlane.storageClass');
    assert.equal(at(TKC, 'v1.26.5'), 'tkr');
    assert.equal(at(TKC, 'reference:'), 'tkr');
    assert.equal(at(TKC, 'nodePools:'), 'nodePools');
    assert.equal(at(TKC, 'name: web', 1), 'nodePools.0.name');
    assert.equal(at(TKC, 'best-effort-medium'), 'nodePools.0.vmClass');
    assert.equal(at(TKC, 'zone-a'), 'nodePools.0.failureDomain');
    assert.equal(at(TKC, 'tier: web'), 'nodePools.0', 'a place in a pool the form has no field for: the pool');
    assert.equal(at(TKC, 'volumes:'), 'nodePools.0.volumes');
    assert.equal(at(TKC, '- name: batch', 0, 0), 'nodePools', 'the dash is the list\'s');
    assert.equal(at(TKC, '/var/lib/containerd'), 'nodePools.0.volumes.0.mountPath');
    assert.equal(at(TKC, '50Gi'), 'nodePools.0.volumes.0.capacity');
    assert.equal(at(TKC, 'vmClass: best-effort-large'), 'nodePools.1.vmClass');
    assert.equal(at(TKC, 'best-effort-large', 0, 5), 'nodePools.1.vmClass');
    assert.equal(at(TKC, 'replicas: 1'), 'nodePools.1.replicas');
    assert.equal(at(TKC, 'antrea'), 'cni');
    assert.equal(at(TKC, '10.96.0.0/12'), 'serviceCidrs');
    assert.equal(at(TKC, '192.168.0.0/16'), 'podCidrs');
    assert.equal(at(TKC, 'cluster.local'), 'serviceDomain');
    assert.equal(at(TKC, 'corp-ca'), undefined);
    assert.equal(at(TKC, '# The web'), undefined);
  });

  it('maps proxy fields', () => {
    const text = designToText(edit(read(TKC), (d) => { d.proxy = { httpProxy: 'http://h', httpsProxy: 'http://s', noProxy: ['.n'] }; }), TKC);
    assert.equal(at(text, 'proxy:'), 'proxy');
    assert.equal(at(text, 'http://h'), 'proxy.httpProxy');
    assert.equal(at(text, 'http://s'), 'proxy.httpsProxy');
    assert.equal(at(text, '".n"'), 'proxy.noProxy');
    const cluster = designToText(edit(read(CLUSTER), (d) => { d.proxy = { httpProxy: 'http://h', httpsProxy: 'http://s', noProxy: ['.n'] }; }), CLUSTER);
    assert.equal(at(cluster, 'name: proxy'), 'proxy');
    assert.equal(at(cluster, 'http://s'), 'proxy.httpsProxy');
  });

  it('maps Cluster fields, variables and overrides', () => {
    assert.equal(at(CLUSTER, 'name: ci'), 'name');
    assert.equal(at(CLUSTER, 'tanzukubernetescluster'), 'form');
    assert.equal(at(CLUSTER, 'v1.26.5'), 'tkr');
    assert.equal(at(CLUSTER, 'replicas: 1'), 'controlPlane.replicas');
    assert.equal(at(CLUSTER, '192.168.144.0/20'), 'podCidrs');
    assert.equal(at(CLUSTER, '10.96.0.0/12'), 'serviceCidrs');
    assert.equal(at(CLUSTER, 'serviceDomain'), 'serviceDomain');
    assert.equal(at(CLUSTER, 'machineDeployments'), 'nodePools');
    assert.equal(at(CLUSTER, 'runners'), 'nodePools.0.name');
    assert.equal(at(CLUSTER, 'replicas: 4'), 'nodePools.0.replicas');
    assert.equal(at(CLUSTER, 'zone-b'), 'nodePools.0.failureDomain');
    assert.equal(at(CLUSTER, 'role: runner'), 'nodePools.0');
    assert.equal(at(CLUSTER, 'class: node-pool', 1), 'nodePools.1');
    assert.equal(at(CLUSTER, 'name: nodePoolVolumes'), 'nodePools.0.volumes');
    assert.equal(at(CLUSTER, 'guaranteed-xlarge'), 'nodePools.1.vmClass');
    assert.equal(at(CLUSTER, 'name: vmClass', 0), 'nodePools.1.vmClass');
    assert.equal(at(CLUSTER, 'guaranteed-large'), 'controlPlane.vmClass');
    assert.equal(at(CLUSTER, 'name: vmClass', 1), 'controlPlane.vmClass');
    assert.equal(at(CLUSTER, 'value: vsan-default'), 'controlPlane.storageClass');
    assert.equal(at(CLUSTER, '100Gi'), 'nodePools.0.volumes.0.capacity');
    assert.equal(at(CLUSTER, 'defaultStorageClass'), undefined);
    assert.equal(at(CLUSTER, 'ntp.corp.example'), undefined);
  });

  it('maps a pool\'s own nodePoolVolumes override to that pool', () => {
    const text = designToText(edit(read(CLUSTER), (d) => { d.nodePools[1].volumes = [{ name: 'data', mountPath: '/data', capacity: '1Ti', storageClass: '' }]; }), CLUSTER);
    assert.equal(at(text, '1Ti'), 'nodePools.1.volumes.0.capacity');
    assert.equal(at(text, '/data'), 'nodePools.1.volumes.0.mountPath');
    assert.equal(at(text, '100Gi'), 'nodePools.0.volumes.0.capacity');
  });

  it('works on the designed document of a multi-document file, with offsets from LSP positions', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n---\n${CLUSTER}`;
    assert.equal(fieldAt(text, text.indexOf('name: cm')), undefined);
    const line = text.split('\n').findIndex((l) => l.includes('runners'));
    const character = text.split('\n')[line].indexOf('runners');
    assert.equal(fieldAt(text, offsetOf(text, line, character)), 'nodePools.0.name');
    const findings = validateText(text.replace('replicas: 1', 'replicas: 2'));
    const cp = findings.find((f) => f.code === 'control-plane-replicas') ?? assert.fail('control-plane-replicas finding');
    assert.equal(fieldAt(text, offsetOf(text, cp.range.start.line, cp.range.start.character)), 'controlPlane.replicas');
  });

  it('maps engine findings of a fresh document to their fields', () => {
    const d = edit(complete('tkc-v1alpha3'), (x) => { x.name = 'Bad_Name'; x.cni = 'flannel'; x.nodePools[0].volumes[0].mountPath = 'var/x'; });
    const text = designToText(d);
    const byCode = new Map(validateText(text).map((f) => [f.code, fieldAt(text, offsetOf(text, f.range.start.line, f.range.start.character))]));
    assert.equal(byCode.get('resource-name'), 'name');
    assert.equal(byCode.get('cni-name'), 'cni');
    assert.equal(byCode.get('volume'), 'nodePools.0.volumes.0.mountPath');
  });

  it('offsetOf counts UTF-16 code units, clamps past the line end and handles CRLF', () => {
    const text = 'a: "é😀"\r\nb: c\nlast';
    assert.equal(offsetOf(text, 0, 0), 0);
    assert.equal(offsetOf(text, 0, 6), 6);
    assert.equal(text.slice(offsetOf(text, 0, 5)), '😀"\r\nb: c\nlast');
    assert.equal(offsetOf(text, 0, 99), text.indexOf('\r'));
    assert.equal(offsetOf(text, 1, 3), text.indexOf('c'));
    assert.equal(offsetOf(text, 2, 99), text.length);
    assert.equal(offsetOf(text, 9, 0), text.length);
  });
});

describe('designer: the quick fixes its editor offers', () => {
  const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
  const fix = { title: 'Change to 200Gi', edits: [{ range: range(3, 10, 3, 15), newText: '200Gi' }] };
  const findings = [
    { code: 'volume', message: 'capacity 200GB', range: range(3, 10, 3, 15), fixes: [fix] },
    { code: 'resource-name', message: 'no fix', range: range(3, 0, 3, 20) },
    { code: 'cidr-overlap', message: 'elsewhere', range: range(8, 2, 8, 9), fixes: [fix] },
  ];

  it('the fixes of the findings met by the range (a cursor at an edge counts), for the text they were computed for only', () => {
    assert.deepEqual(fixesAt(findings, 'text', 'text', range(3, 12, 3, 12)).map((f) => f.code), ['volume']);
    assert.deepEqual(fixesAt(findings, 'text', 'text', range(3, 15, 3, 15)).map((f) => f.code), ['volume']);
    assert.deepEqual(fixesAt(findings, 'text', 'text', range(2, 0, 9, 0)).map((f) => f.code), ['volume', 'cidr-overlap']);
    assert.deepEqual(fixesAt(findings, 'text', 'text', range(5, 0, 5, 4)), []);
    assert.deepEqual(fixesAt(findings, 'text', 'text changed', range(3, 12, 3, 12)), [], 'edits of an older text are never offered');
  });
});
