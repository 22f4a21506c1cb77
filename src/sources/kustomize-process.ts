/**
 * Running the renderers' processes, and the one render the command line's launcher starts before
 * the rest of the command line loads. Node's own modules only: the launcher (src/cli/launch.ts,
 * dist/cli.js) bundles this file, and it must stay small to start first.
 *
 * Early builds: `tanzu-gitops diff overlays/prod` renders that folder first of all, and a render
 * is the longest single step of a cold diff. The launcher starts `kustomize build` of the folder
 * as soon as Node runs it (startEarlyBuild), while the 2.2 MB of the rest is compiled and loaded;
 * the render of that folder then takes the running build (takeEarlyBuild) instead of starting its
 * own. The hand-over is a list on globalThis under a registered symbol: the launcher and the rest
 * are two bundles, each with its own copy of this module. An early build only starts where it is
 * surely the render that will be asked for: a folder of the working tree with a kustomization
 * whose graph names nothing remote (surelyLocal); the render checks for remote bases again, with
 * its YAML parser, before it takes one.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/** The names Kustomize reads a folder's kustomization from. */
export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;
export const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_OUTPUT = 64 * 1024 * 1024;

/** Where the renderers are (RenderSettings of render.ts). */
export interface ToolSettings {
  /** `tanzuGitops.kustomize.path`: the kustomize binary (default: `kustomize` on PATH, else `kubectl kustomize`). */
  readonly kustomizePath?: string;
  /** The kubectl whose `kustomize` is the fallback (default: `kubectl` on PATH). */
  readonly kubectlPath?: string;
  /** PATH to search (default: the process's). */
  readonly searchPath?: string;
}

export interface RunOutcome { readonly stdout: string; readonly stderr: string; readonly error?: string }

/** An executable named `name` on the search path, or undefined. */
export function onPath(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Runs a renderer: its output, or what went wrong in words (not found, too slow, its own message). */
export function runTool(file: string, args: readonly string[], cwd: string, timeoutMs: number, what: string, started?: (child: ChildProcess) => void, env: NodeJS.ProcessEnv = {}): Promise<RunOutcome> {
  return new Promise((done) => {
    const child = execFile(file, args, { cwd, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_OUTPUT, encoding: 'utf8', env: { ...process.env, HELM_NAMESPACE: '', ...env } }, (err, stdout, stderr) => {
      if (!err) return done({ stdout, stderr });
      const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string };
      if (e.code === 'ENOENT') return done({ stdout, stderr, error: `${what}: ${file} was not found` });
      if (e.killed || e.signal === 'SIGKILL') return done({ stdout, stderr, error: `${what} did not finish within ${Math.round(timeoutMs / 1000)} s` });
      const message = stderr.trim().split('\n').filter(Boolean).slice(-6).join('\n') || e.message;
      done({ stdout, stderr, error: `${what} failed: ${message}` });
    });
    started?.(child);
  });
}

/** How a folder is built: `kustomize build DIR`, else `kubectl kustomize DIR`; undefined when neither is there. */
export interface KustomizeCommand {
  readonly tool: string;
  readonly args: readonly string[];
  readonly what: string;
}

export function kustomizeCommand(dir: string, settings: ToolSettings = {}): KustomizeCommand | undefined {
  const searchPath = settings.searchPath ?? process.env.PATH ?? '';
  const kustomize = settings.kustomizePath || onPath('kustomize', searchPath);
  if (kustomize) return { tool: kustomize, args: ['build', dir], what: 'kustomize build' };
  const kubectl = settings.kubectlPath || onPath('kubectl', searchPath);
  return kubectl ? { tool: kubectl, args: ['kustomize', dir], what: 'kubectl kustomize' } : undefined;
}

/** A build started by the launcher, until a render takes it. */
export interface EarlyBuild {
  /** The folder, as realpath gives it. */
  readonly dir: string;
  readonly tool: string;
  /** When it started (Date.now()): a file changed since may or may not be in its output. */
  readonly startedAt: number;
  readonly outcome: Promise<RunOutcome>;
  readonly child?: ChildProcess;
}

