/**
 * Checks about API versions and document form: version-mismatch, deprecated-field,
 * deprecated-api, template-placeholder, schema and yaml-syntax.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateText } from '../../src/core/engine';
import { lineOf, merge, tkcV1alpha1, tkcV1alpha2, tkcV1alpha3, yaml } from './builders';
import { findingsWith, one, span, validCluster, withVariables } from './more-builders';

const FULL = 'v1.21.6+vmware.1-tkg.1.b3d708a';
const TKR_NAME = 'v1.21.6---vmware.1-tkg.1.b3d708a';
/** v1alpha2/3 patch: no tkr reference, the release named the old way. */
const distribution = (d: Record<string, unknown>) => ({ topology: { controlPlane: { tkr: undefined } }, distribution: d });

describe('version-mismatch', () => {
  it('fires when fullVersion is not in the version hint (TKC v1alpha1), at fullVersion', () => {
    const text = yaml(tkcV1alpha1({ distribution: { version: 'v1.21', fullVersion: 'v1.20.7+vmware.1-tkg.1.7fb9067' } }));
    const f = one(text, 'version-mismatch');
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.range, span(text, 'v1.20.7+vmware.1-tkg.1.7fb9067'));
    assert.equal(f.message, 'spec.distribution.fullVersion "v1.20.7+vmware.1-tkg.1.7fb9067" does not match the version hint "v1.21": make them agree, or drop one.');
  });

  it('compares component-wise: hint v1.2 does not match v1.21.6 (TKC v1alpha2 and v1alpha3)', () => {
    for (const build of [tkcV1alpha2, tkcV1alpha3]) {
      const text = yaml(build(distribution({ version: 'v1.2', fullVersion: FULL })));
      assert.deepEqual(one(text, 'version-mismatch').range, span(text, FULL));
    }
  });

  it('does not fire when the hint is a prefix, when one side is missing or a placeholder, nor on a Cluster', () => {
    for (const version of ['v1.21', '1.21.6', 'v1.21.6', `v1.21.6+vmware.1`]) {
      assert.deepEqual(findingsWith(yaml(tkcV1alpha1({ distribution: { version, fullVersion: FULL } })), 'version-mismatch'), [], version);
    }
    assert.deepEqual(findingsWith(yaml(tkcV1alpha1({ distribution: { version: 'v1.21' } })), 'version-mismatch'), []);
    assert.deepEqual(findingsWith(yaml(tkcV1alpha2(distribution({ fullVersion: FULL }))), 'version-mismatch'), []);
    assert.deepEqual(findingsWith(yaml(tkcV1alpha1({ distribution: { version: 'v1.21', fullVersion: '${FULL}' } })), 'version-mismatch'), []);
    assert.deepEqual(findingsWith(yaml(validCluster()), 'version-mismatch'), []);
  });
});

describe('deprecated-field', () => {
  for (const [form, build] of [['TKC v1alpha2', tkcV1alpha2], ['TKC v1alpha3', tkcV1alpha3]] as const) {
    it(`warns on spec.distribution in a ${form}, at the key, with a fix naming the TKR`, () => {
      const text = yaml(build(distribution({ version: 'v1.21', fullVersion: FULL })));
      const f = one(text, 'deprecated-field');
      assert.equal(f.severity, 'warning');
      assert.deepEqual(f.range, span(text, 'distribution'));
      const version = form.endsWith('v1alpha2') ? 'v1alpha2' : 'v1alpha3';
      assert.equal(f.message, `spec.distribution is deprecated in ${version}: name the release with spec.topology.controlPlane.tkr.reference.name (a TanzuKubernetesRelease).`);
      assert.deepEqual(f.fixes?.map((x) => [x.title, x.preferred]), [[`Replace spec.distribution with tkr.reference.name: ${TKR_NAME}`, true]]);
    });
  }

  it('offers no fix when tkr is already set, or when only a short version hint names the release', () => {
    const both = yaml(tkcV1alpha2({ distribution: { fullVersion: FULL } }));
    assert.equal(one(both, 'deprecated-field').fixes, undefined);
    const hintOnly = yaml(tkcV1alpha3(distribution({ version: 'v1.21' })));
    assert.equal(one(hintOnly, 'deprecated-field').fixes, undefined);
    const hintWithBuild = yaml(tkcV1alpha3(distribution({ version: FULL })));
    assert.equal(one(hintWithBuild, 'deprecated-field').fixes?.length, 1);
  });

  it('does not fire on v1alpha1 (where distribution is the only way), without distribution, nor on a Cluster', () => {
    assert.deepEqual(findingsWith(yaml(tkcV1alpha1()), 'deprecated-field'), []);
    assert.deepEqual(findingsWith(yaml(tkcV1alpha2()), 'deprecated-field'), []);
    assert.deepEqual(findingsWith(yaml(tkcV1alpha3()), 'deprecated-field'), []);
    assert.deepEqual(findingsWith(yaml(validCluster()), 'deprecated-field'), []);
  });
});

