/**
 * Files a kustomization names as patches (patches[].path, patchesStrategicMerge,
 * patchesJson6902[].path). A patch is partial by design: it is never validated as a complete
 * manifest, so what a patch leaves out (required fields the base sets) is not a finding. Only
 * kustomizations at or above the file's folder can name it (Kustomize loads files under its root).
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { isMissingField } from '../core/schema/validate';
import type { Finding } from '../core/types';
import { localReferences } from './kustomize-options';
import { KUSTOMIZATION_NAMES } from './render';

/** How many folders up a kustomization is looked for. */
const MAX_LEVELS = 8;
const cache = new Map<string, { mtimeMs: number; patches: readonly string[] }>();
/** The kustomization files of a folder, looked up at most once a second (a validation of many files in one folder stats once). */
const folders = new Map<string, { at: number; files: readonly string[] }>();

function kustomizationsIn(dir: string): readonly string[] {
  const now = Date.now();
  const hit = folders.get(dir);
  if (hit && now - hit.at < 1000) return hit.files;
  const files: string[] = [];
  for (const n of KUSTOMIZATION_NAMES) {
    try {
      if (statSync(join(dir, n)).isFile()) files.push(join(dir, n));
    } catch {
      // none of that name
    }
  }
  if (folders.size > 10_000) folders.clear();
  folders.set(dir, { at: now, files });
  return files;
}

function patchesOf(kustomization: string): readonly string[] {
  let st;
  try {
    st = statSync(kustomization);
  } catch {
    cache.delete(kustomization);
    return [];
  }
  const hit = cache.get(kustomization);
  if (hit && hit.mtimeMs === st.mtimeMs) return hit.patches;
  let patches: string[] = [];
  try {
    const value = parse(readFileSync(kustomization, 'utf8')) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      patches = localReferences(value as Record<string, unknown>).patches.map((p) => resolve(dirname(kustomization), p));
    }
  } catch {
    // an unreadable kustomization names no patch
  }
  cache.set(kustomization, { mtimeMs: st.mtimeMs, patches });
  return patches;
}

/** True when a kustomization at or above the file's folder names the file as a patch. */
export function isKustomizePatch(file: string): boolean {
  const abs = resolve(file);
  let dir = dirname(abs);
  for (let i = 0; i < MAX_LEVELS; i++) {
    for (const k of kustomizationsIn(dir)) if (patchesOf(k).includes(abs)) return true;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return false;
}

/** True when a kustomization lies in the file's folder or above it (so a kustomization may read the file). */
export function hasKustomizationAbove(file: string): boolean {
  let dir = dirname(resolve(file));
  for (let i = 0; i < MAX_LEVELS; i++) {
    if (kustomizationsIn(dir).length > 0) return true;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return false;
}

/** The findings of a file as a patch: without the missing required fields (the base has them). */
export function patchFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !isMissingField(f));
}
