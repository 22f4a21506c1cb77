/**
 * The Git side of drift against real repositories in temp folders: a bare "remote", the
 * workspace's clone and an upstream clone that pushes. Every source kind, directory options,
 * dirtiness, renames and deletions, revisions known only after a fetch, tags, shas, errors,
 * unborn branches, unreachable remotes, and the process budget of a 500-file read at HEAD.
 * No global git configuration is needed: identity and config come from the environment.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GitError } from '../../src/git/errors';
import { findRemote } from '../../src/git/remote-url';
import { openRepository, type GitRepository } from '../../src/git/repository';
import type { ManifestSet } from '../../src/git/types';

// hermetic git: no global or system config, a fixed identity
const base = mkdtempSync(join(tmpdir(), 'tg-git-'));
writeFileSync(join(base, 'gitconfig'), '');
Object.assign(process.env, {
  GIT_CONFIG_GLOBAL: join(base, 'gitconfig'),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
});

let counter = 0;
function tempDir(name: string): string {
  const d = join(base, `${name}-${++counter}`);
  mkdirSync(d, { recursive: true });
  return d;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function write(root: string, rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

function commitAll(root: string, message: string): string {
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', message);
  return git(root, 'rev-parse', 'HEAD');
}

function cm(name: string, v = '1'): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  v: "${v}"\n`;
}

function newRepo(name = 'repo'): string {
  const root = tempDir(name);
  git(root, 'init', '-q', '-b', 'main');
  return root;
}

/** A bare remote with one commit on main, the workspace's clone, and an upstream clone that pushes. */
function remoteSetup(): { bare: string; work: string; upstream: string } {
  const seed = newRepo('seed');
  write(seed, 'clusters/a.yaml', cm('a'));
  write(seed, 'clusters/b.yml', cm('b'));
  write(seed, 'clusters/prod/c.yaml', cm('c'));
  write(seed, 'README.md', '# hi\n');
  commitAll(seed, 'seed');
  const bare = tempDir('remote.git');
  git(bare, 'init', '-q', '--bare', '-b', 'main');
  git(seed, 'push', '-q', bare, 'main');
  const work = join(tempDir('work'), 'w');
  git(base, 'clone', '-q', bare, work);
  const upstream = join(tempDir('upstream'), 'u');
  git(base, 'clone', '-q', bare, upstream);
  return { bare, work, upstream };
}

const paths = (s: ManifestSet): string[] => s.files.map((f) => f.path);

/**
 * Runs fn with a git on PATH that logs its sub-command, then runs the real one; the sub-commands
 * of the calls `mark` separates are returned in order (git's own children, found through its
 * exec path, are not counted).
 */
async function countingGit(fn: (mark: () => string[]) => Promise<void>): Promise<void> {
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const bin = tempDir('bin');
  const log = join(bin, 'calls.log');
  writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "$1" >> "${log}"\nexec "${realGit}" "$@"\n`);
  chmodSync(join(bin, 'git'), 0o755);
  writeFileSync(log, '');
  const savedPath = process.env.PATH;
  process.env.PATH = `${bin}:${savedPath}`;
  try {
    await fn(() => {
      const calls = readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
      writeFileSync(log, '');
      return calls;
    });
  } finally {
    process.env.PATH = savedPath;
  }
}

async function open(dir: string): Promise<GitRepository> {
  const repo = await openRepository(dir, { fetchTimeoutMs: 5000 });
  assert.ok(repo, `a repository at ${dir}`);
  return repo;
}

async function rejectsWith(p: Promise<unknown>, kind: string, message: RegExp): Promise<GitError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof GitError, `a GitError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    assert.match(e.message, message);
    return e;
  }
  assert.fail('expected a rejection');
}

after(() => rmSync(base, { recursive: true, force: true }));

describe('openRepository', () => {
  it('finds the top folder from a sub-folder or a file; undefined outside a repository', async () => {
    const root = newRepo();
    write(root, 'a/b/c.yaml', cm('c'));
    assert.equal((await open(join(root, 'a/b')))?.root, root);
    assert.equal((await open(join(root, 'a/b/c.yaml')))?.root, root);
    assert.equal(await openRepository(tempDir('plain')), undefined);
    assert.equal(await openRepository(join(base, 'does-not-exist')), undefined);
    assert.equal(await openRepository(join(root, '.git')), undefined);
    const bare = tempDir('bare.git');
    git(bare, 'init', '-q', '--bare');
    assert.equal(await openRepository(bare), undefined);
  });
});

