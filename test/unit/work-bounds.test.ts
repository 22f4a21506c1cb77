/**
 * Work grows linearly with the input, whatever its shape: counted in lookup steps and findings
 * kept, never in time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECK_FAILED, MAX_FINDINGS, validateText } from '../../src/core/engine';
import { entryCount, LIMITS, lookupWork, nestingDepth } from '../../src/core/manifest/document';
import { fastParse, FAST_MAX_DEPTH } from '../../src/core/manifest/fast-parse';
import type { Rule } from '../../src/core/findings/rule';

const HEADER = 'apiVersion: run.tanzu.vmware.com/v1alpha3\nkind: TanzuKubernetesCluster\nmetadata:\n  name: big\n';

function unknownKeys(n: number): string {
  const parts = [HEADER, 'spec:\n'];
  for (let i = 0; i < n; i++) parts.push(`  k${i}: 1\n`);
  return parts.join('');
}

function longList(n: number): string {
  const parts = [HEADER, 'spec:\n  topology:\n    nodePools:\n'];
  for (let i = 0; i < n; i++) parts.push('    - x\n');
  return parts.join('');
}

/** Findings of a text and the lookup steps they took. */
function measured(text: string) {
  const before = lookupWork.steps;
  const findings = validateText(text);
  return { findings, steps: lookupWork.steps - before };
}

function moreOf(findings: readonly { code: string; message: string }[]): number {
  const last = findings[findings.length - 1];
  assert.equal(last.code, 'more-findings');
  return Number(/and ([\d,]+) more/.exec(last.message)![1].replace(/,/g, ''));
}

describe('work bounds', () => {
  it('300,000 unknown keys: one finding that the document is too large to check, with no parse', () => {
    const n = 300_000;
    const text = unknownKeys(n);
    // the count stops just past the limit: the rest of the text is never looked at
    assert.equal(entryCount(text, LIMITS.maxEntries), LIMITS.maxEntries + 1);
    const { findings, steps } = measured(text);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].code, CHECK_FAILED);
    assert.equal(findings[0].severity, 'error');
    assert.match(findings[0].message, /too large to check: it holds more than 10,000 entries/);
    assert.equal(steps, 0, 'no path was looked up: nothing was parsed');
  });

  it('a 200,000-item list: the same', () => {
    const text = longList(200_000);
    assert.equal(entryCount(text, LIMITS.maxEntries), LIMITS.maxEntries + 1);
    const findings = validateText(text);
    assert.deepEqual(findings.map((f) => f.code), [CHECK_FAILED]);
  });

  it('a large document that is not ours is left alone, as any other', () => {
    const parts = ['apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  annotations:\n    note: run.tanzu.vmware.com/v1alpha3 TanzuKubernetesCluster\ndata:\n'];
    for (let i = 0; i < 50_000; i++) parts.push(`  k${i}: v\n`);
    assert.deepEqual(validateText(parts.join('')), []);
  });

  it('entries are counted as the parser would make them, not in quotes, comments or block scalars', () => {
    assert.equal(entryCount('a: 1\nb:\n  - x\n  - {c: 1, d: [1, 2]}\n'), 10); // a, b, two items, the flow map and its 2 keys and 1 comma, the flow list and its 1 comma
    assert.equal(entryCount('a: "x: 1, [y]" # z: 2, - w\nb: \'- q: r\'\n'), 2);
    const block = ['a: |\n'];
    for (let i = 0; i < 30_000; i++) block.push(`  - k${i}: [v, w]\n`);
    block.push('b: >-\n  folded: text\nc: 1\n');
    assert.equal(entryCount(block.join('')), 3);
    assert.equal(entryCount('- - - a\n'), 3);
  });

  it('just under the limit, a document is validated: 1,000 findings kept and one that counts the rest; lookups linear in the keys', () => {
    const n = 9_000;
    const text = unknownKeys(n);
    assert.ok(entryCount(text) <= LIMITS.maxEntries);
    const { findings, steps } = measured(text);
    assert.equal(findings.length, MAX_FINDINGS + 1);
    assert.equal(findings.filter((f) => f.code === 'schema' && /^Unknown field "k\d+" in spec/.test(f.message)).length, MAX_FINDINGS - 2);
    // every key is a finding, plus "missing topology" and the deprecation: all counted
    assert.equal(moreOf(findings) + MAX_FINDINGS, n + 2);
    assert.equal(findings[findings.length - 1].severity, 'error');
    // one index of the big map (n) and a few steps per finding kept; a scan per finding would be n * 1,000
    assert.ok(steps <= n + 20 * MAX_FINDINGS, `${steps} lookup steps for ${n} keys`);
  });

  it('lookups grow with the keys, not with their square', () => {
    const small = measured(unknownKeys(900)).steps;
    const large = measured(unknownKeys(9_000)).steps;
    assert.ok(large <= 10 * small + 20 * MAX_FINDINGS, `900 keys: ${small} steps; 9,000 keys: ${large}`);
  });

  it('a 9,000-item list: 1,000 findings kept, the rest counted', () => {
    const n = 9_000;
    const { findings, steps } = measured(longList(n));
    assert.equal(findings.length, MAX_FINDINGS + 1);
    assert.ok(moreOf(findings) >= n - MAX_FINDINGS, 'each item that is not a node pool is counted');
    assert.ok(steps <= 20 * MAX_FINDINGS, `${steps} lookup steps`);
  });

  it('findings under the limit are all kept, with no last one', () => {
    const findings = validateText(unknownKeys(500));
    assert.equal(findings.filter((f) => f.code === 'more-findings').length, 0);
    assert.equal(findings.filter((f) => /^Unknown field/.test(f.message)).length, 500);
  });

  it('the last finding has the worst severity it counts: nulls dropped are information only', () => {
    const parts = [HEADER, 'spec:\n  topology:\n    controlPlane:\n      replicas: 1\n      vmClass: a\n      storageClass: b\n      tkr:\n        reference:\n          name: v1.26.5---vmware.2-fips.1-tkg.1\n    nodePools:\n'];
    for (let i = 0; i < 1_500; i++) parts.push(`    - name: np${i}\n      replicas: 1\n      vmClass: a\n      storageClass: b\n      labels: null\n`);
    const findings = validateText(parts.join(''));
    const last = findings[findings.length - 1];
    assert.equal(last.code, 'more-findings');
    assert.equal(last.severity, 'info', last.message);
  });
});

