/**
 * The fast parser against the `yaml` library: whatever it accepts, it must read exactly as the
 * library does (values and ranges), and it must decline whatever the library finds malformed.
 * A corpus of real manifests, hand-picked edge cases, and seeded random mutations of manifests.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { fastParse } from '../../src/core/manifest/fast-parse';
import { splitDocuments } from '../../src/core/manifest/split';
import { fromYaml, type YNode } from '../../src/core/manifest/tree';
import { clusterTkc, tkcV1alpha1, tkcV1alpha2, tkcV1alpha3, yaml } from './builders';
import { ROOT, yamlFilesIn } from './fixtures';

function shape(n: YNode | null): unknown {
  if (!n) return n;
  if (n.kind === 'scalar') return { s: n.value, r: [...n.range] };
  if (n.kind === 'map') return { m: n.range[0], flow: n.flow, pairs: n.pairs.map((p) => [shape(p.key), shape(p.value)]) };
  return { q: n.range[0], flow: n.flow, items: n.items.map(shape) };
}

/** Checks one text; returns whether the fast parser accepted it. */
function agree(text: string): boolean {
  const fast = fastParse(text);
  const doc = parseDocument(text, { uniqueKeys: true, strict: true, prettyErrors: false });
  if (!fast) return false;
  assert.equal(doc.errors.length, 0, `accepted what yaml finds malformed:\n${text}\n${doc.errors.map((e) => e.message).join('\n')}`);
  assert.deepEqual(fast.value, doc.toJS(), `values differ for:\n${text}`);
  assert.deepEqual(shape(fast.root), shape(fromYaml(doc.contents)), `ranges differ for:\n${text}`);
  return true;
}

function corpus(): string[] {
  const texts: string[] = [];
  // test/fixtures holds the public CRDs and examples as well as the goldens' own cases.
  for (const dir of ['samples', 'test/editor/workspace', 'test/fixtures']) {
    for (const p of yamlFilesIn(join(ROOT, dir))) for (const c of splitDocuments(readFileSync(p, 'utf8'))) texts.push(c.text);
  }
  for (const b of [tkcV1alpha1, tkcV1alpha2, tkcV1alpha3, clusterTkc]) texts.push(yaml(b()));
  return texts;
}