describe('state', () => {
  it('unborn branch, then commits, dirtiness and a detached HEAD', async () => {
    const root = newRepo();
    const repo = await open(root);
    assert.deepEqual(await repo.state(), { label: 'working tree', branch: 'main', commit: '', dirty: false, tracking: {} });
    write(root, 'a.yaml', cm('a'));
    assert.equal((await repo.state()).dirty, true, 'an untracked file is a change');
    const sha = commitAll(root, 'one');
    assert.deepEqual(await repo.state(), { label: 'working tree', branch: 'main', commit: sha, dirty: false, tracking: {} });
    write(root, 'a.yaml', cm('a', '2'));
    assert.equal((await repo.state()).dirty, true);
    git(root, 'checkout', '-q', '--', 'a.yaml');
    write(root, '.gitignore', 'ignored.yaml\n');
    commitAll(root, 'ignore');
    write(root, 'ignored.yaml', cm('i'));
    assert.equal((await repo.state()).dirty, false, 'an ignored file is no change');
    const two = git(root, 'rev-parse', 'HEAD');
    git(root, 'checkout', '-q', '--detach');
    const s = await repo.state();
    assert.equal(s.branch, undefined);
    assert.equal(s.commit, two);
  });
});

describe('commitFile (the designer\'s Commit)', () => {
  it('commits only the named file, says when it is unchanged, and knows what Git tracks', async () => {
    const root = newRepo();
    write(root, 'base.yaml', cm('base'));
    commitAll(root, 'base');
    const repo = await open(root);
    write(root, 'clusters/new.yaml', cm('new'));
    write(root, 'other.yaml', cm('other'));
    assert.equal(await repo.tracks('clusters/new.yaml'), false);
    const sha = await repo.commitFile('clusters/new.yaml', 'Add cluster new');
    assert.equal(sha, git(root, 'rev-parse', 'HEAD'));
    assert.equal(git(root, 'log', '-1', '--format=%s'), 'Add cluster new');
    assert.equal(git(root, 'show', '--name-only', '--format=', 'HEAD'), 'clusters/new.yaml', 'only that file');
    assert.equal(await repo.tracks('clusters/new.yaml'), true);
    assert.equal(git(root, 'status', '--porcelain'), '?? other.yaml', 'the other change is left alone');
    assert.equal(await repo.commitFile('clusters/new.yaml', 'again'), undefined, 'nothing to commit');
    assert.equal(git(root, 'rev-parse', 'HEAD'), sha);
    // a pre-commit hook that refuses without a word: a failure, not the old HEAD as the new commit
    writeFileSync(join(root, '.git/hooks/pre-commit'), '#!/bin/sh\nexit 1\n');
    chmodSync(join(root, '.git/hooks/pre-commit'), 0o755);
    write(root, 'clusters/new.yaml', cm('new', '2'));
    await rejectsWith(repo.commitFile('clusters/new.yaml', 'refused'), 'other', /^git commit failed in .*: git exited with code 1$/);
    assert.equal(git(root, 'rev-parse', 'HEAD'), sha);
  });
});

