/** The namespaces manifests name, so facts can cover them even where namespaces cannot be listed. */
import { parseChunk, tooManyEntries } from './document';
import { splitDocuments } from './split';

export function namespacesNamed(texts: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const text of texts) {
    if (!text.includes('namespace')) continue;
    for (const chunk of splitDocuments(text)) {
      // not parsed: such a document is not validated either (the engine says so)
      if (tooManyEntries(chunk.text)) continue;
      const v = parseChunk(chunk.text).value as { metadata?: { namespace?: unknown } } | undefined;
      if (typeof v?.metadata?.namespace === 'string' && v.metadata.namespace) out.add(v.metadata.namespace);
    }
  }
  return [...out];
}
