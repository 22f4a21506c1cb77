/**
 * The leaf kustomizations of a set of files: those no other kustomization of the set references
 * (through resources, bases or components). An overlay, or a lone base, is a leaf and is compared
 * and synced as a target of its own; a base that an overlay builds on is not, as Argo CD users
 * point an Application at an overlay, never at its base.
 */
import { posix } from 'node:path';
import { parse } from 'yaml';
import { localReferences } from './kustomize-options';
import { KUSTOMIZATION_NAMES } from './kustomize-process';

/** The folders (repository-relative, '' for the root) of the kustomizations among `files`, and which of them are leaves. */
export function kustomizationLeaves(files: readonly { readonly path: string; readonly text: string }[]): { folders: string[]; leaves: string[] } {
  const names: readonly string[] = KUSTOMIZATION_NAMES;
  const byFolder = new Map<string, string>();
  for (const f of files) if (names.includes(posix.basename(f.path))) byFolder.set(folderOf(f.path), f.text);
  const referenced = new Set<string>();
  for (const [folder, text] of byFolder) {
    let value: unknown;
    try {
      value = parse(text);
    } catch {
      continue; // a kustomization that does not parse is a render error of its own target
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    for (const ref of localReferences(value as Record<string, unknown>).resources) {
      const to = folderOf(posix.join(folder || '.', ref, 'x'));
      if (to !== folder && byFolder.has(to)) referenced.add(to);
    }
  }
  const folders = [...byFolder.keys()].sort();
  return { folders, leaves: folders.filter((f) => !referenced.has(f)) };
}

function folderOf(path: string): string {
  const d = posix.dirname(posix.normalize(path));
  return d === '.' ? '' : d;
}
