/**
 * Golden fixture pairs for drift (style lesson 5, as gitops-engine's `<case>-config` /
 * `<case>-live` pairs): each folder of test/fixtures/diff is one case named for what it guards:
 *
 *   git.yaml        the Git documents (source lines are counted from here)
 *   live.yaml       the live objects as the API server returns them
 *   desired.yaml    optional: the server-side dry-run results (absent: offline comparison)
 *   options.json    optional: target, diff options, unknown kinds, refused dry-runs, and
 *                   `secrets`: values that must appear nowhere in the result
 *   expected.json   statuses, one-line descriptions, changed paths and unified diffs
 *
 * To regenerate after an intended change:  UPDATE_GOLDEN=1 npm run test:unit
 * then READ every changed expected.json: a golden is a claim about drift, not a snapshot.
 * EXPECTED_STATUSES below holds whatever the goldens say.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { describeChange } from '../../src/core/diff/unified';
import type { DiffOptions, KubeObject } from '../../src/core/diff/types';
import { gitObjectsFromText } from '../../src/core/reconcile/git-objects';
import { identityOf, keyOf } from '../../src/core/reconcile/identity';
import { reconcile } from '../../src/core/reconcile/reconcile';
import type { GitObject, ReconcileResult, Target, UnknownKind } from '../../src/core/reconcile/types';

const ROOT = resolve(__dirname, '../../..');
const CASES = join(ROOT, 'test/fixtures/diff');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface CaseOptions {
  readonly guards?: string;
  readonly target?: Target;
  readonly options?: DiffOptions;
  readonly unknownKinds?: UnknownKind[];
  readonly dryRunErrors?: Record<string, string>;
  readonly secrets?: string[];
}

const DEFAULT_TARGET: Target = {
  name: 'clusters',
  defaultNamespace: 'ns-1',
  ownership: { kind: 'argocd', appName: 'clusters', trackingMethod: 'label' },
};

function documents(file: string): { value: KubeObject }[] {
  if (!existsSync(file)) return [];
  const { objects, problems } = gitObjectsFromText(file, readFileSync(file, 'utf8'));
  assert.deepEqual(problems, []);
  return objects.map((o) => ({ value: o.object }));
}

function runCase(dir: string): { result: ReconcileResult; options: CaseOptions } {
  const optionsFile = join(dir, 'options.json');
  const options = (existsSync(optionsFile) ? JSON.parse(readFileSync(optionsFile, 'utf8')) : {}) as CaseOptions;
  const target = options.target ?? DEFAULT_TARGET;
  const gitFile = gitObjectsFromText('git.yaml', readFileSync(join(dir, 'git.yaml'), 'utf8'));
  assert.deepEqual(gitFile.problems, []);
  const git: GitObject[] = gitFile.objects;
  const live = [...documents(join(dir, 'live.yaml')).map((d) => d.value), ...(options.unknownKinds ?? [])];
  const desiredDocs = documents(join(dir, 'desired.yaml'));
  const desired = existsSync(join(dir, 'desired.yaml'))
    ? new Map(desiredDocs.map((d) => {
      const id = identityOf(d.value, { defaultNamespace: target.defaultNamespace });
      assert.ok(id, 'desired objects have an identity');
      return [keyOf(id), d.value] as const;
    }))
    : undefined;
  const result = reconcile({
    git, live, desired, target,
    options: options.options ?? {},
    dryRunErrors: options.dryRunErrors ? new Map(Object.entries(options.dryRunErrors)) : undefined,
  });
  return { result, options };
}

function golden(result: ReconcileResult): unknown {
  return {
    resources: result.resources.map((r) => ({
      key: r.key,
      status: r.status,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.compared ? { compared: r.compared } : {}),
      ...(r.tracked !== undefined ? { tracked: r.tracked } : {}),
      description: describeChange(r),
      ...(r.diff ? { changedPaths: r.diff.changedPaths, unified: r.diff.unified.split('\n') } : {}),
    })),
    warnings: result.warnings,
  };
}

/** What each case must show, whatever its expected.json says (so a regenerated golden cannot flip a status). */
const EXPECTED_STATUSES: Record<string, string[]> = {
  'server-defaults-not-drift': ['Synced'],
  'status-managedfields-resourceversion-noise': ['Synced'],
  'tkc-replicas-and-vmclass-changed': ['OutOfSync'],
  'label-added-live-is-not-drift': ['Synced'],
  'label-removed-live-is-drift': ['OutOfSync'],
  'ignore-differences-json-pointers': ['OutOfSync'],
  'managed-fields-managers-autoscaler': ['OutOfSync'],
  'secret-changed-key-masked': ['OutOfSync'],
  'secret-unchanged': ['Synced'],
  'list-order-change': ['OutOfSync'],
  'cluster-variables-changed': ['OutOfSync'],
  'argocd-application': ['OutOfSync'],
  'missing-and-extra-ownership': ['Secret:Extra', 'ConfigMap:Missing', 'TanzuKubernetesCluster:Synced', 'TanzuKubernetesCluster:Extra'],
  'offline-subset-comparison': ['OutOfSync', 'Synced'],
  'duplicate-in-git': ['Unknown'],
  'kind-forbidden-or-not-served': ['Secret:Unknown', 'Cluster:Unknown'],
  'tanzu-gitops-ownership': ['ConfigMap:Synced', 'ConfigMap:Extra'],
  'tracking-not-yet-applied': ['Synced'],
  'dry-run-drops-field-git-no-longer-sets': ['OutOfSync'],
  'dry-run-refused': ['Missing'],
};

function statusesOf(result: ReconcileResult, withKind: boolean): string[] {
  return result.resources.map((r) => (withKind ? `${r.kind}:${r.status}` : r.status));
}

describe('diff golden fixtures', () => {
  const cases = existsSync(CASES) ? readdirSync(CASES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : [];

  it('the case set is complete (at least 12, each with an expected status list)', () => {
    assert.ok(cases.length >= 12, `${cases.length} cases`);
    assert.deepEqual(cases, Object.keys(EXPECTED_STATUSES).sort());
  });

  for (const name of cases) {
    it(`${name} matches expected.json`, () => {
      const dir = join(CASES, name);
      const { result, options } = runCase(dir);
      const actual = golden(result);
      const expectedFile = join(dir, 'expected.json');
      if (UPDATE) writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
      else {
        assert.ok(existsSync(expectedFile), `no ${expectedFile}: run UPDATE_GOLDEN=1 npm run test:unit, then read it`);
        assert.deepEqual(actual, JSON.parse(readFileSync(expectedFile, 'utf8')));
      }
      const want = EXPECTED_STATUSES[name];
      assert.deepEqual(statusesOf(result, want.some((s) => s.includes(':'))), want);
      // No Secret value (nor its base64) anywhere: statuses, objects, texts, diffs, warnings.
      const everything = JSON.stringify(result);
      for (const secret of options.secrets ?? []) {
        for (const form of [secret, Buffer.from(secret).toString('base64')]) {
          assert.ok(!everything.includes(form), `${name}: "${form.slice(0, 4)}…" appears in the result`);
        }
      }
    });
  }
});
