/** storage-class-unassigned: the storage class is not assigned to the manifest's vSphere Namespace. */
import type { Finding } from '../../types';
import type { Rule } from '../../findings/rule';
import { at, closest, replaceValueFix } from '../../findings/util';
import { namespaceOf, storageClassRefs } from '../fields';

export const storageClassUnassigned: Rule = {
  id: 'storage-class-unassigned',
  description: 'The storage class is not assigned to the manifest\'s namespace on the connected Supervisor.',
  check(doc, { facts }) {
    if (!facts) return [];
    const { namespace } = namespaceOf(doc, facts.defaultNamespace);
    const assigned = facts.byNamespace.get(namespace)?.storageClasses;
    if (!assigned || (facts.namespaces && !facts.namespaces.has(namespace))) return [];
    const out: Finding[] = [];
    const list = [...assigned].sort();
    for (const r of storageClassRefs(doc)) {
      if (assigned.has(r.value)) continue;
      const guess = closest(r.value, list);
      const fix = guess ? replaceValueFix(doc, r.path, guess, `Change to ${guess}`, true) : undefined;
      out.push(at(doc, this.id, 'error', r.path,
        `StorageClass "${r.value}" is not assigned for namespace "${namespace}" on ${facts.context}: ${list.length ? `assigned are ${list.join(', ')}` : 'no storage class is assigned there'}.`,
        fix ? { fixes: [fix] } : {}));
    }
    return out;
  },
};
