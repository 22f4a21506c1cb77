/**
 * The Argo CD annotations a sync honours, read the way Argo CD reads them:
 *   argocd.argoproj.io/sync-wave      an integer, lower first; absent or not an integer: 0
 *   argocd.argoproj.io/sync-options   a comma-separated list, e.g. `Prune=false,Delete=confirm`
 *   argocd.argoproj.io/compare-options  the same form, e.g. `IgnoreExtraneous`
 *   argocd.argoproj.io/hook, helm.sh/hook  a hook: run by a sync, never compared
 */
import type { KubeObject } from '../diff/types';
import { isRecord } from '../json';

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';
export const COMPARE_OPTIONS_ANNOTATION = 'argocd.argoproj.io/compare-options';
export const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
export const HELM_HOOK_ANNOTATION = 'helm.sh/hook';

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

/**
 * Whether an object is a hook, as gitops-engine's hook.IsHook: `argocd.argoproj.io/hook` (but
 * not `Skip`), or a Helm hook (`helm.sh/hook`, but not `crd-install` alone, which Helm 3 dropped).
 */
export function isHook(obj: KubeObject | undefined): boolean {
  const a = annotations(obj);
  if (typeof a[HOOK_ANNOTATION] === 'string') return a[HOOK_ANNOTATION].split(',').map((s) => s.trim()).some((h) => h !== 'Skip');
  const helm = a[HELM_HOOK_ANNOTATION];
  return typeof helm === 'string' && helm.split(',').map((s) => s.trim()).some((h) => h && h !== 'crd-install');
}

/** `argocd.argoproj.io/compare-options: IgnoreExtraneous`: live and not in Git, it is not Extra. */
export function ignoresExtraneous(obj: KubeObject | undefined): boolean {
  const raw = annotations(obj)[COMPARE_OPTIONS_ANNOTATION];
  return typeof raw === 'string' && raw.split(',').some((o) => o.trim() === 'IgnoreExtraneous');
}
