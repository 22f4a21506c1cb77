/**
 * Rendered sources against the real local Supervisor, with the real kubectl's Kustomize: an
 * overlay with a name prefix, a namespace, an image and a patch is diffed and synced as the
 * objects it renders (never its patch as a whole object); an Application's kustomize options are
 * applied to a copy, never to the user's files; a render error and a remote base become an unread
 * kustomization with the reason; a Helm chart without helm (helm really absent from PATH) is
 * Unknown with "helm is needed to render this chart", and its templates are never read as YAML.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/cluster/client';
import type { ConnectionSession } from '../../src/cluster/session';
import { main } from '../../src/cli/main';
import { runSync } from '../../src/cli/sync';
import { computeDrift } from '../../src/drift/engine';
import { HELM_NEEDED } from '../../src/sources';
import { onPath } from '../../src/sources/render';
import { CM, NS, TKC, cleanupTemp, deleteTracked, ensureNamespace, getOrUndefined, kubeconfigPath, makeRepo, manifests, name, openSession, targetOf, tkc } from './sync-fixtures';
import { runCliProcess, type CliRun } from './drift-fixtures';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
const DEPLOY = { group: 'apps', kind: 'Deployment' } as const;

let admin: ConnectionSession;
let root: string;
let repo: Awaited<ReturnType<typeof makeRepo>>['repo'];
const targets: string[] = [];

const web = name('web');
const settings = name('settings');
const cluster = name('cl');

function deployment(n: string, image: string): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: n },
    spec: { replicas: 1, selector: { matchLabels: { app: n } }, template: { metadata: { labels: { app: n } }, spec: { containers: [{ name: 'web', image }] } } },
  };
}

const kustomization = (o: Record<string, unknown>) => manifests({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...o });

type Run = CliRun;

/** `tanzu-gitops diff` as a process; `env` replaces the environment's PATH when given. */
function diff(args: readonly string[], path?: string): Promise<Run> {
  const env = { ...process.env, KUBECONFIG: kubeconfigPath, ...(path !== undefined ? { PATH: path } : {}) };
  return runCliProcess(CLI, ['diff', '--context', 'local-supervisor-admin', '--namespace', NS, ...args], env);
}

async function sync(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runSync(['--kubeconfig', kubeconfigPath, '--context', 'local-supervisor-admin', '--namespace', NS, ...argv], (s) => { out += s; }, (s) => { err += s; });
  return { code, out, err };
}

before(async () => {
  admin = await openSession();
  await ensureNamespace(admin);
  const base = tkc(cluster);
  delete (base.metadata as Record<string, unknown>).namespace;
  ({ root, repo } = await makeRepo({
    'base/kustomization.yaml': kustomization({ resources: ['web.yaml', 'settings.yaml', 'cluster.yaml'] }),
    'base/web.yaml': manifests(deployment(web, 'nginx:1.0')),
    'base/settings.yaml': manifests({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: settings }, data: { level: 'info' } }),
    'base/cluster.yaml': manifests(base),
    'overlays/dev/kustomization.yaml': kustomization({
      resources: ['../../base'], namePrefix: 'dev-', namespace: NS,
      images: [{ name: 'nginx', newTag: '1.25' }], patches: [{ path: 'cluster-patch.yaml' }],
    }),
    // a patch is partial by design: only the field it changes
    'overlays/dev/cluster-patch.yaml': manifests({ apiVersion: 'run.tanzu.vmware.com/v1alpha2', kind: 'TanzuKubernetesCluster', metadata: { name: cluster }, spec: { topology: { controlPlane: { replicas: 1 } } } }),
    'overlays/broken/kustomization.yaml': kustomization({ resources: ['../../base', 'missing.yaml'] }),
    'overlays/remote/kustomization.yaml': kustomization({ resources: ['https://github.com/example/platform//base?ref=v1.0.0'] }),
    'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
    'charts/app/values.yaml': 'level: info\n',
    'charts/app/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\ndata:\n  level: {{ .Values.level | quote }}\n',
  }));
});

