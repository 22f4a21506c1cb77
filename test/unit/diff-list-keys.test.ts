/** The keyed lists of the built-in kinds: item keys with their defaults, pairing and containment. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contains, itemKey, listShapeOf, pairByKey } from '../../src/core/diff/list-keys';

const ports = { keys: ['containerPort', 'protocol'], keyDefaults: { protocol: 'TCP' } };

describe('list keys', () => {
  it('an item key fills in the defaults of its key fields; an item without a key field has none', () => {
    assert.equal(itemKey({ containerPort: 80 }, ports), itemKey({ containerPort: 80, protocol: 'TCP' }, ports));
    assert.notEqual(itemKey({ containerPort: 80 }, ports), itemKey({ containerPort: 80, protocol: 'UDP' }, ports));
    assert.equal(itemKey({ protocol: 'TCP' }, ports), undefined);
    assert.equal(itemKey('80', ports), undefined);
    assert.equal(itemKey({ name: { nested: true } }, { keys: ['name'] }), undefined, 'a key is a scalar');
  });

  it('pairs items by key in order; a key twice (either side) or another order pairs nothing', () => {
    const byName = { keys: ['name'] };
    assert.deepEqual(pairByKey([{ name: 'b' }], [{ name: 'a', x: 1 }, { name: 'b', x: 2 }], byName), [[{ name: 'b' }, { name: 'b', x: 2 }]]);
    assert.equal(pairByKey([{ name: 'b' }, { name: 'a' }], [{ name: 'a' }, { name: 'b' }], byName), undefined);
    assert.equal(pairByKey([{ name: 'a' }, { name: 'a' }], [{ name: 'a' }], byName), undefined);
    assert.equal(pairByKey([{ name: 'a' }], [{ name: 'a' }, { name: 'a' }], byName), undefined);
    assert.equal(pairByKey([{ name: 'c' }], [{ name: 'a' }], byName), undefined);
  });

  it('the shapes are those of built-in kinds only', () => {
    assert.ok(listShapeOf('apps/v1', 'Deployment')?.fields?.spec);
    assert.ok(listShapeOf('v1', 'Service'));
    assert.ok(listShapeOf('batch/v1', 'CronJob'));
    assert.equal(listShapeOf('example.com/v1', 'Deployment'), undefined);
    assert.equal(listShapeOf('run.tanzu.vmware.com/v1alpha2', 'TanzuKubernetesCluster'), undefined);
    assert.equal(listShapeOf(undefined, 'Pod'), undefined);
  });

  it('contains: a CronJob\'s containers are keyed at their depth; a defaulted field inside is contained, a changed one is not', () => {
    const shape = listShapeOf('batch/v1', 'CronJob');
    const cron = (c: Record<string, unknown>) => ({ spec: { jobTemplate: { spec: { template: { spec: { containers: [c] } } } } } });
    assert.equal(contains(cron({ name: 'j', image: 'busybox' }), cron({ name: 'j', image: 'busybox', imagePullPolicy: 'Always' }), shape), true);
    assert.equal(contains(cron({ name: 'j', image: 'busybox:2' }), cron({ name: 'j', image: 'busybox', imagePullPolicy: 'Always' }), shape), false);
    assert.equal(contains(cron({ name: 'j', image: 'busybox' }), cron({ name: 'j', image: 'busybox', imagePullPolicy: 'Always' })), false, 'without a shape the list is compared whole');
  });
});
