/**
 * Workloads another tool applied, against the real local Supervisor: the server defaults fields
 * inside list items (a container's imagePullPolicy, a port's protocol), so Git's lists are never
 * equal to the live ones as a whole. Lists the server merges by key (containers by name, ports by
 * port and protocol, env by name, volumes by name) are compared item by item: what equals Git
 * needs no dry-run, before the first sync (another tool's manager) and after it (this one's), and
 * the verdicts and diffs are exactly those of dry-running everything. A changed image is still
 * OutOfSync.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/cluster/client';
import type { ConnectionSession } from '../../src/cluster/session';
import { runSync } from '../../src/cli/sync';
import { computeDrift } from '../../src/drift/engine';
import { targetFromSetting } from '../../src/drift/targets';
import type { DriftTarget, TargetDrift } from '../../src/drift/types';
import { cleanupTemp, kubeconfigFile, makeRepos, manifests, name, openSession, remove, tempDir, type Repos } from './drift-fixtures';

const KUBECTL = process.env.KUBECTL || 'kubectl';

let admin: ConnectionSession;
let kubeconfig: string;
let repos: Repos;
const created: KubeObject[] = [];

const n = { same: name('w-same'), image: name('w-image'), extraEnv: name('w-env'), svc: name('w-svc') };

function deployment(nm: string, image = 'nginx:1.27'): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: nm, namespace: 'team-a', labels: { app: nm } },
    spec: {
      replicas: 2, selector: { matchLabels: { app: nm } },
      template: {
        metadata: { labels: { app: nm } },
        spec: {
          containers: [{
            name: 'web', image, ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }],
            env: [{ name: 'MODE', value: 'prod' }], volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
          }, { name: 'sidecar', image: 'envoyproxy/envoy:v1.30.0' }],
          volumes: [{ name: 'cache', emptyDir: {} }],
        },
      },
    },
  };
}

const service: KubeObject = {
  apiVersion: 'v1', kind: 'Service', metadata: { name: n.svc, namespace: 'team-a' },
  spec: { selector: { app: n.same }, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
};

const git = [deployment(n.same), deployment(n.image), deployment(n.extraEnv), service];

/** kubectl as a person or another tool runs it, on the admin context. */
function kubectl(args: readonly string[], ...objects: KubeObject[]): string {
  const file = join(tempDir('kubectl'), 'objects.yaml');
  writeFileSync(file, manifests(...objects));
  return execFileSync(KUBECTL, ['--kubeconfig', kubeconfig, '--context', 'local-supervisor-admin', ...args, ...(objects.length ? ['-f', file] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const target = (): DriftTarget => targetFromSetting({ name: name('workloads'), path: 'apps', namespace: 'team-a' }, 'default') as DriftTarget;
const view = (d: TargetDrift) => d.resources.map((r) => [r.key, r.status, r.reason ?? '', r.diff?.unified ?? '']);
const statusOf = (d: TargetDrift, nm: string) => d.resources.find((r) => r.name === nm);

before(async () => {
  admin = await openSession('local-supervisor-admin');
  kubeconfig = await kubeconfigFile();
  repos = await makeRepos({ 'apps/workloads.yaml': manifests(...git) });
  created.push(...git);
  // as Argo CD applied them, from the same Git
  kubectl(['apply', '--server-side', '--field-manager=argocd-controller'], ...git);
  // a person changes one image, and another controller adds an env entry to one container
  kubectl(['-n', 'team-a', 'patch', 'deployment', n.image, '--field-manager=kubectl-edit', '--type=json', '-p', '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:1.28"}]']);
  kubectl(['-n', 'team-a', 'patch', 'deployment', n.extraEnv, '--field-manager=injector', '--type=strategic', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"INJECTED","value":"1"}]}]}}}}']);
});

after(async () => {
  await remove(admin, created);
  admin?.dispose();
  cleanupTemp();
});

describe('workloads another tool applied: keyed lists compared item by item', () => {
  it('equal to Git apart from what the server defaulted inside the lists: Synced with no dry-run; a changed image: OutOfSync', async () => {
    const drift = await computeDrift(admin, repos.repo, target());
    assert.equal(drift.error, undefined);
    for (const nm of [n.same, n.extraEnv, n.svc]) assert.deepEqual([statusOf(drift, nm)?.status, statusOf(drift, nm)?.tracked], ['Synced', false], nm);
    const changed = statusOf(drift, n.image);
    assert.equal(changed?.status, 'OutOfSync');
    assert.match(changed?.diff?.unified ?? '', /^-\s+image: nginx:1\.28$/m);
    assert.match(changed?.diff?.unified ?? '', /^\+\s+image: nginx:1\.27$/m);
    assert.deepEqual([drift.stats?.dryRunsSkipped, drift.stats?.dryRuns], [3, 1], JSON.stringify(drift.stats));
  });

  it('sparing those dry-runs gives exactly what dry-running everything gives', async () => {
    const spared = await computeDrift(admin, repos.repo, target());
    const all = await computeDrift(admin, repos.repo, target(), { skipNoOpDryRuns: false });
    assert.equal(all.stats?.dryRuns, 4);
    assert.deepEqual(view(spared), view(all));
  });

  it('after a sync (this manager owns the fields, the ports keyed with their defaulted protocol): Synced with no dry-run at all', async () => {
    let out = '';
    let err = '';
    const code = await runSync(['--kubeconfig', kubeconfig, '--context', 'local-supervisor-admin', '--namespace', 'team-a', '--target', target().name, '--yes', '--force-conflicts', join(repos.work, 'apps')], (s) => { out += s; }, (s) => { err += s; });
    assert.equal(code, 0, `${out}\n${err}`);
    const drift = await computeDrift(admin, repos.repo, target());
    for (const nm of [n.same, n.image, n.extraEnv, n.svc]) assert.deepEqual([statusOf(drift, nm)?.status, statusOf(drift, nm)?.tracked], ['Synced', true], nm);
    assert.deepEqual([drift.stats?.dryRunsSkipped, drift.stats?.dryRuns], [4, 0], JSON.stringify(drift.stats));
    const all = await computeDrift(admin, repos.repo, target(), { skipNoOpDryRuns: false });
    assert.deepEqual(view(drift), view(all));
  });
});
