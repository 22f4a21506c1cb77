/**
 * The seam every rule plugs into: a rule is a small pure module that receives one recognised
 * document and returns findings with ranges. Rules never throw for bad data: they check types.
 */
import type { SupervisorFacts } from '../live/facts';
import type { ManifestDocument } from '../manifest/document';
import type { Finding } from '../types';

export interface Rule {
  readonly id: string;
  /** One line for the README and for `tanzu-gitops rules`. */
  readonly description: string;
  check(doc: ManifestDocument, ctx: RuleContext): Finding[];
}

export interface RuleContext {
  /** True when the document holds `${VAR}` placeholders: rules skip values that are placeholders. */
  readonly isTemplate: boolean;
  /** What the connected Supervisor holds; absent offline (live rules then find nothing). */
  readonly facts?: SupervisorFacts;
}

export const PLACEHOLDER = /\$\{[A-Za-z_][A-Za-z0-9_]*(:[^}]*)?\}/;

export function isPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && PLACEHOLDER.test(value);
}
