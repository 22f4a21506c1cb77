/**
 * The Argo CD annotations a sync honours, read the way Argo CD reads them:
 *   argocd.argoproj.io/sync-wave      an integer, lower first; absent or not an integer: 0
 *   argocd.argoproj.io/sync-options   a comma-separated list, e.g. `Prune=false,Delete=confirm`
 */
import type { KubeObject } from '../diff/types';
import { isRecord } from '../json';

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

function annotations(obj: KubeObject | undefined): Record<string, unknown> {
  const meta = obj?.metadata;
  return isRecord(meta) && isRecord(meta.annotations) ? meta.annotations : {};
}

/** The wave of an object, or a problem when the annotation is there but not an integer. */
export function syncWaveOf(obj: KubeObject | undefined): { wave: number; problem?: string } {
  const raw = annotations(obj)[SYNC_WAVE_ANNOTATION];
  if (raw === undefined || raw === null || raw === '') return { wave: 0 };
  const text = String(raw).trim();
  if (!/^[-+]?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    return { wave: 0, problem: `${SYNC_WAVE_ANNOTATION}: "${text}" is not an integer; wave 0 is used` };
  }
  return { wave: Number(text) };
}

/** The sync options of an object as `Name -> value` (names as written; Argo CD compares them exactly). */
export function syncOptionsOf(obj: KubeObject | undefined): ReadonlyMap<string, string> {
  const raw = annotations(obj)[SYNC_OPTIONS_ANNOTATION];
  const out = new Map<string, string>();
  if (typeof raw !== 'string') return out;
  for (const part of raw.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq === -1) out.set(p, '');
    else out.set(p.slice(0, eq).trim(), p.slice(eq + 1).trim());
  }
  return out;
}

export function hasSyncOption(obj: KubeObject | undefined, name: string, value: string): boolean {
  return syncOptionsOf(obj).get(name) === value;
}
