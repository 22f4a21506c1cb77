import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IncrementalValidator, validateText } from '../../src/core/engine';
import { lineOf, tkcV1alpha2, yaml } from './builders';

describe('engine', () => {
  it('finds nothing in a valid TKC v1alpha2', () => {
    assert.deepEqual(validateText(yaml(tkcV1alpha2())), []);
  });

  it('leaves YAML that is not ours alone, even when malformed', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n---\napiVersion: apps/v1\nkind: Deployment\nspec: {}\n';
    assert.deepEqual(validateText(text), []);
  });

  it('reports a syntax error at its position and still validates the other documents', () => {
    const good = yaml(tkcV1alpha2({ topology: { controlPlane: { replicas: 2 } } }));
    const bad = 'apiVersion: run.tanzu.vmware.com/v1alpha2\nkind: TanzuKubernetesCluster\nmetadata:\n  name: broken\n  labels: {a: 1\nspec: {}\n';
    const text = `${bad}---\n${good}`;
    const findings = validateText(text);
    const syntax = findings.filter((f) => f.code === 'yaml-syntax');
    assert.ok(syntax.length >= 1, 'a yaml-syntax finding');
    assert.ok(syntax.every((f) => f.range.start.line < lineOf(text, '---')), 'syntax error inside the first document');
    const replicas = findings.find((f) => f.code === 'control-plane-replicas');
    assert.ok(replicas, 'second document still validated');
    assert.equal(replicas.range.start.line, lineOf(text, 'replicas: 2'));
  });

  it('shifts ranges of later documents to their place in the file', () => {
    const doc = yaml(tkcV1alpha2({ topology: { controlPlane: { replicas: 5 } } }));
    const text = `${doc}---\n${doc}`;
    const lines = validateText(text).filter((f) => f.code === 'control-plane-replicas').map((f) => f.range.start.line);
    assert.deepEqual(lines, [lineOf(text, 'replicas: 5'), lineOf(text, 'replicas: 5', lineOf(text, 'replicas: 5') + 1)]);
  });

  it('re-validates only the document an edit changed', () => {
    const docs = Array.from({ length: 20 }, (_, i) => tkcV1alpha2({}, { name: `c-${i}` }));
    const text = yaml(...docs);
    const v = new IncrementalValidator();
    v.validate(text);
    assert.equal(v.lastStats.validated, 20);
    const edited = text.replace('name: c-7', 'name: c-7x');
    v.validate(edited);
    assert.deepEqual(v.lastStats, { documents: 20, validated: 1 });
    // Inserting lines above shifts positions without re-validating.
    const shifted = '# a comment\n\n' + edited.replace('replicas: 3', 'replicas: 4');
    const findings = v.validate(shifted);
    assert.equal(v.lastStats.validated, 1);
    assert.equal(findings.find((f) => f.code === 'control-plane-replicas')?.range.start.line, lineOf(shifted, 'replicas: 4'));
  });

  it('validateAsync stops when cancelled and gives the same result otherwise', async () => {
    const text = yaml(...Array.from({ length: 50 }, (_, i) => tkcV1alpha2({ topology: { controlPlane: { replicas: 2 } } }, { name: `c-${i}` })));
    const expected = validateText(text);
    assert.deepEqual(await new IncrementalValidator().validateAsync(text, { isCancellationRequested: false }), expected);
    const token = { isCancellationRequested: false };
    const pending = new IncrementalValidator().validateAsync(text, token, 0);
    token.isCancellationRequested = true;
    assert.equal(await pending, undefined);
  });

  it('sorts findings by position within a document', () => {
    const text = yaml(tkcV1alpha2({ topology: { controlPlane: { replicas: 2 } }, settings: { network: { cni: { name: 'flannel' } } } }, { name: 'Bad_Name' }));
    const lines = validateText(text).map((f) => f.range.start.line);
    assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
  });
});
