/**
 * Golden tests: the findings for each public example manifest (test/fixtures/examples) and for
 * each case in test/fixtures/golden/cases are stored as JSON next to the tests and compared.
 *
 * To regenerate after an intended change:  UPDATE_GOLDEN=1 npm run test:unit
 * then READ the diff: a golden is a claim about the domain, not a snapshot to accept blindly.
 * The domain checks below hold whatever the goldens say.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { validateText } from '../../src/core/engine';
import { RULE_CATALOG } from '../../src/core/rules';
import { EXAMPLES, ROOT, yamlFilesIn } from './fixtures';
import { toGolden, type GoldenFinding } from './more-builders';

const GOLDEN = join(ROOT, 'test/fixtures/golden');
const CASES = join(GOLDEN, 'cases');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface Golden {
  readonly source: string;
  readonly findings: readonly GoldenFinding[];
}

function yamlFiles(dir: string): string[] {
  return yamlFilesIn(dir).map((p) => basename(p));
}

function stem(file: string): string {
  return basename(file).replace(/\.ya?ml$/, '');
}

function actual(file: string): GoldenFinding[] {
  return validateText(readFileSync(file, 'utf8')).map(toGolden);
}

/** Compares a file's findings with its golden, or writes the golden when UPDATE_GOLDEN=1. */
function checkGolden(source: string, goldenPath: string): GoldenFinding[] {
  const findings = actual(source);
  if (UPDATE) {
    const golden: Golden = { source: basename(source), findings };
    writeFileSync(goldenPath, `${JSON.stringify(golden, null, 2)}\n`);
    return findings;
  }
  assert.ok(existsSync(goldenPath), `no golden file ${goldenPath}: run UPDATE_GOLDEN=1 npm run test:unit, then read it`);
  const golden = JSON.parse(readFileSync(goldenPath, 'utf8')) as Golden;
  assert.equal(golden.source, basename(source));
  assert.deepEqual(findings, golden.findings, `findings of ${basename(source)} differ from ${goldenPath}`);
  return findings;
}

const KNOWN_CODES = new Set(RULE_CATALOG.map((r) => r.id));

const count = (fs: readonly GoldenFinding[], code: string, severity?: string) =>
  fs.filter((f) => f.code === code && (!severity || f.severity === severity)).length;

/** What must hold for each public example, whatever its golden says (a Tanzu engineer's reading). */
const DOMAIN: Record<string, (fs: readonly GoldenFinding[]) => void> = {
  '07-tkc-v1alpha2-template-tanzu-framework': (fs) => {
    // A ytt/envsubst template: said once, and nothing flagged at a placeholder.
    assert.deepEqual(fs.map((f) => [f.code, f.severity]), [['template-placeholder', 'info']]);
    assert.equal(fs[0].start, '4:9', 'at the first placeholder, ${CLUSTER_NAME}');
  },
  '08-cluster-v1beta1-tkc-class-tanzu-framework': (fs) => {
    // 198.51.100.0/12 and 192.0.2.0/16 have host bits; nothing else is wrong.
    assert.deepEqual(fs.map((f) => [f.code, f.severity]), [['cidr-host-bits', 'warning'], ['cidr-host-bits', 'warning']]);
    assert.match(fs[0].message, /"198\.51\.100\.0\/12" .* network address is 198\.48\.0\.0\/12\./);
    assert.match(fs[1].message, /"192\.0\.2\.0\/16" .* network address is 192\.0\.0\.0\/16\./);
  },
  '09-vks37-cluster-v1beta2-reference-profile-papivot': (fs) => {
    // v1beta2 with classRef builtin-generic-v3.7.0: nothing is an error merely for being unknown.
    assert.equal(count(fs, 'schema'), 0);
    assert.equal(fs.filter((f) => f.severity === 'error').length, 0);
    assert.equal(count(fs, 'cluster-variables'), 0);
  },
  '11-argocd-application-annotated': (fs) => {
    // Argo CD's own example Application, ${ARGOCD_APP_REVISION} included: clean.
    assert.deepEqual(fs, []);
  },
};

