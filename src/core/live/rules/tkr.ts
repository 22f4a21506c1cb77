/** Resolving a release reference (TKR name, full version, or version hint) against the Supervisor's TKRs. */
import type { SupervisorFacts, TkrFact } from '../facts';
import type { ReleaseRef } from '../fields';

export function resolveRelease(ref: ReleaseRef, tkrs: NonNullable<SupervisorFacts['tkrs']>): TkrFact | undefined {
  if (ref.form === 'name') return tkrs.get(ref.value);
  if (ref.form === 'version') return tkrs.get(ref.value.replace(/\+/g, '---')) ?? [...tkrs.values()].find((t) => t.version === ref.value);
  // A hint (v1.21, 1.21.6): the newest compatible release it names, as the Supervisor resolves it.
  const hint = ref.value.replace(/^v/, '');
  const matches = [...tkrs.values()].filter((t) => {
    const v = t.version.replace(/^v/, '');
    return v.startsWith(hint) && ['', '.', '+', '-'].includes(v.charAt(hint.length));
  });
  matches.sort((a, b) => Number(b.compatible) - Number(a.compatible) || b.version.localeCompare(a.version, 'en', { numeric: true }));
  return matches[0];
}
