/**
 * Validating what a kustomization renders, as the command line and the editor do: the folder is
 * built with Kustomize as it is on disk, every rendered document goes through the same engine as
 * a plain manifest (offline, and live with the Supervisor's facts), and each finding is moved to
 * the line that set the value (kustomize-map.ts), naming the overlay that rendered it.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { realBoundary, walkFolder } from '../git/walk';
import { CHECK_FAILED, validateChunk, type EngineOptions } from '../core/engine';
import { parseChunk } from '../core/manifest/document';
import { splitDocuments } from '../core/manifest/split';
import type { Finding, Fix, Range } from '../core/types';
import { readKustomizeTree, referencedFolders, sourceOf, type KustomizeTree, type TreeReader } from './kustomize-map';
import { buildKustomization, KUSTOMIZATION_NAMES, type RenderSettings } from './render';

/** A finding on a source file of an overlay (absolute path), and the overlay folder that rendered it. */
export interface RenderedFinding {
  readonly file: string;
  readonly renderedBy: string;
  readonly finding: Finding;
}

export type RenderedOverlay =
  | { readonly tree: KustomizeTree; readonly text: string }
  | { readonly tree: KustomizeTree; readonly error: string };

/** The file system as it is. */
export const diskReader: TreeReader = {
  read(file) {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  },
  isDirectory(path) {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
};

/** True for a kustomization file's name. */
export function isKustomizationFile(file: string): boolean {
  return (KUSTOMIZATION_NAMES as readonly string[]).includes(file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1));
}

/** Of these kustomization folders, those no other of them builds on: the overlays (or lone bases) that are rendered. */
export function leafKustomizations(dirs: readonly string[], reader: TreeReader = diskReader): string[] {
  const all = [...new Set(dirs.map((d) => resolve(d)))];
  const used = new Set(all.flatMap((d) => referencedFolders(d, reader)));
  return all.filter((d) => !used.has(d));
}

/** Builds the folder and reads its kustomization tree; `root` is what paths in a message are shown relative to. */
export async function renderOverlay(dir: string, settings: RenderSettings = {}, root = dirname(resolve(dir)), reader: TreeReader = diskReader): Promise<RenderedOverlay> {
  const tree = readKustomizeTree(resolve(dir), reader);
  const built = await buildKustomization(resolve(dir), settings, root);
  return 'error' in built ? { tree, error: built.error } : { tree, text: built.text };
}

