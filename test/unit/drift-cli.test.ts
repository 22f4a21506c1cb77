/** `tanzu-gitops diff`: argument parsing and the pieces of its output that need no cluster. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/cli/command';
import { describeRevision, diffSource, parseDiffArgs, runDiff, summary } from '../../src/cli/diff';
import { main } from '../../src/cli/main';
import { compileGlob } from '../../src/git/glob';
import type { TargetDrift } from '../../src/drift/types';
import { globLiteral, workspaceTarget } from '../../src/drift/targets';

async function capture(fn: (out: (s: string) => void, err: (s: string) => void) => Promise<number>) {
  let stdout = '';
  let stderr = '';
  const code = await fn((s) => { stdout += s; }, (s) => { stderr += s; });
  return { code, stdout, stderr };
}

describe('tanzu-gitops diff: arguments', () => {
  it('defaults: worktree, text, 30 s, the kubeconfig from the environment', () => {
    assert.deepEqual(parseDiffArgs(['clusters']), {
      path: 'clusters', kubeconfig: [], context: undefined, namespace: undefined, revision: 'worktree', format: 'text', timeoutSeconds: 30, help: false,
    });
  });

  it('every option, with a space or an equals sign; --kubeconfig repeats', () => {
    const a = parseDiffArgs(['--kubeconfig', 'a', '--kubeconfig=b', '--context', 'c', '--namespace=team-a', '--revision', 'v1.2', '--format=json', '--timeout', '5', 'x']);
    assert.deepEqual(a, { path: 'x', kubeconfig: ['a', 'b'], context: 'c', namespace: 'team-a', revision: 'v1.2', format: 'json', timeoutSeconds: 5, help: false });
    assert.equal(parseDiffArgs(['-n', 'ns', '-o', 'json', '.']).namespace, 'ns');
    assert.equal(parseDiffArgs(['-n', 'ns', '-o', 'json', '.']).format, 'json');
    assert.equal(parseDiffArgs(['--help']).help, true, 'help needs no path');
  });

  it('refuses what it cannot use, saying why', () => {
    const refuse = (argv: string[], message: RegExp) => assert.throws(() => parseDiffArgs(argv), (e: unknown) => e instanceof UsageError && message.test(e.message));
    refuse([], /no path given/);
    refuse(['a', 'b'], /one path only \(got 2: a, b\)/);
    refuse(['--frmat', 'json', 'a'], /unknown option --frmat/);
    refuse(['--format', 'yaml', 'a'], /--format must be text or json, not "yaml"/);
    refuse(['--timeout', '0', 'a'], /--timeout must be a duration/);
    refuse(['--context'], /--context needs a value/);
    refuse(['--context', '--namespace', 'x', 'a'], /--context needs a value/);
    refuse(['--revision=', 'a'], /--revision must not be empty/);
  });

  it('revisions: worktree, HEAD (the local commit), anything else a revision of the remote', () => {
    assert.deepEqual(diffSource('worktree'), { kind: 'worktree' });
    assert.deepEqual(diffSource('HEAD'), { kind: 'head' });
    assert.deepEqual(diffSource('main'), { kind: 'revision', revision: 'main' });
    assert.deepEqual(diffSource('0a1b2c3'), { kind: 'revision', revision: '0a1b2c3' });
  });

  it('a single file becomes an include glob that matches only that name', () => {
    for (const n of ['a.yaml', 'weird[1]*?{x,y}.yaml', 'back\\slash.yml']) {
      const g = compileGlob(globLiteral(n));
      assert.equal(g.error, undefined, n);
      assert.equal(g.matches(n), true, n);
      assert.equal(g.matches(`x${n}`), false, n);
    }
  });
});

describe('tanzu-gitops diff: output pieces', () => {
  it('describes the revision read', () => {
    assert.equal(describeRevision({ label: 'working tree', branch: 'main', commit: '0123456789abcdef', dirty: true }), 'the working tree of main at 0123456 with uncommitted changes');
    assert.equal(describeRevision({ label: 'working tree', commit: '', dirty: false }), 'the working tree at no commit yet');
    assert.equal(describeRevision({ label: 'HEAD', branch: 'main', commit: 'abcdef0123', dirty: false }), 'HEAD (main) at abcdef0');
    assert.equal(describeRevision({ label: 'origin/main', branch: 'main', commit: 'abcdef0123', dirty: false }), 'origin/main at abcdef0');
    assert.equal(describeRevision({ label: 'v1.0', commit: 'abcdef0123', dirty: false }), 'v1.0 at abcdef0');
  });

  it('sums up by status', () => {
    const drift: TargetDrift = {
      target: workspaceTarget('', 'team-a'),
      resources: [],
      counts: { Synced: 3, OutOfSync: 1, Missing: 0, Extra: 2, Unknown: 0 },
      warnings: [],
      computedAt: 0,
    };
    assert.equal(summary({ ...drift, resources: new Array(6).fill({}) }, 'ctx', 'team-a'),
      '6 resources compared with context "ctx" (namespace team-a) at Git: 1 OutOfSync, 0 Missing, 2 Extra, 0 Unknown, 3 Synced');
  });

  it('exits 2 with the usage on a bad option, 0 with --help; main knows the command', async () => {
    const bad = await capture((o, e) => runDiff(['--bogus', 'x'], o, e));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown option --bogus\n\nUsage: tanzu-gitops diff/);
    const help = await capture((o, e) => runDiff(['--help'], o, e));
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit codes: 0 nothing drifts, 1 something drifts/);
    const outside = mkdtempSync(join(tmpdir(), 'tg-diff-'));
    const notRepo = await capture((o, e) => runDiff([outside], o, e));
    assert.equal(notRepo.code, 2);
    assert.match(notRepo.stderr, /is not inside a Git working tree/);
    const saved = process.stdout.write;
    let printed = '';
    process.stdout.write = ((s: string) => { printed += s; return true; }) as typeof process.stdout.write;
    try {
      assert.equal(await main(['diff', '--help']), 0);
      assert.equal(await main(['help']), 0);
    } finally {
      process.stdout.write = saved;
    }
    assert.match(printed, /Commands: validate, diff/);
  });
});
