/** jqPathExpressions evaluated by jq itself (jq-wasm): the paths each object's expressions select. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jqPaths } from '../../src/argocd/jq';

const ref = (kind: string, name: string) => ({ group: '', kind, namespace: 'team-a', name });

describe('jqPaths', () => {
  it('gives, per object, the paths path(<expression>) selects, only on the objects its entry matches', async () => {
    const pod = { spec: { containers: [{ name: 'app', image: 'a:1' }, { name: 'sidecar', image: 's:1' }] } };
    const cm = { data: { generated: 'x', keep: 'y' } };
    const r = await jqPaths([{ object: pod, ref: ref('Pod', 'p') }, { object: cm, ref: ref('ConfigMap', 'c') }], [
      { kind: 'Pod', jqPathExpressions: ['.spec.containers[] | select(.name == "sidecar") | .image'] },
      { kind: 'ConfigMap', name: 'other', jqPathExpressions: ['.data.keep'] },
    ]);
    assert.deepEqual(r.paths.get(pod), [['spec', 'containers', 1, 'image']]);
    assert.equal(r.paths.get(cm), undefined, 'the entry names another ConfigMap');
    assert.deepEqual(r.warnings, []);
  });

  it('an expression that fails on one object removes nothing from it and still applies to the others; one that does not compile is a warning, once', async () => {
    const a = { spec: { n: 1 } };
    const b = { spec: 'text' };
    const r = await jqPaths([{ object: a, ref: ref('Thing', 'a') }, { object: b, ref: ref('Thing', 'b') }], [
      { kind: 'Thing', jqPathExpressions: ['.spec.n', '.spec |||'] },
    ]);
    assert.deepEqual(r.paths.get(a), [['spec', 'n']]);
    assert.equal(r.paths.get(b), undefined, 'jq cannot index a string: nothing is removed');
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0], /jqPathExpression "\.spec \|\|\|" is not applied: jq: error: syntax error/);
    assert.equal(process.exitCode ?? 0, 0, "jq's failure does not become the process's exit code");
  });
});