describe('golden: public examples', () => {
  const examples = yamlFiles(EXAMPLES);

  it('has a golden for each example and no golden without an example', () => {
    if (UPDATE) mkdirSync(GOLDEN, { recursive: true });
    const goldens = readdirSync(GOLDEN).filter((f) => f.endsWith('.findings.json')).map((f) => f.replace(/\.findings\.json$/, ''));
    const stems = examples.map(stem);
    assert.deepEqual(goldens.filter((g) => !stems.includes(g)), [], 'stale golden files');
    if (!UPDATE) assert.deepEqual(stems.filter((s) => !goldens.includes(s)), [], 'examples without a golden: run UPDATE_GOLDEN=1 npm run test:unit');
  });

  for (const file of examples) {
    it(`${file} matches its golden`, () => {
      const findings = checkGolden(join(EXAMPLES, file), join(GOLDEN, `${stem(file)}.findings.json`));
      DOMAIN[stem(file)]?.(findings);
    });
  }

  it('09: the v1beta2 Cluster is validated (not skipped): a 2-node control plane is still flagged', () => {
    const file = examples.find((f) => f.startsWith('09-')) ?? assert.fail('example 09 is missing');
    const text = readFileSync(join(EXAMPLES, file), 'utf8');
    const edited = text.replace(/(\n {6}replicas: )1( +# no etcd quorum)/, (_, before: string, after: string) => `${before}2${after}`);
    assert.notEqual(edited, text);
    assert.deepEqual(validateText(edited).map((f) => [f.code, f.severity]), [['control-plane-replicas', 'error']]);
  });

  it('every known example is present', () => {
    assert.deepEqual(Object.keys(DOMAIN).filter((s) => !examples.map(stem).includes(s)), []);
  });
});

/** For the own cases: which codes each one must show (so a regenerated golden cannot lose one). */
const CASE_CODES: Record<string, string[]> = {
  'tkc-v1alpha1': ['resource-name', 'version-mismatch', 'control-plane-replicas', 'volume', 'cni-name', 'cidr-host-bits', 'proxy-incomplete', 'deprecated-api'],
  'tkc-v1alpha2': ['schema', 'deprecated-field', 'node-pool-name', 'cidr-overlap', 'trusted-ca'],
  'tkc-v1alpha3': ['deprecated-api', 'schema', 'volume', 'cni-name', 'cidr-invalid'],
  'cluster-v1beta1': ['cidr-host-bits', 'cidr-overlap', 'control-plane-replicas', 'schema', 'cluster-variables', 'proxy-incomplete', 'trusted-ca', 'volume'],
  'multi-document': ['template-placeholder', 'cni-name', 'yaml-syntax', 'resource-name', 'schema', 'control-plane-replicas'],
};

describe('golden: own cases', () => {
  const cases = yamlFiles(CASES);

  it('the case set is complete', () => {
    assert.deepEqual(cases.map(stem).sort(), Object.keys(CASE_CODES).sort());
  });

  for (const file of cases) {
    it(`${file} matches its golden`, () => {
      const findings = checkGolden(join(CASES, file), join(CASES, `${stem(file)}.findings.json`));
      const codes = new Set(findings.map((f) => f.code));
      for (const code of CASE_CODES[stem(file)] ?? []) assert.ok(codes.has(code), `${file}: a ${code} finding`);
      assert.equal(codes.size, new Set(CASE_CODES[stem(file)]).size, `${file}: only the expected codes (${[...codes].join(', ')})`);
      // A line whose comment starts with a rule id (`# cidr-host-bits: ...`) has a finding of that code.
      const lines = readFileSync(join(CASES, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        const code = /\s#\s*([a-z-]+)/.exec(line)?.[1];
        if (!code || !KNOWN_CODES.has(code)) return;
        assert.ok(findings.some((f) => f.code === code && f.start.startsWith(`${i + 1}:`)), `${file}:${i + 1}: a ${code} finding on this line`);
      });
    });
  }
});
