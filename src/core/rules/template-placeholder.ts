/**
 * template-placeholder: a document holding ${VAR} placeholders is a template (ytt, envsubst,
 * clusterctl). Said once, at the first placeholder; other rules and the schema skip placeholder values.
 */
import type { ParsedDocument } from '../manifest/document';
import type { Finding } from '../types';
import { PLACEHOLDER } from '../findings/rule';

const ALL = new RegExp(PLACEHOLDER.source, 'g');

/** The first placeholder outside a comment, as an info finding; undefined for a plain manifest. */
export function templatePlaceholder(doc: Pick<ParsedDocument, 'text' | 'lines' | 'info'>): Finding | undefined {
  for (const m of doc.text.matchAll(ALL)) {
    // Argo CD expands its own build environment (${ARGOCD_APP_NAME}, ${KUBE_VERSION}) in Applications.
    if (doc.info?.flavor === 'application' && /^\$\{(ARGOCD_|KUBE_)/.test(m[0])) continue;
    const lineStart = doc.text.lastIndexOf('\n', m.index) + 1;
    if (/(^|\s)#/.test(doc.text.slice(lineStart, m.index))) continue;
    return {
      code: 'template-placeholder',
      severity: 'info',
      message: `This document is a template (it holds ${m[0]} and perhaps other placeholders): values that are placeholders are not checked.`,
      range: doc.lines.range(m.index, m.index + m[0].length),
    };
  }
  return undefined;
}
