/** The command-line tool, run as a real process on real files (dist/cli.js is built by `npm run build`, here when missing). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { main } from '../../src/cli/main';
import { tkcV1alpha2, yaml } from './builders';

const root = join(__dirname, '..', '..', '..');
let dir: string;

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const orig = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((s: string) => { stdout += s; return true; }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => { stderr += s; return true; }) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = orig.out;
    process.stderr.write = orig.err;
  }
}

describe('tanzu-gitops validate', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tg-cli-'));
    mkdirSync(join(dir, 'clusters', 'nested'), { recursive: true });
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'clusters', 'good.yaml'), yaml(tkcV1alpha2()));
    writeFileSync(join(dir, 'clusters', 'nested', 'bad.yml'), yaml(tkcV1alpha2({ topology: { controlPlane: { replicas: 2 } } })));
    writeFileSync(join(dir, 'clusters', 'warn.yaml'), yaml(tkcV1alpha2({ settings: { network: { pods: { cidrBlocks: ['192.168.1.0/16'] } } } })));
    writeFileSync(join(dir, 'clusters', 'notes.txt'), 'replicas: 2');
    writeFileSync(join(dir, 'node_modules', 'bad.yaml'), yaml(tkcV1alpha2({ topology: { controlPlane: { replicas: 2 } } })));
  });

  it('walks folders for *.yaml and *.yml, prints path:line:col: severity code message, exits 1 on errors', async () => {
    const r = await run(['validate', join(dir, 'clusters')]);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0], /nested\/bad\.yml:\d+:\d+: error control-plane-replicas spec\.topology\.controlPlane\.replicas is 2/);
    assert.match(lines[1], /warn\.yaml:\d+:\d+: warning cidr-host-bits /);
    assert.match(r.stderr, /3 files checked: 1 error, 1 warning/);
  });

  it('exits 0 with warnings only', async () => {
    assert.equal((await run(['validate', join(dir, 'clusters', 'warn.yaml'), join(dir, 'clusters', 'good.yaml')])).code, 0);
  });

  it('json: one array of {file, line, column, endLine, endColumn, severity, code, message}, 1-based', async () => {
    const r = await run(['validate', '--format', 'json', join(dir, 'clusters', 'nested', 'bad.yml')]);
    const arr = JSON.parse(r.stdout);
    assert.equal(arr.length, 1);
    assert.deepEqual(Object.keys(arr[0]), ['file', 'line', 'column', 'endLine', 'endColumn', 'severity', 'code', 'message']);
    const text = yaml(tkcV1alpha2({ topology: { controlPlane: { replicas: 2 } } }));
    const lineIdx = text.split('\n').findIndex((l) => l.includes('replicas: 2'));
    assert.equal(arr[0].line, lineIdx + 1);
    assert.equal(arr[0].column, text.split('\n')[lineIdx].indexOf('2') + 1);
    assert.equal(arr[0].endColumn, arr[0].column + 1);
  });

  it('sarif: a 2.1.0 log with rules and results', async () => {
    const r = await run(['validate', '--format=sarif', join(dir, 'clusters')]);
    const log = JSON.parse(r.stdout);
    assert.equal(log.version, '2.1.0');
    const run0 = log.runs[0];
    assert.equal(run0.tool.driver.name, 'tanzu-gitops');
    assert.ok(run0.tool.driver.rules.some((x: { id: string }) => x.id === 'cidr-host-bits'));
    assert.deepEqual(run0.results.map((x: { ruleId: string; level: string }) => [x.ruleId, x.level]), [['control-plane-replicas', 'error'], ['cidr-host-bits', 'warning']]);
    const region = run0.results[0].locations[0].physicalLocation.region;
    assert.ok(region.startLine >= 1 && region.startColumn >= 1);
    assert.equal(r.code, 1);
  });

  it('--disable turns a rule off', async () => {
    assert.equal((await run(['validate', '--disable', 'control-plane-replicas', join(dir, 'clusters')])).code, 0);
  });

  it('exits 2 naming an unreadable path, an unknown option, or no path', async () => {
    const missing = await run(['validate', join(dir, 'nope.yaml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.yaml: no such file or folder/);
    const badOpt = await run(['validate', '--formt', 'json', dir]);
    assert.equal(badOpt.code, 2);
    assert.match(badOpt.stderr, /unknown option --formt/);
    const badFormat = await run(['validate', '--format', 'xml', dir]);
    assert.match(badFormat.stderr, /--format must be text, json or sarif, not "xml"/);
    assert.equal((await run(['validate'])).code, 2);
    assert.equal((await run(['frobnicate'])).code, 2);
  });

  it('runs as node dist/cli.js after the build', () => {
    const cli = join(root, 'dist', 'cli.js');
    // npm test builds first; run alone, the test builds what it runs (a failed build fails it)
    if (!existsSync(cli)) {
      const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, encoding: 'utf8' });
      assert.equal(build.status, 0, `npm run build failed: ${build.error?.message ?? ''}${build.stderr}`);
    }
    assert.ok(existsSync(cli), 'npm run build made no dist/cli.js');
    const r = spawnSync(process.execPath, [cli, 'validate', '--format', 'json', join(dir, 'clusters')], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(JSON.parse(r.stdout).length, 2);
    // jq (jqPathExpressions) is a bundle beside the others, loaded on first use: it is there and runs
    const jq = spawnSync(process.execPath, ['-e', "require('./dist/jq.js').json({ a: [1, 2] }, '[path(.a[])]', ['-c']).then((r) => process.stdout.write(JSON.stringify(r)))"], { cwd: root, encoding: 'utf8' });
    assert.equal(jq.stdout, '[["a",0],["a",1]]', jq.stderr);
    for (const bundle of ['cli-main.js', 'connection.js']) {
      assert.match(readFileSync(join(root, 'dist', bundle), 'utf8'), /require\("\.\/jq\.js"\)/, `${bundle} loads jq from beside it`);
    }
  });
});
