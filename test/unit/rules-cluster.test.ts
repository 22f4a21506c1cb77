/**
 * Rules about the shape of a cluster: control plane size, node pools, names, Cluster variables,
 * volumes. Each rule fires on a small built case and stays quiet on its valid neighbour, in every
 * API form it applies to; ranges are checked to the character.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateText } from '../../src/core/engine';
import { clusterTkc, lineOf, merge, tkcV1alpha1, tkcV1alpha2, tkcV1alpha3, yaml } from './builders';
import { CLUSTER_PODS, findingsWith, one, span, validCluster, withVariables } from './more-builders';

describe('valid baselines', () => {
  it('each form of the builders is clean apart from the deprecation of its API version', () => {
    assert.deepEqual(validateText(yaml(tkcV1alpha1())).map((f) => f.code), ['deprecated-api']);
    assert.deepEqual(validateText(yaml(tkcV1alpha2())), []);
    assert.deepEqual(validateText(yaml(tkcV1alpha3())).map((f) => f.code), ['deprecated-api']);
    assert.deepEqual(validateText(yaml(validCluster())), []);
  });

  it('clusterTkc() as built is valid too', () => {
    assert.deepEqual(validateText(yaml(clusterTkc())), []);
    assert.ok(yaml(validCluster()).includes(CLUSTER_PODS));
  });
});

describe('control-plane-replicas', () => {
  const cases = [
    { form: 'TKC v1alpha1', text: yaml(tkcV1alpha1({ topology: { controlPlane: { count: 2 } } })), field: 'count', value: 2, token: 'count: 2', nearest: 3 },
    { form: 'TKC v1alpha2', text: yaml(tkcV1alpha2({ topology: { controlPlane: { replicas: 2 } } })), field: 'replicas', value: 2, token: 'replicas: 2', nearest: 3 },
    { form: 'TKC v1alpha3', text: yaml(tkcV1alpha3({ topology: { controlPlane: { replicas: 5 } } })), field: 'replicas', value: 5, token: 'replicas: 5', nearest: 3 },
    { form: 'Cluster', text: yaml(validCluster({ topology: { controlPlane: { replicas: 0 } } })), field: 'replicas', value: 0, token: 'replicas: 0', nearest: 1 },
  ];
  for (const c of cases) {
    it(`fires on ${c.field} ${c.value} in ${c.form}, at the value, with fixes to ${c.nearest} (preferred) and the other size`, () => {
      const f = one(c.text, 'control-plane-replicas');
      assert.equal(f.severity, 'error');
      assert.deepEqual(f.range, span(c.text, String(c.value), c.token));
      assert.equal(f.message, `spec.topology.controlPlane.${c.field} is ${c.value}: a control plane has either 1 or 3 nodes.`);
      const other = c.nearest === 3 ? 1 : 3;
      assert.deepEqual(f.fixes?.map((x) => [x.title, x.preferred, x.edits.map((e) => e.newText)]), [
        [`Set ${c.field} to ${c.nearest}`, true, [String(c.nearest)]],
        [`Set ${c.field} to ${other}`, false, [String(other)]],
      ]);
      for (const fix of f.fixes ?? []) assert.deepEqual(fix.edits[0].range, f.range);
    });
  }

  it('does not fire on 1 or 3 in any form', () => {
    for (const n of [1, 3]) {
      assert.deepEqual(findingsWith(yaml(tkcV1alpha1({ topology: { controlPlane: { count: n } } })), 'control-plane-replicas'), []);
      assert.deepEqual(findingsWith(yaml(tkcV1alpha2({ topology: { controlPlane: { replicas: n } } })), 'control-plane-replicas'), []);
      assert.deepEqual(findingsWith(yaml(tkcV1alpha3({ topology: { controlPlane: { replicas: n } } })), 'control-plane-replicas'), []);
      assert.deepEqual(findingsWith(yaml(validCluster({ topology: { controlPlane: { replicas: n } } })), 'control-plane-replicas'), []);
    }
  });

  it('does not fire when replicas is unset, a string (the schema reports the type) or a placeholder', () => {
    assert.deepEqual(findingsWith(yaml(tkcV1alpha2({ topology: { controlPlane: { replicas: undefined } } })), 'control-plane-replicas'), []);
    const text = yaml(tkcV1alpha2({ topology: { controlPlane: { replicas: 'two' } } }));
    assert.deepEqual(findingsWith(text, 'control-plane-replicas'), []);
    assert.equal(one(text, 'schema').message, 'spec.topology.controlPlane.replicas must be an integer, not a string ("two").');
    const tpl = yaml(tkcV1alpha2({ topology: { controlPlane: { replicas: '${CP_COUNT}' } } }));
    assert.deepEqual(validateText(tpl).map((f) => f.code), ['template-placeholder']);
  });

  it('ignores node pool replicas (2 workers are fine)', () => {
    const text = yaml(tkcV1alpha2({ topology: { nodePools: [{ name: 'workers', replicas: 2, vmClass: 'best-effort-small', storageClass: 'vsan-default' }] } }));
    assert.deepEqual(validateText(text), []);
  });

  it('also applies to a Cluster of a newer class (v1beta2, classRef)', () => {
    const doc = merge(validCluster({ topology: { class: undefined, classRef: { name: 'builtin-generic-v3.7.0' }, controlPlane: { replicas: 2 } } }), { apiVersion: 'cluster.x-k8s.io/v1beta2' });
    const text = yaml(doc);
    assert.deepEqual(validateText(text).map((f) => f.code), ['control-plane-replicas']);
    assert.deepEqual(one(text, 'control-plane-replicas').range, span(text, '2', 'replicas: 2'));
  });
});

describe('node-pool-name', () => {
  const pool = (name: string) => ({ name, replicas: 1, vmClass: 'best-effort-small', storageClass: 'vsan-default' });
  const md = (name: string) => ({ class: 'node-pool', name, replicas: 1 });

  it('fires on a name that is not a DNS-1123 label (TKC v1alpha2), at the name', () => {
    const text = yaml(tkcV1alpha2({ topology: { nodePools: [pool('Pool_1')] } }));
    const f = one(text, 'node-pool-name');
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.range, span(text, 'Pool_1'));
    assert.match(f.message, /^spec\.topology\.nodePools\[0\]\.name "Pool_1" is not a DNS-1123 label: lowercase letters, digits and '-'.*at most 63 characters\.$/);
  });

  it('fires on the second of two pools with the same name (TKC v1alpha3), naming the first', () => {
    const text = yaml(tkcV1alpha3({ topology: { nodePools: [pool('np'), pool('other'), pool('np')] } }));
    const f = one(text, 'node-pool-name');
    assert.deepEqual(f.range, span(text, 'np', 'name: np', lineOf(text, 'name: other')));
    assert.equal(f.message, 'spec.topology.nodePools[2].name: node pool name "np" is used twice (first at item 0): names must be unique.');
  });

  it('fires on machineDeployments names of a Cluster: a dot, and 64 characters', () => {
    const long = 'a'.repeat(64);
    const text = yaml(validCluster({ topology: { workers: { machineDeployments: [md('np.1'), md(long)] } } }));
    const found = findingsWith(text, 'node-pool-name');
    assert.deepEqual(found.map((f) => f.range), [span(text, 'np.1'), span(text, long)]);
    assert.match(found[1].message, new RegExp(`"${long}" is not a DNS-1123 label`));
  });

  it('does not fire on unique DNS-1123 labels, 63 characters, or placeholders; v1alpha1 workers have no name', () => {
    assert.deepEqual(findingsWith(yaml(tkcV1alpha2({ topology: { nodePools: [pool('workers'), pool('gpu-0'), pool('a'.repeat(63))] } })), 'node-pool-name'), []);
    assert.deepEqual(findingsWith(yaml(tkcV1alpha3({ topology: { nodePools: [pool('${POOL}'), pool('${POOL}')] } })), 'node-pool-name'), []);
    assert.deepEqual(findingsWith(yaml(validCluster({ topology: { workers: { machineDeployments: [md('np-1'), md('np-2')] } } })), 'node-pool-name'), []);
    assert.deepEqual(findingsWith(yaml(tkcV1alpha1()), 'node-pool-name'), []);
  });
});

describe('node-pools-empty', () => {
  it('fires on an empty nodePools list (TKC v1alpha2), at the key', () => {
    const text = yaml(tkcV1alpha2({ topology: { nodePools: [] } }));
    const f = one(text, 'node-pools-empty');
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.range, span(text, 'nodePools'));
    assert.equal(f.message, 'spec.topology.nodePools is empty: a cluster needs at least one node pool.');
  });

  it('leaves a missing nodePools (TKC v1alpha3) to the schema\'s required-field error, said once', () => {
    const text = yaml(tkcV1alpha3({ topology: { nodePools: undefined } }));
    assert.deepEqual(findingsWith(text, 'node-pools-empty'), []);
    const schema = one(text, 'schema');
    assert.equal(schema.message, 'spec.topology is missing the required field "nodePools".');
    assert.deepEqual(schema.range, span(text, 'topology'));
  });

  it('fires on empty machineDeployments of a Cluster, and on a Cluster without workers', () => {
    const empty = yaml(validCluster({ topology: { workers: { machineDeployments: [] } } }));
    const f = one(empty, 'node-pools-empty');
    assert.deepEqual(f.range, span(empty, 'machineDeployments'));
    assert.equal(f.message, 'spec.topology.workers.machineDeployments is empty: a cluster needs at least one node pool.');
    const none = yaml(validCluster({ topology: { workers: undefined } }));
    assert.deepEqual(one(none, 'node-pools-empty').range, span(none, 'topology'));
  });

  it('does not fire with one pool, on v1alpha1 (workers), nor when nodePools is not a list (a schema error)', () => {
    assert.deepEqual(findingsWith(yaml(tkcV1alpha2()), 'node-pools-empty'), []);
    assert.deepEqual(findingsWith(yaml(tkcV1alpha3()), 'node-pools-empty'), []);
    assert.deepEqual(findingsWith(yaml(validCluster()), 'node-pools-empty'), []);
    assert.deepEqual(findingsWith(yaml(tkcV1alpha1()), 'node-pools-empty'), []);
    const text = yaml(tkcV1alpha2({ topology: { nodePools: { name: 'workers' } } }));
    assert.deepEqual(findingsWith(text, 'node-pools-empty'), []);
    assert.equal(one(text, 'schema').message, 'spec.topology.nodePools must be a list, not an object.');
  });
});

describe('resource-name', () => {
  const cases = [
    { form: 'TKC v1alpha1', text: yaml(tkcV1alpha1({}, { name: 'tkc.old' })), name: 'tkc.old' },
    { form: 'TKC v1alpha2', text: yaml(tkcV1alpha2({}, { name: 'My_Cluster' })), name: 'My_Cluster' },
    { form: 'TKC v1alpha3', text: yaml(tkcV1alpha3({}, { name: '-tkc' })), name: '-tkc' },
    { form: 'Cluster', text: yaml(validCluster({}, { name: 'c'.repeat(64) })), name: 'c'.repeat(64) },
  ];
  for (const c of cases) {
    it(`fires on metadata.name ${JSON.stringify(c.name.length > 20 ? `${c.name.slice(0, 5)}…(${c.name.length})` : c.name)} of a ${c.form}: a cluster name is a DNS-1123 label`, () => {
      const f = one(c.text, 'resource-name');
      assert.equal(f.severity, 'error');
      assert.deepEqual(f.range, span(c.text, c.name, `name: ${c.name}`));
      assert.equal(f.message, `metadata.name "${c.name}" is not a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters.`);
    });
  }

  it('does not fire on DNS-1123 labels up to 63 characters, nor on placeholders', () => {
    assert.deepEqual(findingsWith(yaml(tkcV1alpha2({}, { name: 'tkc-01' })), 'resource-name'), []);
    assert.deepEqual(findingsWith(yaml(validCluster({}, { name: 'c'.repeat(63) })), 'resource-name'), []);
    assert.deepEqual(findingsWith(yaml(tkcV1alpha1({}, { name: '${CLUSTER_NAME}' })), 'resource-name'), []);
  });

  it('allows dots in other kinds (a DNS-1123 subdomain), and says so when the name is wrong', () => {
    const vmClass = (name: string) => ({ apiVersion: 'vmoperator.vmware.com/v1alpha2', kind: 'VirtualMachineClass', metadata: { name }, spec: { hardware: { cpus: 2, memory: '4Gi' } } });
    assert.deepEqual(validateText(yaml(vmClass('best-effort.small'))), []);
    const text = yaml(vmClass('Best_Effort'));
    const f = one(text, 'resource-name');
    assert.deepEqual(f.range, span(text, 'Best_Effort'));
    assert.equal(f.message, 'metadata.name "Best_Effort" is not a DNS-1123 subdomain: lowercase letters, digits, \'-\' and \'.\', at most 253 characters.');
  });
});

describe('cluster-variables', () => {
  it('fires when storageClass is missing, at the variables key', () => {
    const text = yaml(validCluster({ topology: { variables: [{ name: 'vmClass', value: 'best-effort-small' }] } }));
    const f = one(text, 'cluster-variables');
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.range, span(text, 'variables'));
    assert.equal(f.message, 'Class tanzukubernetescluster needs the variable storageClass in spec.topology.variables.');
  });

  it('fires when there are no variables at all, at spec.topology.class, naming both', () => {
    const text = yaml(validCluster({ topology: { variables: undefined } }));
    const f = one(text, 'cluster-variables');
    assert.deepEqual(f.range, span(text, 'class', 'class: tanzukubernetescluster'));
    assert.equal(f.message, 'Class tanzukubernetescluster needs the variables vmClass and storageClass in spec.topology.variables.');
  });

  it('warns on an unknown variable with a "did you mean", and counts the misspelt one as missing', () => {
    const text = yaml(validCluster({ topology: { variables: [{ name: 'vmclass', value: 'x' }, { name: 'storageClass', value: 'vsan-default' }] } }));
    const [missing, unknown] = findingsWith(text, 'cluster-variables');
    assert.equal(missing.message, 'Class tanzukubernetescluster needs the variable vmClass in spec.topology.variables.');
    assert.equal(unknown.severity, 'warning');
    assert.deepEqual(unknown.range, span(text, 'vmclass'));
    assert.equal(unknown.message, 'Variable "vmclass" is not one class tanzukubernetescluster declares: did you mean "vmClass"?');
  });

  it('fires on values of the wrong type, at the value (scalar) or the value key (collection)', () => {
    const text = yaml(validCluster(withVariables(
      { name: 'ntp', value: 5 },
      { name: 'controlPlaneCertificateRotation', value: { activate: true, daysBefore: 3 } },
      { name: 'podSecurityStandard', value: { enforce: 'strict' } },
      { name: 'storageClasses', value: ['vsan-default', 1] },
    )));
    const found = findingsWith(text, 'cluster-variables');
    assert.ok(found.every((f) => f.severity === 'error'));
    assert.deepEqual(found.map((f) => f.message), [
      'Variable "ntp" must be a string.',
      'Variable "controlPlaneCertificateRotation" must be an object whose daysBefore is an integer of at least 7.',
      'Variable "podSecurityStandard" must be an object whose enforce is one of "", privileged, baseline, restricted.',
      'Variable "storageClasses" must be a list of strings.',
    ]);
    assert.deepEqual(found[0].range, span(text, '5', 'value: 5'));
    const rotationLine = lineOf(text, 'name: controlPlaneCertificateRotation');
    assert.deepEqual(found[1].range, span(text, 'value', 'value:', rotationLine));
  });

  it('checks node pool overrides too', () => {
    const text = yaml(validCluster({ topology: { workers: { machineDeployments: [{ class: 'node-pool', name: 'np-1', variables: { overrides: [{ name: 'vmClass', value: { cpus: 4 } }] } }] } } }));
    const f = one(text, 'cluster-variables');
    assert.equal(f.message, 'Variable "vmClass" must be a string.');
    assert.deepEqual(f.range, span(text, 'value', 'value:', lineOf(text, 'overrides')));
  });

  it('does not fire on well-typed variables, placeholders, TKC documents or newer classes', () => {
    const ok = yaml(validCluster(withVariables(
      { name: 'ntp', value: 'ntp.example.com' },
      { name: 'controlPlaneCertificateRotation', value: { activate: true, daysBefore: 90 } },
      { name: 'podSecurityStandard', value: { enforce: 'baseline', audit: 'restricted', warn: '' } },
      { name: 'nodePoolLabels', value: [{ key: 'tier', value: 'web' }] },
      { name: 'proxy', value: { httpProxy: 'http://proxy:3128', httpsProxy: 'http://proxy:3128', noProxy: ['10.0.0.0/8'] } },
      { name: 'defaultStorageClass', value: '${SC}' },
    )));
    assert.deepEqual(findingsWith(ok, 'cluster-variables'), []);
    assert.deepEqual(findingsWith(yaml(tkcV1alpha2()), 'cluster-variables'), []);
    const generic = yaml(validCluster({ topology: { class: 'builtin-generic-v3.1.0', variables: [{ name: 'vmClass', value: 'x' }, { name: 'kubernetes', value: { certificateRotation: { enabled: true } } }] } }));
    assert.deepEqual(validateText(generic), [], 'a newer class: unknown variables are not errors');
  });
});

describe('volume', () => {
  it('fires on a capacity that is not a quantity (TKC v1alpha1 workers), at the value', () => {
    const text = yaml(tkcV1alpha1({ topology: { workers: { volumes: [{ name: 'containerd', mountPath: '/var/lib/containerd', capacity: { storage: 'lots' } }] } } }));
    const f = one(text, 'volume');
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.range, span(text, 'lots'));
    assert.equal(f.message, 'spec.topology.workers.volumes[0].capacity.storage "lots" is not a quantity (e.g. 20Gi, 512Mi, 1Ti).');
  });

  it('fires on a relative mountPath, a bad quantity and a duplicate name (TKC v1alpha2 control plane)', () => {
    const text = yaml(tkcV1alpha2({ topology: { controlPlane: { volumes: [
      { name: 'etcd', mountPath: 'var/lib/etcd', capacity: { storage: '4 GB' } },
      { name: 'etcd', mountPath: '/var/lib/other', capacity: { storage: '4Gi' } },
    ] } } }));
    const found = findingsWith(text, 'volume');
    assert.deepEqual(found.map((f) => f.message), [
      'spec.topology.controlPlane.volumes[0].mountPath "var/lib/etcd" must be an absolute path (start with /).',
      'spec.topology.controlPlane.volumes[0].capacity.storage "4 GB" is not a quantity (e.g. 20Gi, 512Mi, 1Ti).',
      'spec.topology.controlPlane.volumes[1].name: volume name "etcd" is used twice in spec.topology.controlPlane.volumes.',
    ]);
    assert.deepEqual(found.map((f) => f.range), [
      span(text, 'var/lib/etcd', 'mountPath: var/lib/etcd'),
      span(text, '4 GB'),
      span(text, 'etcd', 'name: etcd', lineOf(text, 'name: etcd') + 1),
    ]);
  });

  it('fires in a TKC v1alpha3 node pool and in Cluster nodePoolVolumes', () => {
    const tkc = yaml(tkcV1alpha3({ topology: { nodePools: [{ name: 'workers', vmClass: 'best-effort-small', storageClass: 'vsan-default', volumes: [{ name: 'containerd', mountPath: '/var/lib/containerd', capacity: { storage: '20Gb' } }] }] } }));
    assert.equal(one(tkc, 'volume').message, 'spec.topology.nodePools[0].volumes[0].capacity.storage "20Gb" is not a quantity (e.g. 20Gi, 512Mi, 1Ti).');
    assert.deepEqual(one(tkc, 'volume').range, span(tkc, '20Gb'));
    const cluster = yaml(validCluster(withVariables({ name: 'nodePoolVolumes', value: [{ name: 'containerd', mountPath: 'containerd', capacity: { storage: '20Gi' } }] })));
    assert.deepEqual(one(cluster, 'volume').range, span(cluster, 'containerd', 'mountPath: containerd'));
  });

  it('does not fire on valid volumes, numeric capacities or placeholders', () => {
    const vols = [
      { name: 'etcd', mountPath: '/var/lib/etcd', capacity: { storage: '4Gi' } },
      { name: 'containerd', mountPath: '/var/lib/containerd', capacity: { storage: 21474836480 } },
      { name: 'kubelet', mountPath: '${MOUNT}', capacity: { storage: '${SIZE}' } },
    ];
    assert.deepEqual(findingsWith(yaml(tkcV1alpha2({ topology: { controlPlane: { volumes: vols } } })), 'volume'), []);
    assert.deepEqual(findingsWith(yaml(tkcV1alpha1({ topology: { controlPlane: { volumes: vols.slice(0, 2) } } })), 'volume'), []);
    assert.deepEqual(validateText(yaml(validCluster(withVariables({ name: 'controlPlaneVolumes', value: vols.slice(0, 2) })))), []);
  });
});

describe('class-empty', () => {
  it('flags an empty VM class or storage class in a TKC, at its key, and not a filled one', () => {
    const text = yaml(tkcV1alpha2({ topology: { controlPlane: { vmClass: '' } } }));
    const f = one(text, 'class-empty');
    assert.equal(f.severity, 'error');
    assert.match(f.message, /spec\.topology\.controlPlane\.vmClass is empty: name a VM class/);
    assert.deepEqual(f.range, span(text, 'vmClass', 'vmClass: ""'));
    assert.deepEqual(findingsWith(yaml(tkcV1alpha2()), 'class-empty'), []);
  });

  it('flags an empty node pool storage class in v1alpha3', () => {
    const base = tkcV1alpha3() as { spec: { topology: { nodePools: Record<string, unknown>[] } } };
    base.spec.topology.nodePools[0].storageClass = ' ';
    const f = one(yaml(base), 'class-empty');
    assert.match(f.message, /nodePools\[0\]\.storageClass is empty: name a storage class/);
  });

  it('flags empty Cluster variables and overrides', () => {
    const c = validCluster() as { spec: { topology: { variables: { name: string; value: unknown }[]; workers: { machineDeployments: Record<string, unknown>[] } } } };
    c.spec.topology.variables = c.spec.topology.variables.map((v) => (v.name === 'vmClass' ? { ...v, value: '' } : v));
    c.spec.topology.workers.machineDeployments[0].variables = { overrides: [{ name: 'storageClass', value: '' }] };
    const found = findingsWith(yaml(c), 'class-empty').map((x) => x.message);
    assert.equal(found.length, 2, found.join(' | '));
    // In text order: the machineDeployments come before the variables.
    assert.match(found[0], /override of variable "storageClass" in machineDeployments\[0\]/);
    assert.match(found[1], /Variable "vmClass" is empty/);
    assert.deepEqual(findingsWith(yaml(validCluster()), 'class-empty'), []);
  });
});
