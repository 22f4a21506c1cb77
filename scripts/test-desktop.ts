// npm run test:desktop: the editor suites (test/editor, the same files the code-server bench runs)
// in desktop VS Code, through @vscode/test-electron.
//
// Which VS Code: VSCODE_EXECUTABLE_PATH when set (an installed `code`, or the binary of an
// unpacked build), else @vscode/test-electron downloads the stable build into .vscode-test/
// where the network allows (it does not on a machine that reaches only package registries:
// then set VSCODE_EXECUTABLE_PATH). On Linux without a display it runs under xvfb-run when that
// is installed.
//
// Outside the code-server bench the UI bridge is absent (TANZU_GITOPS_EDITOR_BENCH_DIR unset), so
// the tests that need to see the page skip themselves; everything else runs as in CI. The live
// suites connect to TANZU_GITOPS_TEST_KUBECONFIG, else to the local Supervisor (started here).
//
// Options: --suite editor|journey (default editor), --grep TEXT, --no-build.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO, ToolError, describeError, runTool, setLogName, startLocalSupervisor } from './lib/tools';

setLogName('test-desktop');

function fail(message: string): never {
  console.error(`test:desktop: ${message}`);
  process.exit(2);
}

function supervisorKubeconfig(): string {
  if (process.env.TANZU_GITOPS_TEST_KUBECONFIG) return process.env.TANZU_GITOPS_TEST_KUBECONFIG;
  try {
    return startLocalSupervisor().kubeconfig;
  } catch (err) {
    return fail(describeError(err));
  }
}

/** Under xvfb-run when there is no display to open a window on (and xvfb-run is there). */
function displayWrapper(): string | undefined {
  if (process.platform !== 'linux' || process.env.DISPLAY) return undefined;
  const r = spawnSync('sh', ['-c', 'command -v xvfb-run'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { suite: { type: 'string', default: 'editor' }, grep: { type: 'string' }, 'no-build': { type: 'boolean', default: false } },
    strict: true,
  });
  if (values.suite !== 'editor' && values.suite !== 'journey') fail(`--suite must be editor or journey, not "${values.suite}"`);
  if (values.suite === 'journey') fail('the journey needs the sample repository prepared by the code-server bench: run npm run test:editor');

  let testElectron: typeof import('@vscode/test-electron');
  try {
    testElectron = await import('@vscode/test-electron');
  } catch {
    fail('@vscode/test-electron is not installed: npm ci');
  }
  if (!values['no-build']) {
    for (const tool of ['build', 'compile-tests']) if (runTool(tool, []) !== 0) throw new ToolError(`scripts/${tool}.ts failed`);
  }
  const suiteIndex = path.join(REPO, 'out', 'test', 'editor', 'index.js');
  if (!fs.existsSync(suiteIndex)) fail(`${suiteIndex} is missing: run without --no-build`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tanzu-gitops-desktop-'));
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(REPO, 'test', 'editor', 'workspace'), workspace, { recursive: true });
  const kubeconfig = supervisorKubeconfig();

  const executable = process.env.VSCODE_EXECUTABLE_PATH;
  if (executable && !fs.existsSync(executable)) fail(`VSCODE_EXECUTABLE_PATH=${executable} does not exist`);
  let vscodeExecutablePath = executable;
  if (!vscodeExecutablePath) {
    try {
      vscodeExecutablePath = await testElectron.downloadAndUnzipVSCode({ cachePath: path.join(REPO, '.vscode-test') });
    } catch (err) {
      fail(`desktop VS Code could not be downloaded (${String((err as Error)?.message ?? err).split('\n')[0]}); set VSCODE_EXECUTABLE_PATH to an installed VS Code`);
    }
  }

  const wrapper = displayWrapper();
  const extensionTestsEnv = {
    TANZU_GITOPS_EDITOR_SUITE: values.suite,
    TANZU_GITOPS_EDITOR_GREP: values.grep ?? '',
    TANZU_GITOPS_EDITOR_CLI: path.join(REPO, 'dist', 'cli.js'),
    TANZU_GITOPS_TEST_KUBECONFIG: kubeconfig,
  };
  const launchArgs = [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--user-data-dir', path.join(tmp, 'user-data'), '--extensions-dir', path.join(tmp, 'extensions')];
  let code = 0;
  try {
    if (wrapper) {
      // runTests starts the executable itself; under xvfb-run, wrap this whole step instead.
      const args = testArgs(suiteIndex, launchArgs);
      const r = spawnSync(wrapper, ['-a', vscodeExecutablePath, ...args], { stdio: 'inherit', env: { ...process.env, ...extensionTestsEnv } });
      code = r.status ?? 1;
    } else {
      code = await testElectron.runTests({ vscodeExecutablePath, extensionDevelopmentPath: REPO, extensionTestsPath: suiteIndex, launchArgs, extensionTestsEnv });
    }
  } catch (err) {
    console.error(`test:desktop: the editor suites failed: ${String((err as Error)?.message ?? err)}`);
    code = 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(code);
}

/** The command line runTests gives the executable. */
function testArgs(suiteIndex: string, launchArgs: string[]): string[] {
  return ['--no-sandbox', '--disable-gpu-sandbox', '--disable-updates', `--extensionDevelopmentPath=${REPO}`, `--extensionTestsPath=${suiteIndex}`, ...launchArgs];
}

main().catch((err) => fail(describeError(err)));
