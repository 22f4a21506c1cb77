/**
 * The pure parts of rendering: an Application's kustomize options applied to a kustomization as
 * Argo CD's `kustomize edit` calls apply them, remote references, and the `helm template`
 * argument list from an Application's helm options.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeSetValue, helmOptionsOf, helmTemplateArgs, inlineValues } from '../../src/sources/helm-args';
import { applyKustomizeOptions, hasKustomizeOptions, isRemote, kustomizeOptionsOf, localReferences, parseImage, remoteReferences } from '../../src/sources/kustomize-options';

describe('kustomize options', () => {
  it('parses `kustomize edit set image` arguments', () => {
    assert.deepEqual(parseImage('nginx:1.25'), { name: 'nginx', newTag: '1.25' });
    assert.deepEqual(parseImage('nginx=registry.local:5000/web/nginx:2'), { name: 'nginx', newName: 'registry.local:5000/web/nginx', newTag: '2' });
    assert.deepEqual(parseImage('app=my/app@sha256:abc'), { name: 'app', newName: 'my/app', digest: 'sha256:abc' });
    assert.deepEqual(parseImage('registry.local:5000/app'), { name: 'registry.local:5000/app' });
    assert.deepEqual(parseImage('app=other'), { name: 'app', newName: 'other' });
  });

  it('sets prefix, suffix and namespace; merges images by name; replicas by name; appends components and patches', () => {
    const k = {
      resources: ['../../base'], namePrefix: 'old-', namespace: 'a',
      images: [{ name: 'nginx', newTag: '1.0' }, { name: 'redis', digest: 'sha256:1' }],
      replicas: [{ name: 'web', count: 1 }], components: ['../c1'], patches: [{ path: 'p.yaml' }],
    };
    const out = applyKustomizeOptions(k, {
      namePrefix: 'prod-', nameSuffix: '-v2', namespace: 'team-b', images: ['nginx:1.25', 'redis:7', 'busybox=mirror/busybox:1'],
      replicas: [{ name: 'web', count: '3' }, { name: 'api', count: 2 }], components: ['../c1', '../c2'],
      patches: [{ target: { kind: 'ConfigMap' }, patch: '- op: add\n  path: /data/x\n  value: y' }],
    });
    assert.deepEqual(out, {
      resources: ['../../base'], namePrefix: 'prod-', nameSuffix: '-v2', namespace: 'team-b',
      images: [{ name: 'nginx', newTag: '1.25' }, { name: 'redis', newTag: '7' }, { name: 'busybox', newName: 'mirror/busybox', newTag: '1' }],
      replicas: [{ name: 'web', count: 3 }, { name: 'api', count: 2 }], components: ['../c1', '../c2'],
      patches: [{ path: 'p.yaml' }, { target: { kind: 'ConfigMap' }, patch: '- op: add\n  path: /data/x\n  value: y' }],
    });
    assert.deepEqual(k.images, [{ name: 'nginx', newTag: '1.0' }, { name: 'redis', digest: 'sha256:1' }], 'the input is not changed');
  });

  it('common labels and annotations: added; a key already there refused unless forced; without selector to labels', () => {
    const k = { commonLabels: { team: 'a' } };
    assert.deepEqual(applyKustomizeOptions(k, { commonLabels: { env: 'prod' }, commonAnnotations: { note: 'x' } }), { commonLabels: { team: 'a', env: 'prod' }, commonAnnotations: { note: 'x' } });
    assert.throws(() => applyKustomizeOptions(k, { commonLabels: { team: 'b' } }), /commonLabel "team" is already in the kustomization's commonLabels; Argo CD refuses this unless forceCommonLabels is set/);
    assert.deepEqual(applyKustomizeOptions(k, { commonLabels: { team: 'b' }, forceCommonLabels: true }).commonLabels, { team: 'b' });
    assert.deepEqual(applyKustomizeOptions({}, { commonLabels: { env: 'p' }, labelWithoutSelector: true }).labels, [{ pairs: { env: 'p' }, includeSelectors: false }]);
    assert.throws(() => applyKustomizeOptions({}, { replicas: [{ name: 'web', count: 'many' }] }), /replicas for "web" is not a whole number/);
  });

  it('reads an Application\'s spec.source.kustomize leniently; says when nothing is to apply', () => {
    const o = kustomizeOptionsOf({ namePrefix: 'p-', images: ['a:1', 3], commonLabels: { a: 'b', n: 1 }, replicas: [{ name: 'w', count: 2 }, { count: 1 }], bogus: true });
    assert.deepEqual([o?.namePrefix, o?.images, o?.commonLabels, o?.replicas], ['p-', ['a:1'], { a: 'b' }, [{ name: 'w', count: 2 }]]);
    assert.equal(hasKustomizeOptions(o), true);
    assert.equal(hasKustomizeOptions(kustomizeOptionsOf({})), false);
    assert.equal(hasKustomizeOptions(undefined), false);
  });

  it('finds remote references, and the local resources and patch files a kustomization names', () => {
    for (const r of ['https://github.com/org/repo//base?ref=v1', 'github.com/org/repo/base', 'git@github.com:org/repo.git', 'ssh://git@host/r.git//x', 'git::https://h/r']) assert.equal(isRemote(r), true, r);
    for (const l of ['../../base', 'deployment.yaml', 'components/extra']) assert.equal(isRemote(l), false, l);
    const k = {
      resources: ['../../base', 'https://github.com/org/repo//base?ref=v1', 'cm.yaml'], components: ['../comp'],
      patchesStrategicMerge: ['tkc-patch.yaml', 'apiVersion: v1\nkind: ConfigMap\n'], patches: [{ path: 'p.yaml' }, { patch: 'inline' }], patchesJson6902: [{ path: 'j.yaml' }],
    };
    assert.deepEqual(remoteReferences(k), ['https://github.com/org/repo//base?ref=v1']);
    assert.deepEqual(localReferences(k), { resources: ['../../base', 'cm.yaml', '../comp'], patches: ['tkc-patch.yaml', 'p.yaml', 'j.yaml'] });
  });
});

describe('helm template arguments', () => {
  it('release name, namespace, value files, inline values, parameters, file parameters, CRDs', () => {
    const options = helmOptionsOf({
      releaseName: 'platform', valueFiles: ['values-prod.yaml'], values: 'a: 1',
      parameters: [{ name: 'image.tag', value: '1.2' }, { name: 'hosts', value: 'a,b' }, { name: 'list', value: '{a,b}' }, { name: 'port', value: '80', forceString: true }],
      fileParameters: [{ name: 'cfg', path: 'files/cfg.txt' }], kubeVersion: '1.28.0', apiVersions: ['run.tanzu.vmware.com/v1alpha3'],
    });
    assert.deepEqual(helmTemplateArgs({ chartPath: '/tmp/c/chart', releaseName: options?.releaseName ?? 'app', namespace: 'team-a', options, valueFiles: ['/tmp/c/chart/values-prod.yaml'], inlineValuesFile: '/tmp/v.yaml' }), [
      'template', '/tmp/c/chart', '--name-template', 'platform', '--namespace', 'team-a', '--kube-version', '1.28.0',
      '--values', '/tmp/c/chart/values-prod.yaml', '--values', '/tmp/v.yaml',
      '--set', 'image.tag=1.2', '--set', 'hosts=a\\,b', '--set', 'list={a,b}', '--set-string', 'port=80',
      '--set-file', 'cfg=files/cfg.txt', '--api-versions', 'run.tanzu.vmware.com/v1alpha3', '--include-crds',
    ]);
    assert.deepEqual(helmTemplateArgs({ chartPath: 'c', releaseName: 'r', namespace: 'n', options: { skipCrds: true } }), ['template', 'c', '--name-template', 'r', '--namespace', 'n']);
  });

  it('valuesObject wins over values; escaped commas stay escaped', () => {
    assert.deepEqual(inlineValues({ values: 'a: 1', valuesObject: { b: 2 } }), { json: { b: 2 } });
    assert.deepEqual(inlineValues({ values: 'a: 1' }), { yaml: 'a: 1' });
    assert.equal(inlineValues({ values: '  ' }), undefined);
    assert.equal(escapeSetValue('a\\,b,c,,d'), 'a\\,b\\,c\\,\\,d');
  });
});