describe('local commands (simple-git): the environment and time limit of runGit', () => {
  it('run in a shell that names an editor, a pager, an ssh command or git config (simple-git refuses those by default)', async () => {
    const root = newRepo();
    write(root, 'a.yaml', cm('a'));
    const sha = commitAll(root, 'one');
    const set = { EDITOR: 'vi', PAGER: 'less', GIT_SSH_COMMAND: 'ssh -o BatchMode=yes', GIT_ASKPASS: '/bin/false', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.pager', GIT_CONFIG_VALUE_0: 'less' };
    const saved = Object.fromEntries(Object.keys(set).map((k) => [k, process.env[k]]));
    Object.assign(process.env, set);
    try {
      const repo = await open(root);
      assert.deepEqual(await repo.state(), { label: 'working tree', branch: 'main', commit: sha, dirty: false, tracking: {} });
      write(root, 'b.yaml', cm('b'));
      assert.equal(await repo.commitFile('b.yaml', 'two'), git(root, 'rev-parse', 'HEAD'));
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('status takes no optional lock: reading a working tree whose file times changed leaves the index as it was', async () => {
    const root = newRepo();
    write(root, 'c/a.yaml', cm('a'));
    commitAll(root, 'one');
    const old = new Date('2020-01-01T00:00:00Z');
    utimesSync(join(root, 'c/a.yaml'), old, old); // plain `git status` would refresh the index and write it
    const index = readFileSync(join(root, '.git/index'));
    const repo = await open(root);
    assert.equal((await repo.state()).dirty, false);
    assert.equal((await repo.readManifests('c', { kind: 'worktree' }, { recurse: true })).files.length, 1);
    assert.ok(readFileSync(join(root, '.git/index')).equals(index), 'the index was rewritten');
  });

  it('a local command that hangs is stopped at its time limit; git missing from PATH is said so', async () => {
    const root = newRepo();
    write(root, 'a.yaml', cm('a'));
    commitAll(root, 'one');
    const hook = join(tempDir('hook'), 'fsmonitor');
    writeFileSync(hook, '#!/bin/sh\nexec sleep 20\n'); // git status waits for its fsmonitor hook
    chmodSync(hook, 0o755);
    git(root, 'config', 'core.fsmonitor', hook);
    const repo = await openRepository(root, { localTimeoutMs: 500 });
    assert.ok(repo);
    await rejectsWith(repo.state(), 'timeout', /^git status did not finish within 500 ms and was stopped$/);
    git(root, 'config', '--unset', 'core.fsmonitor');
    const savedPath = process.env.PATH;
    process.env.PATH = tempDir('empty-bin');
    try {
      await rejectsWith(repo.state(), 'git-missing', /git is not installed or not on PATH/);
      await rejectsWith(openRepository(root), 'git-missing', /git is not installed or not on PATH/);
    } finally {
      process.env.PATH = savedPath;
    }
  });
});

describe('remotes', () => {
  it('lists fetch URLs redacted with their normal form, and matches an Application repoURL', async () => {
    const { work, bare } = remoteSetup();
    git(work, 'remote', 'add', 'gh', 'https://deploy:s3cret-token@github.com/Acme/GitOps.git');
    const repo = await open(work);
    const remotes = await repo.remotes();
    const gh = remotes.find((r) => r.name === 'gh');
    assert.ok(gh);
    assert.equal(gh.url, 'https://***@github.com/Acme/GitOps.git');
    assert.equal(gh.normalized, 'github.com/Acme/GitOps');
    assert.ok(!JSON.stringify(remotes).includes('s3cret'));
    assert.equal(findRemote(remotes, 'git@github.com:acme/gitops.git')?.name, 'gh');
    assert.deepEqual(remotes.find((r) => r.name === 'origin'), { name: 'origin', url: bare, normalized: bare });
  });
});

describe('readManifests: working tree', () => {
  it('reads tracked and untracked-not-ignored files on disk, with the directory options', async () => {
    const root = newRepo();
    write(root, '.gitignore', 'clusters/ignored.yaml\n');
    write(root, 'clusters/a.yaml', cm('a'));
    write(root, 'clusters/b.yml', cm('b'));
    write(root, 'clusters/c.json', '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}');
    write(root, 'clusters/README.md', 'no');
    write(root, 'clusters/app.jsonnet', '{}');
    write(root, 'clusters/prod/d.yaml', cm('d'));
    write(root, 'clusters/prod/deep/e.yaml', cm('e'));
    write(root, 'other/x.yaml', cm('x'));
    commitAll(root, 'one');
    write(root, 'clusters/ignored.yaml', cm('ignored'));
    write(root, 'clusters/new.yaml', cm('new'));
    const repo = await open(root);

    const flat = await repo.readManifests('clusters/', { kind: 'worktree' }, { recurse: false });
    assert.deepEqual(paths(flat), ['clusters/a.yaml', 'clusters/b.yml', 'clusters/c.json', 'clusters/new.yaml']);
    assert.equal(flat.files[0].text, cm('a'));
    assert.deepEqual(flat.unread, [{ path: 'clusters/app.jsonnet', reason: 'jsonnet is not rendered (Argo CD would evaluate it)' }]);
    assert.equal(flat.revision.label, 'working tree');
    assert.equal(flat.revision.branch, 'main');
    assert.equal(flat.revision.dirty, true, 'new.yaml is untracked');
    assert.equal(flat.revision.commit, git(root, 'rev-parse', 'HEAD'));

    const deep = await repo.readManifests('clusters', { kind: 'worktree' }, { recurse: true });
    assert.deepEqual(paths(deep), ['clusters/a.yaml', 'clusters/b.yml', 'clusters/c.json', 'clusters/new.yaml', 'clusters/prod/d.yaml', 'clusters/prod/deep/e.yaml']);

    const filtered = await repo.readManifests('./clusters', { kind: 'worktree' }, { recurse: true, include: '{prod/*,*.yml}', exclude: '*deep*' });
    assert.deepEqual(paths(filtered), ['clusters/b.yml', 'clusters/prod/d.yaml']);

    const all = await repo.readManifests('', { kind: 'worktree' }, { recurse: true, include: '*.yaml', exclude: 'clusters/*' });
    assert.deepEqual(paths(all), ['other/x.yaml']);
  });

  it('dirtiness is under the path; deleted and renamed files are as on disk', async () => {
    const root = newRepo();
    write(root, 'clusters/a.yaml', cm('a'));
    write(root, 'clusters/b.yaml', cm('b'));
    write(root, 'other/x.yaml', cm('x'));
    commitAll(root, 'one');
    const repo = await open(root);
    const read = (): Promise<ManifestSet> => repo.readManifests('clusters', { kind: 'worktree' }, { recurse: false });
    assert.equal((await read()).revision.dirty, false);
    write(root, 'other/x.yaml', cm('x', '2'));
    assert.equal((await read()).revision.dirty, false, 'a change outside the path');
    assert.equal((await repo.state()).dirty, true);
    rmSync(join(root, 'clusters/a.yaml'));
    renameSync(join(root, 'clusters/b.yaml'), join(root, 'clusters/renamed.yaml'));
    const after = await read();
    assert.deepEqual(paths(after), ['clusters/renamed.yaml']);
    assert.equal(after.revision.dirty, true);
    // HEAD still has both
    const head = await repo.readManifests('clusters', { kind: 'head' }, { recurse: false });
    assert.deepEqual(paths(head), ['clusters/a.yaml', 'clusters/b.yaml']);
    // committed: a git mv and a git rm
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'rename and delete');
    const head2 = await repo.readManifests('clusters', { kind: 'head' }, { recurse: false });
    assert.deepEqual(paths(head2), ['clusters/renamed.yaml']);
    assert.equal(head2.files[0].text, cm('b'));
  });

  it('a missing path is an error naming the path', async () => {
    const root = newRepo();
    write(root, 'a.yaml', cm('a'));
    commitAll(root, 'one');
    const repo = await open(root);
    await rejectsWith(repo.readManifests('clusters/', { kind: 'worktree' }, { recurse: false }), 'path-missing', /path clusters\/ does not exist in the working tree/);
    await rejectsWith(repo.readManifests('a.yaml', { kind: 'worktree' }, { recurse: false }), 'path-missing', /is a file, not a folder/);
    await rejectsWith(repo.readManifests('../x', { kind: 'worktree' }, { recurse: false }), 'path-missing', /leaves the repository/);
  });
});

describe('readManifests: HEAD', () => {
  it('reads the committed files, not the working tree, with the directory options', async () => {
    const root = newRepo();
    write(root, 'clusters/a.yaml', cm('a'));
    write(root, 'clusters/prod/b.yaml', cm('b'));
    write(root, 'clusters/prod/deep/c.json', '{}');
    write(root, 'clusters/notes.txt', 'x');
    const sha = commitAll(root, 'one');
    write(root, 'clusters/a.yaml', cm('a', 'changed'));
    write(root, 'clusters/untracked.yaml', cm('u'));
    const repo = await open(root);
    const flat = await repo.readManifests('clusters', { kind: 'head' }, { recurse: false });
    assert.deepEqual(paths(flat), ['clusters/a.yaml']);
    assert.equal(flat.files[0].text, cm('a'));
    assert.deepEqual(flat.revision, { label: 'HEAD', branch: 'main', ref: 'refs/heads/main', commit: sha, dirty: false });
    const deep = await repo.readManifests('clusters', { kind: 'head' }, { recurse: true, exclude: 'prod/deep/*' });
    assert.deepEqual(paths(deep), ['clusters/a.yaml', 'clusters/prod/b.yaml']);
    const root2 = await repo.readManifests('.', { kind: 'head' }, { recurse: true, include: '*.json' });
    assert.deepEqual(paths(root2), ['clusters/prod/deep/c.json']);
    await rejectsWith(repo.readManifests('clusters/nope/', { kind: 'head' }, { recurse: false }), 'path-missing', new RegExp(`path clusters/nope/ does not exist at HEAD \\(${sha.slice(0, 7)}\\)`));
  });

  it('files over 5 MB, binary files and jsonnet are unread, with why; UTF-16 and a UTF-8 BOM are decoded; in Git and on disk alike', async () => {
    const root = newRepo();
    const big = `# ${'x'.repeat(5 * 1024 * 1024 + 10)}\n`;
    write(root, 'c/big.yaml', big);
    write(root, 'c/small.yaml', cm('s'));
    write(root, 'c/lib.jsonnet', '{}');
    writeFileSync(join(root, 'c/utf16.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(cm('u16'), 'utf16le')]));
    writeFileSync(join(root, 'c/bom.yaml'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(cm('bom'))]));
    writeFileSync(join(root, 'c/blob.yaml'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]));
    commitAll(root, 'one');
    const repo = await open(root);
    for (const kind of ['head', 'worktree'] as const) {
      const set = await repo.readManifests('c', { kind }, { recurse: false });
      assert.deepEqual(paths(set), ['c/bom.yaml', 'c/small.yaml', 'c/utf16.yaml'], kind);
      assert.equal(set.files[0].text, cm('bom'), kind);
      assert.equal(set.files[2].text, cm('u16'), kind);
      assert.deepEqual(set.unread?.map((s) => s.path), ['c/big.yaml', 'c/blob.yaml', 'c/lib.jsonnet'], kind);
      assert.match(set.unread![0].reason, /larger than 5 MB \(5\.0 MB\)/);
      assert.match(set.unread![1].reason, /^binary: it holds NUL bytes/);
    }
  });

  it('follows symbolic links inside the repository (files and folders); refuses links that leave it, loop or dangle, as unread', async () => {
    const root = newRepo();
    const outside = tempDir('outside');
    write(outside, 'secret.yaml', cm('outside'));
    write(root, 'common/common.yaml', cm('common'));
    write(root, 'common/deep/more.yaml', cm('more'));
    write(root, 'c/own.yaml', cm('own'));
    symlinkSync('../common/common.yaml', join(root, 'c/link.yaml'));
    symlinkSync('../common', join(root, 'c/lib'));
    symlinkSync(join(outside, 'secret.yaml'), join(root, 'c/away.yaml'));
    symlinkSync('..', join(root, 'c/up'));
    symlinkSync('nowhere.yaml', join(root, 'c/dangling.yaml'));
    commitAll(root, 'links');
    const repo = await open(root);
    for (const kind of ['head', 'worktree'] as const) {
      const flat = await repo.readManifests('c', { kind }, { recurse: false });
      assert.deepEqual(paths(flat), ['c/link.yaml', 'c/own.yaml'], kind);
      assert.equal(flat.files[0].text, cm('common'), kind);
      assert.deepEqual(flat.unread?.map((u) => u.path), ['c/away.yaml', 'c/dangling.yaml'], kind);
      assert.match(flat.unread![0].reason, /outside the repository.*not followed/, kind);
      assert.match(flat.unread![1].reason, /does not exist|to nothing/, kind);

      const deep = await repo.readManifests('c', { kind }, { recurse: true });
      assert.deepEqual(paths(deep), ['c/lib/common.yaml', 'c/lib/deep/more.yaml', 'c/link.yaml', 'c/own.yaml'], kind);
      assert.deepEqual(deep.unread?.map((u) => u.path), ['c/away.yaml', 'c/dangling.yaml', 'c/up'], kind);
      assert.match(deep.unread![2].reason, /symbolic link loop/, kind);
      assert.ok(!JSON.stringify(deep.files).includes('outside'), kind);
    }
  });

  it('an unborn branch has nothing at HEAD (an error), and a working tree with commit ""', async () => {
    const root = newRepo();
    write(root, 'c/a.yaml', cm('a'));
    const repo = await open(root);
    await rejectsWith(repo.readManifests('c', { kind: 'head' }, { recurse: false }), 'unborn', /HEAD has no commit yet \(branch main is unborn\)/);
    const wt = await repo.readManifests('c', { kind: 'worktree' }, { recurse: false });
    assert.deepEqual(paths(wt), ['c/a.yaml']);
    assert.equal(wt.revision.commit, '');
    assert.equal(wt.revision.dirty, true);
  });

  it('reads 500 files at HEAD with two git processes', async () => {
    const root = newRepo();
    for (let i = 0; i < 500; i++) write(root, `many/dir${i % 10}/cm-${String(i).padStart(3, '0')}.yaml`, cm(`cm-${i}`));
    commitAll(root, 'many');
    const repo = await open(root);
    await countingGit(async (calls) => {
      await repo.readManifests('many', { kind: 'head' }, { recurse: true }); // warm-up (disk cache)
      calls();
      const t0 = performance.now();
      const set = await repo.readManifests('many', { kind: 'head' }, { recurse: true });
      const ms = performance.now() - t0;
      assert.equal(set.files.length, 500);
      assert.equal(set.files[0].path, 'many/dir0/cm-000.yaml');
      const headCalls = calls();
      assert.deepEqual(headCalls.sort(), ['cat-file', 'symbolic-ref']);
      console.log(`# 500 files at HEAD: ${ms.toFixed(1)} ms, git processes: ${headCalls.join(', ')}`);
      const t1 = performance.now();
      const wt = await repo.readManifests('many', { kind: 'worktree' }, { recurse: true });
      const wtMs = performance.now() - t1;
      assert.equal(wt.files.length, 500);
      const wtCalls = calls();
      console.log(`# 500 files in the working tree: ${wtMs.toFixed(1)} ms, git processes: ${wtCalls.join(', ')}`);
      assert.equal(wtCalls.length, 2);
      assert.ok(ms < 2000, `${ms} ms`);
    });
  });

  it('overlapping reads of one revision share one read; HEAD with no <remote>/HEAD asks the remote once and fetches nothing when its branch is known', async () => {
    // made with init and remote add, as a clone would not be: origin/main fetched, no origin/HEAD
    const { bare } = remoteSetup();
    const root = newRepo('init-remote');
    git(root, 'remote', 'add', 'origin', bare);
    git(root, 'fetch', '-q', 'origin');
    assert.throws(() => git(root, 'symbolic-ref', '-q', 'refs/remotes/origin/HEAD'));
    const mainSha = git(root, 'rev-parse', 'origin/main');
    const repo = await open(root);
    await countingGit(async (calls) => {
      const sets = await Promise.all([0, 1, 2].map(() => repo.readManifests('clusters', { kind: 'revision', revision: 'HEAD' }, { recurse: true })));
      for (const set of sets) {
        assert.deepEqual(paths(set), ['clusters/a.yaml', 'clusters/b.yml', 'clusters/prod/c.yaml']);
        assert.equal(set.revision.commit, mainSha);
        assert.equal(set.revision.label, 'origin/main');
      }
      const first = calls();
      assert.equal(first.filter((c) => c === 'cat-file').length, 1, first.join(', '));
      assert.equal(first.filter((c) => c === 'ls-remote').length, 1, first.join(', '));
      assert.ok(!first.includes('fetch'), first.join(', '));
      // a later read knows the default branch: no ls-remote; another path is a read of its own
      const again = await repo.readManifests('clusters/prod', { kind: 'revision', revision: 'HEAD' }, { recurse: true });
      assert.deepEqual(paths(again), ['clusters/prod/c.yaml']);
      const second = calls();
      assert.ok(!second.includes('ls-remote') && !second.includes('fetch'), second.join(', '));
      assert.equal(second.filter((c) => c === 'cat-file').length, 1, second.join(', '));
    });
  });
});

describe('readManifests: a revision of the remote', () => {
  let bare: string;
  let work: string;
  let upstream: string;
  let repo: GitRepository;
  let mainSha: string;

  before(async () => {
    ({ bare, work, upstream } = remoteSetup());
    repo = await open(work);
    mainSha = git(work, 'rev-parse', 'origin/main');
  });

  it('a branch of the remote: its remote-tracking ref, not the local branch', async () => {
    write(work, 'clusters/local-only.yaml', cm('local'));
    commitAll(work, 'local commit, not pushed');
    const set = await repo.readManifests('clusters', { kind: 'revision', revision: 'main' }, { recurse: false });
    assert.deepEqual(paths(set), ['clusters/a.yaml', 'clusters/b.yml']);
    assert.deepEqual(set.revision, { label: 'origin/main', branch: 'main', ref: 'refs/remotes/origin/main', commit: mainSha, dirty: false });
    const asRef = await repo.readManifests('clusters', { kind: 'revision', revision: 'refs/heads/main', remote: 'origin' }, { recurse: true });
    assert.deepEqual(paths(asRef), ['clusters/a.yaml', 'clusters/b.yml', 'clusters/prod/c.yaml']);
  });

  it('HEAD (or empty) is the remote default branch', async () => {
    for (const revision of ['HEAD', '']) {
      const set = await repo.readManifests('clusters', { kind: 'revision', revision }, { recurse: false });
      assert.equal(set.revision.label, 'origin/main');
      assert.equal(set.revision.commit, mainSha);
    }
  });

  it('a branch that exists on the remote only after a fetch (fetched on demand)', async () => {
    git(upstream, 'checkout', '-q', '-b', 'feature/x');
    write(upstream, 'clusters/feature.yaml', cm('feature'));
    const featureSha = commitAll(upstream, 'feature');
    git(upstream, 'push', '-q', 'origin', 'feature/x');
    assert.throws(() => git(work, 'rev-parse', '--verify', '-q', 'origin/feature/x'));
    const set = await repo.readManifests('clusters', { kind: 'revision', revision: 'feature/x' }, { recurse: false });
    assert.deepEqual(paths(set), ['clusters/a.yaml', 'clusters/b.yml', 'clusters/feature.yaml']);
    assert.equal(set.revision.commit, featureSha);
    assert.equal(set.revision.label, 'origin/feature/x');
    assert.equal(set.revision.branch, 'feature/x');
  });

  it('a moved branch is seen after fetch()', async () => {
    git(upstream, 'checkout', '-q', 'main');
    write(upstream, 'clusters/later.yaml', cm('later'));
    const later = commitAll(upstream, 'later');
    git(upstream, 'push', '-q', 'origin', 'main');
    const before = await repo.readManifests('clusters', { kind: 'revision', revision: 'main' }, { recurse: false });
    assert.equal(before.revision.commit, mainSha, 'no fetch yet: what origin/main was');
    await repo.fetch();
    const after = await repo.readManifests('clusters', { kind: 'revision', revision: 'main' }, { recurse: false });
    assert.equal(after.revision.commit, later);
    assert.ok(paths(after).includes('clusters/later.yaml'));
    mainSha = later;
  });

  it('a tag (annotated or light), and a branch wins over a tag of the same name', async () => {
    git(upstream, 'tag', '-a', 'v1.0.0', '-m', 'release', mainSha);
    git(upstream, 'tag', 'light', mainSha);
    write(upstream, 'clusters/after-tag.yaml', cm('after'));
    const tip = commitAll(upstream, 'after tag');
    const first = git(upstream, 'rev-list', '--max-parents=0', 'HEAD');
    git(upstream, 'tag', 'main', first); // a tag named like the branch, elsewhere
    git(upstream, 'push', '-q', 'origin', 'refs/heads/main', 'refs/tags/v1.0.0', 'refs/tags/light', 'refs/tags/main');
    await repo.fetch();
    for (const tag of ['v1.0.0', 'light', 'refs/tags/v1.0.0']) {
      const set = await repo.readManifests('clusters', { kind: 'revision', revision: tag }, { recurse: false });
      assert.equal(set.revision.commit, mainSha, tag);
      assert.equal(set.revision.branch, undefined);
      assert.ok(!paths(set).includes('clusters/after-tag.yaml'));
    }
    const branch = await repo.readManifests('clusters', { kind: 'revision', revision: 'main' }, { recurse: false });
    assert.equal(branch.revision.ref, 'refs/remotes/origin/main');
    assert.equal(branch.revision.commit, tip);
    const tag = await repo.readManifests('clusters', { kind: 'revision', revision: 'refs/tags/main' }, { recurse: false });
    assert.equal(tag.revision.commit, first);
    mainSha = tip;
  });

  it('a commit sha, full or short', async () => {
    const first = git(upstream, 'rev-list', '--max-parents=0', 'HEAD');
    for (const rev of [first, first.slice(0, 10)]) {
      const set = await repo.readManifests('clusters', { kind: 'revision', revision: rev }, { recurse: false });
      assert.equal(set.revision.commit, first);
      assert.equal(set.revision.label, rev);
      assert.deepEqual(paths(set), ['clusters/a.yaml', 'clusters/b.yml']);
    }
  });

  it('a path missing at the revision names the path and the revision', async () => {
    await rejectsWith(
      repo.readManifests('nothing/', { kind: 'revision', revision: 'main' }, { recurse: false }),
      'path-missing', new RegExp(`^path nothing/ does not exist at origin/main \\(${mainSha.slice(0, 7)}\\)$`),
    );
  });

  it('an unknown revision is an error after one fetch; unsafe names are refused', async () => {
    await rejectsWith(repo.readManifests('clusters', { kind: 'revision', revision: 'no-such-branch' }, { recurse: false }),
      'revision-missing', /revision no-such-branch is neither a branch of origin, nor a tag, nor a commit/);
    for (const rev of ['--upload-pack=evil', 'main:clusters', 'main^{tree}', 'a b', 'main~1']) {
      await rejectsWith(repo.readManifests('clusters', { kind: 'revision', revision: rev }, { recurse: false }), 'revision-missing', /not a valid revision name/);
    }
    await rejectsWith(repo.readManifests('clusters', { kind: 'revision', revision: 'main', remote: 'nope' }, { recurse: false }),
      'remote-missing', /no remote named nope .*remotes: origin/);
  });

  it('fetch of an unreachable remote fails quickly with a clear error', async () => {
    const clone = join(tempDir('c'), 'c');
    git(base, 'clone', '-q', bare, clone);
    git(clone, 'remote', 'set-url', 'origin', join(base, 'no-such-remote.git'));
    const r = await open(clone);
    const t0 = performance.now();
    const e = await rejectsWith(r.fetch(), 'not-found', /^git fetch origin \(.*no-such-remote\.git\) failed: the remote repository does not exist or cannot be read — fatal: /);
    assert.ok(performance.now() - t0 < 3000);
    assert.ok(e.detail);
    await rejectsWith(r.fetch('nope'), 'remote-missing', /no remote named nope/);
  });

  it('fetch errors never show credentials', async () => {
    const clone = join(tempDir('c'), 'c');
    git(base, 'clone', '-q', bare, clone);
    git(clone, 'remote', 'set-url', 'origin', 'https://deploy:hunter2-secret@127.0.0.1:1/org/repo.git');
    const r = await open(clone);
    const e = await rejectsWith(r.fetch(), 'network', /git fetch origin \(https:\/\/\*\*\*@127\.0\.0\.1:1\/org\/repo\.git\) failed: the remote cannot be reached/);
    assert.ok(!`${e.message}\n${e.detail}`.includes('hunter2'), e.message);
  });

  it('a fetch from a remote that asks for a password fails with a clear message and asks nobody', async () => {
    let requests = 0;
    let withCredentials = 0;
    const server = createHttpServer((req, res) => {
      requests++;
      if (req.headers.authorization) withCredentials++;
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const port = (server.address() as { port: number }).port;
    const saved = { GIT_ASKPASS: process.env.GIT_ASKPASS, SSH_ASKPASS: process.env.SSH_ASKPASS };
    delete process.env.GIT_ASKPASS;
    delete process.env.SSH_ASKPASS;
    try {
      const clone = join(tempDir('c'), 'c');
      git(base, 'clone', '-q', bare, clone);
      git(clone, 'remote', 'set-url', 'origin', `http://127.0.0.1:${port}/org/repo.git`);
      // a limit far above the answer: a prompt would wait for it and end as 'timeout'
      const r = await openRepository(clone, { fetchTimeoutMs: 60_000 });
      assert.ok(r);
      const e = await rejectsWith(r.fetch(), 'auth', /^git fetch origin \(http:\/\/127\.0\.0\.1:\d+\/org\/repo\.git\) failed: authentication failed \(credentials missing or refused\) — fatal: /);
      assert.match(e.detail ?? '', /terminal prompts disabled/);
      assert.ok(requests >= 1);
      assert.equal(withCredentials, 0, 'no credentials were sent');
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
      server.close();
    }
  });

  it('a fetch that hangs is stopped at its time limit', async () => {
    // a server that accepts and never answers
    const server: Server = createServer(() => undefined);
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const port = (server.address() as { port: number }).port;
    try {
      const clone = join(tempDir('c'), 'c');
      git(base, 'clone', '-q', bare, clone);
      git(clone, 'remote', 'set-url', 'origin', `http://127.0.0.1:${port}/org/repo.git`);
      const r = await openRepository(clone, { fetchTimeoutMs: 700 });
      assert.ok(r);
      const t0 = performance.now();
      await rejectsWith(r.fetch(), 'timeout', /git fetch origin \(http:\/\/127\.0\.0\.1:\d+\/org\/repo\.git\) did not finish within 700 ms and was stopped/);
      const ms = performance.now() - t0;
      assert.ok(ms >= 650 && ms < 3000, `${ms} ms`);
    } finally {
      server.close();
    }
  });

  it('concurrent fetches of one remote share one git fetch', async () => {
    const [a, b] = [repo.fetch('origin'), repo.fetch('origin')];
    await Promise.all([a, b]);
    assert.equal(a, b);
  });
});
