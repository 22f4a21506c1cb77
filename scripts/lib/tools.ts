// What the tools of scripts/ share: where the repository and the cache are, a timed log, child
// processes (run, capture, logged to a file with a heartbeat), Debian packages, process checks, a
// lock folder, free ports, HTTP probes, waiting, and running another tool (the local Supervisor).
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setInterval, clearInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';

/** The repository: a tool runs bundled as out/scripts/NAME.mjs (scripts/run.mjs), two folders down. */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE = path.resolve(process.env.TANZU_GITOPS_CACHE || path.join(os.homedir(), '.cache', 'tanzu-gitops'));

/**
 * A JSON document of any shape (Kubernetes objects, CRDs, JSON schemas, mocha's results): the
 * tools read and reshape them field by field, as the API server or the schema defines them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;
export type JsonObject = Record<string, Json>;

/** A failure the tool explains itself: printed as its message, without a stack. */
export class ToolError extends Error {}

/** The message of a failure: a ToolError's own, anything else's stack. */
export function describeError(e: unknown): string {
  if (e instanceof ToolError) return e.message;
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

// ---------------------------------------------------------------------------------------------
// log, time

const t0 = Date.now();
let logName = 'tool';

/** Names the tool in the log lines of log(): `[NAME +1.2s] message`. */
export function setLogName(name: string): void {
  logName = name;
}

export function log(msg: string): void {
  process.stdout.write(`[${logName} +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);
}

export function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A sleep that does not keep the process alive (for races against a timeout). */
export function sleepUnref(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/** The last n lines of a file ('' when it cannot be read). */
export function tail(file: string, n: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------------------------------------
// child processes

/** Runs a command with its output on ours (the command line logged first); its exit code. */
export function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): number {
  log(`$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new ToolError(`${cmd}: ${r.error.message}`);
  return r.status ?? 1;
}

export interface Captured {
  /** -1 when the command could not be started. */
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command and keeps its output. */
export function capture(cmd: string, args: string[], opts: SpawnSyncOptions = {}): Captured {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  return { status: r.error ? -1 : r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** Runs a command that must succeed; its output. */
export function must(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const r = capture(cmd, args, opts);
  if (r.status !== 0) throw new ToolError(`${cmd} ${args.join(' ')} failed (${r.status}): ${(r.stderr || r.stdout).trim().slice(-2000)}`);
  return r.stdout;
}

export interface LoggedRun {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
  /** What the heartbeat calls the command. */
  label: string;
  /** How often the heartbeat prints the log's last line. */
  beatMs: number;
}

/** Runs a command with its output going to a log file; prints a heartbeat; resolves to the exit code. */
export function runLogged(cmd: string, args: string[], { env, cwd, logFile, label, beatMs }: LoggedRun): Promise<number> {
  log(`$ ${[cmd, ...args].join(' ')}   (output: ${logFile})`);
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'a');
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', out, out] });
    const started = Date.now();
    const beat = setInterval(() => {
      log(`  ${label}: ${secs(Date.now() - started)} ... ${tail(logFile, 1).slice(0, 150)}`);
    }, beatMs);
    child.on('error', (e) => { clearInterval(beat); fs.closeSync(out); reject(e); });
    child.on('exit', (code, signal) => {
      clearInterval(beat);
      fs.closeSync(out);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/** An install step: skipped when its check passes, else done and checked again; its duration (0 when skipped). */
export async function step(name: string, isDone: () => boolean | Promise<boolean>, action: () => unknown): Promise<number> {
  const started = Date.now();
  if (await isDone()) {
    log(`${name}: already done, skipped`);
    return 0;
  }
  log(`${name}: starting`);
  await action();
  if (!(await isDone())) throw new ToolError(`${name}: finished but its check still fails`);
  const ms = Date.now() - started;
  log(`${name}: done in ${secs(ms)}`);
  return ms;
}

/** The command line that runs `cmd` as root: itself when we are root, else through sudo. */
export function asRoot(cmd: string, args: string[]): [string, string[]] {
  if (process.getuid && process.getuid() !== 0) {
    if (capture('sh', ['-c', 'command -v sudo']).status !== 0) {
      throw new ToolError(`need root (or sudo) to run: ${cmd} ${args.join(' ')}`);
    }
    return ['sudo', ['-E', cmd, ...args]];
  }
  return [cmd, args];
}

// ---------------------------------------------------------------------------------------------
// Debian packages

export const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };

/** The packages of the list that are not installed. */
export function aptMissing(packages: string[]): string[] {
  return packages.filter((p) => {
    const r = capture('dpkg-query', ['-W', '-f=${Status}', p]);
    return !(r.status === 0 && r.stdout.includes('install ok installed'));
  });
}

export function aptUpdate(): void {
  const [c, a] = asRoot('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'update']);
  if (run(c, a, { env: APT_ENV }) !== 0) throw new ToolError('apt-get update failed');
}

/** Installs the packages of the list that are missing; apt-get update first only when needed. */
export function installApt(packages: string[]): void {
  const missing = aptMissing(packages);
  // apt-get update only when the lists do not know a package (fresh image, old lists).
  const unknown = missing.filter((p) => {
    const r = capture('apt-cache', ['policy', p]);
    return r.status !== 0 || !/Candidate: (?!\(none\))\S+/.test(r.stdout);
  });
  let updated = false;
  if (unknown.length) {
    log(`apt lists do not know ${unknown.join(', ')}: running apt-get update`);
    aptUpdate();
    updated = true;
  }
  const install = () => {
    const [c, a] = asRoot('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '--no-install-recommends', ...missing]);
    return run(c, a, { env: APT_ENV });
  };
  if (install() !== 0) {
    if (updated) throw new ToolError(`apt-get install ${missing.join(' ')} failed`);
    log('apt-get install failed with the present lists: running apt-get update and trying again');
    aptUpdate();
    if (install() !== 0) throw new ToolError(`apt-get install ${missing.join(' ')} failed`);
  }
}

// ---------------------------------------------------------------------------------------------
// processes

/** Is the process alive (a zombie is not)? */
export function pidAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

/** The command line of a process ([] when it is gone). */
export function cmdlineOf(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** Sends a signal; false when the process (group) is gone. */
export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try { process.kill(pid, sig); return true; } catch { return false; }
}

/** Runs fn holding a lock folder with the owner's pid; a stale one (dead owner) is taken over. */
export async function withLock<T>(dir: string, what: string, fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = 0;
      try { owner = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8')); } catch { /* being written */ }
      if (owner && !pidAlive(owner)) {
        log(`${what}: removing the stale lock of pid ${owner}`);
        fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - started > 30 * 60 * 1000) throw new ToolError(`${what}: ${dir} is held by pid ${owner}`);
      if ((Date.now() - started) % 30000 < 1000) log(`${what}: waiting for pid ${owner} (${dir})`);
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Waits until check() passes, polling every pollMs; fails when alive() says the process exited
 * (with the last lines of its log) or after timeoutMs.
 */
export async function waitFor(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>, alive: () => boolean, logFile: string, pollMs = 200): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await check()) return;
    if (!alive()) throw new ToolError(`${what}: the process exited; the last lines of ${logFile}:\n${tail(logFile, 25)}`);
    if (Date.now() - started > timeoutMs) throw new ToolError(`${what}: not ready after ${secs(timeoutMs)}`);
    await sleep(pollMs);
  }
}

// ---------------------------------------------------------------------------------------------
// ports, HTTP

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** n different free ports. */
export async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

/** GET url: its status and body; status 0 on no answer (refused, timed out). */
export function httpGet(url: string, timeoutMs = 2000): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('timeout', () => { req.destroy(); resolve({ status: 0, text: '' }); });
    req.on('error', () => resolve({ status: 0, text: '' }));
  });
}

/** Polls url until it answers 200 or timeoutMs passes (or stop() says to give up); whether it did. */
export async function waitHttpOk(url: string, timeoutMs: number, stop: () => boolean = () => false): Promise<boolean> {
  const s = Date.now();
  while (!stop() && Date.now() - s < timeoutMs) {
    if ((await httpGet(url)).status === 200) return true;
    await sleep(200);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// the other tools

/** The command line that runs another tool of scripts/ (through scripts/run.mjs). */
export function toolCommand(name: string, ...args: string[]): [string, string[]] {
  return [process.execPath, [path.join(REPO, 'scripts', 'run.mjs'), name, ...args]];
}

/** Runs another tool of scripts/ with its output on ours; its exit code. */
export function runTool(name: string, args: string[], opts: SpawnSyncOptions = {}): number {
  const [cmd, argv] = toolCommand(name, ...args);
  return run(cmd, argv, { cwd: REPO, ...opts });
}

export interface LocalSupervisor {
  kubeconfig: string;
  /** Whether it was not running before (so the caller started it). */
  started: boolean;
  /** Its output (the summary; errors went to ours). */
  stdout: string;
}

/**
 * `scripts/supervisor.ts start` (with the state file of env, else of ours): the local Supervisor's
 * kubeconfig, from the last line of its output (KUBECONFIG=<path>). Its log goes to our stderr
 * when quiet is false.
 */
export function startLocalSupervisor(env: NodeJS.ProcessEnv = process.env, quiet = false): LocalSupervisor {
  const [cmd, args] = toolCommand('supervisor', 'status');
  const running = spawnSync(cmd, args, { env, stdio: 'ignore' }).status === 0;
  const r = spawnSync(cmd, [...args.slice(0, -1), 'start'], {
    encoding: 'utf8', env, maxBuffer: 32 * 1024 * 1024, stdio: ['ignore', 'pipe', quiet ? 'pipe' : 'inherit'],
  });
  const line = (r.stdout || '').trim().split('\n').pop() || '';
  if (r.status !== 0 || !line.startsWith('KUBECONFIG=')) {
    const last = (text: string | null) => (text || '').split('\n').slice(-20).join('\n');
    throw new ToolError(`the local Supervisor did not start:\n${last(r.stdout)}${quiet ? last(r.stderr) : ''}`);
  }
  return { kubeconfig: line.slice('KUBECONFIG='.length), started: !running, stdout: r.stdout };
}

/** `scripts/supervisor.ts stop` for the state file of env. */
export function stopLocalSupervisor(env: NodeJS.ProcessEnv = process.env): void {
  const [cmd, args] = toolCommand('supervisor', 'stop');
  spawnSync(cmd, args, { env, stdio: 'ignore' });
}

/**
 * `scripts/supervisor.ts workload NS/NAME` for the state file of env: the cluster's control plane
 * started (or the running one reused), its kubeconfig Secret and status written; the path of its
 * kubeconfig (the last line, KUBECONFIG=...).
 */
export function startLocalWorkload(env: NodeJS.ProcessEnv, ref: string): string {
  const [cmd, args] = toolCommand('supervisor', 'workload', ref);
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 8 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  const line = (r.stdout || '').trim().split('\n').pop() || '';
  if (r.status !== 0 || !line.startsWith('KUBECONFIG=')) {
    throw new ToolError(`the workload cluster ${ref} did not start:\n${(r.stderr || r.stdout || '').split('\n').slice(-10).join('\n')}`);
  }
  return line.slice('KUBECONFIG='.length);
}