describe('deprecated-api', () => {
  it('warns on TKC v1alpha1 at the apiVersion value, pointing at v1alpha3/v1alpha2', () => {
    const text = yaml(tkcV1alpha1());
    const f = one(text, 'deprecated-api');
    assert.equal(f.severity, 'warning');
    assert.deepEqual(f.range, span(text, 'run.tanzu.vmware.com/v1alpha1'));
    assert.match(f.message, /^run\.tanzu\.vmware\.com\/v1alpha1 is deprecated: use v1alpha3 \(vSphere 8\) or v1alpha2 \(vSphere 7 U3\)/);
  });

  it('warns on TKC v1alpha3, pointing at Cluster with class tanzukubernetescluster', () => {
    const text = yaml(tkcV1alpha3());
    const f = one(text, 'deprecated-api');
    assert.deepEqual(f.range, span(text, 'run.tanzu.vmware.com/v1alpha3'));
    assert.match(f.message, /deprecated from TKG Service 3\.2.*cluster\.x-k8s\.io\/v1beta1 Cluster with spec\.topology\.class tanzukubernetescluster/);
  });

  it('does not fire on TKC v1alpha2 nor on a Cluster', () => {
    assert.deepEqual(findingsWith(yaml(tkcV1alpha2()), 'deprecated-api'), []);
    assert.deepEqual(findingsWith(yaml(validCluster()), 'deprecated-api'), []);
  });
});

describe('template-placeholder', () => {
  const template = [
    'apiVersion: run.tanzu.vmware.com/v1alpha2',
    'kind: TanzuKubernetesCluster',
    'metadata:',
    '  name: ${CLUSTER_NAME}  # the first placeholder',
    'spec:',
    '  topology:',
    '    controlPlane:',
    '      replicas: ${CP_COUNT}',
    '      vmClass: ${VM_CLASS}',
    '      storageClass: vsan-default',
    '    nodePools:',
    '    - name: ${POOL_NAME}',
    '      replicas: ${WORKER_COUNT}',
    '      vmClass: best-effort-small',
    '      storageClass: vsan-default',
    '      taints:',
    '      - key: k',
    '        effect: ${EFFECT}',
    '  settings:',
    '    network:',
    '      cni:',
    '        name: ${CNI}',
    '      pods:',
    '        cidrBlocks:',
    '        - ${POD_CIDR}',
    '',
  ].join('\n');

  it('says once, at the first placeholder, that the document is a template; no type, enum or rule errors at placeholders', () => {
    const found = validateText(template);
    assert.equal(found.length, 1, JSON.stringify(found.map((f) => f.message)));
    const f = found[0];
    assert.equal(f.code, 'template-placeholder');
    assert.equal(f.severity, 'info');
    assert.deepEqual(f.range, span(template, '${CLUSTER_NAME}'));
    assert.equal(f.message, 'This document is a template (it holds ${CLUSTER_NAME} and perhaps other placeholders): values that are placeholders are not checked.');
  });

  it('still checks what is not a placeholder in a template (Cluster)', () => {
    const text = yaml(validCluster({ topology: { controlPlane: { replicas: 2 }, version: '${TKR}' } }, { name: '${NAME}' }));
    assert.deepEqual(validateText(text).map((f) => f.code), ['template-placeholder', 'control-plane-replicas']);
    assert.deepEqual(one(text, 'template-placeholder').range, span(text, '${NAME}'));
  });

  it('ignores placeholders in comments and Argo CD\'s own ${ARGOCD_APP_*} variables; says nothing without placeholders', () => {
    const commented = `# rendered from \${CLUSTER_NAME}\n${yaml(tkcV1alpha2())}`.replace('name: tkc-1', 'name: tkc-1 # ${NOT_THIS}');
    assert.deepEqual(validateText(commented), []);
    const app = yaml({
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'tkc', namespace: 'argocd' },
      spec: { project: 'default', source: { repoURL: 'https://git.example.com/clusters.git', path: 'ns-1', plugin: { env: [{ name: 'APP', value: '${ARGOCD_APP_NAME}' }] } }, destination: { server: 'https://kubernetes.default.svc', namespace: 'ns-1' } },
    });
    assert.deepEqual(validateText(app), []);
    for (const build of [tkcV1alpha2, validCluster]) assert.deepEqual(findingsWith(yaml(build()), 'template-placeholder'), []);
  });
});

