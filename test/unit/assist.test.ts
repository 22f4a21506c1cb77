/** Completion and hover from the schemas, at cursor positions in partly typed YAML. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completionsAt, cursorContext, hoverAt } from '../../src/core/assist';

const HEAD = 'apiVersion: run.tanzu.vmware.com/v1alpha2\nkind: TanzuKubernetesCluster\nmetadata:\n  name: c1\n';

function at(text: string): { text: string; position: { line: number; character: number } } {
  const i = text.indexOf('|');
  const clean = text.slice(0, i) + text.slice(i + 1);
  const before = clean.slice(0, i).split('\n');
  return { text: clean, position: { line: before.length - 1, character: before[before.length - 1].length } };
}

describe('completion', () => {
  it('offers the fields of the object at the cursor, required first, without those present', () => {
    const { text, position } = at(`${HEAD}spec:\n  topology:\n    controlPlane:\n      replicas: 3\n      |\n`);
    const labels = completionsAt(text, position).map((c) => c.label);
    assert.ok(labels.includes('vmClass') && labels.includes('storageClass') && labels.includes('tkr'));
    assert.ok(!labels.includes('replicas'), 'replicas is already there');
    assert.ok(labels.indexOf('vmClass') < labels.indexOf('tkr'), 'required fields first');
  });

  it('knows list items in both indentation styles', () => {
    for (const style of ['    nodePools:\n    - name: a\n      |\n', '    nodePools:\n      - name: a\n        |\n']) {
      const { text, position } = at(`${HEAD}spec:\n  topology:\n${style}`);
      const ctx = cursorContext(text, position);
      assert.deepEqual(ctx?.path, ['spec', 'topology', 'nodePools', 0]);
      const labels = completionsAt(text, position).map((c) => c.label);
      assert.ok(labels.includes('vmClass') && labels.includes('failureDomain') === false, `v1alpha2 pool fields (${style.trim()})`);
      assert.ok(!labels.includes('name'));
    }
  });

  it('offers enum values and examples for a value', () => {
    const taint = at(`${HEAD}spec:\n  topology:\n    nodePools:\n    - name: a\n      taints:\n      - key: k\n        effect: |\n`);
    assert.deepEqual(completionsAt(taint.text, taint.position).map((c) => c.label), ['NoSchedule', 'PreferNoSchedule', 'NoExecute']);
    const cni = at(`${HEAD}spec:\n  settings:\n    network:\n      cni:\n        name: |\n`);
    assert.deepEqual(completionsAt(cni.text, cni.position).map((c) => c.label), ['calico', 'antrea', 'antrea-nsx-routed']);
  });

  it('completes a partly typed key, replacing what was typed', () => {
    const { text, position } = at(`${HEAD}spec:\n  topology:\n    controlPlane:\n      vmCl|\n`);
    const item = completionsAt(text, position).find((c) => c.label === 'vmClass');
    assert.ok(item);
    assert.equal(item.range.start.character, 6);
    assert.equal(item.insertText, 'vmClass: $0');
  });

  it('offers nothing in YAML that is not ours', () => {
    const { text, position } = at('apiVersion: v1\nkind: ConfigMap\ndata:\n  |\n');
    assert.deepEqual(completionsAt(text, position), []);
  });

  it('uses the document under the cursor in a multi-document file', () => {
    const { text, position } = at(`apiVersion: v1\nkind: ConfigMap\n---\n${HEAD.replace('v1alpha2', 'v1alpha3')}spec:\n  topology:\n    nodePools:\n    - name: a\n      |\n`);
    assert.ok(completionsAt(text, position).some((c) => c.label === 'failureDomain'), 'v1alpha3 has failureDomain');
  });
});

describe('hover', () => {
  it('shows the field path, type and description', () => {
    const text = `${HEAD}spec:\n  topology:\n    nodePools:\n    - name: a\n      failureDomain: zone-a\n`.replace('v1alpha2', 'v1alpha3');
    const line = text.split('\n').findIndex((l) => l.includes('failureDomain'));
    const h = hoverAt(text, { line, character: 8 });
    assert.ok(h);
    assert.match(h.markdown, /spec\.topology\.nodePools\[0\]\.failureDomain/);
    assert.match(h.markdown, /Zone/);
    assert.equal(h.range.start.character, 6);
    assert.equal(h.range.end.character, 6 + 'failureDomain'.length);
  });

  it('is silent off a key', () => {
    const text = `${HEAD}spec: {}\n`;
    assert.equal(hoverAt(text, { line: 3, character: 10 }), undefined);
  });
});
