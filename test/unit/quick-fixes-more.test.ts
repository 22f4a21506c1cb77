/**
 * The quick fixes for volumes, duplicate names, host bits beside the other range, the release a
 * distribution stands for, unavailable VM classes and the v1alpha1 conversion: each applied, the
 * text re-validates without its finding and holds the proposed value.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { validateText } from '../../src/core/engine';
import type { SupervisorFacts, TkrFact, VmClassSize } from '../../src/core/live/facts';
import { closestVmClasses, quantityBytes, sizeLabel } from '../../src/core/live/vm-class';
import { hostBitsFixFor } from '../../src/core/rules/cidr.rules';
import { parseCidr, type Cidr } from '../../src/core/rules/cidr';
import { distributionRelease } from '../../src/core/rules/deprecated';
import { suggestQuantity } from '../../src/core/rules/volume';
import { uniqueName } from '../../src/core/findings/util';
import type { Finding } from '../../src/core/types';
import { tkcV1alpha1, tkcV1alpha2, tkcV1alpha3, yaml } from './builders';
import { applyEdits, findingsWith, one } from './more-builders';

type Obj = Record<string, unknown>;
const at = (v: unknown, ...path: (string | number)[]): unknown => path.reduce<unknown>((c, k) => (c as Record<string | number, unknown> | undefined)?.[k], v);
const fixed = (text: string, f: Finding, which = 0) => applyEdits(text, f.fixes![which].edits);
const cidr = (t: string) => parseCidr(t) as Cidr;

function pools(...list: Obj[]): Obj {
  return { topology: { nodePools: list } };
}
const POOL = { replicas: 1, vmClass: 'best-effort-small', storageClass: 'vsan-default' };

describe('quick fix: volume', () => {
  it('suggestQuantity reads sizes written as disks are sold, and nothing else', () => {
    assert.equal(suggestQuantity('200GB'), '200Gi');
    assert.equal(suggestQuantity('20 gb'), '20Gi');
    assert.equal(suggestQuantity('512MiB'), '512Mi');
    assert.equal(suggestQuantity('1.5TB'), '1.5Ti');
    assert.equal(suggestQuantity('64kb'), '64Ki');
    assert.equal(suggestQuantity('lots'), undefined);
    assert.equal(suggestQuantity('20Gi'), undefined, 'already a quantity');
  });

  it('200GB -> 200Gi and "var/lib/etcd" -> "/var/lib/etcd", each clearing its finding', () => {
    const text = yaml(tkcV1alpha2(pools({ name: 'workers', ...POOL, volumes: [{ name: 'etcd', mountPath: 'var/lib/etcd', capacity: { storage: '200GB' } }] })));
    const found = findingsWith(text, 'volume');
    assert.equal(found.length, 2);
    const capacity = found.find((f) => f.message.includes('capacity'))!;
    const mount = found.find((f) => f.message.includes('mountPath'))!;
    assert.equal(capacity.fixes?.[0].title, 'Change to 200Gi');
    const out = fixed(fixed(text, capacity), mount);
    assert.deepEqual(findingsWith(out, 'volume'), []);
    assert.deepEqual(at(parse(out), 'spec', 'topology', 'nodePools', 0, 'volumes', 0), { name: 'etcd', mountPath: '/var/lib/etcd', capacity: { storage: '200Gi' } });
  });

  it('a capacity that is no size at all has no fix', () => {
    const text = yaml(tkcV1alpha2(pools({ name: 'workers', ...POOL, volumes: [{ name: 'etcd', mountPath: '/x', capacity: { storage: 'big' } }] })));
    assert.equal(one(text, 'volume').fixes, undefined);
  });

  it('a duplicate volume name is renamed to one unused in the list', () => {
    const vols = [{ name: 'data', mountPath: '/a', capacity: { storage: '1Gi' } }, { name: 'data', mountPath: '/b', capacity: { storage: '1Gi' } }, { name: 'data-2', mountPath: '/c', capacity: { storage: '1Gi' } }];
    const text = yaml(tkcV1alpha2(pools({ name: 'workers', ...POOL, volumes: vols })));
    const out = fixed(text, one(text, 'volume'));
    assert.deepEqual(findingsWith(out, 'volume'), []);
    assert.deepEqual((at(parse(out), 'spec', 'topology', 'nodePools', 0, 'volumes') as Obj[]).map((v) => v.name), ['data', 'data-3', 'data-2']);
  });
});

describe('quick fix: node-pool-name duplicate', () => {
  it('uniqueName skips taken names and stays within 63 characters', () => {
    assert.equal(uniqueName('workers', new Set(['workers', 'workers-2'])), 'workers-3');
    const long = 'a'.repeat(63);
    const name = uniqueName(long, new Set([long]));
    assert.equal(name.length, 63);
    assert.ok(name.endsWith('-2'));
  });

  it('renames the second "workers" to a name no pool uses, later pools included', () => {
    const text = yaml(tkcV1alpha3(pools({ name: 'workers', ...POOL }, { name: 'workers', ...POOL }, { name: 'workers-2', ...POOL })));
    const f = one(text, 'node-pool-name');
    assert.equal(f.fixes?.[0].title, 'Rename to workers-3');
    const out = fixed(text, f);
    assert.deepEqual(validateText(out).filter((x) => x.code !== 'deprecated-api'), []);
    assert.deepEqual((at(parse(out), 'spec', 'topology', 'nodePools') as Obj[]).map((p) => p.name), ['workers', 'workers-3', 'workers-2']);
  });
});

describe('quick fix: cidr-host-bits beside the other range', () => {
  it('hostBitsFixFor gives the network address, or none when it overlaps the other range', () => {
    assert.equal(hostBitsFixFor(cidr('10.96.0.1/12'), [cidr('192.168.0.0/16')])?.address, cidr('10.96.0.0/12').address);
    assert.equal(hostBitsFixFor(cidr('192.168.5.0/12'), [cidr('192.168.0.0/16')]), undefined);
  });

  it('a service range whose network would cover the pod range gets no fix, and says why', () => {
    const text = yaml(tkcV1alpha2({ settings: { network: { services: { cidrBlocks: ['192.168.5.0/12'] } } } }));
    const f = one(text, 'cidr-host-bits');
    assert.equal(f.fixes, undefined);
    assert.match(f.message, /overlaps the pod range 192\.168\.0\.0\/16/);
  });

  it('a pod range beside a disjoint service range keeps its fix', () => {
    const text = yaml(tkcV1alpha2({ settings: { network: { pods: { cidrBlocks: ['172.20.3.0/16'] } } } }));
    const out = fixed(text, one(text, 'cidr-host-bits'));
    assert.deepEqual(validateText(out), []);
  });
});

const TKRS: TkrFact[] = [
  { name: 'v1.24.11---vmware.1-fips.1-tkg.1', version: 'v1.24.11+vmware.1-fips.1-tkg.1', compatible: true, ready: true, deactivated: false },
  { name: 'v1.25.7---vmware.3-fips.1-tkg.1', version: 'v1.25.7+vmware.3-fips.1-tkg.1', compatible: true, ready: true, deactivated: false },
  { name: 'v1.20.7---vmware.1-tkg.1.7fb9067', version: 'v1.20.7+vmware.1-tkg.1.7fb9067', compatible: false, ready: true, deactivated: false },
];
const SIZES = new Map<string, VmClassSize>([
  ['best-effort-xsmall', { cpus: 2, memory: '2Gi' }],
  ['best-effort-small', { cpus: 2, memory: '4Gi' }],
  ['best-effort-medium', { cpus: 2, memory: '8Gi' }],
  ['best-effort-large', { cpus: 4, memory: '16Gi' }],
  ['guaranteed-xlarge', { cpus: 4, memory: '32Gi' }],
]);

function facts(over: Partial<SupervisorFacts> = {}): SupervisorFacts {
  return {
    context: 'local-supervisor-admin',
    namespaces: new Set(['ns-1']),
    byNamespace: new Map([['ns-1', { vmClasses: new Set(['best-effort-xsmall', 'best-effort-small', 'best-effort-medium', 'guaranteed-xlarge']), storageClasses: new Set(['vsan-default']) }]]),
    vmClassSizes: SIZES,
    tkrs: new Map(TKRS.map((t) => [t.name, t])),
    liveObject: () => undefined,
    defaultNamespace: 'ns-1',
    generation: 1,
    ...over,
  };
}

describe('quick fix: deprecated-field proposes only releases the Supervisor has', () => {
  it('distributionRelease: offline from the full version; connected, only a compatible release it holds', () => {
    const tkrs = facts().tkrs;
    assert.equal(distributionRelease({ fullVersion: 'v1.21.6+vmware.1-tkg.1.b3d708a' }, undefined), 'v1.21.6---vmware.1-tkg.1.b3d708a');
    assert.equal(distributionRelease({ fullVersion: 'v1.21.6+vmware.1-tkg.1.b3d708a' }, tkrs), undefined, 'not on the Supervisor');
    assert.equal(distributionRelease({ fullVersion: 'v1.25.7+vmware.3-fips.1-tkg.1' }, tkrs), 'v1.25.7---vmware.3-fips.1-tkg.1');
    assert.equal(distributionRelease({ version: 'v1.24' }, tkrs), 'v1.24.11---vmware.1-fips.1-tkg.1', 'a hint resolves as the Supervisor resolves it');
    assert.equal(distributionRelease({ version: 'v1.24' }, undefined), undefined);
    assert.equal(distributionRelease({ version: 'v1.20' }, tkrs), undefined, 'incompatible');
  });

  it('connected: a hint-only distribution gets a fix to the release the Supervisor has; an unknown full version gets none', () => {
    const hint = yaml(tkcV1alpha2({ topology: { controlPlane: { tkr: undefined } }, distribution: { version: 'v1.25' } }));
    const f = validateText(hint, { facts: facts() }).find((x) => x.code === 'deprecated-field')!;
    const out = fixed(hint, f);
    assert.equal(at(parse(out), 'spec', 'topology', 'controlPlane', 'tkr', 'reference', 'name'), 'v1.25.7---vmware.3-fips.1-tkg.1');
    assert.deepEqual(validateText(out, { facts: facts() }).filter((x) => x.code === 'deprecated-field' || x.code === 'tkr-unknown'), []);
    const unknown = yaml(tkcV1alpha2({ topology: { controlPlane: { tkr: undefined } }, distribution: { fullVersion: 'v1.21.6+vmware.1-tkg.1.b3d708a' } }));
    assert.equal(validateText(unknown, { facts: facts() }).find((x) => x.code === 'deprecated-field')?.fixes, undefined);
    assert.equal(one(unknown, 'deprecated-field').fixes?.length, 1, 'offline the full version still makes the name');
  });
});

describe('quick fix: vm-class-unavailable offers the closest classes with CPU and memory', () => {
  it('sizes read as people say them, and rank by size when the wanted class is known', () => {
    assert.equal(quantityBytes('8Gi'), 8 * 2 ** 30);
    assert.equal(quantityBytes('8192Mi'), 8 * 2 ** 30);
    assert.equal(quantityBytes('eight'), undefined);
    assert.equal(sizeLabel({ cpus: 2, memory: '8Gi' }), '2 CPU, 8Gi');
    const available = ['best-effort-xsmall', 'best-effort-small', 'best-effort-medium', 'guaranteed-xlarge'];
    assert.deepEqual(closestVmClasses('best-effort-large', available, SIZES), ['best-effort-medium', 'guaranteed-xlarge', 'best-effort-small']);
    assert.deepEqual(closestVmClasses('best-efort-smal', available, undefined, 1), ['best-effort-small'], 'by name when its size is unknown');
  });

  it('three fixes, the nearest preferred, each titled with its size; the first clears the finding', () => {
    const text = yaml(tkcV1alpha2(pools({ name: 'workers', ...POOL, vmClass: 'best-effort-large' })));
    const f = validateText(text, { facts: facts() }).find((x) => x.code === 'vm-class-unavailable')!;
    assert.deepEqual(f.fixes?.map((x) => x.title), [
      'Change to best-effort-medium (2 CPU, 8Gi)', 'Change to guaranteed-xlarge (4 CPU, 32Gi)', 'Change to best-effort-small (2 CPU, 4Gi)',
    ]);
    assert.deepEqual(f.fixes?.map((x) => !!x.preferred), [true, false, false]);
    const out = fixed(text, f);
    assert.deepEqual(validateText(out, { facts: facts() }).filter((x) => x.code === 'vm-class-unavailable'), []);
    assert.equal(at(parse(out), 'spec', 'topology', 'nodePools', 0, 'vmClass'), 'best-effort-medium');
  });
});

describe('quick fix: deprecated-api converts TKC v1alpha1 to v1alpha3', () => {
  it('maps count, class, workers and fullVersion; the result is valid v1alpha3', () => {
    const text = yaml(tkcV1alpha1({ distribution: { version: undefined, fullVersion: 'v1.21.6+vmware.1-tkg.1.b3d708a' } }));
    const f = one(text, 'deprecated-api');
    assert.equal(f.fixes?.[0].title, 'Convert to run.tanzu.vmware.com/v1alpha3');
    const out = fixed(text, f);
    const v = parse(out) as Obj;
    assert.equal(v.apiVersion, 'run.tanzu.vmware.com/v1alpha3');
    assert.deepEqual(at(v, 'spec', 'topology', 'controlPlane'), {
      replicas: 1, vmClass: 'best-effort-small', storageClass: 'vsan-default', tkr: { reference: { name: 'v1.21.6---vmware.1-tkg.1.b3d708a' } },
    });
    assert.deepEqual(at(v, 'spec', 'topology', 'nodePools'), [{ name: 'workers', replicas: 3, vmClass: 'best-effort-small', storageClass: 'vsan-default' }]);
    assert.deepEqual(at(v, 'spec', 'settings'), at(parse(text), 'spec', 'settings'));
    assert.equal(at(v, 'spec', 'distribution'), undefined);
    assert.deepEqual(validateText(out).map((x) => x.code), ['deprecated-api'], 'only the v1alpha3 notice remains');
  });

  it('a version hint stays as distribution, and a second document of the file is untouched', () => {
    const text = `${yaml(tkcV1alpha2())}---\n${yaml(tkcV1alpha1()).replace('kind:', '# the old one\nkind:')}`;
    const f = one(text, 'deprecated-api');
    assert.match(f.fixes![0].title, /comments are not kept/);
    const out = fixed(text, f);
    const [first, second] = out.split(/^---$/m).map((d) => parse(d) as Obj);
    assert.deepEqual(first, parse(yaml(tkcV1alpha2())));
    assert.equal(second.apiVersion, 'run.tanzu.vmware.com/v1alpha3');
    assert.deepEqual(at(second, 'spec', 'distribution'), { version: 'v1.20' });
    assert.deepEqual(findingsWith(out, 'schema'), []);
  });
});

describe('pickers: vSphere Namespaces only, VM classes with their size', () => {
  const base = 'apiVersion: run.tanzu.vmware.com/v1alpha3\nkind: TanzuKubernetesCluster\nmetadata:\n  name: c\n  namespace: ';
  const complete = async (text: string, f: SupervisorFacts) => {
    const { completionsAt } = await import('../../src/core/assist');
    const lines = text.split('\n');
    return completionsAt(text, { line: lines.length - 2, character: lines[lines.length - 2].length }, f);
  };

  it('metadata.namespace offers the vSphere Namespaces, not kube-system, argocd or default; every namespace when none is marked', async () => {
    const all = new Set(['ns-1', 'team-b', 'kube-system', 'argocd', 'default']);
    const marked = facts({ namespaces: all, vsphereNamespaces: new Set(['ns-1', 'team-b']) });
    const offered = await complete(`${base}\n`, marked);
    assert.deepEqual(offered.map((c) => c.label), ['ns-1', 'team-b']);
    assert.match(offered[0].detail ?? '', /vSphere Namespace/);
    const unmarked = await complete(`${base}\n`, facts({ namespaces: all, vsphereNamespaces: undefined }));
    assert.deepEqual(unmarked.map((c) => c.label), ['argocd', 'default', 'kube-system', 'ns-1', 'team-b']);
  });

  it('a VM class entry says its CPU and memory', async () => {
    const text = `${base}ns-1\nspec:\n  topology:\n    controlPlane:\n      vmClass: \n`;
    const offered = await complete(text, facts());
    const medium = offered.find((c) => c.label === 'best-effort-medium');
    assert.match(medium?.detail ?? '', /^2 CPU, 8Gi · VM class available in ns-1/);
  });
});
