/**
 * Rendering a target's folder as Argo CD's repo server does (reposerver GenerateManifests): a
 * folder with a kustomization is built with Kustomize, a folder with Chart.yaml with `helm
 * template`, any other folder is read as it is. The rest of the product sees only manifests: the
 * result is a ManifestSet whose one file is the rendered output, named by the kustomization (or
 * Chart.yaml) that made it; a render that fails is an unread file with the reason, so the target's
 * live objects show Unknown with it and nothing is pruned.
 *
 * Kustomize: `kustomize build` from the setting's path or the PATH, else `kubectl kustomize`
 * (kubectl embeds Kustomize). The Application's options are applied to a temporary copy of the
 * repository, never to the user's files; a revision other than the working tree is exported
 * (`git archive`) to a temporary folder first. Remote bases are refused unless allowed.
 * Helm: only with helm installed; templates are never read as YAML.
 * Every run has a time limit; the temporary folders are removed afterwards.
 */
import type { ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { parse, stringify } from 'yaml';
import { runGit } from '../git/exec';
import type { ManifestSet, ManifestSource, UnreadFile } from '../git/types';
import { helmTemplateArgs, inlineValues, type HelmSourceOptions } from './helm-args';
import { kustomizationLeaves } from './leaves';
import { applyKustomizeOptions, hasKustomizeOptions, localReferences, remoteReferences, type KustomizeSourceOptions } from './kustomize-options';
import {
  DEFAULT_TIMEOUT_MS, KUSTOMIZATION_NAMES, kustomizeCommand, onPath, runTool as run, takeEarlyBuild, dropEarlyBuilds,
  type EarlyBuild, type KustomizeCommand, type RunOutcome, type ToolSettings,
} from './kustomize-process';
import { RenderCache, renderKey } from './render-cache';
import { trace } from '../trace';

export { KUSTOMIZATION_NAMES, onPath };
export const HELM_NEEDED = 'helm is needed to render this chart';
/** How far a file's modification time may lag the clock (the kernel stamps files with a coarse clock). */
const CLOCK_MARGIN_MS = 100;

export interface RenderSettings extends ToolSettings {
  /** `tanzuGitops.helm.path` (default: `helm` on PATH). */
  readonly helmPath?: string;
  /** `tanzuGitops.kustomize.allowRemoteBases`: let Kustomize fetch remote bases (default false). */
  readonly allowRemoteBases?: boolean;
  /** Time allowed for one render (default 60 s). */
  readonly timeoutMs?: number;
}

/** What a target renders with: its path, its source (Git revision), the Application's options. */
export interface RenderTarget {
  /** Folder relative to the repository root ('' = the root). */
  readonly path: string;
  readonly source: ManifestSource;
  readonly namespace: string;
  /** The release name for Helm (the Application's releaseName, else its name, else the target's). */
  readonly releaseName: string;
  readonly kustomize?: KustomizeSourceOptions;
  readonly helm?: HelmSourceOptions;
}

export type SourceType = { readonly type: 'directory' } | { readonly type: 'kustomize' | 'helm'; readonly file: string };

/** Which renderer a folder takes, from the files at the folder (repository-relative paths), as Argo CD decides. */
export function sourceTypeOf(path: string, files: readonly string[], hasFile?: (rel: string) => boolean): SourceType {
  const prefix = path.replace(/^\.?\/+|\/+$/g, '');
  const at = (n: string) => (prefix ? `${prefix}/${n}` : n);
  for (const n of KUSTOMIZATION_NAMES) {
    const p = at(n);
    if (files.includes(p) || hasFile?.(p)) return { type: 'kustomize', file: p };
  }
  if (files.includes(at('Chart.yaml'))) return { type: 'helm', file: at('Chart.yaml') };
  return { type: 'directory' };
}

/** A folder holding the repository's files at the source: the working tree itself, or an export of the commit. */
async function checkout(root: string, source: ManifestSource, commit: string, temp: () => string, timeoutMs: number): Promise<string> {
  if (source.kind === 'worktree') return root;
  const dir = temp();
  const tar = join(dir, '..', `${posix.basename(dir)}.tar`);
  const r = await runGit(['archive', '--format=tar', `--output=${tar}`, commit], { cwd: root, timeoutMs, what: `git archive ${commit.slice(0, 7)}` });
  if (r.code !== 0) throw new Error(`git archive ${commit.slice(0, 7)} failed: ${r.stderr.trim()}`);
  const x = await run('tar', ['-xf', tar, '-C', dir], dir, timeoutMs, 'tar');
  rmSync(tar, { force: true });
  if (x.error) throw new Error(x.error);
  return dir;
}

function readKustomization(dir: string): { file: string; value: Record<string, unknown> } | undefined {
  for (const n of KUSTOMIZATION_NAMES) {
    const file = join(dir, n);
    if (!existsSync(file)) continue;
    const value = parse(readFileSync(file, 'utf8')) as unknown;
    return { file, value: typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : {} };
  }
  return undefined;
}

/** The first remote reference in the kustomization graph from `dir` (local bases followed), with the file naming it. */
function findRemote(dir: string, root: string, seen = new Set<string>()): { file: string; ref: string } | undefined {
  if (seen.has(dir) || seen.size > 500) return undefined;
  seen.add(dir);
  const k = readKustomization(dir);
  if (!k) return undefined;
  const [ref] = remoteReferences(k.value);
  if (ref) return { file: relative(root, k.file).split(sep).join('/'), ref };
  for (const r of localReferences(k.value).resources) {
    const next = resolve(dir, r);
    if (existsSync(next) && statSync(next).isDirectory()) {
      const found = findRemote(next, root, seen);
      if (found) return found;
    }
  }
  return undefined;
}

/** The render cache of this process (the command line's, see useRenderCache), when there is one. */
let renderCache: RenderCache | undefined;

/** Keeps `kustomize build` output in `dir` (render-cache.ts) from now on; undefined: no cache. */
export function useRenderCache(dir: string | undefined): void {
  renderCache = dir ? new RenderCache(dir) : undefined;
}

async function kustomizeBuild(
  dir: string, settings: RenderSettings, timeoutMs: number, started?: (child: ChildProcess) => void,
  prepared?: { command: KustomizeCommand | undefined; early?: EarlyBuild },
): Promise<RunOutcome> {
  const command = prepared ? prepared.command : kustomizeCommand(dir, settings);
  const early = prepared?.early;
  if (!command) return { stdout: '', stderr: '', error: 'Kustomize is needed to render this folder: install kustomize or kubectl, or set tanzuGitops.kustomize.path' };
  const cache = renderCache;
  const before = cache ? renderKey(dir, command.tool) : undefined;
  if (cache && before && 'key' in before) {
    const hit = cache.get(before.key);
    trace(`render cache: ${hit === undefined ? 'miss' : 'hit'}`);
    if (hit !== undefined) {
      early?.child?.kill('SIGKILL');
      return { stdout: hit, stderr: '' };
    }
  }
  if (early?.child) started?.(early.child);
  const out = early ? await early.outcome : await run(command.tool, command.args, dir, timeoutMs, command.what, started);
  if (cache && before && 'key' in before && !out.error) {
    // a file changed while the build ran: its output belongs to no key computed here. A build
    // started before the key was computed: a file changed since it started (with a margin for
    // the coarse clock of file times) may have been read before or after the change
    const after = renderKey(dir, command.tool);
    const settled = !early || before.newestMs < early.startedAt - CLOCK_MARGIN_MS;
    if ('key' in after && after.key === before.key && settled) cache.put(before.key, out.stdout);
  }
  return out;
}

/** Builds started ahead (prerenderKustomization), by folder and settings, until a render takes them. */
const ahead = new Map<string, { outcome: Promise<RunOutcome>; child?: ChildProcess }>();

function aheadKey(dir: string, settings: RenderSettings): string | undefined {
  try {
    return JSON.stringify([realpathSync(dir), settings.kustomizePath, settings.kubectlPath, settings.searchPath, settings.timeoutMs]);
  } catch {
    return undefined;
  }
}

/**
 * Starts `kustomize build` of a folder of the working tree now, when it holds a kustomization
 * and names no remote base (unless allowed), so that the render runs beside the Git reads, the
 * connection and the discovery that come before it (a render is the longest single step of a
 * diff). The render of that folder as it is on disk, with the same settings, takes the result
 * (renderManifests); dropPrerenders() ends what nobody took. Only the command line calls this.
 */
export function prerenderKustomization(dir: string, settings: RenderSettings = {}): void {
  if (!KUSTOMIZATION_NAMES.some((n) => existsSync(join(dir, n)))) return;
  const key = aheadKey(dir, settings);
  if (!key || ahead.has(key)) return;
  if (!settings.allowRemoteBases) {
    try {
      if (findRemote(dir, dir)) return; // the render refuses it, with its message
    } catch {
      return; // a kustomization that does not parse: the render says why
    }
  }
  // the launcher's build of this folder, when it started one with the same tool and time limit
  // (kustomize-process.ts; it fetches nothing, so not where remote bases are allowed)
  const command = kustomizeCommand(dir, settings);
  const same = command && !settings.allowRemoteBases && (settings.timeoutMs ?? DEFAULT_TIMEOUT_MS) === DEFAULT_TIMEOUT_MS;
  const early = same ? takeEarlyBuild(dir, command.tool) : undefined;
  const entry: { outcome: Promise<RunOutcome>; child?: ChildProcess } = { outcome: Promise.resolve({ stdout: '', stderr: '' }) };
  entry.outcome = kustomizeBuild(dir, settings, settings.timeoutMs ?? DEFAULT_TIMEOUT_MS, (child) => { entry.child = child; }, { command, ...(early ? { early } : {}) });
  ahead.set(key, entry);
}

/** Ends the builds started ahead (here or by the launcher) that no render took. */
export function dropPrerenders(): void {
  for (const e of ahead.values()) e.child?.kill('SIGKILL');
  ahead.clear();
  dropEarlyBuilds();
}

/** The build of `dir` started ahead with these settings, taken once. */
function takePrerender(dir: string, settings: RenderSettings): Promise<RunOutcome> | undefined {
  if (ahead.size === 0) return undefined;
  const key = aheadKey(dir, settings);
  const e = key ? ahead.get(key) : undefined;
  if (!e || !key) return undefined;
  ahead.delete(key);
  return e.outcome;
}

/**
 * `kustomize build` of a folder on disk as it is (the command line's and the editor's validation):
 * remote bases refused unless allowed, paths in a message shown relative to `root`.
 */
export async function buildKustomization(dir: string, settings: RenderSettings = {}, root = dir): Promise<{ text: string } | { error: string }> {
  if (!settings.allowRemoteBases) {
    let remote: ReturnType<typeof findRemote>;
    try {
      remote = findRemote(dir, root);
    } catch {
      // a kustomization that does not parse: Kustomize says why
    }
    if (remote) return { error: `${remote.file} names the remote base "${remote.ref}": remote bases are not fetched unless tanzuGitops.kustomize.allowRemoteBases is set` };
  }
  const out = await kustomizeBuild(dir, settings, settings.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return out.error ? { error: toolMessage(out.error.split(root + sep).join('')) } : { text: out.stdout };
}

/**
 * The target's manifests as Argo CD would render them: `set` itself for a plain folder, else one
 * rendered file (or the reason it could not be rendered, as an unread file).
 */
export async function renderManifests(root: string, target: RenderTarget, set: ManifestSet, settings: RenderSettings = {}): Promise<ManifestSet> {
  const worktree = target.source.kind === 'worktree';
  const kind = sourceTypeOf(target.path, set.files.map((f) => f.path), worktree ? (rel) => existsSync(join(root, rel)) : undefined);
  if (kind.type === 'directory') {
    // the Application says how to render, as Argo CD's explicit source type: the folder must hold that tool's file
    const explicit = target.helm ? 'helm' : target.kustomize ? 'kustomize' : undefined;
    if (!explicit) return { ...withoutKustomizeFolders(set), renderedBy: 'directory' };
    const folder = target.path.replace(/^\.?\/+|\/+$/g, '');
    const file = explicit === 'helm' ? 'Chart.yaml' : 'kustomization.yaml';
    const reason = `the Application sets spec.source.${explicit}, but ${folder || 'the repository root'} has no ${file}`;
    return { files: [], revision: set.revision, unread: [{ path: folder ? `${folder}/${file}` : file, reason, rendering: true }], renderedBy: explicit };
  }
  const failed = (reason: string): ManifestSet => ({ files: [], revision: set.revision, unread: [{ path: kind.file, reason: toolMessage(reason), rendering: true }], renderedBy: kind.type });
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const temps: string[] = [];
  const temp = () => {
    const d = mkdtempSync(join(tmpdir(), 'tg-render-'));
    temps.push(d);
    return d;
  };
  try {
    if (kind.type === 'helm') {
      const helm = settings.helmPath || onPath('helm', settings.searchPath ?? process.env.PATH ?? '');
      if (!helm) return failed(HELM_NEEDED);
      const tree = await checkout(root, target.source, set.revision.commit, temp, timeoutMs);
      const text = await helmTemplate(helm, join(tree, target.path), target, temp, timeoutMs);
      return typeof text === 'string' ? rendered(kind, text, set) : failed(text.error);
    }
    let tree = await checkout(root, target.source, set.revision.commit, temp, timeoutMs);
    if (hasKustomizeOptions(target.kustomize)) {
      // the options are written into a copy: the user's files are never changed
      if (tree === root) {
        const copy = temp();
        cpSync(root, copy, { recursive: true, filter: (src) => !src.split(sep).includes('.git') });
        tree = copy;
      }
      const k = readKustomization(join(tree, target.path));
      if (!k) return failed('no kustomization in the folder');
      writeFileSync(k.file, stringify(applyKustomizeOptions(k.value, target.kustomize ?? {})));
    }
    if (!settings.allowRemoteBases) {
      const remote = findRemote(join(tree, target.path), tree);
      if (remote) return failed(`${remote.file} names the remote base "${remote.ref}": remote bases are not fetched unless tanzuGitops.kustomize.allowRemoteBases is set`);
    }
    const dir = join(tree, target.path);
    const out = await ((tree === root && takePrerender(dir, settings)) || kustomizeBuild(dir, settings, timeoutMs));
    return out.error ? failed(out.error.split(tree + sep).join('').split(tree).join('.')) : rendered(kind, out.stdout, set);
  } catch (e) {
    return failed(e instanceof Error ? e.message : String(e));
  } finally {
    for (const d of temps) rmSync(d, { recursive: true, force: true });
  }
}

/**
 * A plain folder without what lies in its sub-folders that hold a kustomization: bases, overlays
 * and their patches are rendered by their own kustomization, never resources on their own.
 *
 * Invariant: each such kustomization is named as unread (compared and synced as its own target),
 * so a target above it never calls what it renders Extra, and never prunes it.
 */
export function withoutKustomizeFolders(set: ManifestSet): ManifestSet {
  const names: readonly string[] = KUSTOMIZATION_NAMES;
  const kustomizations = set.files.map((f) => f.path).filter((p) => names.includes(posix.basename(p)));
  if (kustomizations.length === 0) return set;
  const folders = kustomizations.map((p) => posix.dirname(p));
  const inside = (p: string) => folders.some((d) => d === '.' || p.startsWith(`${d}/`));
  const { leaves } = kustomizationLeaves(set.files);
  const unread = kustomizations.map((path): UnreadFile => {
    const folder = posix.dirname(path).replace(/^\.$/, '');
    const leaf = leaves.includes(folder);
    return {
      path,
      reason: leaf
        ? `a kustomization, compared as a target of its own (diff or sync ${folder || '.'}), not as plain files of this folder`
        : 'a Kustomize base, compared through the kustomizations that build on it, not as plain files of this folder',
      separate: leaf ? folder || '.' : 'its overlays',
    };
  });
  return { ...set, files: set.files.filter((f) => !inside(f.path)), unread: [...(set.unread ?? []), ...unread] };
}

/** A tool's error without kubectl's log prefix (`E1206 21:05:04.59 1 run.go:72] "command failed" err="..."`). */
export function toolMessage(text: string): string {
  const m = /^(.*?: )?[EWIF]\d{4} [\d:.]+\s+\d+ [^\]]+\] "command failed" err="([\s\S]*)"\s*$/.exec(text);
  return m ? `${m[1] ?? ''}${m[2].replace(/\\"/g, '"')}` : text;
}

