/** vm-class-unavailable: the VM class is not available in the manifest's vSphere Namespace. */
import type { Finding } from '../../types';
import type { Rule } from '../../findings/rule';
import { at, closest, replaceValueFix } from '../../findings/util';
import { namespaceOf, vmClassRefs } from '../fields';

export const vmClassUnavailable: Rule = {
  id: 'vm-class-unavailable',
  description: 'The VM class is not available (bound) in the manifest\'s namespace on the connected Supervisor.',
  check(doc, { facts }) {
    if (!facts) return [];
    const { namespace } = namespaceOf(doc, facts.defaultNamespace);
    const available = facts.byNamespace.get(namespace)?.vmClasses;
    if (!available || (facts.namespaces && !facts.namespaces.has(namespace))) return [];
    const out: Finding[] = [];
    const list = [...available].sort();
    for (const r of vmClassRefs(doc)) {
      if (available.has(r.value)) continue;
      const guess = closest(r.value, list);
      const fix = guess ? replaceValueFix(doc, r.path, guess, `Change to ${guess}`, true) : undefined;
      out.push(at(doc, this.id, 'error', r.path,
        `VM class "${r.value}" is not available in namespace "${namespace}" on ${facts.context}: ${list.length ? `use one of ${list.join(', ')}` : 'no VM class is bound there'}.`,
        fix ? { fixes: [fix] } : {}));
    }
    return out;
  },
};