const EARLY = Symbol.for('tanzu-gitops.early-kustomize-builds');

function earlyBuilds(): EarlyBuild[] {
  const g = globalThis as { [EARLY]?: EarlyBuild[] };
  return (g[EARLY] ??= []);
}

/**
 * Starts `kustomize build` of `dir` with the default tools (what the command line's render uses)
 * when the folder holds a kustomization that is surely local; says whether it did.
 */
export function startEarlyBuild(dir: string): boolean {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return false;
  }
  if (!KUSTOMIZATION_NAMES.some((n) => isFile(join(real, n))) || !surelyLocal(real)) return false;
  const command = kustomizeCommand(dir);
  if (!command) return false;
  let child: ChildProcess | undefined;
  const startedAt = Date.now();
  // Git may not fetch anything for it either (the render refuses remote bases before it takes this)
  const outcome = runTool(command.tool, command.args, dir, DEFAULT_TIMEOUT_MS, command.what, (c) => { child = c; }, { GIT_ALLOW_PROTOCOL: 'file' });
  earlyBuilds().push({ dir: real, tool: command.tool, startedAt, outcome, ...(child ? { child } : {}) });
  return true;
}

/** The early build of `dir` with `tool`, taken once; undefined when there is none. */
export function takeEarlyBuild(dir: string, tool: string): EarlyBuild | undefined {
  const list = earlyBuilds();
  if (list.length === 0) return undefined;
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return undefined;
  }
  const i = list.findIndex((b) => b.dir === real && b.tool === tool);
  return i < 0 ? undefined : list.splice(i, 1)[0];
}

/** Ends the early builds nobody took (a command that failed first, a render that was refused). */
export function dropEarlyBuilds(): void {
  for (const b of earlyBuilds().splice(0)) b.child?.kill('SIGKILL');
}

/** A list item or flow-sequence entry that names something remote the way Kustomize reads one. */
const REMOTE_ITEM = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|git::|gh:)|\?(?:ref|version|timeout|submodules)=|^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?::\d+)?\//i;
const MAX_FOLDERS = 200;
const MAX_TEXT = 1024 * 1024;

/**
 * Whether the kustomization graph from `dir` surely names nothing remote, by its text alone (no
 * YAML parser here): every kustomization is read; any `://` in it, or a list item shaped like a
 * remote base (a host and a path, `git@`, `gh:`, `?ref=`), makes it not sure; every item that is
 * a local folder with a kustomization is followed. False when unsure (the render decides then).
 */
export function surelyLocal(dir: string, seen = new Set<string>()): boolean {
  if (seen.has(dir)) return true;
  if (seen.size >= MAX_FOLDERS) return false;
  seen.add(dir);
  const name = KUSTOMIZATION_NAMES.find((n) => isFile(join(dir, n)));
  if (!name) return true;
  let text: string;
  try {
    text = readFileSync(join(dir, name), 'utf8');
  } catch {
    return false;
  }
  if (text.length > MAX_TEXT) return false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '');
    if (line.includes('://')) return false;
    for (const item of listItems(line)) {
      if (REMOTE_ITEM.test(item)) return false;
      const next = resolve(dir, item);
      if (isFolder(next) && !surelyLocal(next, seen)) return false;
    }
  }
  return true;
}

/** The scalar items a line of a kustomization lists: `- item`, `key: [a, b]`, `- [a, b]`. */
function listItems(line: string): string[] {
  const items: string[] = [];
  const flow = /\[([^\]]*)\]/.exec(line);
  if (flow) items.push(...flow[1].split(','));
  const block = /^\s*-\s+(.*)$/.exec(line);
  if (block && !block[1].startsWith('[')) items.push(block[1]);
  return items
    .map((s) => s.trim().replace(/^(["'])(.*)\1$/, '$2'))
    // a mapping in a list (`- path: patch.yaml`) is no reference
    .filter((s) => s !== '' && !/^[^\s"']+:(\s|$)/.test(s));
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
