/** The shape of the live rules that check names against a set the manifest's namespace holds. */
import type { Finding } from '../../types';
import type { Rule } from '../../findings/rule';
import { at, closest, replaceValueFix } from '../../findings/util';
import type { Fix } from '../../types';
import type { NamespaceFacts, SupervisorFacts } from '../facts';
import { namespaceOf, type FieldRef } from '../fields';
import type { ManifestDocument } from '../../manifest/document';

export interface NamespaceSetRule {
  readonly id: string;
  readonly description: string;
  /** The names the namespace allows; undefined when not known (the rule then finds nothing). */
  readonly allowed: (facts: NamespaceFacts) => ReadonlySet<string> | undefined;
  /** The references of a document to check. */
  readonly refs: (doc: ManifestDocument) => FieldRef[];
  /** The finding's message for a name not allowed; `list` is the sorted allowed names. */
  readonly message: (value: string, namespace: string, context: string, list: readonly string[]) => string;
  /** The names to offer instead of a value, each with a note for its title; default: the closest spelling. */
  readonly suggest?: (value: string, list: readonly string[], facts: SupervisorFacts) => { name: string; note?: string }[];
}

function spellingFix(value: string, list: readonly string[]): { name: string; note?: string }[] {
  const guess = closest(value, list);
  return guess ? [{ name: guess }] : [];
}

/** A rule that flags each reference not in its namespace's set, with a fix to the closest allowed name. */
export function namespaceSetRule(spec: NamespaceSetRule): Rule {
  return {
    id: spec.id,
    description: spec.description,
    check(doc, { facts }) {
      if (!facts) return [];
      const { namespace } = namespaceOf(doc, facts.defaultNamespace);
      const nsFacts = facts.byNamespace.get(namespace);
      const allowed = nsFacts && spec.allowed(nsFacts);
      if (!allowed || (facts.namespaces && !facts.namespaces.has(namespace))) return [];
      const out: Finding[] = [];
      const list = [...allowed].sort();
      for (const r of spec.refs(doc)) {
        if (allowed.has(r.value)) continue;
        const offers = spec.suggest ? spec.suggest(r.value, list, facts) : spellingFix(r.value, list);
        const fixes = offers
          .map((o, i) => replaceValueFix(doc, r.path, o.name, `Change to ${o.name}${o.note ? ` (${o.note})` : ''}`, i === 0))
          .filter((f): f is Fix => !!f);
        out.push(at(doc, spec.id, 'error', r.path, spec.message(r.value, namespace, facts.context, list), fixes.length ? { fixes } : {}));
      }
      return out;
    },
  };
}
