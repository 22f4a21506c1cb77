/** tkr-unknown and tkr-incompatible: the release a cluster names must exist, be compatible and Ready. */
import type { Finding } from '../../types';
import type { Rule } from '../../findings/rule';
import { at, closest, replaceValueFix } from '../../findings/util';
import type { ManifestDocument } from '../../manifest/document';
import type { SupervisorFacts, TkrFact } from '../facts';
import { releaseRefs, type ReleaseRef } from '../fields';
import { resolveRelease } from './tkr';

/** One release a cluster names, and what the Supervisor's releases say of it. */
interface ReleaseCheck {
  readonly id: string;
  readonly doc: ManifestDocument;
  readonly ref: ReleaseRef;
  /** The release it resolves to; undefined when none matches. */
  readonly tkr: TkrFact | undefined;
  readonly tkrs: NonNullable<SupervisorFacts['tkrs']>;
  readonly context: string;
}

/** A rule on each release a cluster names, when the Supervisor's releases are known: a finding or none each. */
function releaseRule(id: string, description: string, judge: (check: ReleaseCheck) => Finding | undefined): Rule {
  return {
    id,
    description,
    check(doc, { facts }) {
      const tkrs = facts?.tkrs;
      if (!facts || !tkrs) return [];
      const out: Finding[] = [];
      for (const ref of releaseRefs(doc)) {
        const f = judge({ id, doc, ref, tkr: resolveRelease(ref, tkrs), tkrs, context: facts.context });
        if (f) out.push(f);
      }
      return out;
    },
  };
}

export const tkrUnknown = releaseRule(
  'tkr-unknown',
  'tkr.reference.name, distribution version or topology.version names no TanzuKubernetesRelease on the Supervisor.',
  ({ id, doc, ref: r, tkr, tkrs, context }) => {
    if (tkr) return undefined;
    const names = [...tkrs.keys()].sort();
    const guess = r.form === 'name' ? closest(r.value, names) : undefined;
    const fix = guess ? replaceValueFix(doc, r.path, guess, `Change to ${guess}`, true) : undefined;
    const recent = names.slice(-4).join(', ');
    return at(doc, id, 'error', r.path,
      `No TanzuKubernetesRelease on ${context} matches "${r.value}"${guess ? `: did you mean "${guess}"?` : names.length ? ` (available include ${recent}).` : ' (the Supervisor lists none).'}`,
      fix ? { fixes: [fix] } : {});
  },
);

export const tkrIncompatible = releaseRule(
  'tkr-incompatible',
  'The TanzuKubernetesRelease is labelled incompatible (or deactivated) or is not Ready.',
  ({ id, doc, ref: r, tkr, context }) => {
    if (!tkr) return undefined;
    const why = [!tkr.compatible && 'is not compatible with this Supervisor', tkr.deactivated && 'is deactivated', !tkr.ready && 'is not Ready']
      .filter(Boolean).join(' and ');
    return why ? at(doc, id, 'warning', r.path, `TanzuKubernetesRelease ${tkr.name} ${why} on ${context}: a cluster on it may not be created or upgraded.`) : undefined;
  },
);