describe('schema', () => {
  it('type: a string where an integer belongs, at the value, naming the path and the type (TKC v1alpha1)', () => {
    const text = yaml(tkcV1alpha1({ topology: { controlPlane: { count: 'three' } } }));
    const f = one(text, 'schema');
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.range, span(text, 'three'));
    assert.equal(f.message, 'spec.topology.controlPlane.count must be an integer, not a string ("three").');
  });

  it('type: an object where a list belongs (TKC v1alpha2 pods.cidrBlocks)', () => {
    const text = yaml(tkcV1alpha2({ settings: { network: { pods: { cidrBlocks: '10.0.0.0/8' } } } }));
    const f = one(text, 'schema');
    assert.deepEqual(f.range, span(text, '10.0.0.0/8'));
    assert.equal(f.message, 'spec.settings.network.pods.cidrBlocks must be a list, not a string ("10.0.0.0/8").');
  });

  it('required: a missing field, at the nearest parent key (TKC v1alpha2 vmClass, v1alpha1 distribution, Cluster topology.version)', () => {
    const v2 = yaml(tkcV1alpha2({ topology: { controlPlane: { vmClass: undefined } } }));
    const f = one(v2, 'schema');
    assert.deepEqual(f.range, span(v2, 'controlPlane'));
    assert.equal(f.message, 'spec.topology.controlPlane is missing the required field "vmClass".');
    const v1 = yaml(tkcV1alpha1({ distribution: undefined }));
    assert.deepEqual(one(v1, 'schema').range, span(v1, 'spec', 'spec:'));
    assert.equal(one(v1, 'schema').message, 'spec is missing the required field "distribution".');
    const cluster = yaml(validCluster({ topology: { version: undefined } }));
    assert.equal(one(cluster, 'schema').message, 'spec.topology is missing the required field "version".');
    assert.deepEqual(one(cluster, 'schema').range, span(cluster, 'topology'));
  });

  it('enum: a taint effect, at the value, listing the allowed values, with a fix (TKC v1alpha3)', () => {
    const text = yaml(tkcV1alpha3({ topology: { nodePools: [{ name: 'gpu', vmClass: 'guaranteed-large', storageClass: 'vsan-default', taints: [{ key: 'gpu', effect: 'NoScedule' }] }] } }));
    const f = one(text, 'schema');
    assert.deepEqual(f.range, span(text, 'NoScedule'));
    assert.equal(f.message, 'spec.topology.nodePools[0].taints[0].effect must be one of NoSchedule, PreferNoSchedule, NoExecute; found "NoScedule".');
    assert.deepEqual(f.fixes?.map((x) => [x.title, x.edits[0].newText]), [['Change to NoSchedule', 'NoSchedule']]);
  });

  it('unknown field: vmclass -> "did you mean vmClass", at the key, with a fix (TKC v1alpha2)', () => {
    const text = yaml(tkcV1alpha2({ topology: { controlPlane: { vmClass: undefined, vmclass: 'best-effort-small' } } }));
    const found = findingsWith(text, 'schema');
    assert.equal(found.length, 1, 'said once, not also as "vmClass is missing"');
    const unknown = found[0];
    assert.deepEqual(unknown.range, span(text, 'vmclass'));
    assert.equal(unknown.message, 'Unknown field "vmclass" in spec.topology.controlPlane: did you mean "vmClass"?');
    assert.deepEqual(unknown.fixes?.map((x) => [x.title, x.preferred, x.edits[0].newText]), [['Change to vmClass', true, 'vmClass']]);
  });

  it('unknown metadata field: lables -> labels (Cluster)', () => {
    const text = yaml(validCluster({}, { lables: { team: 'platform' } }));
    const f = one(text, 'schema');
    assert.deepEqual(f.range, span(text, 'lables'));
    assert.equal(f.message, 'Unknown field "lables" in metadata: did you mean "labels"?');
  });

  it('unknown field with no close match lists the known fields; failureDomain is v1alpha3-only', () => {
    const text = yaml(tkcV1alpha2({ topology: { nodePools: [{ name: 'workers', vmClass: 'best-effort-small', storageClass: 'vsan-default', failureDomain: 'zone-a' }] } }));
    const f = one(text, 'schema');
    assert.deepEqual(f.range, span(text, 'failureDomain'));
    assert.equal(f.message, 'Unknown field "failureDomain" in spec.topology.nodePools[0]. Known fields: labels, name, nodeDrainTimeout, replicas, storageClass, taints, tkr, vmClass, volumes.');
    assert.deepEqual(f.fixes, []);
    const v3 = yaml(tkcV1alpha3({ topology: { nodePools: [{ name: 'workers', vmClass: 'best-effort-small', storageClass: 'vsan-default', failureDomain: 'zone-a' }] } }));
    assert.deepEqual(findingsWith(v3, 'schema'), []);
  });

  it('unknown field in a Cluster node pool: replica -> replicas', () => {
    const text = yaml(validCluster({ topology: { workers: { machineDeployments: [{ class: 'node-pool', name: 'np-1', replica: 2 }] } } }));
    const f = one(text, 'schema');
    assert.deepEqual(f.range, span(text, 'replica', 'replica:'));
    assert.equal(f.message, 'Unknown field "replica" in spec.topology.workers.machineDeployments[0]: did you mean "replicas"?');
  });

  it('an unknown version of a known kind: one warning at the apiVersion, nothing else', () => {
    const text = yaml(merge(tkcV1alpha2({ topology: { controlPlane: { replicas: 2 } } }), { apiVersion: 'run.tanzu.vmware.com/v1alpha9' }));
    const found = validateText(text);
    assert.equal(found.length, 1);
    assert.equal(found[0].code, 'schema');
    assert.equal(found[0].severity, 'warning');
    assert.deepEqual(found[0].range, span(text, 'run.tanzu.vmware.com/v1alpha9'));
    assert.equal(found[0].message, 'run.tanzu.vmware.com/v1alpha9 is not a version of TanzuKubernetesCluster this extension knows (v1alpha1, v1alpha2, v1alpha3): the document was not validated.');
  });

  it('does not fire on valid documents of each form, nor on the free values of Cluster variables', () => {
    assert.deepEqual(findingsWith(yaml(tkcV1alpha1()), 'schema'), []);
    assert.deepEqual(findingsWith(yaml(tkcV1alpha2()), 'schema'), []);
    assert.deepEqual(findingsWith(yaml(tkcV1alpha3()), 'schema'), []);
    assert.deepEqual(findingsWith(yaml(validCluster(withVariables({ name: 'user', value: { sshAuthorizedKey: 'ssh-ed25519 AAAA' } }))), 'schema'), []);
  });

  it('a Cluster of a newer class is not schema-checked: unknown fields are not errors', () => {
    const text = yaml(merge(validCluster({ topology: { class: undefined, classRef: { name: 'builtin-generic-v3.7.0', namespace: 'vmware-system-vks-public' }, newField: true } }), { apiVersion: 'cluster.x-k8s.io/v1beta2' }));
    assert.deepEqual(validateText(text), []);
  });
});

