/**
 * A field set to null where the schema does not allow null: the API server drops it before
 * validation (apiextensions v1 pruning; ObjectMeta reads a null map as absent), so it is accepted.
 * Said as information at the null, never as an error; what the drop leaves is still validated.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateText } from '../../src/core/engine';
import { lineOf, tkcV1alpha2, tkcV1alpha3, yaml } from './builders';

const schemaFindings = (text: string) => validateText(text).filter((f) => f.code === 'schema');

describe('schema: fields set to null', () => {
  it('fullVersion: null and annotations: null are information, not errors, at the null', () => {
    const text = yaml(tkcV1alpha2({ distribution: { fullVersion: null } }, { annotations: null }));
    const found = schemaFindings(text);
    assert.deepEqual(found.map((f) => `${f.severity} ${f.message}`), [
      'info metadata.annotations is null: the API server drops it before validation, as if it were not there.',
      'info spec.distribution.fullVersion is null: the API server drops it before validation, as if it were not there.',
    ]);
    assert.equal(found[0].range.start.line, lineOf(text, 'annotations: null'));
    assert.equal(found[1].range.start.line, lineOf(text, 'fullVersion: null'));
    assert.ok(validateText(text).every((f) => f.severity !== 'error'), 'no error anywhere');
  });

  it('inside list items too; the rest of the document is still validated', () => {
    const text = yaml(tkcV1alpha3({ topology: { nodePools: [{ name: 'workers', replicas: 1, vmClass: 'best-effort-small', storageClass: 'gold', labels: null, replicaz: 2 }] } }));
    const found = schemaFindings(text);
    assert.deepEqual(found.map((f) => f.severity), ['info', 'error']);
    assert.match(found[0].message, /^spec\.topology\.nodePools\[0\]\.labels is null/);
    assert.match(found[1].message, /Unknown field "replicaz"/);
  });

  it('a required field set to null is dropped too, and then missing: an error, as the server says', () => {
    const text = yaml(tkcV1alpha2({ topology: null }));
    const found = schemaFindings(text);
    assert.ok(found.some((f) => f.severity === 'info' && f.message.startsWith('spec.topology is null')));
    assert.ok(found.some((f) => f.severity === 'error' && f.message === 'spec is missing the required field "topology".'), found.map((f) => f.message).join('\n'));
  });

  it('a valid document without nulls is unchanged: no finding', () => {
    assert.deepEqual(schemaFindings(yaml(tkcV1alpha2())), []);
  });
});
