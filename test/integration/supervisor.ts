/**
 * The real local Supervisor for the integration tests (scripts/supervisor.ts): started once and
 * reused, on a state file of its own so that freezing or restarting its kube-apiserver never
 * disturbs a demo that runs on the default one. Also the tools that stop the server in the middle
 * of things: SIGSTOP/SIGCONT, and kill + start again with the same command line and environment.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../../..');
const CACHE = process.env.TANZU_GITOPS_CACHE || path.join(os.homedir(), '.cache', 'tanzu-gitops');
export const STATE_FILE = process.env.TANZU_GITOPS_SUPERVISOR_STATE || path.join(CACHE, 'supervisor', 'integration-state.json');

export interface SupervisorState {
  dataDir: string;
  server: string;
  ca: string;
  kubeconfig: string;
  pids: { etcd: number; apiserver: number };
  logs: { apiserver: string; etcd: string };
}

export interface Supervisor {
  readonly kubeconfig: string;
  readonly state: SupervisorState;
}

let started: Promise<Supervisor> | undefined;

/** Starts the Supervisor (or reuses the running one) and reads the KUBECONFIG line. */
export function supervisor(): Promise<Supervisor> {
  started ??= (async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts/run.mjs'), 'supervisor', 'start'], {
      env: { ...process.env, TANZU_GITOPS_SUPERVISOR_STATE: STATE_FILE },
      maxBuffer: 32 * 1024 * 1024,
      timeout: 30 * 60 * 1000,
    });
    const last = stdout.trim().split('\n').pop() ?? '';
    const m = /^KUBECONFIG=(.+)$/.exec(last);
    if (!m) throw new Error(`scripts/supervisor.ts start did not end with KUBECONFIG=...: ${last}`);
    return { kubeconfig: m[1], state: readState() };
  })();
  return started;
}

export function readState(): SupervisorState {
  return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as SupervisorState;
}

function apiserverPid(): number {
  return readState().pids.apiserver;
}

/** Freezes the kube-apiserver (it keeps its sockets; nothing answers) until the returned function is called. */
export function freezeApiserver(): () => void {
  const pid = apiserverPid();
  process.kill(pid, 'SIGSTOP');
  let thawed = false;
  return () => {
    if (thawed) return;
    thawed = true;
    process.kill(pid, 'SIGCONT');
  };
}

export interface Stopped {
  /** Starts it again, as it was, and waits until /readyz answers. */
  restart(): Promise<void>;
}

/** Kills the kube-apiserver (SIGKILL: connections drop at once); restart() brings it back. */
export async function killApiserver(): Promise<Stopped> {
  const state = readState();
  const pid = state.pids.apiserver;
  const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean);
  const env = Object.fromEntries(fs.readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').filter(Boolean).map((kv) => {
    const i = kv.indexOf('=');
    return [kv.slice(0, i), kv.slice(i + 1)];
  }));
  // a server started from a folder since deleted (an earlier clone) restarts from the temp folder
  const startedIn = fs.readlinkSync(`/proc/${pid}/cwd`);
  const cwd = fs.existsSync(startedIn) ? startedIn : os.tmpdir();
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
  let restarted = false;
  return {
    async restart() {
      if (restarted) return;
      restarted = true;
      const out = fs.openSync(state.logs.apiserver, 'a');
      const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', out, out], env, cwd });
      fs.closeSync(out);
      child.unref();
      // the state file follows, so that `scripts/supervisor.ts stop` ends the new process
      const now = readState();
      now.pids.apiserver = child.pid as number;
      fs.writeFileSync(`${STATE_FILE}.tmp`, `${JSON.stringify(now, null, 2)}\n`, { mode: 0o600 });
      fs.renameSync(`${STATE_FILE}.tmp`, STATE_FILE);
      await waitReady(state, 90_000);
    },
  };
}

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export function adminToken(kubeconfigText: string): string {
  const m = /- name: local-supervisor-admin\n {2}user:\n {4}token: "([^"\n]*)"/.exec(kubeconfigText);
  if (!m) throw new Error('no admin token in the kubeconfig');
  return m[1];
}

/** GET with the admin token, outside the layer under test (for /readyz and /metrics). */
export function adminGet(state: SupervisorState, p: string, timeoutMs = 2000): Promise<{ status: number; text: string }> {
  const token = adminToken(fs.readFileSync(state.kubeconfig, 'utf8'));
  return new Promise((resolve, reject) => {
    const req = https.get(`${state.server}${p}`, { ca: fs.readFileSync(state.ca), headers: { Authorization: `Bearer ${token}` }, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function waitReady(state: SupervisorState, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await adminGet(state, '/readyz');
      if (r.status === 200 && r.text.trim() === 'ok') return;
    } catch {
      // not yet
    }
    if (Date.now() > until) throw new Error(`kube-apiserver not ready again after ${timeoutMs} ms (log: ${state.logs.apiserver})`);
    await sleep(200);
  }
}

/**
 * In-flight watches the server counts (apiserver_longrunning_gauge, verb WATCH), by
 * `<resource>/<scope>`: scope `cluster` for a cluster-wide watch, `namespace` for one namespace.
 */
export async function serverWatches(state: SupervisorState): Promise<Map<string, number>> {
  const { text } = await adminGet(state, '/metrics', 5000);
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_longrunning_gauge{') || !line.includes('verb="WATCH"')) continue;
    const resource = /resource="([^"]*)"/.exec(line)?.[1];
    const scope = /scope="([^"]*)"/.exec(line)?.[1];
    const key = `${resource}/${scope}`;
    out.set(key, (out.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return out;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until check() is true; fails with what it waited for. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** `scripts/run.mjs supervisor ARGS` on this state file: its exit code and output (never throws). */
export async function supervisorScript(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts/run.mjs'), 'supervisor', ...args], {
      env: { ...process.env, TANZU_GITOPS_SUPERVISOR_STATE: STATE_FILE }, timeout: 5 * 60 * 1000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** A command-line entry (`main`, `runSync`) run in this process, its output captured. */
export async function captured(
  run: (argv: readonly string[], out: (s: string) => void, err: (s: string) => void) => Promise<number>, argv: readonly string[],
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(argv, (s) => { out += s; }, (s) => { err += s; });
  return { code, out, err };
}
