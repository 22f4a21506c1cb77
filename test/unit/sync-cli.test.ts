/** `tanzu-gitops sync` arguments: durations, flags, and the usage errors (exit 2) found before any connection. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from '../../src/cli/command';
import { parseSyncArgs, runSync } from '../../src/cli/sync';

describe('tanzu-gitops sync arguments', () => {
  it('durations: seconds by default, ms, s, m, h and combinations', () => {
    assert.equal(parseDuration('90'), 90_000);
    assert.equal(parseDuration('1500ms'), 1500);
    assert.equal(parseDuration('45s'), 45_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('1m30s'), 90_000);
    for (const bad of ['', 'soon', '5x', 'm5', '0', '5m garbage']) assert.equal(parseDuration(bad), undefined, bad);
  });

  it('flags and values, in both spellings', () => {
    const a = parseSyncArgs(['--kubeconfig', 'k1', '--kubeconfig=k2', '--context=c', '-n', 'ns', '--dry-run', '--prune', '--yes', '--force-conflicts', '--partial', '--confirm', 'x', '--target', 't', '--timeout', '2m', '--format', 'json', 'clusters/']);
    assert.deepEqual(a, {
      path: 'clusters/', kubeconfig: ['k1', 'k2'], confirm: ['x'], format: 'json', dryRun: true, prune: true, yes: true, forceConflicts: true, partial: true, wait: false, help: false,
      context: 'c', namespace: 'ns', target: 't', argocdNamespace: 'argocd', resources: [], syncOptions: [], timeoutMs: 120_000,
    });
    const argo = parseSyncArgs(['--argocd-app', 'app', '--argocd-namespace', 'gitops', '--wait']);
    assert.equal(argo.argocdApp, 'app');
    assert.equal(argo.argocdNamespace, 'gitops');
    assert.equal(argo.path, undefined, 'a path is optional with --argocd-app');
  });

  it('usage errors exit 2 with the message and the usage, before connecting', async () => {
    const cases: [string[], RegExp][] = [
      [[], /no path given/],
      [['a', 'b'], /one path only/],
      [['--timeout', 'soon', 'a'], /--timeout must be a duration/],
      [['--format', 'xml', 'a'], /--format must be text or json/],
      [['--wait', 'a'], /--wait applies to --argocd-app/],
      [['--argocd-namespace', 'x', 'a'], /--argocd-namespace needs --argocd-app/],
      [['--argocd-app', 'x', '--force-conflicts'], /apply to a direct sync/],
      [['--context'], /--context needs a value/],
      [['--frobnicate', 'a'], /unknown option --frobnicate/],
    ];
    for (const [argv, message] of cases) {
      let err = '';
      assert.equal(await runSync(argv, () => undefined, (s) => { err += s; }), 2, argv.join(' '));
      assert.match(err, message);
      assert.match(err, /Usage: tanzu-gitops sync/);
    }
    let out = '';
    assert.equal(await runSync(['--help'], (s) => { out += s; }, () => undefined), 0);
    assert.match(out, /^Usage: tanzu-gitops sync .*\n[\s\S]*Exit codes: 0 every resource succeeded/);
  });

  it('an unreadable path exits 2 naming it', async () => {
    let err = '';
    assert.equal(await runSync(['/no/such/folder'], () => undefined, (s) => { err += s; }), 2);
    assert.match(err, /cannot read \/no\/such\/folder: no such file or folder/);
  });
});

describe('sync --argocd-app --resource and --sync-option', () => {
  it('map to operation.sync.resources (group "" for core kinds) and syncOptions', () => {
    const a = parseSyncArgs(['--argocd-app', 'app', '--resource', ':ConfigMap:team-a/settings', '--resource', 'apps:Deployment:team-a/web', '--resource', 'rbac.authorization.k8s.io:ClusterRole:viewer',
      '--sync-option', 'ServerSideApply=true', '--sync-option', 'Prune=false', '--sync-option', 'PrunePropagationPolicy=orphan', '--sync-option', 'ServerSideApply=true']);
    assert.deepEqual(a.resources, [
      { group: '', kind: 'ConfigMap', namespace: 'team-a', name: 'settings' },
      { group: 'apps', kind: 'Deployment', namespace: 'team-a', name: 'web' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'viewer' },
    ]);
    assert.deepEqual(a.syncOptions, ['ServerSideApply=true', 'Prune=false', 'PrunePropagationPolicy=orphan']);
  });

  it('bad arguments get a specific message', () => {
    const refused = (args: string[], re: RegExp) => assert.throws(() => parseSyncArgs(args), (e: Error) => re.test(e.message), args.join(' '));
    refused(['--argocd-app', 'a', '--resource', 'ConfigMap/x'], /--resource ConfigMap\/x: expected GROUP:KIND:NAME or GROUP:KIND:NAMESPACE\/NAME/);
    refused(['--argocd-app', 'a', '--resource', '::x'], /expected GROUP:KIND:NAME/);
    refused(['--argocd-app', 'a', '--resource', ':ConfigMap:a/b/c'], /expected GROUP:KIND:NAME/);
    refused(['--argocd-app', 'a', '--sync-option', 'ServerSideApply=yes'], /--sync-option ServerSideApply=yes: ServerSideApply takes true or false/);
    refused(['--argocd-app', 'a', '--sync-option', 'Bogus=true'], /"Bogus" is not an Argo CD sync option \(one of ServerSideApply, /);
    refused(['--argocd-app', 'a', '--sync-option', 'Prune=true'], /Prune takes false or confirm/);
    refused(['--resource', ':ConfigMap:x', 'dir'], /--resource and --sync-option apply to --argocd-app/);
    refused(['--argocd-app', 'a', '--resource', ':ConfigMap:x', 'dir'], /--resource and <path> both select/);
  });
});
