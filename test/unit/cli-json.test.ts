/** `--format json` always prints a parsable body, and validate's exit code says what was checked. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CHECK_FAILED } from '../../src/core/engine';
import { asksJson, errorJson } from '../../src/cli/format';
import { runCommand, runValidate, validateExitCode, UNREADABLE } from '../../src/cli/main';
import { runDiff } from '../../src/cli/diff';
import { runSync } from '../../src/cli/sync';
import type { Finding } from '../../src/core/types';

type Run = Parameters<typeof runCommand>[1];

async function json(name: string, run: Run, argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCommand(name, run, argv, (s) => { stdout += s; }, (s) => { stderr += s; });
  return { code, stdout, stderr };
}

const at0 = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
const finding = (code: string, severity: Finding['severity'] = 'error'): Finding => ({ code, severity, message: code, range: at0 });

describe('--format json on a failed run', () => {
  it('reads the format before the command parses it, the last one counting', () => {
    assert.equal(asksJson(['--format', 'json', 'x']), true);
    assert.equal(asksJson(['--format=json']), true);
    assert.equal(asksJson(['-o', 'json']), true);
    assert.equal(asksJson(['--format', 'json', '--format', 'text']), false);
    assert.equal(asksJson(['x']), false);
    assert.deepEqual(JSON.parse(errorJson('usage', 'm')), { error: { code: 'usage', message: 'm' } });
  });

  it('validate: a usage error and a missing path are JSON on stdout, the message on stderr too', async () => {
    const usage = await json('validate', runValidate, ['--format', 'json', '--formt', 'x']);
    assert.equal(usage.code, 2);
    assert.deepEqual(JSON.parse(usage.stdout), { error: { code: 'usage', message: 'unknown option --formt' } });
    assert.match(usage.stderr, /unknown option --formt/);
    const missing = await json('validate', runValidate, ['--format=json', '/no/such/file.yaml']);
    assert.equal(missing.code, 2);
    const body = JSON.parse(missing.stdout) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'unreadable');
    assert.match(body.error.message, /cannot read \/no\/such\/file\.yaml: no such file or folder/);
  });

  it('validate: text output stays text (no JSON body)', async () => {
    const r = await json('validate', runValidate, ['/no/such/file.yaml']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
  });

  it('validate: a run that checked files prints its findings, not an error body', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-json-'));
    writeFileSync(join(dir, 'a.yaml'), 'apiVersion: run.tanzu.vmware.com/v1alpha3\nkind: TanzuKubernetesCluster\nmetadata: {name: a}\nspec: {bogus: 1}\n');
    const r = await json('validate', runValidate, ['--format', 'json', dir]);
    assert.equal(r.code, 1, r.stderr);
    const findings = JSON.parse(r.stdout) as { code: string; message: string }[];
    assert.ok(findings.some((f) => f.code === 'schema' && /bogus/.test(f.message)));
  });

  it('diff: usage, an unreadable path and a folder outside Git each give their code', async () => {
    const usage = await json('diff', runDiff, ['--format', 'json', '--bogus', 'x']);
    assert.equal(usage.code, 2);
    assert.equal(JSON.parse(usage.stdout).error.code, 'usage');
    const missing = await json('diff', runDiff, ['-o', 'json', '/no/such/folder']);
    assert.equal(JSON.parse(missing.stdout).error.code, 'unreadable');
    const outside = mkdtempSync(join(tmpdir(), 'tg-json-diff-'));
    const notRepo = await json('diff', runDiff, ['--format', 'json', outside]);
    assert.equal(notRepo.code, 2);
    const body = JSON.parse(notRepo.stdout) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'git');
    assert.match(body.error.message, /is not inside a Git working tree/);
  });

  it('sync: usage and an unreadable path give their code', async () => {
    const usage = await json('sync', runSync, ['--format', 'json', '--wait', 'x']);
    assert.equal(usage.code, 2);
    assert.deepEqual(JSON.parse(usage.stdout), { error: { code: 'usage', message: '--wait applies to --argocd-app (an Argo CD operation in progress)' } });
    const missing = await json('sync', runSync, ['--format', 'json', '/no/such/folder']);
    assert.equal(JSON.parse(missing.stdout).error.code, 'unreadable');
  });

  it('a command that throws still answers with a body', async () => {
    const r = await json('sync', async () => { throw new Error('boom'); }, ['--format', 'json']);
    assert.equal(r.code, 2);
    assert.deepEqual(JSON.parse(r.stdout), { error: { code: 'failed', message: 'boom' } });
  });
});

describe('validate exit codes', () => {
  it('2 when a check could not run or a file was not read, whatever else was found', () => {
    assert.equal(validateExitCode([{ file: 'a', findings: [] }]), 0);
    assert.equal(validateExitCode([{ file: 'a', findings: [finding('schema', 'warning')] }]), 0);
    assert.equal(validateExitCode([{ file: 'a', findings: [finding('schema')] }]), 1);
    assert.equal(validateExitCode([{ file: 'a', findings: [finding('schema')] }, { file: 'b', findings: [finding(CHECK_FAILED)] }]), 2);
    assert.equal(validateExitCode([{ file: 'a', findings: [finding(UNREADABLE)] }]), 2);
  });
});
