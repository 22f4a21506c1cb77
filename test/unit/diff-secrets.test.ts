/** Secret masking: no value ever leaves core, and a changed key still shows as changed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldStringData, isSecret, LAST_APPLIED, SecretMasker, secretScrubber } from '../../src/core/diff/secrets';
import type { KubeObject } from '../../src/core/diff/types';
import { describeChange } from '../../src/core/diff/unified';
import { ARGOCD_INSTANCE_LABEL } from '../../src/core/reconcile/ownership';
import { reconcile } from '../../src/core/reconcile/reconcile';
import type { Target } from '../../src/core/reconcile/types';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function secret(data: Record<string, string> = {}, stringData?: Record<string, string>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns-1', ...meta }, type: 'Opaque', data, ...(stringData ? { stringData } : {}) };
}

const data = (o: KubeObject | undefined) => (o?.data ?? {}) as Record<string, string>;

describe('Secret masking', () => {
  it('equal values get the same mask, different values different ones, per key', () => {
    const git = secret({ user: b64('svc'), password: b64('new') });
    const live = secret({ user: b64('svc'), password: b64('old'), token: b64('svc') });
    const m = new SecretMasker([git, live]);
    const g = data(m.mask(git));
    const l = data(m.mask(live));
    assert.equal(g.user, '++++++++');
    assert.equal(l.user, '++++++++');
    assert.equal(g.password, '++++++++');
    assert.equal(l.password, '+++++++++');
    assert.equal(l.token, '++++++++', 'masks are per key: the same value under another key says nothing');
  });

  it('masks do not depend on the values, only on which are equal', () => {
    const masks = (a: string, b: string) => {
      const x = secret({ k: b64(a) });
      const y = secret({ k: b64(b) });
      const m = new SecretMasker([x, y]);
      return [data(m.mask(x)).k, data(m.mask(y)).k];
    };
    assert.deepEqual(masks('a', 'b'), masks('correct horse', 'battery staple'));
    assert.deepEqual(masks('same', 'same'), masks('other', 'other'));
  });

  it('folds stringData into data (base64) first, as the server does; stringData wins', () => {
    const folded = foldStringData(secret({ a: b64('x'), b: b64('from-data') }, { b: 'from-stringData', c: 'plain' }));
    assert.equal(folded.stringData, undefined);
    assert.deepEqual(folded.data, { a: b64('x'), b: b64('from-stringData'), c: b64('plain') });
    const git = secret({}, { password: 'hunter2' });
    const live = secret({ password: b64('hunter2') });
    const m = new SecretMasker([git, live]);
    assert.deepEqual(m.mask(git).data, m.mask(live).data, 'stringData equal to data: same mask');
  });

  it('base64 wrapped over lines equals the same value on one line', () => {
    const value = b64('x'.repeat(120));
    const wrapped = value.replace(/(.{40})/g, '$1\n');
    assert.deepEqual(foldStringData(secret({ ca: wrapped })).data, { ca: value });
  });

  it('masks the last-applied annotation, which holds the Secret in clear', () => {
    const last = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { password: 'hunter2' } });
    const live = secret({ password: b64('hunter2') }, undefined, { annotations: { [LAST_APPLIED]: last } });
    const masked = new SecretMasker([live]).mask(live);
    const annotation = ((masked.metadata as KubeObject).annotations as Record<string, string>)[LAST_APPLIED];
    assert.ok(!annotation.includes('hunter2') && !annotation.includes(b64('hunter2')), annotation);
    assert.deepEqual(JSON.parse(annotation).data, { password: '++++++++' }, 'same value, same mask');
    const broken = secret({}, undefined, { annotations: { [LAST_APPLIED]: '{not json hunter2' } });
    assert.equal(((new SecretMasker([]).mask(broken).metadata as KubeObject).annotations as Record<string, string>)[LAST_APPLIED], '++++++++');
  });

  it('leaves other kinds alone, and does not change its input', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };
    assert.equal(new SecretMasker([cm]).mask(cm), cm);
    assert.equal(isSecret({ apiVersion: 'example.com/v1', kind: 'Secret' }), false, 'only the core Secret');
    const s = secret({ a: b64('v') });
    new SecretMasker([s]).mask(s);
    assert.equal(data(s).a, b64('v'));
  });

  it('a key named __proto__ is masked like any other (an own key, never the prototype)', () => {
    const s = secret(JSON.parse(`{"__proto__": "${b64('proto-value')}", "ok": "${b64('ok-value')}"}`) as Record<string, string>);
    const masked = new SecretMasker([s]).mask(s);
    assert.deepEqual(Object.keys(masked.data as object), ['__proto__', 'ok']);
    assert.ok(!JSON.stringify(masked).includes(b64('proto-value')));
    assert.equal(Object.getPrototypeOf(masked.data), Object.prototype);
  });

  it('non-string values (null, numbers) are masked too', () => {
    const s = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: null, b: 5 } };
    assert.deepEqual(new SecretMasker([s]).mask(s).data, { a: '++++++++', b: '++++++++' });
  });
});

describe('no Secret value anywhere in reconcile results', () => {
  const target: Target = { name: 'clusters', defaultNamespace: 'ns-1', ownership: { kind: 'argocd', appName: 'clusters', trackingMethod: 'label' } };
  const tracked = { labels: { [ARGOCD_INSTANCE_LABEL]: 'clusters' } };
  const VALUES = ['hunter2-new', 'hunter2-old', 'svc-user', 'extra-value', 'unknown-value', 'dup-value', 'missing-value'];

  function assertClean(result: unknown): void {
    const text = JSON.stringify(result);
    for (const v of VALUES) {
      assert.ok(!text.includes(v), `"${v}" appears`);
      assert.ok(!text.includes(b64(v)), `base64 of "${v}" appears`);
    }
  }

  it('OutOfSync, Synced, Missing, Extra, Unknown and duplicates, offline and with a dry-run', () => {
    const last = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', stringData: { password: 'hunter2-old' } });
    const git = [
      { object: secret({ user: b64('svc-user') }, { password: 'hunter2-new' }, { name: 'changed' }), source: { file: 'a.yaml', line: 0 } },
      { object: secret({}, { user: 'svc-user' }, { name: 'same' }), source: { file: 'a.yaml', line: 10 } },
      { object: secret({}, { v: 'missing-value' }, { name: 'missing' }), source: { file: 'a.yaml', line: 20 } },
      { object: { ...secret({}, { v: 'unknown-value' }, { name: 'unknown' }), metadata: { name: 'unknown', namespace: 'ns-2' } }, source: { file: 'a.yaml', line: 30 } },
      { object: secret({}, { v: 'dup-value' }, { name: 'dup' }), source: { file: 'a.yaml', line: 40 } },
      { object: secret({}, { v: 'dup-value' }, { name: 'dup' }), source: { file: 'b.yaml', line: 0 } },
    ];
    const live = [
      secret({ user: b64('svc-user'), password: b64('hunter2-old') }, undefined, { name: 'changed', ...tracked, annotations: { [LAST_APPLIED]: last } }),
      secret({ user: b64('svc-user') }, undefined, { name: 'same', ...tracked }),
      secret({ v: b64('extra-value') }, undefined, { name: 'extra', ...tracked }),
      secret({ v: b64('dup-value') }, undefined, { name: 'dup', ...tracked }),
      { group: '', kind: 'Secret', namespace: 'ns-2', reason: 'forbidden' as const, message: 'secrets is forbidden' },
    ];
    const offline = reconcile({ git, live, target, options: {} });
    assert.deepEqual(offline.resources.map((r) => `${r.name}:${r.status}`), ['changed:OutOfSync', 'dup:Unknown', 'extra:Extra', 'missing:Missing', 'same:Synced', 'unknown:Unknown']);
    assertClean(offline);
    const changed = offline.resources[0];
    assert.deepEqual(changed.diff?.changedPaths, ['data.password']);
    assert.equal(describeChange(changed), 'data.password changed (values hidden)');
    assert.match(changed.diff?.unified ?? '', /^- {2}password: \+{9}$/m);
    assert.match(changed.diff?.unified ?? '', /^\+ {2}password: \+{8}$/m);

    // With dry-run results (which hold the values as data) and ignoreDifferences on data.
    const desired = new Map<string, KubeObject>([
      ['/Secret/ns-1/changed', secret({ user: b64('svc-user'), password: b64('hunter2-new') }, undefined, { name: 'changed', ...tracked })],
      ['/Secret/ns-1/same', secret({ user: b64('svc-user') }, undefined, { name: 'same', ...tracked })],
      ['/Secret/ns-1/missing', secret({ v: b64('missing-value') }, undefined, { name: 'missing', ...tracked })],
    ]);
    const withDryRun = reconcile({ git, live, desired, target, options: { ignoreDifferences: [{ kind: 'Secret', jsonPointers: ['/data/user'] }] } });
    assertClean(withDryRun);
    assert.equal(withDryRun.resources[0].status, 'OutOfSync');
    assert.equal(withDryRun.resources[0].compared, 'dry-run');
  });
});

describe('the scrubber of server messages', () => {
  it('removes Secret values as written, encoded and decoded; leaves short ones and other kinds', () => {
    const scrub = secretScrubber([
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: Buffer.from('decoded-value').toString('base64'), b: 'eA==' }, stringData: { c: 'plain-value' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { d: 'not-a-secret' } },
    ]);
    assert.equal(scrub('decoded-value plain-value cGxhaW4tdmFsdWU= not-a-secret x'), '*** *** *** not-a-secret x');
  });

  it('each line of a multi-line value on its own, and nothing when there is no Secret', () => {
    const pem = '-----BEGIN KEY-----\nsecret-line-one\n-----END KEY-----';
    const scrub = secretScrubber([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'k' }, data: { key: Buffer.from(pem).toString('base64') } }]);
    assert.equal(scrub('refused: secret-line-one'), 'refused: ***');
    assert.equal(secretScrubber([{ apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'some-value' } }])('some-value'), 'some-value');
  });
});
