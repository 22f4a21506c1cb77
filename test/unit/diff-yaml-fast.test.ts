/**
 * The fast paths of the diff texts give the libraries' very texts: the YAML writer (or nothing, and
 * the yaml library is asked), and the unified diff of a side that is absent.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments, stringify } from 'yaml';
import { createTwoFilesPatch } from 'diff';
import { orderLike, toYaml, unifiedDiff } from '../../src/core/diff/unified';
import { fastYaml } from '../../src/core/diff/yaml-fast';

const OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

/** Whenever fastYaml answers, its text is the library's. */
function same(value: unknown): boolean {
  const fast = fastYaml(value);
  if (fast === undefined) return false;
  assert.equal(fast, stringify(value, OPTIONS), `for ${JSON.stringify(value)}`);
  return true;
}

/** A small deterministic PRNG (mulberry32), so a failure is reproducible. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// characters that make YAML quote, escape or fold, mixed with ordinary ones
const ALPHABET = ['a', 'b', 'Z', '0', '1', '9', '.', '/', ':', '@', '=', '+', '-', '_', ' ', '#', ',', '[', ']', '{', '}', '"', "'", '\\', '\t', '\n', '!', '&', '*', '|', '>', '%', '`', '?', '~', 'é', 'e', 'x', 'o', 'E'];
const WORDS = ['', 'null', 'Null', 'NULL', '~', 'true', 'True', 'FALSE', 'yes', 'no', 'on', 'off', 'y', 'n', '0', '007', '-1', '+1', '1.5', '.5', '1e3', '1E+3', '0x1F', '0o17', '.inf', '-.Inf', '.nan', '1_000', '---', '...', '- a', '-a', '? a', 'a: b', 'a:b', 'b:', 'a #b', 'a#b', '4Gi', '192.168.0.0/16', '10.96.0.0', 'v1.25.7---vmware.3-fips.1-tkg.1', 'http://x/y', 'x y', 'x  y', ' x', 'x ', '2024-01-01T00:00:00Z', '1d', '=', '@a', '%a', '&a', '*a', '!a', '|', '>', 'a\nb', 'a\tb', '"q"', "'q'", 'é', '__proto__'];

function randomString(r: () => number): string {
  if (r() < 0.5) return WORDS[Math.floor(r() * WORDS.length)];
  const n = Math.floor(r() * 12);
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

function randomValue(r: () => number, depth: number): unknown {
  const p = r();
  if (depth > 3 || p < 0.45) {
    const q = r();
    if (q < 0.55) return randomString(r);
    if (q < 0.7) return [0, 1, -1, 1.5, -0, 1e21, 0.1, 2 ** 53, NaN, Infinity][Math.floor(r() * 10)];
    if (q < 0.8) return r() < 0.5;
    if (q < 0.9) return null;
    return undefined;
  }
  if (p < 0.7) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  return randomMap(r, depth + 1);
}

function randomMap(r: () => number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    const key = r() < 0.7 ? ['name', 'spec', 'metadata', 'a.b/c-d', 'k', 'x_y', 'replicas', 'data'][Math.floor(r() * 8)] + (r() < 0.3 ? String(i) : '') : randomString(r);
    if (key === '__proto__') continue;
    out[key] = randomValue(r, depth);
  }
  return out;
}

describe('fastYaml', () => {
  it('writes what the library writes: maps, lists, empty ones, nesting, scalars', () => {
    assert.ok(same({ a: 1, b: 'x y', e: '', m: {}, l: [], n: null, t: true, f: false, neg: -0, half: 1.5, big: 1e21 }));
    assert.ok(same({ nested: { k: 'v', deep: { z: 0 } }, list: ['a', 'b'], lom: [{ name: 'w', r: 1, sub: { q: 1 }, l2: ['x'] }, {}, []] }));
    assert.ok(same({ los: [['a', 'b'], ['c'], [[]], [{}], [['x', ['y']]]], mixed: [{ k: { z: 1 } }, { k: [1, 2] }, { k: [] }] }));
    assert.ok(same({ skipped: undefined, kept: 1, list: [1, undefined, 2] }));
    assert.ok(same({}));
    assert.ok(same({ a: { b: undefined } }));
  });

  it('leaves to the library what it would quote, escape or fold, and anything not plain data', () => {
    for (const v of ['true', 'null', '1.25', '007', '0x1F', 'a: b', 'a #b', 'ends:', 'trailing ', ' lead', 'a\nb', 'tab\t', '"q"', 'é', '-a', '*a', '[a]', 'a,b']) {
      assert.equal(fastYaml({ v }), undefined, JSON.stringify(v));
    }
    assert.equal(fastYaml({ v: NaN }), undefined);
    assert.equal(fastYaml({ v: new Date(0) }), undefined);
    assert.equal(fastYaml({ 'k:colon': 1 }), undefined);
    assert.equal(fastYaml({ '1': 1 }), undefined);
    assert.equal(fastYaml([1]), undefined);
    assert.equal(fastYaml('x'), undefined);
  });

  it('covers the usual Kubernetes objects (so the fast path is the one taken)', () => {
    assert.ok(same({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bench-cm-000', namespace: 'tg-sync-bench', labels: { 'tanzu-gitops.dev/bench': 'sync' }, annotations: { 'tanzu-gitops.io/tracking': 'repo-x:/ConfigMap:tg-sync-bench/bench-cm-000' } }, data: { 'key-0': 'value 000-0' } }));
    assert.ok(same({
      apiVersion: 'run.tanzu.vmware.com/v1alpha2', kind: 'TanzuKubernetesCluster', metadata: { name: 'tkc', namespace: 'ns', creationTimestamp: '2024-01-01T00:00:00Z', generation: 1, uid: '5f0c0b9e-1d1c-4c1e-9a7e-0d7c1c9f1a2b' },
      spec: {
        topology: { controlPlane: { replicas: 3, vmClass: 'best-effort-small', storageClass: 'gold', tkr: { reference: { name: 'v1.25.7---vmware.3-fips.1-tkg.1' } } }, nodePools: [{ name: 'workers', replicas: 2, vmClass: 'best-effort-small', storageClass: 'gold' }] },
        settings: { network: { cni: { name: 'antrea' }, pods: { cidrBlocks: ['192.168.0.0/16'] }, services: { cidrBlocks: ['10.96.0.0/12'] }, serviceDomain: 'cluster.local' } },
      },
    }));
  });

  it('agrees with the library on 20,000 random documents of tricky keys and values', () => {
    const r = rng(20240601);
    let answered = 0;
    for (let i = 0; i < 20_000; i++) if (same(randomMap(r, 0))) answered++;
    assert.ok(answered > 2_000, `the fast path answered only ${answered} times`);
  });

  it('agrees with the library on 20,000 random strings of the characters it writes plain, as values and keys', () => {
    const r = rng(7);
    const chars = 'aZ09._/:@=+- ';
    const keyChars = 'aZ09._/-';
    const word = (set: string, max: number) => Array.from({ length: 1 + Math.floor(r() * max) }, () => set[Math.floor(r() * set.length)]).join('');
    let answered = 0;
    for (let i = 0; i < 20_000; i++) {
      const value = word(chars, 8);
      if (same({ [word(keyChars, 6)]: value, list: [value], nested: { [word(keyChars, 4)]: [{ k: value }] } })) answered++;
    }
    assert.ok(answered > 2_000, `the fast path answered only ${answered} times`);
  });

  it('agrees with the library on every document of the test fixtures, as toYaml orders them', () => {
    const root = path.join(__dirname, '../../../test/fixtures');
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ya?ml|json)$/.test(e.name)) files.push(p);
      }
    };
    walk(root);
    let docs = 0;
    for (const f of files) {
      for (const doc of parseAllDocuments(fs.readFileSync(f, 'utf8'))) {
        if (!('toJS' in doc)) continue;
        let value: unknown;
        try {
          value = doc.toJS();
        } catch {
          continue;
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
        docs++;
        const ordered = orderLike(value, value, ['apiVersion', 'kind', 'metadata', 'spec']);
        if (fastYaml(ordered) !== undefined) assert.equal(toYaml(value as Record<string, unknown>), stringify(ordered, OPTIONS), f);
        same(value);
      }
    }
    assert.ok(docs > 20, `only ${docs} fixture documents`);
  });
});

describe('unifiedDiff of an absent side', () => {
  it('is the library\'s patch: every line added (a create) or removed (a delete)', () => {
    const options = { context: 3, headerOptions: { includeIndex: false, includeUnderline: false, includeFileHeaders: true } };
    const texts = ['a: 1\n', 'a: 1\nb: 2\n', 'a\n\nb\n', '\n', '- x\n- y\n', 'k: "q"\n  - z\n', 'no newline', 'cr\r\nlf\n', ''];
    for (const t of texts) {
      for (const [live, git] of [['', t], [t, '']]) {
        if (live === git) continue;
        assert.equal(unifiedDiff('ns/name', live, git), createTwoFilesPatch('live/ns/name', 'git/ns/name', live, git, undefined, undefined, options), JSON.stringify([live, git]));
      }
    }
  });
});
