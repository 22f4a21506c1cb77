/**
 * Overlays as targets, against the real local Supervisor with the real kubectl's Kustomize: a
 * repository with base/ and overlays/{dev,prod} has one target per overlay (the base none); two
 * overlays never prune each other and a prune of overlays/prod removes only what prod applied; an
 * object a sub-folder's sync applied is found again by its path by the whole repository's target;
 * and the comparison says which commit it read and how far the branch is behind its upstream.
 * The built command line's launcher (dist/cli.js) starts an overlay's render before the rest loads,
 * and that one run is the render the comparison uses.
 * Live objects are seeded as another field manager leaves them (kubectl server-side apply).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/cluster/client';
import type { ConnectionSession } from '../../src/cluster/session';
import { runSync } from '../../src/cli/sync';
import { TANZU_PATH_ANNOTATION } from '../../src/core/reconcile/ownership';
import { computeDrift } from '../../src/drift/engine';
import { discoverTargets } from '../../src/drift/targets';
import { readFreshness } from '../../src/git/freshness';
import {
  cleanupTemp, commitAll, configMap, git, GIT_ENV, kubeconfigFile, makeRepos, manifests, name, openSession, remove, runCliProcess, tempDir, write, type CliRun, type Repos,
} from './drift-fixtures';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
const KUBECTL = process.env.KUBECTL || 'kubectl';
const NS = 'team-a';

let admin: ConnectionSession;
let kubeconfig: string;
let repos: Repos;

const settings = name('settings');
const devOnly = name('dev-only');
const prodOnly = name('prod-only');
const plain = name('plain');
const kustomization = (o: Record<string, unknown>) => manifests({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...o } as KubeObject);
const cm = (n: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n }, data }) as KubeObject;

/** What each overlay renders (namePrefix and namespace applied). */
const rendered = {
  dev: [configMap(`dev-${settings}`, { level: 'debug' }), configMap(`dev-${devOnly}`, { a: '1' })],
  prod: [configMap(`prod-${settings}`, { level: 'warn' }), configMap(`prod-${prodOnly}`, { a: '1' })],
};

type Record_ = { name: string; status: string; target: string; tracked?: boolean; revision?: { commit: string; dirty: boolean; fetchedAt?: string; upstream?: string; behind?: number } };

function diff(...args: string[]): Promise<CliRun> {
  return runCliProcess(CLI, ['diff', '--context', 'local-supervisor-admin', '--namespace', NS, ...args], { ...GIT_ENV, KUBECONFIG: kubeconfig });
}

async function diffJson(path: string): Promise<{ code: number | null; records: Record_[]; stderr: string }> {
  const r = await diff('--format', 'json', path);
  return { code: r.code, records: JSON.parse(r.stdout) as Record_[], stderr: r.stderr };
}

async function sync(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runSync(['--kubeconfig', kubeconfig, '--context', 'local-supervisor-admin', '--namespace', NS, ...argv], (s) => { out += s; }, (s) => { err += s; });
  return { code, out, err };
}