function rendered(kind: SourceType & { file: string }, text: string, set: ManifestSet): ManifestSet {
  return { files: [{ path: kind.file, text }], revision: set.revision, renderedBy: kind.type as 'kustomize' | 'helm' };
}

async function helmTemplate(helm: string, chart: string, target: RenderTarget, temp: () => string, timeoutMs: number): Promise<string | { error: string }> {
  const o = target.helm;
  const valueFiles: string[] = [];
  for (const f of o?.valueFiles ?? []) {
    const p = resolve(chart, f);
    if (!p.startsWith(dirname(chart)) && !p.startsWith(chart)) return { error: `value file ${f} is outside the repository` };
    if (!existsSync(p)) {
      if (o?.ignoreMissingValueFiles) continue;
      return { error: `value file ${f} does not exist in ${target.path || 'the repository root'}` };
    }
    valueFiles.push(p);
  }
  let inlineValuesFile: string | undefined;
  const inline = inlineValues(o);
  if (inline) {
    inlineValuesFile = join(temp(), 'values.yaml');
    writeFileSync(inlineValuesFile, inline.json ? JSON.stringify(inline.json) : inline.yaml ?? '');
  }
  const args = helmTemplateArgs({ chartPath: chart, releaseName: target.releaseName, namespace: target.namespace, options: o, valueFiles, inlineValuesFile });
  const out = await run(helm, args, chart, timeoutMs, 'helm template');
  return out.error ? { error: out.error } : out.stdout;
}
