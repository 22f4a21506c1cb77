/** parseStatus: `git status --porcelain=v2 --branch -z` read for the commit, the branch, changes and the upstream. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStatus } from '../../src/git/repository';

const z = (...tokens: string[]) => `${tokens.join('\0')}\0`;

describe('parseStatus', () => {
  it('a branch with an upstream, ahead and behind, and a change', () => {
    const s = parseStatus(z('# branch.oid 0123456789abcdef', '# branch.head main', '# branch.upstream origin/main', '# branch.ab +1 -3', '1 .M N... 100644 100644 100644 a b clusters/a.yaml'));
    assert.deepEqual(s, { branch: 'main', commit: '0123456789abcdef', dirty: true, tracking: { upstream: 'origin/main', ahead: 1, behind: 3 } });
  });

  it('an upstream whose ref is gone has no counts; no upstream, no tracking; detached and unborn', () => {
    assert.deepEqual(parseStatus(z('# branch.oid abc', '# branch.head topic', '# branch.upstream origin/topic')).tracking, { upstream: 'origin/topic' });
    assert.deepEqual(parseStatus(z('# branch.oid abc', '# branch.head main')).tracking, {});
    assert.deepEqual(parseStatus(z('# branch.oid abc', '# branch.head (detached)')), { commit: 'abc', dirty: false, tracking: {} });
    assert.deepEqual(parseStatus(z('# branch.oid (initial)', '# branch.head main')), { branch: 'main', commit: '', dirty: false, tracking: {} });
  });
});