describe('nesting of every kind', () => {
  it('compact sequences "- - - a" count a level each, and are refused before any parser recurses', () => {
    for (const n of [950, 5_000]) {
      const text = `${HEADER}spec:\n  x:\n  ${'- '.repeat(n)}a\n`;
      assert.ok(nestingDepth(text) > n);
      const findings = validateText(text);
      assert.equal(findings.length, 1);
      assert.match(findings[0].message, /nested \d+ levels deep, more than the 200/);
    }
  });

  it('explicit keys "? ? ? a" too', () => {
    const findings = validateText(`${HEADER}spec:\n  x:\n    ${'? '.repeat(2_000)}a\n`);
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /nested \d+ levels deep/);
  });

  it('ordinary manifests stay well under the limit', () => {
    const text = `${HEADER}spec:\n  topology:\n    nodePools:\n    - name: a\n      volumes:\n      - name: v\n        capacity: {storage: [1]}\n`;
    assert.ok(nestingDepth(text) < 10, String(nestingDepth(text)));
  });

  it('the fast parser declines deeper than its limit instead of recursing', () => {
    let text = '';
    for (let i = 0; i < FAST_MAX_DEPTH + 50; i++) text += `${'  '.repeat(i)}k${i}:\n`;
    text += `${'  '.repeat(FAST_MAX_DEPTH + 50)}v: 1\n`;
    assert.equal(fastParse(text), undefined);
    let shallow = '';
    for (let i = 0; i < 20; i++) shallow += `${'  '.repeat(i)}k${i}:\n`;
    shallow += `${'  '.repeat(20)}v: 1\n`;
    assert.ok(fastParse(shallow));
  });
});

describe('a check that cannot run', () => {
  it('is an error finding that says so (never a warning, never silence)', () => {
    const broken: Rule = { id: 'broken', description: 'throws', check: () => { throw new RangeError('Maximum call stack size exceeded'); } };
    const findings = validateText(`${HEADER}spec: {}\n`, { rules: [broken] });
    const failed = findings.filter((f) => f.code === CHECK_FAILED);
    assert.equal(failed.length, 1);
    assert.equal(failed[0].severity, 'error');
    assert.match(failed[0].message, /The broken check could not run on this document, so it was not checked: Maximum call stack size exceeded/);
  });
});
