/**
 * Quick fixes, applied: the edited text must re-validate without the finding, still be YAML, and
 * hold the expected value at the expected path.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { validateText } from '../../src/core/engine';
import type { Finding } from '../../src/core/types';
import { tkcV1alpha1, tkcV1alpha2, tkcV1alpha3, yaml } from './builders';
import { applyEdits, findingsWith, one, validCluster } from './more-builders';

type Obj = Record<string, unknown>;

function fixed(text: string, f: Finding, which = 0): string {
  const fix = f.fixes?.[which];
  assert.ok(fix, `finding ${f.code} has fix #${which}`);
  return applyEdits(text, fix.edits);
}

function at(value: unknown, ...path: (string | number)[]): unknown {
  return path.reduce<unknown>((cur, k) => (cur as Record<string | number, unknown> | undefined)?.[k], value);
}

describe('applyEdits', () => {
  it('applies edits from last to first, whatever their order, including insertions and multi-line deletions', () => {
    const text = 'a: 1\nb: 2\nc: 3\n';
    const edits = [
      { range: { start: { line: 0, character: 3 }, end: { line: 0, character: 4 } }, newText: '10' },
      { range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, newText: '' },
      { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, newText: 'd: 4\n' },
    ];
    assert.equal(applyEdits(text, edits), 'a: 10\nc: 3\nd: 4\n');
    assert.equal(applyEdits(text, [...edits].reverse()), 'a: 10\nc: 3\nd: 4\n');
    assert.equal(applyEdits(text, []), text);
  });
});

describe('quick fix: control-plane-replicas', () => {
  const forms: [string, () => Obj, string, (string | number)[]][] = [
    ['TKC v1alpha1', () => tkcV1alpha1({ topology: { controlPlane: { count: 2 } } }), 'count', ['spec', 'topology', 'controlPlane', 'count']],
    ['TKC v1alpha2', () => tkcV1alpha2({ topology: { controlPlane: { replicas: 2 } } }), 'replicas', ['spec', 'topology', 'controlPlane', 'replicas']],
    ['TKC v1alpha3', () => tkcV1alpha3({ topology: { controlPlane: { replicas: 4 } } }), 'replicas', ['spec', 'topology', 'controlPlane', 'replicas']],
    ['Cluster', () => validCluster({ topology: { controlPlane: { replicas: 2 } } }), 'replicas', ['spec', 'topology', 'controlPlane', 'replicas']],
  ];
  for (const [form, build, , path] of forms) {
    it(`${form}: both fixes (to 3 and to 1) leave a valid control plane`, () => {
      const text = yaml(build());
      // Findings without their fixes: a whole-document fix (v1alpha1 conversion) carries the values.
      const bare = (fs: Finding[]) => fs.map(({ code, severity, message, range }) => ({ code, severity, message, range }));
      const before = bare(validateText(text).filter((f) => f.code !== 'control-plane-replicas'));
      const f = one(text, 'control-plane-replicas');
      for (const [i, expected] of [[0, 3], [1, 1]] as const) {
        const out = fixed(text, f, i);
        assert.deepEqual(findingsWith(out, 'control-plane-replicas'), []);
        assert.equal(at(parse(out), ...path), expected);
        assert.deepEqual(bare(validateText(out)), before, 'nothing else changed');
      }
    });
  }
});

describe('quick fix: schema unknown field', () => {
  it('renames vmclass to vmClass (TKC v1alpha2) and the document becomes clean', () => {
    const text = yaml(tkcV1alpha2({ topology: { controlPlane: { vmClass: undefined, vmclass: 'guaranteed-medium' } } }));
    const f = findingsWith(text, 'schema').find((x) => x.message.includes('"vmclass"'));
    assert.ok(f);
    const out = fixed(text, f);
    assert.deepEqual(validateText(out), []);
    assert.equal(at(parse(out), 'spec', 'topology', 'controlPlane', 'vmClass'), 'guaranteed-medium');
  });

  it('renames metadata.lables to labels (TKC v1alpha1), keeping the map under it', () => {
    const text = yaml(tkcV1alpha1({}, { lables: { team: 'platform' } }));
    const out = fixed(text, one(text, 'schema'));
    assert.deepEqual(findingsWith(out, 'schema'), []);
    assert.deepEqual(at(parse(out), 'metadata', 'labels'), { team: 'platform' });
  });

  it('renames a Cluster node pool\'s replica to replicas', () => {
    const text = yaml(validCluster({ topology: { workers: { machineDeployments: [{ class: 'node-pool', name: 'np-1', replica: 2 }] } } }));
    const out = fixed(text, one(text, 'schema'));
    assert.deepEqual(validateText(out), []);
    assert.equal(at(parse(out), 'spec', 'topology', 'workers', 'machineDeployments', 0, 'replicas'), 2);
  });
});

describe('quick fix: cidr-host-bits', () => {
  it('198.51.100.0/12 -> 198.48.0.0/12 on a Cluster\'s services', () => {
    const text = yaml(validCluster({ clusterNetwork: { services: { cidrBlocks: ['198.51.100.0/12'] } } }));
    const out = fixed(text, one(text, 'cidr-host-bits'));
    assert.deepEqual(validateText(out), []);
    assert.deepEqual(at(parse(out), 'spec', 'clusterNetwork', 'services', 'cidrBlocks'), ['198.48.0.0/12']);
  });

  it('fixes each item on its own: a flow list in TKC v1alpha2', () => {
    const text = yaml(tkcV1alpha2()).replace(/cidrBlocks:\n\s+- 192\.168\.0\.0\/16/, 'cidrBlocks: ["192.168.1.0/16", "172.20.3.0/16"]');
    const found = findingsWith(text, 'cidr-host-bits');
    assert.equal(found.length, 2);
    const out = applyEdits(text, found.flatMap((f) => f.fixes?.[0].edits ?? []));
    assert.deepEqual(validateText(out), []);
    assert.deepEqual(at(parse(out), 'spec', 'settings', 'network', 'pods', 'cidrBlocks'), ['192.168.0.0/16', '172.20.0.0/16']);
  });

  it('IPv6: fd00:10:244::1/64 -> fd00:10:244::/64 (TKC v1alpha3)', () => {
    const text = yaml(tkcV1alpha3({ settings: { network: { pods: { cidrBlocks: ['fd00:10:244::1/64'] } } } }));
    const out = fixed(text, one(text, 'cidr-host-bits'));
    assert.deepEqual(findingsWith(out, 'cidr-host-bits'), []);
    assert.deepEqual(at(parse(out), 'spec', 'settings', 'network', 'pods', 'cidrBlocks'), ['fd00:10:244::/64']);
  });
});

describe('quick fix: deprecated-field', () => {
  const FULL = 'v1.21.6+vmware.1-tkg.1.b3d708a';
  for (const [form, build] of [['TKC v1alpha2', tkcV1alpha2], ['TKC v1alpha3', tkcV1alpha3]] as const) {
    it(`${form}: spec.distribution -> spec.topology.controlPlane.tkr.reference.name`, () => {
      const text = yaml(build({ topology: { controlPlane: { tkr: undefined } }, distribution: { version: 'v1.21', fullVersion: FULL } }));
      const out = fixed(text, one(text, 'deprecated-field'));
      assert.deepEqual(findingsWith(out, 'deprecated-field'), []);
      assert.deepEqual(findingsWith(out, 'yaml-syntax'), []);
      assert.deepEqual(findingsWith(out, 'schema'), []);
      const doc = parse(out) as Obj;
      assert.equal(at(doc, 'spec', 'distribution'), undefined);
      assert.equal(at(doc, 'spec', 'topology', 'controlPlane', 'tkr', 'reference', 'name'), 'v1.21.6---vmware.1-tkg.1.b3d708a');
      // The rest of the control plane and the settings are untouched.
      assert.equal(at(doc, 'spec', 'topology', 'controlPlane', 'vmClass'), 'best-effort-small');
      assert.deepEqual(at(doc, 'spec', 'settings'), at(parse(text), 'spec', 'settings'));
    });
  }

  it('keeps its edits inside the text when distribution ends a file with no final newline', () => {
    const text = yaml(tkcV1alpha2({ topology: { controlPlane: { tkr: undefined } }, distribution: { fullVersion: FULL } })).trimEnd();
    assert.ok(text.endsWith(`fullVersion: ${FULL}`));
    const f = one(text, 'deprecated-field');
    const lastLine = text.split('\n').length - 1;
    for (const e of f.fixes?.[0].edits ?? []) assert.ok(e.range.end.line <= lastLine, `edit ends on line ${e.range.end.line}, past the last line ${lastLine}`);
    const out = fixed(text, f);
    assert.deepEqual(validateText(out), []);
    assert.equal(at(parse(out), 'spec', 'distribution'), undefined);
  });

  it('works on the second document of a file (edits shifted with the document)', () => {
    const text = yaml(tkcV1alpha2(), tkcV1alpha3({ topology: { controlPlane: { tkr: undefined } }, distribution: { fullVersion: FULL } }, { name: 'tkc-2' }));
    const out = fixed(text, one(text, 'deprecated-field'));
    assert.deepEqual(validateText(out).map((f) => f.code), ['deprecated-api']);
    assert.ok(out.startsWith(yaml(tkcV1alpha2())), 'the first document is untouched');
  });

  it('works when distribution comes before topology, with a hint that carries the build (version: v1.21.6+vmware.1...)', () => {
    const doc = tkcV1alpha2({ topology: { controlPlane: { tkr: undefined } } });
    const spec = doc.spec as Obj;
    const text = yaml({ ...doc, spec: { distribution: { version: FULL }, ...spec } });
    const out = fixed(text, one(text, 'deprecated-field'));
    assert.deepEqual(validateText(out), []);
    assert.equal(at(parse(out), 'spec', 'topology', 'controlPlane', 'tkr', 'reference', 'name'), 'v1.21.6---vmware.1-tkg.1.b3d708a');
  });
});