/** A small deterministic PRNG (mulberry32), so a failure names a seed that reproduces it. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INSERTS = [':', ': ', '#', ' #', '-', '- ', '"', "'", '[', ']', '{', '}', ',', '&a ', '*a', '!t ', '|', '>', '\t', ' ', '  ', '\n', '\n  ', '\\', '?', '%', '~', '0x1', '1e3', '.inf', 'true', 'null', '__proto__'];

describe('fast parser', () => {
  it('reads every manifest of the corpus as the yaml library does', () => {
    let accepted = 0;
    const texts = corpus();
    for (const t of texts) if (agree(t)) accepted++;
    assert.ok(accepted >= texts.length / 2, `the fast path took only ${accepted} of ${texts.length} documents`);
  });

  it('takes the plain shapes manifests use', () => {
    const cases = [
      'a: 1\nb: two\nc: "three"\nd: \'it\'\'s\'\ne: [x, "y", 3]\nf: []\ng: {}\nh:\ni: ~\nj: -1\nk: 1.5\nl: TRUE\n',
      'spec:\n  list:\n  - a\n  - b: 1\n    c: 2\n  -\n  - - \n',
      'k: v # comment\n# between\n\nm:\n  # indented comment\n  n: o\n',
      '---\nkind: X\nmetadata:\n  annotations:\n    run.tanzu.vmware.com/resolve-os-image: os-name=ubuntu\n',
      'a: b\r\nc:\r\n  - d\r\n',
      '"quoted key": 1\n\'single\': 2\nkey with spaces: 3\n',
      'cidr: ["10.96.0.0/12" , 192.168.0.0/16]\nipv6: fd00::/8\nurl: http://proxy:3128\n',
      // literal block scalars: clip and strip, blank and deeper lines inside, comments, ends
      'data:\n  app.properties: |\n    server.port=8080\n\n      indented: kept\n    # not a comment\n  b: |-\n    x  \n    y\n\n\n  c: 1\n',
      'a: | # header comment\n  x\n # a comment, less indented\nb: 1\n',
      'list:\n- |\n  one\n- k: |-\n    two\n  l: 3\n',
      'a: |\n\n  first after a blank\n  - not: a list\n',
    ];
    for (const c of cases) {
      if (c.includes('- - ')) { assert.equal(fastParse(c), undefined); continue; }
      assert.ok(agree(c), `declined:\n${c}`);
    }
  });

  it('declines what it does not read itself', () => {
    const cases = [
      'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: |+\n  text\n', 'a: |2\n  text\n', 'a: |\n', 'a: |\nb: 1\n', 'a: |\n   \n  x\n',
      'a: |\r\n  text\r\n', 'a: |\n  text', 'a: >\n  text\n', 'a: multi\n  line\n', 'a: {b: 1}\n',
      'a: "esc\\n"\n', 'a:\tb\n', 'a: 1\na: 2\n', '? a\n: b\n', '%YAML 1.2\n---\na: 1\n', 'a: 1e3\n', 'a: 0x1F\n', '1: a\n',
      'true: a\n', 'a: [b, [c]]\n', 'a: [b,\n  c]\n', 'a: b: c\n', '- a\n- b\n', 'just a scalar\n', '', '---\n', 'a: .inf\n',
    ];
    for (const c of cases) assert.equal(fastParse(c), undefined, `accepted:\n${c}`);
  });

  it('agrees with the yaml library on 3,000 random literal block scalars', () => {
    const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
    const sp = (k: number) => ' '.repeat(k);
    let accepted = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const r = rng(seed);
      // a map entry, a sequence item or a compact map in a sequence, at the top or nested
      const base = pick(r, [0, 2]);
      const form = pick(r, ['map', 'seq', 'compact']);
      const lines = base ? ['top:'] : [];
      lines.push(sp(base) + (form === 'map' ? `k: ${pick(r, ['|', '|-', '| # c', '|+', '|2', '>'])}` : form === 'seq' ? `- ${pick(r, ['|', '|-'])}` : `- a: ${pick(r, ['|', '|-'])}`));
      const indent = form === 'compact' ? base + 2 : base;
      const deeper = indent + 1 + Math.floor(r() * 3);
      for (let k = Math.floor(r() * 6); k >= 0; k--) {
        const t = r();
        if (t < 0.15) lines.push('');
        else if (t < 0.25) lines.push(sp(Math.floor(r() * (deeper + 3))));
        else if (t < 0.35) lines.push(sp(deeper + Math.floor(r() * 3)) + pick(r, ['# hash', '- item', 'k: v', 'x  ']));
        else if (t < 0.4) lines.push(sp(Math.max(0, deeper - 1 - Math.floor(r() * 2))) + pick(r, ['# c', 'y']));
        else lines.push(sp(deeper) + pick(r, ['text', 'a: b', 'more text']));
      }
      const next = form === 'map' ? 'z: 1' : form === 'seq' ? '- z' : '  z: 1';
      const tail = pick(r, ['', sp(indent) + next, `${sp(Math.max(0, indent - 1))}# end`, `\n${sp(indent)}${next}`]);
      if (tail) lines.push(tail);
      let text = lines.join('\n') + pick(r, ['\n', '\n', '', '\n\n']);
      if (r() < 0.05) text = text.replace(/\n/g, '\r\n');
      try {
        if (agree(text)) accepted++;
      } catch (err) {
        throw new Error(`seed ${seed}: ${(err as Error).message}`);
      }
    }
    assert.ok(accepted > 300, `only ${accepted} block scalars were taken by the fast path: the property was barely tested`);
  });

  it('agrees with the yaml library on 3,000 random mutations of manifests', () => {
    const base = corpus().filter((t) => fastParse(t));
    let accepted = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const r = rng(seed);
      let text = base[Math.floor(r() * base.length)];
      for (let k = 1 + Math.floor(r() * 3); k > 0; k--) {
        const at = Math.floor(r() * text.length);
        if (r() < 0.3) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 3));
        else text = text.slice(0, at) + INSERTS[Math.floor(r() * INSERTS.length)] + text.slice(at);
      }
      try {
        if (agree(text)) accepted++;
      } catch (err) {
        throw new Error(`seed ${seed}: ${(err as Error).message}`);
      }
    }
    assert.ok(accepted > 300, `only ${accepted} mutations were taken by the fast path: the property was barely tested`);
  });
});
