/** namespace-unknown: the document's namespace does not exist (or is not visible) on the Supervisor. */
import type { Rule } from '../../findings/rule';
import { at, closest, replaceValueFix } from '../../findings/util';
import { namespaceOf } from '../fields';

const NAMESPACED = new Set(['tkc-v1alpha1', 'tkc-v1alpha2', 'tkc-v1alpha3', 'cluster-tkc', 'cluster-other', 'application', 'app-project', 'application-set', 'vm-class-binding']);

export const namespaceUnknown: Rule = {
  id: 'namespace-unknown',
  description: 'The namespace does not exist (or is not visible) on the connected Supervisor.',
  check(doc, { facts }) {
    if (!facts?.namespaces || !NAMESPACED.has(doc.info.flavor)) return [];
    const { namespace, explicit } = namespaceOf(doc, facts.defaultNamespace);
    if (facts.namespaces.has(namespace)) return [];
    const guess = closest(namespace, [...facts.namespaces]);
    const path = explicit ? ['metadata', 'namespace'] : ['metadata', 'name'];
    const fix = explicit && guess ? replaceValueFix(doc, path, guess, `Change to ${guess}`, true) : undefined;
    return [at(doc, this.id, 'error', path,
      `Namespace "${namespace}"${explicit ? '' : ' (the context\'s default)'} does not exist on ${facts.context}, or you cannot see it${guess ? `: did you mean "${guess}"?` : '.'}`,
      fix ? { fixes: [fix] } : {})];
  },
};
