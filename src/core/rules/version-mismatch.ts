/** version-mismatch: distribution.fullVersion must agree with the distribution.version hint. */
import { getAt } from '../manifest/document';
import { isPlaceholder, type Rule } from '../findings/rule';
import { at } from '../findings/util';

/** True when a version hint (v1.21, 1.21.6, v1.21.6+vmware.1) is a component-wise prefix of a full version. */
export function hintMatches(hint: string, full: string): boolean {
  const h = hint.trim().replace(/^v/, '');
  const f = full.trim().replace(/^v/, '');
  if (!f.startsWith(h)) return false;
  const next = f.charAt(h.length);
  return next === '' || next === '.' || next === '+' || next === '-';
}

export const versionMismatch: Rule = {
  id: 'version-mismatch',
  description: 'distribution.fullVersion agrees with the distribution.version hint.',
  check(doc) {
    const hint = getAt(doc.value, ['spec', 'distribution', 'version']);
    const full = getAt(doc.value, ['spec', 'distribution', 'fullVersion']);
    if (typeof hint !== 'string' || typeof full !== 'string' || !hint || !full) return [];
    if (isPlaceholder(hint) || isPlaceholder(full) || hintMatches(hint, full)) return [];
    return [at(doc, this.id, 'error', ['spec', 'distribution', 'fullVersion'],
      `spec.distribution.fullVersion "${full}" does not match the version hint "${hint}": make them agree, or drop one.`)];
  },
};
