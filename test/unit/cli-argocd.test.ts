/** `tanzu-gitops argocd`: its arguments, and what it refuses before connecting. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgocdArgs } from '../../src/cli/argocd';

describe('argocd arguments', () => {
  it('terminate, history and rollback with the Application, its namespace and a history id', () => {
    assert.deepEqual([parseArgocdArgs(['terminate', 'apps']).action, parseArgocdArgs(['terminate', 'apps']).namespace], ['terminate', 'argocd']);
    const r = parseArgocdArgs(['rollback', 'apps', '3', '--argocd-namespace', 'team-c', '--wait', '-o', 'json']);
    assert.deepEqual([r.action, r.name, r.id, r.namespace, r.wait, r.format], ['rollback', 'apps', 3, 'team-c', true, 'json']);
  });

  it('says what is missing or too much', () => {
    assert.throws(() => parseArgocdArgs([]), /argocd needs terminate, history or rollback/);
    assert.throws(() => parseArgocdArgs(['sync', 'apps']), /\(got sync\)/);
    assert.throws(() => parseArgocdArgs(['history']), /needs the Application's name/);
    assert.throws(() => parseArgocdArgs(['rollback', 'apps']), /needs the history id/);
    assert.throws(() => parseArgocdArgs(['rollback', 'apps', 'x1']), /needs the history id/);
    assert.throws(() => parseArgocdArgs(['history', 'apps', '2']), /argocd history takes NAME only/);
    assert.throws(() => parseArgocdArgs(['terminate', 'apps', '--wait']), /--wait applies to rollback/);
  });
});
