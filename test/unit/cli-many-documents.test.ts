/**
 * A file of many documents is validated one document at a time: each document's findings are
 * written out before the next is read, never all held at once, and the garbage of one document
 * after another is collected once it passes a budget. Counted in lookup steps, writes and bytes,
 * never in time.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findingsByDocument, validateText } from '../../src/core/engine';
import { lookupWork } from '../../src/core/manifest/document';
import { findingsWriter, formatJson, formatSarif, formatText, type FileFindings } from '../../src/cli/format';
import { garbageBudget, oldGeneration } from '../../src/cli/heap';
import { runValidate } from '../../src/cli/main';
import type { Finding } from '../../src/core/types';

/** A cluster with a misspelt field and a control plane of 2: findings that need lookups. */
const doc = (i: number) =>
  `apiVersion: run.tanzu.vmware.com/v1alpha3\nkind: TanzuKubernetesCluster\nmetadata:\n  name: c${i}\n  namespace: ns\nspec:\n  topology:\n    controlPlane:\n      replicas: 2\n    nodePols: []\n`;
const file = (n: number) => Array.from({ length: n }, (_, i) => doc(i)).join('---\n');

describe('many documents', () => {
  it('findingsByDocument validates one document per step, and all of them give what validateText gives', () => {
    const before = lookupWork.steps;
    validateText(doc(0));
    const one = lookupWork.steps - before;
    assert.ok(one > 0);
    const text = file(200);
    const documents = findingsByDocument(text);
    const start = lookupWork.steps;
    const first = documents.next();
    assert.equal(first.done, false);
    assert.equal(lookupWork.steps - start, one, 'the first step looked up one document, not the file');
    const all: Finding[] = [...(first.value as Finding[])];
    let count = 1;
    for (const found of documents) {
      all.push(...found);
      count++;
    }
    assert.equal(count, 200);
    assert.deepEqual(all, validateText(text));
    assert.equal(all.filter((f) => f.code === 'control-plane-replicas').length, 200);
  });

  it('validate writes each document\'s findings before it reads the next, the same bytes as all at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-many-'));
    try {
      const path = join(dir, 'clusters.yaml');
      const text = file(50);
      writeFileSync(path, text);
      const writes: { s: string; steps: number }[] = [];
      let stderr = '';
      const code = await runValidate([path], (s) => { writes.push({ s, steps: lookupWork.steps }); }, (s) => { stderr += s; });
      assert.equal(code, 1, stderr);
      assert.equal(writes.length, 50, 'one write per document');
      for (let i = 1; i < writes.length; i++) assert.ok(writes[i].steps > writes[i - 1].steps, `document ${i} was validated after ${i - 1} was written`);
      const all = validateText(text);
      assert.equal(writes.map((w) => w.s).join(''), `${formatText([{ file: path, findings: all }])}\n`);
      const count = (severity: string) => all.filter((f) => f.severity === severity).length;
      assert.ok(count('error') >= 100);
      assert.match(stderr, new RegExp(`1 file checked: ${count('error')} errors, ${count('warning')} warnings`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the written formats are exactly what formatText, formatJson and formatSarif give, in parts or none', () => {
    const at = (line: number) => ({ start: { line, character: 2 }, end: { line, character: 7 } });
    const f = (code: string, line: number, severity: Finding['severity'] = 'error'): Finding => ({ code, severity, message: `${code} "quoted"\\ at ${line}`, range: at(line) });
    const parts: FileFindings[] = [
      { file: 'a.yaml', findings: [f('schema', 1), f('deprecated-api', 2, 'warning')] },
      { file: 'a.yaml', findings: [] },
      { file: 'a.yaml', findings: [f('schema', 40, 'info')] },
      { file: 'b.yaml', findings: [f('control-plane-replicas', 3)], renderedBy: 'overlays/prod' },
    ];
    for (const results of [parts, [], [{ file: 'c.yaml', findings: [] }]]) {
      const expected = {
        text: formatText(results) ? `${formatText(results)}\n` : '',
        json: `${formatJson(results)}\n`,
        sarif: `${formatSarif(results, '9.9.9')}\n`,
      };
      for (const format of ['text', 'json', 'sarif'] as const) {
        let out = '';
        const w = findingsWriter(format, (s) => { out += s; }, '9.9.9');
        for (const r of results) w.add(r);
        w.end();
        assert.equal(out, expected[format], `${format}, ${results.length} parts`);
      }
    }
  });

  it('a full collection is asked for once the old generation grew past the budget, and not before', () => {
    const megabytes = (n: number) => Array.from({ length: n }, () => Array.from({ length: 131_072 }, () => 0.5));
    const budget = garbageBudget(8 * 1024 * 1024);
    assert.equal(budget.check(), false);
    // 24 MB held: past the budget whatever V8 collected meanwhile, since it cannot free them
    const holder: { held?: number[][]; garbage?: number[][] } = { held: megabytes(24) };
    assert.equal(budget.check(), true);
    assert.equal(budget.collections, 1);
    assert.equal(budget.check(), false, 'no growth since the collection');
    const withHeld = oldGeneration();
    // 24 MB more, then both let go: garbage that this check (or V8 before it) collects
    holder.garbage = megabytes(24);
    const withGarbage = oldGeneration();
    assert.ok(withGarbage > withHeld + 16 * 1024 * 1024);
    delete holder.held;
    delete holder.garbage;
    budget.check();
    assert.ok(oldGeneration() < withGarbage - 32 * 1024 * 1024, 'both were freed');
  });
});