/** The rendered documents' findings, each at its source. */
export function validateRendered(tree: KustomizeTree, text: string, options: EngineOptions = {}): RenderedFinding[] {
  const out: RenderedFinding[] = [];
  const seen = new Set<string>();
  for (const chunk of splitDocuments(text)) {
    const findings = validateChunk(chunk.text, options);
    if (findings.length === 0) continue;
    const doc = parseChunk(chunk.text);
    for (const f of findings) {
      const at = sourceOf(tree, doc, f.range);
      const message = at.untraced ? `${f.message} (at ${at.untraced}, as rendered: not traced to a source line)` : f.message;
      const fixes = at.how === 'kustomization' ? undefined : movedFixes(f, at.range);
      const key = `${at.file}\u0000${at.range.start.line}:${at.range.start.character}\u0000${f.code}\u0000${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const { fixes: _, ...rest } = f;
      void _;
      out.push({ file: at.file, renderedBy: tree.dir, finding: { ...rest, message, range: at.range, ...(fixes?.length ? { fixes } : {}) } });
    }
  }
  return out;
}

/** Fixes that replace exactly what the finding underlines, moved with it; the others are dropped. */
function movedFixes(f: Finding, to: Range): Fix[] | undefined {
  const same = (a: Range, b: Range) => a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
  return f.fixes?.filter((x) => x.edits.length === 1 && same(x.edits[0].range, f.range)).map((x) => ({ ...x, edits: [{ range: to, newText: x.edits[0].newText }] }));
}

/** A render that failed, as a finding on the kustomization: what it renders was not checked. */
export function renderFailure(tree: KustomizeTree, error: string, code: string): RenderedFinding {
  return {
    file: tree.kustomization, renderedBy: tree.dir,
    finding: { code, severity: 'error', message: `The kustomization could not be rendered, so what it renders was not checked: ${error}`, range: tree.firstLine },
  };
}

// ---- the editor: the overlays that read a file -------------------------------------------------

/** At most this many kustomizations are looked at under one folder; the walk is kept for a few seconds. */
const MAX_KUSTOMIZATIONS = 500;
const WALK_TTL_MS = 5000;
const walks = new Map<string, { at: number; dirs: string[] }>();
/** Renders by overlay folder, in flight or done: files opened together share one. */
const renders = new Map<string, { stamp: string; overlay: Promise<RenderedOverlay> }>();

/** The folders under `root` holding a kustomization (node_modules and .git skipped). */
export function kustomizationFolders(root: string): string[] {
  const now = Date.now();
  const hit = walks.get(root);
  if (hit && now - hit.at < WALK_TTL_MS) return hit.dirs;
  const names: readonly string[] = KUSTOMIZATION_NAMES;
  const walked = walkFolder(root, { boundary: realBoundary(root), select: (p) => (names.includes(posix.basename(p)) ? 'manifest' : undefined) });
  const dirs = [...new Set(walked.files.map((f) => dirname(join(root, f.path))))].slice(0, MAX_KUSTOMIZATIONS);
  if (walks.size > 100) walks.clear();
  walks.set(root, { at: now, dirs });
  return dirs;
}

/** What a file's findings are made of when overlays under `root` read it: each overlay that read it, rendered or not. */
export interface FileInOverlays {
  readonly overlays: readonly { readonly dir: string; readonly error?: string }[];
  /** The findings that stand in this file (a render failure stands on its kustomization). */
  readonly findings: readonly RenderedFinding[];
}

/** Modification times of the tree's files and the settings: when they are the same, the render is too. */
function stampOf(tree: KustomizeTree, settings: RenderSettings): string {
  const times = tree.files.map((f) => {
    try {
      const st = statSync(f);
      return `${st.mtimeMs}:${st.size}`;
    } catch {
      return '-';
    }
  });
  return `${JSON.stringify(settings)}|${tree.files.join('|')}|${times.join('|')}`;
}

/**
 * The findings on `file` from every overlay under `root` that reads it (rendered as saved on
 * disk; a render is reused while none of its files changed); undefined when none reads it.
 */
export async function overlayFindingsFor(file: string, root: string, options: EngineOptions, settings: RenderSettings = {}): Promise<FileInOverlays | undefined> {
  const abs = resolve(file);
  const overlays: { dir: string; error?: string }[] = [];
  const findings: RenderedFinding[] = [];
  for (const dir of leafKustomizations(kustomizationFolders(root))) {
    const tree = readKustomizeTree(dir, diskReader);
    if (!tree.files.includes(abs)) continue;
    const stamp = stampOf(tree, settings);
    let pending = renders.get(dir)?.stamp === stamp ? renders.get(dir)?.overlay : undefined;
    if (!pending) {
      pending = renderOverlay(dir, settings, root);
      if (renders.size > 200) renders.clear();
      renders.set(dir, { stamp, overlay: pending });
    }
    const overlay = await pending;
    if ('error' in overlay) {
      overlays.push({ dir, error: overlay.error });
      if (tree.kustomization === abs) findings.push(renderFailure(tree, overlay.error, CHECK_FAILED));
      continue;
    }
    overlays.push({ dir });
    for (const f of validateRendered(overlay.tree, overlay.text, options)) if (f.file === abs) findings.push(f);
  }
  return overlays.length > 0 ? { overlays, findings } : undefined;
}

/**
 * One finding per place, code and message, whose message names the overlays that produced it
 * ("in overlays/dev, overlays/prod: …"): a base two overlays read says once what both find, and
 * what only one finds names that one.
 */
export function namedByOverlay(findings: readonly RenderedFinding[], shown: (dir: string) => string): Finding[] {
  const groups = new Map<string, { finding: Finding; dirs: string[] }>();
  for (const f of findings) {
    const r = f.finding.range;
    const key = `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}\u0000${f.finding.code}\u0000${f.finding.message}`;
    const g = groups.get(key);
    const dir = shown(f.renderedBy);
    if (!g) groups.set(key, { finding: f.finding, dirs: [dir] });
    else if (!g.dirs.includes(dir)) g.dirs.push(dir);
  }
  return [...groups.values()].map(({ finding, dirs }) => ({ ...finding, message: `in ${dirs.sort().join(', ')}: ${finding.message}` }));
}
