/**
 * Entry of the editor suites, in the shape @vscode/test-electron (desktop) and the project's
 * code-server bench (scripts/editor-bench.ts) both run: the extension host loads this module as
 * `extensionTestsPath` and awaits run(). Every `*.test.js` compiled beside it (out/test/editor/,
 * sub-folders included) is a suite file; mocha's `tdd` interface (suite/test/suiteSetup/setup).
 *
 * Under the bench, TANZU_GITOPS_EDITOR_BENCH_DIR is set: the counts (and the titles of skipped
 * tests) are kept up to date in results.json there (the bench prints the closing "N passed, N
 * failed" from it, even after a hang), a failed test gets a screenshot
 * test-artifacts/editor/failed-<n>-<title>.png, and TANZU_GITOPS_EDITOR_GREP narrows the run.
 * Without it (a desktop run) none of that happens.
 */
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import { screenshot, underBench } from './helpers';

interface Failure {
  title: string;
  error: string;
}

export function run(): Promise<void> {
  let failedCount = 0;
  const mocha = new Mocha({
    ui: 'tdd',
    timeout: 60_000,
    color: false,
    reporter: 'spec',
    rootHooks: {
      async afterEach(this: Mocha.Context) {
        const t = this.currentTest;
        if (t?.state !== 'failed' || !underBench()) return;
        const slug = t.fullTitle().replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
        try {
          await screenshot(`failed-${++failedCount}-${slug}`, { settleMs: 0 });
        } catch (err) {
          console.error(`no screenshot of the failure: ${String(err)}`);
        }
      },
    },
  });
  const grep = process.env.TANZU_GITOPS_EDITOR_GREP;
  if (grep) mocha.grep(grep);

  // The journey (test/editor/journey/) runs alone, in its own workspace (the sample repository).
  const journey = process.env.TANZU_GITOPS_EDITOR_SUITE === 'journey';
  const files = (fs.readdirSync(__dirname, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.js') && f.split(path.sep)[0] === 'journey' === journey)
    .sort((a, b) => a.localeCompare(b));
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  return new Promise((resolve, reject) => {
    const failures: Failure[] = [];
    const skipped: string[] = [];
    let runner: Mocha.Runner | undefined;
    try {
      runner = mocha.run((failed) => {
        writeResults(runner, failures, true, skipped);
        if (failed > 0) reject(new Error(`${failed} editor test(s) failed`));
        else resolve();
      });
      runner.on('fail', (test, err: Error) => {
        failures.push({ title: test.fullTitle(), error: String((err && (err.stack || err.message)) || err) });
        writeResults(runner, failures, false, skipped);
      });
      runner.on('pending', (test) => skipped.push(test.fullTitle()));
      runner.on('test end', () => writeResults(runner, failures, false, skipped));
    } catch (err) {
      // A suite file that throws while loading ends here: count it as a failure.
      failures.push({ title: 'loading the editor suites', error: String((err as Error).stack || err) });
      writeResults(undefined, failures, true, skipped);
      reject(err);
    }
  });
}

function writeResults(runner: Mocha.Runner | undefined, failures: Failure[], complete: boolean, skipped: string[]): void {
  const dir = process.env.TANZU_GITOPS_EDITOR_BENCH_DIR;
  if (!dir) return;
  const stats = runner?.stats;
  const results = {
    complete,
    passed: stats?.passes ?? 0,
    failed: Math.max(stats?.failures ?? 0, failures.length),
    skipped: stats?.pending ?? 0,
    // which, for the bench's message (under CI=true a skipped test fails the run)
    skippedTitles: skipped,
    failures,
  };
  try {
    const tmp = path.join(dir, '.results.json.tmp');
    fs.writeFileSync(tmp, JSON.stringify(results, null, 2));
    fs.renameSync(tmp, path.join(dir, 'results.json'));
  } catch (err) {
    console.error(`could not write results.json: ${String(err)}`);
  }
}