function kubectl(args: readonly string[], ...objects: KubeObject[]): string {
  const file = join(tempDir('kubectl'), 'objects.yaml');
  writeFileSync(file, manifests(...objects));
  return execFileSync(KUBECTL, ['--kubeconfig', kubeconfig, '--context', 'local-supervisor-admin', ...args, '-f', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

type LiveCm = { metadata?: { annotations?: Record<string, string> }; data?: Record<string, string> };
const get = (n: string): Promise<LiveCm | undefined> => admin.client.get({ group: '', kind: 'ConfigMap', namespace: NS, name: n }).then((o) => o as LiveCm, () => undefined);

before(async () => {
  admin = await openSession('local-supervisor-admin');
  kubeconfig = await kubeconfigFile();
  repos = await makeRepos({
    'base/kustomization.yaml': kustomization({ resources: ['settings.yaml'] }),
    'base/settings.yaml': manifests(cm(settings, { level: 'info' })),
    'overlays/dev/kustomization.yaml': kustomization({ resources: ['../../base', 'only.yaml'], namePrefix: 'dev-', namespace: NS, patches: [{ path: 'level.yaml' }] }),
    'overlays/dev/only.yaml': manifests(cm(devOnly, { a: '1' })),
    'overlays/dev/level.yaml': manifests(cm(settings, { level: 'debug' })),
    'overlays/prod/kustomization.yaml': kustomization({ resources: ['../../base', 'only.yaml'], namePrefix: 'prod-', namespace: NS, patches: [{ path: 'level.yaml' }] }),
    'overlays/prod/only.yaml': manifests(cm(prodOnly, { a: '1' })),
    'overlays/prod/level.yaml': manifests(cm(settings, { level: 'warn' })),
    'clusters/apps.yaml': manifests(configMap(plain, { a: '1' })),
  });
  // prod's settings as another tool left them, exactly as the overlay renders them
  kubectl(['apply', '--server-side', '--field-manager=someone-else'], rendered.prod[0]);
});

after(async () => {
  await remove(admin, [...rendered.dev, ...rendered.prod, configMap(plain, {})]);
  admin?.dispose();
  cleanupTemp();
});

describe('overlays as targets', () => {
  it('the workspace has one target per leaf overlay, named by its path, and the folder of plain manifests; the base is none', async () => {
    const { targets } = await discoverTargets({ repo: repos.repo, namespace: NS, argocd: false });
    assert.deepEqual(targets.map((t) => t.name), ['workspace', 'overlays/dev', 'overlays/prod']);
    assert.deepEqual(targets.map((t) => t.ownership.kind === 'tanzu-gitops' ? t.ownership.path : undefined), ['', 'overlays/dev', 'overlays/prod']);
    const dev = await computeDrift(admin, repos.repo, targets[1]);
    assert.deepEqual(dev.resources.map((r) => `${r.name} ${r.status}`).sort(), [`dev-${devOnly} Missing`, `dev-${settings} Missing`]);
    const prod = await computeDrift(admin, repos.repo, targets[2]);
    const seeded = prod.resources.find((r) => r.name === `prod-${settings}`);
    assert.equal(seeded?.status, 'Synced');
    assert.equal(seeded?.tracked, false);
  });

  it('diff of the top folder compares each overlay as its own target; sync of it names the overlays to sync instead', async () => {
    const r = await diffJson(repos.work);
    assert.equal(r.code, 1, r.stderr);
    const byTarget = (t: string) => r.records.filter((x) => x.target === t).map((x) => x.name).sort();
    assert.deepEqual(byTarget('overlays/dev'), [`dev-${devOnly}`, `dev-${settings}`]);
    assert.deepEqual(byTarget('overlays/prod'), [`prod-${prodOnly}`, `prod-${settings}`]);
    assert.deepEqual(byTarget('.'), [plain]);
    // the base and the overlays' kustomizations are not unread files of the top folder: they were compared
    assert.deepEqual(r.records.filter((x) => 'file' in x), []);
    const text = await diff(repos.work);
    assert.match(text.stderr, /2 leaf kustomizations below the folder, each compared as its own target .*overlays\/dev, overlays\/prod/);

    const refused = await sync('--yes', repos.work);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /2 leaf kustomizations \(overlays\/dev, overlays\/prod\).*tanzu-gitops sync .*overlays\/dev; tanzu-gitops sync .*overlays\/prod/);
    assert.equal(await get(`dev-${devOnly}`), undefined, 'a refused sync sends nothing');
  });

  it('two overlays never prune each other; a prune of overlays/prod removes only what prod applied', async () => {
    for (const o of ['dev', 'prod']) {
      const s = await sync('--yes', '--prune', join(repos.work, 'overlays', o));
      assert.equal(s.code, 0, `${o}: ${s.out}${s.err}`);
    }
    const live = await get(`prod-${settings}`);
    assert.equal(live?.metadata?.annotations?.[TANZU_PATH_ANNOTATION], 'overlays/prod');
    assert.equal(live?.data?.level, 'warn');
    assert.equal((await get(`dev-${settings}`))?.metadata?.annotations?.[TANZU_PATH_ANNOTATION], 'overlays/dev');
    for (const o of ['dev', 'prod']) {
      const d = await diffJson(join(repos.work, 'overlays', o));
      assert.equal(d.code, 0, `${o} is in sync, and sees none of the other overlay's objects as Extra: ${d.stderr}`);
      assert.deepEqual(d.records.map((x) => x.status), ['Synced', 'Synced']);
    }

    // prod drops one of its objects: it is prod's Extra, never dev's
    write(repos.work, 'overlays/prod/kustomization.yaml', kustomization({ resources: ['../../base'], namePrefix: 'prod-', namespace: NS, patches: [{ path: 'level.yaml' }] }));
    rmSync(join(repos.work, 'overlays/prod/only.yaml'));
    const prod = await diffJson(join(repos.work, 'overlays/prod'));
    assert.deepEqual(prod.records.filter((x) => x.status === 'Extra').map((x) => x.name), [`prod-${prodOnly}`]);
    const dev = await diffJson(join(repos.work, 'overlays/dev'));
    assert.deepEqual(dev.records.filter((x) => x.status !== 'Synced'), []);

    const pruned = await sync('--yes', '--prune', join(repos.work, 'overlays/prod'));
    assert.equal(pruned.code, 0, pruned.out + pruned.err);
    assert.equal(await get(`prod-${prodOnly}`), undefined, 'prod\'s own object is pruned');
    for (const n of [`prod-${settings}`, `dev-${settings}`, `dev-${devOnly}`]) assert.ok(await get(n), `${n} stays`);
    git(repos.work, 'checkout', '--', 'overlays/prod');
  });

  it('an object the sync of a sub-folder applied is found again by its path by the whole repository\'s target', async () => {
    const s = await sync('--yes', join(repos.work, 'clusters'));
    assert.equal(s.code, 0, s.out + s.err);
    assert.equal((await get(plain))?.metadata?.annotations?.[TANZU_PATH_ANNOTATION], 'clusters');
    const { targets } = await discoverTargets({ repo: repos.repo, namespace: NS, argocd: false });
    const top = await computeDrift(admin, repos.repo, targets[0]);
    const r = top.resources.find((x) => x.name === plain);
    assert.equal(r?.status, 'Synced', JSON.stringify(r?.diff?.unified));
    assert.equal(r?.tracked, true);
    // and a change on the cluster is still drift, compared against that folder's tracking
    kubectl(['apply', '--server-side', '--field-manager=someone-else', '--force-conflicts'], configMap(plain, { a: 'changed' }));
    const changed = (await computeDrift(admin, repos.repo, targets[0])).resources.find((x) => x.name === plain);
    assert.equal(changed?.status, 'OutOfSync');
    assert.match(changed?.diff?.unified ?? '', /^- {2}a: changed$/m);
    assert.doesNotMatch(changed?.diff?.unified ?? '', /^[-+] .*tanzu-gitops\.io\/path/m);
  });

  it('says which commit was compared, when the upstream was fetched, and how far behind it the branch is', async () => {
    const head = git(repos.work, 'rev-parse', 'HEAD');
    const level = await readFreshness(repos.work, head);
    assert.equal(level.upstream, 'origin/main');
    assert.equal(level.behind, 0);
    assert.equal(level.subject, 'manifests');

    // someone else pushes two commits; the workspace fetches but does not pull
    const other = join(tempDir('other'), 'o');
    git(tempDir('clone'), 'clone', '-q', repos.bare, other);
    write(other, 'clusters/more.yaml', manifests(configMap(name('more'), { a: '1' })));
    commitAll(other, 'one more');
    write(other, 'clusters/more.yaml', manifests(configMap(name('more'), { a: '2' })));
    commitAll(other, 'and another');
    git(other, 'push', '-q', 'origin', 'HEAD:main');
    await repos.repo.fetch();
    const behind = await readFreshness(repos.work, head);
    assert.equal(behind.behind, 2);
    assert.equal(behind.ahead, 0);
    // the same from what `git status` of the working tree read, without asking git again
    const { tracking } = await repos.repo.state();
    assert.deepEqual(tracking, { upstream: 'origin/main', ahead: 0, behind: 2 });
    assert.deepEqual(await readFreshness(repos.work, head, undefined, tracking), behind);
    assert.ok(behind.fetchedAt !== undefined && behind.fetchedAt >= (level.fetchedAt ?? 0));

    const d = await diffJson(join(repos.work, 'clusters'));
    assert.equal(d.records[0].revision?.commit, head);
    assert.equal(d.records[0].revision?.dirty, false);
    assert.equal(d.records[0].revision?.upstream, 'origin/main');
    assert.equal(d.records[0].revision?.behind, 2);
    assert.ok(!Number.isNaN(Date.parse(d.records[0].revision?.fetchedAt ?? '')), JSON.stringify(d.records[0].revision));
    const text = await diff(join(repos.work, 'clusters'));
    assert.match(text.stderr, new RegExp(`Git: ${head.slice(0, 7)} "manifests" \\(.*\\) · fetched .* · 2 commits behind origin/main`));
  });
});

describe('the command line\'s launcher (dist/cli.js)', () => {
  const root = join(__dirname, '..', '..', '..');
  const launcher = join(root, 'dist', 'cli.js');
  let bin: string;
  let log: string;

  before(() => {
    // npm test builds first; run alone, the test builds what it runs
    if (!existsSync(join(root, 'dist', 'cli-main.js'))) {
      const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, encoding: 'utf8' });
      assert.equal(build.status, 0, `npm run build failed: ${build.error?.message ?? ''}${build.stderr}`);
    }
    // a kustomize on PATH that notes each run, then renders with the real kubectl's Kustomize
    bin = tempDir('bin');
    log = join(bin, 'runs.log');
    writeFileSync(join(bin, 'kustomize'), `#!/bin/sh\necho "$$ $*" >> "${log}"\n[ -n "$TG_TEST_SLOW_RENDER" ] && exec sleep 600\nexec "${KUBECTL}" kustomize "$2"\n`);
    chmodSync(join(bin, 'kustomize'), 0o755);
  });

  const runs = (): string[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []);
  const env = (extra: NodeJS.ProcessEnv = {}) => ({ ...GIT_ENV, KUBECONFIG: kubeconfig, PATH: `${bin}:${process.env.PATH ?? ''}`, TANZU_GITOPS_RENDER_CACHE: '0', TANZU_GITOPS_TRACE: '1', ...extra });

  it('starts the overlay\'s render before the rest loads, and the comparison takes that run: Kustomize runs once', async () => {
    rmSync(log, { force: true });
    const dev = join(repos.work, 'overlays', 'dev');
    const r = await runCliProcess(launcher, ['diff', '--context', 'local-supervisor-admin', '--namespace', NS, '--format', 'json', dev], env());
    assert.match(r.stderr, /launcher: render started/);
    assert.equal(runs().length, 1, runs().join('\n'));
    assert.match(runs()[0], /^\d+ build .*overlays\/dev$/);
    // the same records as the command line run without the launcher
    const plainRun = await diffJson(dev);
    const shape = (stdout: string) => (JSON.parse(stdout) as Record_[]).map((x) => `${x.name} ${x.status}`).sort();
    assert.equal(shape(r.stdout).length, 2);
    assert.deepEqual(shape(r.stdout), plainRun.records.map((x) => `${x.name} ${x.status}`).sort());
  });

  it('a command that stops before it renders ends the render the launcher started', async () => {
    const prod = join(repos.work, 'overlays', 'prod');
    const stops: [string[], RegExp][] = [
      [['--format', 'xml', prod], /--format must be text or json, not "xml"/], // refused by the command, not by the launcher
      [['--context', 'no-such-context', prod], /There is no context "no-such-context"/],
    ];
    for (const [args, message] of stops) {
      rmSync(log, { force: true });
      // (a render that is not ended keeps the process, and this test, waiting)
      const r = await runCliProcess(launcher, ['diff', ...args], env({ TG_TEST_SLOW_RENDER: '1' }));
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /launcher: render started/);
      // (ended before it could note itself: nothing more to look at)
      for (const pid of runs().map((l) => Number(l.split(' ')[0]))) assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the render was ended with the command');
    }
  });
});
