/**
 * Validating what a kustomization renders, as the command line and the editor do: the folder is
 * built with Kustomize as it is on disk, every rendered document goes through the same engine as
 * a plain manifest (offline, and live with the Supervisor's facts), and each finding is moved to
 * the line that set the value (kustomize-map.ts), naming the overlay that rendered it.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { validateChunk, type EngineOptions } from '../core/engine';
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
