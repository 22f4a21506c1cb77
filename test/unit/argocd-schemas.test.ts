/**
 * The AppProject schema (derived from Argo CD's CRD, with the Argo CD 3 fields of
 * schemas/overlays/appproject.mjs) and the ApplicationSet schema (derived from Argo CD's CRD as
 * is): a manifest as Argo CD's users write it passes; a misspelt field or a wrong type is reported
 * at its own line.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateText } from '../../src/core/engine';
import { recognise } from '../../src/core/manifest/kinds';
import { lineOf } from './builders';

const schemaFindings = (text: string) => validateText(text).filter((f) => f.code === 'schema');

const PROJECT = `apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: team-a
  namespace: argocd
spec:
  description: Team A
  sourceRepos:
  - https://git.example.com/team-a/*
  sourceNamespaces:
  - team-a-apps
  destinations:
  - server: https://kubernetes.default.svc
    namespace: team-a
  - name: in-cluster
    namespace: team-a-*
  clusterResourceWhitelist:
  - group: ''
    kind: Namespace
  namespaceResourceBlacklist:
  - group: ''
    kind: ResourceQuota
  permitOnlyProjectScopedClusters: false
  destinationServiceAccounts:
  - server: https://kubernetes.default.svc
    namespace: team-a
    defaultServiceAccount: team-a-deployer
  roles:
  - name: ci
    policies:
    - p, proj:team-a:ci, applications, sync, team-a/*, allow
  syncWindows:
  - kind: deny
    schedule: '0 22 * * *'
    duration: 1h
    applications: ['*']
    andOperator: false
    manualSync: true
`;

describe('AppProject schema', () => {
  it('is the schema of argoproj.io/v1alpha1 AppProject', () => {
    const r = recognise({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject' });
    assert.ok(r.ours);
    assert.equal(r.info.schemaId, 'appproject-v1alpha1');
  });

  it('a project with Argo CD 3 fields (sourceNamespaces, destinationServiceAccounts) has no schema finding', () => {
    assert.deepEqual(schemaFindings(PROJECT).map((f) => f.message), []);
  });

  it('a misspelt field is an error at its line, naming the field', () => {
    const text = PROJECT.replace('  sourceRepos:', '  sourceRepo:');
    const found = schemaFindings(text);
    assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
    assert.equal(found[0].severity, 'error');
    assert.match(found[0].message, /"sourceRepo"/);
    assert.equal(found[0].range.start.line, lineOf(text, 'sourceRepo:'));
  });

  it('a wrong type is an error at the value', () => {
    const text = PROJECT.replace('    manualSync: true', '    manualSync: sometimes');
    const found = schemaFindings(text);
    assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
    assert.match(found[0].message, /manualSync/);
    assert.match(found[0].message, /boolean/);
    assert.equal(found[0].range.start.line, lineOf(text, 'manualSync: sometimes'));
  });

  it('a destinationServiceAccounts entry without defaultServiceAccount is missing a required field', () => {
    const text = PROJECT.replace('    defaultServiceAccount: team-a-deployer\n', '');
    const found = schemaFindings(text);
    assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
    assert.match(found[0].message, /required field "defaultServiceAccount"/);
  });
});

const APPSET = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: guestbook
  namespace: argocd
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
  - list:
      elements:
      - cluster: engineering-dev
        url: https://1.2.3.4
      - cluster: engineering-prod
        url: https://2.4.6.8
  - git:
      repoURL: https://github.com/argoproj/argo-cd.git
      revision: HEAD
      directories:
      - path: applicationset/examples/git-generator-directory/cluster-addons/*
      - path: applicationset/examples/git-generator-directory/cluster-addons/exclude-me
        exclude: true
      requeueAfterSeconds: 180
  template:
    metadata:
      name: '{{.cluster}}-guestbook'
      labels:
        team: engineering
    spec:
      project: default
      source:
        repoURL: https://github.com/argoproj/argo-cd.git
        targetRevision: HEAD
        path: applicationset/examples/list-generator/guestbook/{{.cluster}}
      destination:
        server: '{{.url}}'
        namespace: guestbook
      syncPolicy:
        automated:
          prune: true
          selfHeal: true
        syncOptions:
        - CreateNamespace=true
  syncPolicy:
    preserveResourcesOnDeletion: true
`;

describe('ApplicationSet schema', () => {
  it('is the schema of argoproj.io/v1alpha1 ApplicationSet', () => {
    const r = recognise({ apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet' });
    assert.ok(r.ours);
    assert.equal(r.info.schemaId, 'applicationset-v1alpha1');
  });

  it('a list generator and a git generator with a template have no schema finding', () => {
    assert.deepEqual(schemaFindings(APPSET).map((f) => f.message), []);
  });

  it('a misspelt field in a generator is an error at its line, naming the field', () => {
    const text = APPSET.replace('      requeueAfterSeconds: 180', '      requeueAfterSecond: 180');
    const found = schemaFindings(text);
    assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
    assert.equal(found[0].severity, 'error');
    assert.match(found[0].message, /"requeueAfterSecond"/);
    assert.equal(found[0].range.start.line, lineOf(text, 'requeueAfterSecond:'));
  });

  it('a wrong type in the template is an error at the value', () => {
    const text = APPSET.replace('          selfHeal: true', '          selfHeal: always');
    const found = schemaFindings(text);
    assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
    assert.match(found[0].message, /selfHeal/);
    assert.match(found[0].message, /boolean/);
    assert.equal(found[0].range.start.line, lineOf(text, 'selfHeal: always'));
  });
});