describe('yaml-syntax', () => {
  const head = 'apiVersion: run.tanzu.vmware.com/v1alpha2\nkind: TanzuKubernetesCluster\nmetadata:\n';

  it('an unclosed flow map: an error where the parser noticed it, and the document is not otherwise checked', () => {
    const text = `${head}  name: x\n  labels: {a: 1\nspec: {}\n`;
    const found = validateText(text);
    assert.deepEqual(found.map((f) => [f.code, f.severity, f.fromParser]), [['yaml-syntax', 'error', true]]);
    assert.deepEqual(found[0].range, span(text, 's', 'spec: {}'));
    assert.match(found[0].message, /^YAML syntax: Flow map .* end with a \}$/);
  });

  it('a duplicate key, at the second key', () => {
    const text = `${head}  name: x\n  name: y\nspec: {}\n`;
    const f = one(text, 'yaml-syntax');
    assert.equal(f.message, 'YAML syntax: Map keys must be unique');
    assert.deepEqual(f.range.start, { line: lineOf(text, 'name: y'), character: 2 });
  });

  it('a tab used as indentation, at the tab', () => {
    const text = `${head}\tname: x\nspec: {}\n`;
    const f = one(text, 'yaml-syntax');
    assert.equal(f.message, 'YAML syntax: Tabs are not allowed as indentation');
    assert.deepEqual(f.range, span(text, '\t', '\tname'));
  });

  it('a flow sequence of ${VAR} placeholders is not YAML (write them as block items)', () => {
    const text = `${head}  name: x\nspec:\n  settings:\n    network:\n      pods:\n        cidrBlocks: [\${POD_CIDR}]\n`;
    const found = validateText(text);
    assert.deepEqual(found.map((f) => f.code), ['yaml-syntax']);
    assert.equal(found[0].range.start.line, lineOf(text, 'cidrBlocks'));
  });

  it('a binary file is one error at the start', () => {
    assert.deepEqual(validateText('apiVersion: run.tanzu.vmware.com/v1alpha2\u0000').map((f) => [f.code, f.range.start.line, f.range.start.character]), [['yaml-syntax', 0, 0]]);
  });

  it('does not fire on valid YAML, and a syntax error in one document leaves the next one validated', () => {
    assert.deepEqual(findingsWith(yaml(tkcV1alpha2(), validCluster()), 'yaml-syntax'), []);
    const text = `${head}  name: x\n  labels: {a: 1\n---\n${yaml(tkcV1alpha2({ topology: { controlPlane: { replicas: 2 } } }))}`;
    assert.deepEqual(validateText(text).map((f) => f.code), ['yaml-syntax', 'control-plane-replicas']);
  });
});
