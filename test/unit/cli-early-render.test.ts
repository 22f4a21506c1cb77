/**
 * The launcher's early render (src/cli/early.ts, src/sources/kustomize-process.ts): which command
 * lines start one, which kustomizations are surely local by their text, and the hand-over of a
 * build to the render (taken once, for the same folder and tool only; the rest ended).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { earlyRenderFolder } from '../../src/cli/early';
import { dropEarlyBuilds, startEarlyBuild, surelyLocal, takeEarlyBuild } from '../../src/sources/kustomize-process';

let root: string;
const dir = (rel: string, kustomization?: string): string => {
  const d = join(root, rel);
  mkdirSync(d, { recursive: true });
  if (kustomization !== undefined) writeFileSync(join(d, 'kustomization.yaml'), kustomization);
  return d;
};

before(() => {
  root = mkdtempSync(join(tmpdir(), 'tg-early-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('earlyRenderFolder: the folder a command line renders first, when that is sure', () => {
  it('diff or sync of one folder of the working tree', () => {
    const d = dir('cmd/overlay');
    assert.equal(earlyRenderFolder(['diff', d]), d);
    assert.equal(earlyRenderFolder(['diff', '--context', 'sv', '-n', 'team-a', '--format', 'json', d]), d);
    assert.equal(earlyRenderFolder(['diff', '--revision', 'worktree', d]), d);
    assert.equal(earlyRenderFolder(['sync', '--dry-run', '--prune', '-y', d]), d);
    assert.equal(earlyRenderFolder(['sync', '--kubeconfig', 'a', '--kubeconfig', 'b', d]), d);
  });

  it('nothing where the command renders something else first, or stops', () => {
    const d = dir('cmd/overlay2');
    assert.equal(earlyRenderFolder(['validate', d]), undefined);
    assert.equal(earlyRenderFolder(['diff', '--revision', 'HEAD', d]), undefined, 'a commit is rendered from an export of it');
    assert.equal(earlyRenderFolder(['diff', '--argocd-app', 'platform', d]), undefined, 'the Application says what to render');
    assert.equal(earlyRenderFolder(['sync', '--argocd-app', 'platform', d]), undefined);
    assert.equal(earlyRenderFolder(['diff', '--help', d]), undefined);
    assert.equal(earlyRenderFolder(['diff', '--context', d]), undefined, 'the folder is --context\'s value');
    assert.equal(earlyRenderFolder(['diff', '--frobnicate', d]), undefined, 'refused by the command');
    assert.equal(earlyRenderFolder(['diff', d, d]), undefined);
    assert.equal(earlyRenderFolder(['diff', join(d, 'missing')]), undefined);
    writeFileSync(join(d, 'cm.yaml'), 'kind: ConfigMap\n');
    assert.equal(earlyRenderFolder(['diff', join(d, 'cm.yaml')]), undefined, 'a file');
  });
});

describe('surelyLocal: a kustomization graph that names nothing remote, by its text', () => {
  it('follows local bases and components, however they are listed', () => {
    dir('l/base', 'resources:\n- cm.yaml\n');
    dir('l/components/labels', 'kind: Component\n');
    const overlay = dir('l/overlays/prod', [
      'resources:', '  - ../../base   # the base', "- '../../base'", 'components: [../../components/labels]',
      'patches:', '- path: patch.yaml', '  target:', '    kind: ConfigMap',
      'images:', '- name: nginx', '  newName: registry.example.com/nginx', 'commonLabels:', '  app.kubernetes.io/name: web', '',
    ].join('\n'));
    assert.equal(surelyLocal(overlay), true);
  });

  it('is not sure of anything remote, in the folder or in a base it names', () => {
    const cases = [
      'resources:\n- https://github.com/org/repo//base?ref=v1\n',
      'resources:\n- github.com/org/repo/base?ref=v1\n',
      'resources:\n- git@github.com:org/repo.git/base\n',
      'resources: [gh:org/repo/base]\n',
      'resources:\n- "git::https://example.com/repo"\n',
      'resources:\n- example.com/org/repo//base\n',
      'openapi:\n  path: https://example.com/schema.json\n',
    ];
    cases.forEach((text, i) => assert.equal(surelyLocal(dir(`r/${i}`, text)), false, text));
    dir('r/base', 'resources:\n- https://example.com/cm.yaml\n');
    assert.equal(surelyLocal(dir('r/overlay', 'resources:\n- ../base\n')), false, 'through its base');
    assert.equal(surelyLocal(dir('r/commented', '# see https://kubectl.docs.kubernetes.io\nresources:\n- cm.yaml\n')), true, 'a comment is no reference');
  });

  it('ends on a loop of folders', () => {
    const a = dir('loop/a', 'resources:\n- ../b\n');
    dir('loop/b', 'resources:\n- ../a\n');
    symlinkSync(a, join(root, 'loop/b/self'));
    assert.equal(surelyLocal(a), true);
  });
});

describe('early builds: started for a kustomization only, taken once by the same folder and tool', () => {
  it('hands the running build to the render that asks for it, and ends the others', async () => {
    const plain = dir('h/plain');
    assert.equal(startEarlyBuild(plain), false, 'no kustomization');
    assert.equal(startEarlyBuild(dir('h/remote', 'resources:\n- https://example.com/x.yaml\n')), false);
    // `true` stands in for the tool: the hand-over is what is tested, not Kustomize (sources.test.ts renders)
    const bin = dir('h/bin');
    symlinkSync('/bin/true', join(bin, 'kustomize'));
    const overlay = dir('h/overlay', 'resources: []\n');
    const path = process.env.PATH;
    process.env.PATH = bin;
    try {
      assert.equal(startEarlyBuild(overlay), true);
      assert.equal(startEarlyBuild(dir('h/other', 'resources: []\n')), true);
    } finally {
      process.env.PATH = path;
    }
    const tool = join(bin, 'kustomize');
    assert.equal(takeEarlyBuild(overlay, '/usr/bin/kustomize'), undefined, 'another tool');
    const taken = takeEarlyBuild(join(overlay, '.'), tool);
    assert.ok(taken, 'the same folder, however written');
    assert.deepEqual(await taken.outcome, { stdout: '', stderr: '' });
    assert.equal(takeEarlyBuild(overlay, tool), undefined, 'taken once');
    dropEarlyBuilds();
    assert.equal(takeEarlyBuild(join(root, 'h/other'), tool), undefined, 'ended');
  });
});