after(async () => {
  await deleteTracked(admin, targets, [CM, TKC, { ...DEPLOY, version: 'v1' }]);
  admin?.dispose();
  cleanupTemp();
});

describe('rendered sources', () => {
  it('an overlay: diff compares the rendered objects (prefix, namespace, image, patch), sync applies them, then Synced', async () => {
    const t = name('overlay');
    targets.push(t);
    const before = await diff(['--format', 'json', '--target', t, join(root, 'overlays/dev')]);
    assert.equal(before.code, 1, before.stderr);
    const recs = JSON.parse(before.stdout) as { kind: string; namespace: string; name: string; status: string; diff: string }[];
    assert.deepEqual(recs.map((r) => `${r.kind}/${r.namespace}/${r.name}:${r.status}`).sort(), [
      `ConfigMap/${NS}/dev-${settings}:Missing`, `Deployment/${NS}/dev-${web}:Missing`, `TanzuKubernetesCluster/${NS}/dev-${cluster}:Missing`,
    ]);
    assert.match(recs.find((r) => r.kind === 'Deployment')?.diff ?? '', /^\+\s+- image: nginx:1\.25$/m);
    const tkcDiff = recs.find((r) => r.kind === 'TanzuKubernetesCluster')?.diff ?? '';
    assert.match(tkcDiff, /^\+\s+replicas: 1$/m, 'the patch set the control plane');
    assert.match(tkcDiff, /^\+\s+vmClass: best-effort-small$/m, 'the base gave the rest');

    const applied = await sync('--target', t, '--yes', join(root, 'overlays/dev'));
    assert.equal(applied.code, 0, `${applied.out}\n${applied.err}`);
    assert.match(applied.out, /\(overlays\/dev\/kustomization\.yaml:\d+\)/, 'the plan names the kustomization');
    const live = await getOrUndefined(admin, { ...TKC, namespace: NS, name: `dev-${cluster}` });
    assert.equal((live?.spec as { topology: { controlPlane: { replicas: number } } } | undefined)?.topology.controlPlane.replicas, 1);
    const dep = await getOrUndefined(admin, { ...DEPLOY, namespace: NS, name: `dev-${web}` });
    assert.equal((dep?.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image, 'nginx:1.25');
    assert.equal(await getOrUndefined(admin, { ...TKC, namespace: NS, name: cluster }), undefined, 'the patch is never an object of its own');

    const after = await diff(['--format', 'json', '--target', t, join(root, 'overlays/dev')]);
    assert.equal(after.code, 0, after.stderr);
    assert.deepEqual((JSON.parse(after.stdout) as { status: string }[]).map((r) => r.status), ['Synced', 'Synced', 'Synced']);
  });

  it('validate: a patch file is never validated as a complete manifest; the same text outside a kustomization is', async () => {
    const run = async (file: string) => {
      let out = '';
      const code = await main(['validate', '--format', 'json', file], (x) => { out += x; }, () => undefined);
      return { code, findings: JSON.parse(out) as { message: string; severity: string }[] };
    };
    const patch = await run(join(root, 'overlays/dev/cluster-patch.yaml'));
    assert.deepEqual(patch.findings.filter((f) => /required field/.test(f.message)), []);
    assert.equal(patch.code, 0);
    copyFileSync(join(root, 'overlays/dev/cluster-patch.yaml'), join(root, 'loose.yaml'));
    const loose = await run(join(root, 'loose.yaml'));
    assert.ok(loose.findings.some((f) => f.severity === 'error' && /is missing the required field/.test(f.message)), JSON.stringify(loose.findings));
  });

  it("an Application's kustomize options are applied to a copy: the user's kustomization is unchanged", async () => {
    const file = join(root, 'overlays/dev/kustomization.yaml');
    const text = readFileSync(file, 'utf8');
    const target = { ...targetOf(name('app'), 'overlays/dev'), render: { kustomize: { namePrefix: 'qa-', images: ['nginx=mirror.local/nginx:1.26'], commonLabels: { env: 'qa' } } } };
    const d = await computeDrift(admin, repo, target);
    assert.equal(d.unread, undefined, JSON.stringify(d.unread));
    assert.deepEqual(d.resources.map((r) => `${r.name}:${r.status}`).sort(), [`qa-${cluster}:Missing`, `qa-${settings}:Missing`, `qa-${web}:Missing`]);
    const dep = d.resources.find((r) => r.kind === 'Deployment');
    assert.match(dep?.diff?.gitText ?? '', /image: mirror\.local\/nginx:1\.26/);
    assert.match(dep?.diff?.gitText ?? '', /env: qa/);
    assert.equal(readFileSync(file, 'utf8'), text);
  });

  it('a render error: the kustomization is listed unread with kustomize\'s message; exit 2, no crash', async () => {
    const r = await diff(['--format', 'json', join(root, 'overlays/broken')]);
    assert.equal(r.code, 2, r.stderr);
    const recs = JSON.parse(r.stdout) as { file?: string; status: string; reason?: string }[];
    const entry = recs.find((x) => x.file === 'overlays/broken/kustomization.yaml');
    assert.equal(entry?.status, 'Unknown');
    assert.match(entry?.reason ?? '', /^could not be rendered: kubectl kustomize failed: accumulating resources: .*'overlays\/broken\/missing\.yaml'.*no such file or directory/s);
    assert.ok(!(entry?.reason ?? '').includes(root), 'paths are the repository\'s, not the temporary or local folder');
  });

  it('a sync of an overlay that does not render is blocked, naming the kustomization; nothing is sent', async () => {
    const t = name('broken');
    targets.push(t);
    const r = await sync('--target', t, '--yes', join(root, 'overlays/broken'));
    assert.notEqual(r.code, 0);
    assert.match(`${r.out}${r.err}`, /overlays\/broken\/kustomization\.yaml: could not be rendered: kubectl kustomize failed: .*missing\.yaml/);
    assert.equal(await getOrUndefined(admin, { ...CM, namespace: NS, name: settings }), undefined);
  });

  it('a remote base is refused with a clear message, and nothing is fetched', async () => {
    const r = await diff(['--format', 'json', join(root, 'overlays/remote')]);
    assert.equal(r.code, 2, r.stderr);
    const entry = (JSON.parse(r.stdout) as { file?: string; reason?: string }[]).find((x) => x.file === 'overlays/remote/kustomization.yaml');
    assert.equal(entry?.reason, 'could not be rendered: overlays/remote/kustomization.yaml names the remote base "https://github.com/example/platform//base?ref=v1.0.0": remote bases are not fetched unless tanzuGitops.kustomize.allowRemoteBases is set');
  });

  it('a Helm chart without helm on PATH: Unknown with "helm is needed to render this chart"; templates never parsed', async () => {
    const path = (process.env.PATH ?? '').split(delimiter).filter((d) => !onPath('helm', d)).join(delimiter);
    assert.equal(onPath('helm', path), undefined);
    const r = await diff(['--format', 'json', join(root, 'charts/app')], path);
    assert.equal(r.code, 2, r.stderr);
    const recs = JSON.parse(r.stdout) as { file?: string; status: string; reason?: string }[];
    assert.deepEqual(
      recs.map(({ file, status, reason }) => ({ file, status, reason })),
      [{ file: 'charts/app/Chart.yaml', status: 'Unknown', reason: `could not be rendered: ${HELM_NEEDED}` }],
      'one entry: no template read as YAML',
    );
    assert.equal((recs[0] as { target?: string }).target, 'charts/app', 'the entry names the target it belongs to');
  });
});
