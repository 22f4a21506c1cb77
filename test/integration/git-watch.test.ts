/**
 * watchRepository against real repositories: a checkout, a commit, a fetch and an index change are noticed
 * (debounced into one call each), our own reads are not, and dispose stops it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openRepository } from '../../src/git/repository';
import { findGitDirs, watchRepository } from '../../src/git/watch';

const base = mkdtempSync(join(tmpdir(), 'tg-git-watch-'));
writeFileSync(join(base, 'gitconfig'), '');
Object.assign(process.env, {
  GIT_CONFIG_GLOBAL: join(base, 'gitconfig'),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
});
after(() => rmSync(base, { recursive: true, force: true }));

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

let n = 0;
function repoWithCommit(): string {
  const root = join(base, `r${++n}`);
  mkdirSync(root);
  git(root, 'init', '-q', '-b', 'main');
  writeFileSync(join(root, 'a.yaml'), 'a: 1\n');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'one');
  return root;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Collects onChange calls; `next()` waits for the next one. */
function recorder(): { calls: string[][]; next(timeoutMs?: number): Promise<string[]>; onChange(c: readonly string[]): void } {
  const calls: string[][] = [];
  let waiter: ((c: string[]) => void) | undefined;
  return {
    calls,
    onChange(c) {
      calls.push([...c]);
      waiter?.([...c]);
      waiter = undefined;
    },
    next(timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no change within ${timeoutMs} ms (calls: ${JSON.stringify(calls)})`)), timeoutMs);
        waiter = (c) => {
          clearTimeout(t);
          resolve(c);
        };
      });
    },
  };
}

describe('watchRepository', () => {
  it('fires once, debounced, on a checkout and on a commit', async () => {
    const root = repoWithCommit();
    const rec = recorder();
    const w = watchRepository(root, rec.onChange, { debounceMs: 100 });
    try {
      await sleep(50);
      let next = rec.next();
      git(root, 'checkout', '-q', '-b', 'feature');
      assert.ok((await next).includes('HEAD'));
      next = rec.next();
      writeFileSync(join(root, 'b.yaml'), 'b: 1\n');
      git(root, 'add', '-A');
      git(root, 'commit', '-q', '-m', 'two');
      assert.ok((await next).includes('refs/heads/feature'));
      await sleep(250);
      assert.equal(rec.calls.length, 2, JSON.stringify(rec.calls));
    } finally {
      w.dispose();
    }
  });

  it('sees commits on branches in folders made (and made again) after the watch started', async () => {
    const root = repoWithCommit();
    const rec = recorder();
    const w = watchRepository(root, rec.onChange, { debounceMs: 80 });
    try {
      await sleep(50);
      let next = rec.next();
      git(root, 'checkout', '-q', '-b', 'team/a');
      await next;
      next = rec.next();
      git(root, 'commit', '-q', '--allow-empty', '-m', 'on team/a');
      assert.ok((await next).includes('refs/heads/team/a'));
      next = rec.next();
      git(root, 'checkout', '-q', 'main');
      git(root, 'branch', '-q', '-D', 'team/a'); // removes refs/heads/team/
      await next;
      next = rec.next();
      git(root, 'checkout', '-q', '-b', 'team/b'); // makes refs/heads/team/ again
      await next;
      next = rec.next();
      git(root, 'commit', '-q', '--allow-empty', '-m', 'on team/b');
      assert.ok((await next).includes('refs/heads/team/b'), JSON.stringify(rec.calls));
    } finally {
      w.dispose();
    }
  });

  it('fires on a fetch that creates remote-tracking refs for the first time, and on tags', async () => {
    const upstream = repoWithCommit();
    const root = repoWithCommit();
    git(root, 'remote', 'add', 'origin', upstream);
    const rec = recorder();
    const w = watchRepository(root, rec.onChange, { debounceMs: 100 });
    try {
      await sleep(50);
      let next = rec.next();
      git(root, 'fetch', '-q', 'origin');
      const changed = await next;
      assert.ok(changed.includes('FETCH_HEAD'), JSON.stringify(changed));
      next = rec.next();
      git(upstream, 'tag', 'v1');
      git(upstream, 'commit', '-q', '--allow-empty', '-m', 'later');
      git(root, 'fetch', '-q', '--tags', 'origin');
      const again = await next;
      assert.ok(again.includes('refs/remotes/origin/main') || again.includes('FETCH_HEAD'), JSON.stringify(again));
    } finally {
      w.dispose();
    }
  });

  it('fires on a change of the index: an add, a rm --cached, a checkout of a file', async () => {
    const root = repoWithCommit();
    const rec = recorder();
    const w = watchRepository(root, rec.onChange, { debounceMs: 100 });
    try {
      await sleep(50);
      writeFileSync(join(root, 'b.yaml'), 'b: 1\n');
      let next = rec.next();
      git(root, 'add', 'b.yaml');
      assert.deepEqual(await next, ['index']);
      next = rec.next();
      git(root, 'rm', '-q', '--cached', 'b.yaml');
      assert.deepEqual(await next, ['index']);
      writeFileSync(join(root, 'a.yaml'), 'a: 3\n');
      git(root, 'add', 'a.yaml');
      await sleep(250);
      next = rec.next();
      git(root, 'checkout', 'HEAD', '--', 'a.yaml');
      assert.deepEqual(await next, ['index']);
    } finally {
      w.dispose();
    }
  });

  it('is not triggered by our own reads (status, ls-files, cat-file), and stops on dispose', async () => {
    const root = repoWithCommit();
    writeFileSync(join(root, 'a.yaml'), 'a: 2\n'); // racy index entries: a plain git status would rewrite the index
    const repo = await openRepository(root);
    assert.ok(repo);
    const rec = recorder();
    const w = watchRepository(root, rec.onChange, { debounceMs: 50, gitDir: repo.gitDir, commonDir: repo.commonDir });
    await sleep(50);
    await repo.state();
    await repo.readManifests('', { kind: 'worktree' }, { recurse: true });
    await repo.readManifests('', { kind: 'head' }, { recurse: true });
    await sleep(200);
    assert.deepEqual(rec.calls, []);
    w.dispose();
    git(root, 'checkout', '-q', '-b', 'after-dispose');
    await sleep(200);
    assert.deepEqual(rec.calls, []);
  });

  it('finds the git directories of a linked worktree and watches its HEAD', async () => {
    const root = repoWithCommit();
    const wt = join(base, `wt${++n}`);
    git(root, 'worktree', 'add', '-q', wt, '-b', 'wt-branch');
    const dirs = findGitDirs(wt);
    assert.ok(dirs);
    assert.equal(dirs.commonDir, join(root, '.git'));
    assert.equal(dirs.gitDir.startsWith(join(root, '.git', 'worktrees')), true);
    const rec = recorder();
    const w = watchRepository(wt, rec.onChange, { debounceMs: 50 });
    try {
      await sleep(50);
      let next = rec.next();
      git(wt, 'checkout', '-q', '-b', 'wt-other');
      assert.ok((await next).includes('HEAD'));
      next = rec.next();
      git(wt, 'commit', '-q', '--allow-empty', '-m', 'in worktree');
      assert.ok((await next).includes('refs/heads/wt-other'));
    } finally {
      w.dispose();
    }
    assert.equal(findGitDirs(join(base, 'nowhere')), undefined);
    const d = watchRepository(join(base, 'nowhere'), () => undefined);
    d.dispose();
  });
});
