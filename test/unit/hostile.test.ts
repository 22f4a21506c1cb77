/**
 * Hostile input: each gets a clear finding or message, never a hang or a crash, and a bounded
 * amount of work (lookup steps, findings kept), never measured in time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_FINDINGS, validateText } from '../../src/core/engine';
import { lookupWork } from '../../src/core/manifest/document';
import { tkcV1alpha2, yaml } from './builders';

const HEADER = 'apiVersion: run.tanzu.vmware.com/v1alpha2\nkind: TanzuKubernetesCluster\n';

describe('hostile input', () => {
  it('an alias bomb is refused with a clear message', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const text = `${HEADER}metadata:\n  name: bomb\n  annotations: {}\nspec:\n  bomb:\n${levels.map((l) => `    ${l}`).join('\n')}\n`;
    const before = lookupWork.steps;
    const findings = validateText(text);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].code, 'yaml-syntax');
    assert.match(findings[0].message, /alias bomb/);
    assert.equal(lookupWork.steps - before, 0, 'refused before any lookup');
  });

  it('a deeply nested document is refused without recursion', () => {
    const depth = 100_000;
    const text = `${HEADER}metadata: {name: deep}\nspec: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
    const before = lookupWork.steps;
    const findings = validateText(text);
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /nested \d+ levels deep/);
    assert.equal(lookupWork.steps - before, 0, 'refused before any lookup');
  });

  it('deep block nesting is refused too', () => {
    let text = `${HEADER}metadata: {name: deep}\nspec:\n`;
    for (let i = 1; i < 400; i++) text += `${'  '.repeat(i)}k${i}:\n`;
    const before = lookupWork.steps;
    const findings = validateText(text);
    assert.ok(findings.some((f) => /nested \d+ levels deep/.test(f.message)));
    assert.equal(lookupWork.steps - before, 0, 'refused before any lookup');
  });

  it('a binary file is named as such', () => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    const before = lookupWork.steps;
    const findings = validateText(bytes.toString('latin1'));
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /binary file/);
    assert.equal(lookupWork.steps - before, 0, 'refused before any lookup');
  });

  it('an empty file, and a file of comments and markers, give nothing', () => {
    assert.deepEqual(validateText(''), []);
    assert.deepEqual(validateText('# only a comment\n---\n...\n---\n'), []);
  });

  it('a 10 MB file of manifests is validated (every document found)', () => {
    const doc = yaml(tkcV1alpha2({ topology: { controlPlane: { replicas: 2 } } }));
    const count = Math.ceil((10 * 1024 * 1024) / doc.length);
    const text = Array(count).fill(doc).join('---\n');
    assert.ok(text.length >= 10 * 1024 * 1024);
    const before = lookupWork.steps;
    const findings = validateText(text);
    assert.equal(findings.filter((f) => f.code === 'control-plane-replicas').length, count);
    // each document is small: a bounded number of lookups each, whatever the file's size
    assert.ok(lookupWork.steps - before <= 200 * count, `${lookupWork.steps - before} lookup steps for ${count} documents`);
    assert.ok(findings.length <= (MAX_FINDINGS + 1) * count);
  });

  it('a document that is a scalar or a list is left alone', () => {
    assert.deepEqual(validateText('just a string\n---\n- a\n- b\n'), []);
  });

  it('an unknown version of a known kind is a warning, not silence', () => {
    const text = `apiVersion: run.tanzu.vmware.com/v1alpha9\nkind: TanzuKubernetesCluster\nmetadata: {name: x}\n`;
    const [f] = validateText(text);
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /v1alpha1, v1alpha2, v1alpha3/);
    assert.equal(f.range.start.line, 0);
    assert.equal(f.range.start.character, 'apiVersion: '.length);
  });
});
