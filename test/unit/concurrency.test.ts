/** Work shared while it runs (core/concurrency.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sharedWhileRunning } from '../../src/core/concurrency';

describe('sharedWhileRunning', () => {
  it('calls that overlap share one run; a call after it settled starts another', async () => {
    const inFlight = new Map<string, Promise<number>>();
    let runs = 0;
    let release: () => void = () => {};
    const start = () => new Promise<number>((resolve) => { runs++; release = () => resolve(runs); });
    const a = sharedWhileRunning(inFlight, 'k', start);
    const b = sharedWhileRunning(inFlight, 'k', start);
    assert.equal(a, b);
    release();
    assert.deepEqual(await Promise.all([a, b]), [1, 1]);
    assert.equal(inFlight.size, 0);
    const c = sharedWhileRunning(inFlight, 'k', start);
    release();
    assert.equal(await c, 2);
  });

  it('a failed run is not kept: the next call runs again', async () => {
    const inFlight = new Map<string, Promise<string>>();
    let runs = 0;
    await assert.rejects(sharedWhileRunning(inFlight, 'k', async () => { runs++; throw new Error('no'); }), /no/);
    assert.equal(await sharedWhileRunning(inFlight, 'k', async () => { runs++; return 'yes'; }), 'yes');
    assert.equal(runs, 2);
  });

  it('other keys run on their own', async () => {
    const inFlight = new Map<string, Promise<string>>();
    const [x, y] = await Promise.all([
      sharedWhileRunning(inFlight, 'x', async () => 'x'),
      sharedWhileRunning(inFlight, 'y', async () => 'y'),
    ]);
    assert.deepEqual([x, y], ['x', 'y']);
  });
});
