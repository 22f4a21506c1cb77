/**
 * The Git side of reconcile from a file's text: every document that is a map becomes a
 * GitObject, its source line the document's first content line (not the `---` or a comment
 * above it), so "Open in Git" lands on `apiVersion:`. `kind: List` documents (kubectl's) give
 * their items, each at the list's line. Shared by the Git layer and the command line.
 *
 * Any document is taken, not only Tanzu's: drift is about everything a target holds.
 */
import { templatePlaceholder } from '../rules/template-placeholder';
import type { KubeObject } from '../diff/types';
import { parseChunk } from '../manifest/document';
import { splitDocuments } from '../manifest/split';
import type { GitObject } from './types';
import { isRecord } from '../json';

export interface GitFile {
  readonly objects: GitObject[];
  /** Documents that could not be read or are templates (`file:line: message`), for the warnings. */
  readonly problems: string[];
  /** Of those, the documents that could not be read (a YAML syntax error): what they define is not known. */
  readonly unreadable: { readonly line: number; readonly message: string }[];
}

function firstContentLine(text: string): number {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (l === '' || l.startsWith('#') || l === '---' || l.startsWith('--- ') || l === '...') continue;
    return i;
  }
  return 0;
}

/** `kind: List`, or a `<Kind>List` with items and no name of its own (what `kubectl get -o yaml` writes). */
function isList(v: KubeObject): v is KubeObject & { items: unknown[] } {
  if (!Array.isArray(v.items) || typeof v.kind !== 'string') return false;
  return v.kind === 'List' || (v.kind.endsWith('List') && !(isRecord(v.metadata) && v.metadata.name));
}

/**
 * Why a document that looks like a Kubernetes object cannot be identified, as Argo CD refuses it
 * ("Object 'Kind' is missing"): a kind without apiVersion or name, apiVersion and metadata without
 * kind, or a bare scalar. Other YAML (a chart's Chart.yaml, values, a kustomization) is left alone.
 */
function halfWritten(v: unknown): string | undefined {
  if (v === null || v === undefined || Array.isArray(v)) return undefined;
  if (!isRecord(v)) return 'the document is a single value, not a Kubernetes object';
  const kind = typeof v.kind === 'string' && v.kind !== '' ? v.kind : undefined;
  const apiVersion = typeof v.apiVersion === 'string' && v.apiVersion !== '' ? v.apiVersion : undefined;
  if (apiVersion?.startsWith('kustomize.config.k8s.io/') || kind === 'Kustomization' || kind === 'Component') return undefined;
  const meta = isRecord(v.metadata) ? v.metadata : undefined;
  const named = !!meta && ((typeof meta.name === 'string' && meta.name !== '') || (typeof meta.generateName === 'string' && meta.generateName !== ''));
  if (kind && (isList(v as KubeObject) || v.items !== undefined)) return undefined;
  if (kind && !apiVersion) return `a ${kind} without apiVersion: a Kubernetes object needs apiVersion, kind and metadata.name`;
  if (kind && !named) return `a ${kind} without metadata.name: a Kubernetes object needs apiVersion, kind and metadata.name`;
  if (!kind && apiVersion && meta) return 'an object without kind: a Kubernetes object needs apiVersion, kind and metadata.name';
  return undefined;
}

export function gitObjectsFromText(file: string, text: string): GitFile {
  const objects: GitObject[] = [];
  const problems: string[] = [];
  const unreadable: { line: number; message: string }[] = [];
  for (const chunk of splitDocuments(text)) {
    const line = chunk.startLine + firstContentLine(chunk.text);
    const parsed = parseChunk(chunk.text);
    const error = parsed.problems.find((p) => p.severity === 'error');
    if (error || parsed.value === undefined) {
      const message = error?.message ?? 'the document could not be read';
      problems.push(`${file}:${line + 1}: not compared: ${message}`);
      unreadable.push({ line, message });
      continue;
    }
    const half = halfWritten(parsed.value);
    if (half) {
      // what it defines is not known (a name or kind being typed): its live objects must not turn Extra
      problems.push(`${file}:${line + 1}: not compared: ${half}`);
      unreadable.push({ line, message: half });
      continue;
    }
    if (!isRecord(parsed.value)) continue;
    // A template (${VAR} placeholders, for ytt, envsubst or clusterctl) is not what goes to the
    // cluster: comparing it would only show a nonsense Missing.
    const placeholder = templatePlaceholder(parsed);
    if (placeholder) {
      problems.push(`${file}:${line + 1}: not compared: a template (it holds ${/\$\{[^}]*\}/.exec(placeholder.message)?.[0] ?? 'placeholders'})`);
      continue;
    }
    const value = parsed.value as KubeObject;
    if (isList(value)) {
      for (const item of value.items) if (isRecord(item)) objects.push({ object: item, source: { file, line } });
      continue;
    }
    objects.push({ object: value, source: { file, line } });
  }
  return { objects, problems, unreadable };
}
