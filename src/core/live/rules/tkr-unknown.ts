/** tkr-unknown and tkr-incompatible: the release a cluster names must exist, be compatible and Ready. */
import type { Finding } from '../../types';
import type { Rule } from '../../findings/rule';
import { at, closest, replaceValueFix } from '../../findings/util';
import { releaseRefs } from '../fields';
import { resolveRelease } from './tkr';

export const tkrUnknown: Rule = {
  id: 'tkr-unknown',
  description: 'tkr.reference.name, distribution version or topology.version names no TanzuKubernetesRelease on the Supervisor.',
  check(doc, { facts }) {
    if (!facts?.tkrs) return [];
    const out: Finding[] = [];
    const names = [...facts.tkrs.keys()].sort();
    for (const r of releaseRefs(doc)) {
      if (resolveRelease(r, facts.tkrs)) continue;
      const guess = r.form === 'name' ? closest(r.value, names) : undefined;
      const fix = guess ? replaceValueFix(doc, r.path, guess, `Change to ${guess}`, true) : undefined;
      const recent = names.slice(-4).join(', ');
      out.push(at(doc, this.id, 'error', r.path,
        `No TanzuKubernetesRelease on ${facts.context} matches "${r.value}"${guess ? `: did you mean "${guess}"?` : names.length ? ` (available include ${recent}).` : ' (the Supervisor lists none).'}`,
        fix ? { fixes: [fix] } : {}));
    }
    return out;
  },
};

export const tkrIncompatible: Rule = {
  id: 'tkr-incompatible',
  description: 'The TanzuKubernetesRelease is labelled incompatible (or deactivated) or is not Ready.',
  check(doc, { facts }) {
    if (!facts?.tkrs) return [];
    const out: Finding[] = [];
    for (const r of releaseRefs(doc)) {
      const tkr = resolveRelease(r, facts.tkrs);
      if (!tkr) continue;
      const why = [!tkr.compatible && 'is not compatible with this Supervisor', tkr.deactivated && 'is deactivated', !tkr.ready && 'is not Ready']
        .filter(Boolean).join(' and ');
      if (why) out.push(at(doc, this.id, 'warning', r.path, `TanzuKubernetesRelease ${tkr.name} ${why} on ${facts.context}: a cluster on it may not be created or upgraded.`));
    }
    return out;
  },
};
