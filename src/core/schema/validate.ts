/**
 * Schema findings: Ajv's errors turned into findings that point at the exact key or value, name
 * the field path and what is allowed, and suggest the known field a misspelt one meant.
 *
 * A field set to null where the schema does not allow null is dropped first, as the API server
 * does before validation (apiextensions v1 pruning of non-nullable nulls; ObjectMeta's maps read
 * null as absent), and said as information: `fullVersion: null` is accepted, never an error.
 */
import type { ErrorObject } from 'ajv';
import { getAt, rangeOf, rangeOfNearest, type ManifestDocument } from '../manifest/document';
import { isPlaceholder } from '../findings/rule';
import { closest, quote } from '../findings/util';
import type { Finding, Fix, YamlPath } from '../types';
import { formatPath } from '../types';
import { schemaAt } from './navigate';
import { getSchema, getValidator, type JsonSchema } from './registry';

const MISSING_FIELD = ' is missing the required field "';

/** A finding that the document lacks a required field (not one for a partial document, such as a Kustomize patch). */
export function isMissingField(f: Finding): boolean {
  return f.code === 'schema' && f.message.includes(MISSING_FIELD);
}

const SKIPPED_KEYWORDS = new Set(['anyOf', 'oneOf', 'if', 'then', 'else', 'not']);

export interface SchemaFindings {
  readonly findings: Finding[];
  /** Findings past the limit: counted, not made (each costs a lookup and a message). */
  readonly more: number;
  /** The worst severity among those: errors, or only the information about nulls. */
  readonly moreSeverity: 'error' | 'info';
}

/** The schema's findings of a document, at most `limit` of them; the rest are only counted. */
export function schemaFindings(doc: ManifestDocument, limit = Number.POSITIVE_INFINITY): SchemaFindings {
  const id = doc.info.schemaId;
  if (!id) return { findings: [], more: 0, moreSeverity: 'info' };
  const validate = getValidator(id);
  if (!validate) return { findings: [], more: 0, moreSeverity: 'info' };
  const dropped: YamlPath[] = [];
  const value = dropNulls(getSchema(id) as JsonSchema, doc.value, [], dropped);
  const out: Finding[] = [];
  let more = 0;
  for (const path of dropped) {
    if (out.length >= limit) {
      more++;
      continue;
    }
    out.push({
      code: 'schema',
      severity: 'info',
      message: `${formatPath(path)} is null: the API server drops it before validation, as if it were not there.`,
      range: rangeOf(doc, path, 'value') ?? rangeOfNearest(doc, path),
    });
  }
  if (validate(value)) return { findings: out, more, moreSeverity: 'info' };
  const moreInfo = more;
  const seen = new Set<string>();
  const errors = validate.errors ?? [];
  validate.errors = null; // not kept alive by the compiled function until the next document
  const suggested = misspeltRequired(errors);
  for (const err of errors) {
    if (SKIPPED_KEYWORDS.has(err.keyword)) continue;
    if (err.keyword === 'required' && suggested.has(`${err.instancePath}|${(err.params as { missingProperty: string }).missingProperty}`)) continue;
    const key = `${err.instancePath}|${err.keyword}|${JSON.stringify(err.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (out.length >= limit) {
      if (reported(err)) more++;
      continue;
    }
    const path = toPath(doc.value, err.instancePath);
    const f = toFinding(doc, err, path);
    if (f) out.push(f);
  }
  return { findings: out, more, moreSeverity: more > moreInfo ? 'error' : 'info' };
}

/**
 * A misspelt field also makes the real one "missing": say it once, as the misspelling. The
 * `path|field` of each missing field that an unknown field beside it is the closest spelling of.
 * Only unknown fields within reach of a missing name are compared (most are not: 300,000 unknown
 * keys beside a missing one cost a length test each).
 */
function misspeltRequired(errors: readonly ErrorObject[]): Set<string> {
  const suggested = new Set<string>();
  const missing = new Map<string, string[]>();
  for (const err of errors) {
    if (err.keyword !== 'required') continue;
    const list = missing.get(err.instancePath) ?? [];
    list.push(String((err.params as { missingProperty: string }).missingProperty));
    missing.set(err.instancePath, list);
  }
  if (missing.size === 0) return suggested;
  const knownOf = new Map<unknown, string[]>();
  for (const err of errors) {
    if (err.keyword !== 'additionalProperties') continue;
    const names = missing.get(err.instancePath);
    const field = String((err.params as { additionalProperty: string }).additionalProperty);
    // closest() accepts at most 3 edits, so a name longer or shorter by more is never the guess
    if (!names?.some((n) => Math.abs(n.length - field.length) <= 3 || n.toLowerCase() === field.toLowerCase())) continue;
    let known = knownOf.get(err.parentSchema);
    if (!known) {
      known = Object.keys(((err.parentSchema as { properties?: object } | undefined)?.properties) ?? {});
      knownOf.set(err.parentSchema, known);
    }
    const guess = closest(field, known);
    if (guess && names.includes(guess)) suggested.add(`${err.instancePath}|${guess}`);
  }
  return suggested;
}

/** Whether toFinding gives a finding for this error (placeholders are left alone); from Ajv's data, with no lookup. */
function reported(err: ErrorObject): boolean {
  if (err.keyword === 'additionalProperties' || err.keyword === 'required' || err.keyword === 'const') return true;
  return !isPlaceholder(err.data);
}

function toFinding(doc: ManifestDocument, err: ErrorObject, path: YamlPath): Finding | undefined {
  const where = formatPath(path);
  const data = getAt(doc.value, path);
  switch (err.keyword) {
    case 'additionalProperties': {
      const field = String((err.params as { additionalProperty: string }).additionalProperty);
      const fieldPath = [...path, field];
      const known = Object.keys(((err.parentSchema as { properties?: object } | undefined)?.properties) ?? {});
      const guess = closest(field, known);
      const range = rangeOf(doc, fieldPath, 'key') ?? rangeOfNearest(doc, path);
      const fixes: Fix[] = guess ? [{ title: `Change to ${guess}`, edits: [{ range, newText: guess }], preferred: true }] : [];
      const allowed = known.length > 0 && known.length <= 12 ? ` Known fields: ${known.join(', ')}.` : '';
      const message = guess
        ? `Unknown field "${field}" in ${where}: did you mean "${guess}"?`
        : `Unknown field "${field}" in ${where}.${allowed}`;
      return { code: 'schema', severity: 'error', message, range, fixes };
    }
    case 'required': {
      const missing = String((err.params as { missingProperty: string }).missingProperty);
      const range = path.length === 0 ? (rangeOf(doc, ['kind'], 'key') ?? rangeOfNearest(doc, path)) : rangeOfNearest(doc, path);
      return { code: 'schema', severity: 'error', message: `${where}${MISSING_FIELD}${missing}".`, range };
    }
    case 'type': {
      if (isPlaceholder(data)) return undefined;
      const expected = String((err.params as { type: string | string[] }).type).split(',').map(article).join(' or ');
      return { code: 'schema', severity: 'error', message: `${where} must be ${expected}, not ${describe(data)}.`, range: rangeOf(doc, path, 'value') ?? rangeOfNearest(doc, path) };
    }
    case 'enum': {
      if (isPlaceholder(data)) return undefined;
      const allowed = ((err.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      const range = rangeOf(doc, path, 'value') ?? rangeOfNearest(doc, path);
      const guess = typeof data === 'string' ? closest(data, allowed) : undefined;
      const fixes: Fix[] = guess ? [{ title: `Change to ${guess}`, edits: [{ range, newText: guess }], preferred: true }] : [];
      return { code: 'schema', severity: 'error', message: `${where} must be one of ${allowed.join(', ')}; found ${quote(data)}.`, range, fixes };
    }
    case 'const': {
      const allowed = (err.params as { allowedValue: unknown }).allowedValue;
      return { code: 'schema', severity: 'error', message: `${where} must be ${quote(allowed)}; found ${quote(data)}.`, range: rangeOf(doc, path, 'value') ?? rangeOfNearest(doc, path) };
    }
    default: {
      if (isPlaceholder(data)) return undefined;
      return { code: 'schema', severity: 'error', message: `${where} ${err.message ?? 'is not valid'}.`, range: rangeOf(doc, path, 'value') ?? rangeOfNearest(doc, path) };
    }
  }
}

/**
 * `value` without the map fields set to null where the schema does not allow null (type 'null' or
 * `nullable: true`); the paths dropped go to `dropped`. The value itself when there are none.
 * Fields the schema does not describe are kept (their own finding says so).
 */
function dropNulls(root: JsonSchema, value: unknown, path: YamlPath, dropped: YamlPath[]): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const next = v !== null && typeof v === 'object' ? dropNulls(root, v, [...path, i], dropped) : v;
      if (next !== v) (out ??= value.slice())[i] = next;
    });
    return out ?? value;
  }
  if (value === null || typeof value !== 'object') return value;
  let out: Record<string, unknown> | undefined;
  const record = value as Record<string, unknown>;
  // keys one by one, and a path only for what is looked into (a map of 300,000 numbers makes none)
  for (const k in record) {
    if (!Object.prototype.hasOwnProperty.call(record, k)) continue;
    const v = record[k];
    if (v !== null && typeof v !== 'object') continue;
    const at = [...path, k];
    if (v === null) {
      const s = schemaAt(root, at);
      if (!s || allowsNull(s)) continue;
      out ??= { ...(value as Record<string, unknown>) };
      delete out[k];
      dropped.push(at);
    } else if (typeof v === 'object') {
      const next = dropNulls(root, v, at, dropped);
      if (next !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = next;
    }
  }
  return out ?? value;
}

function allowsNull(s: JsonSchema): boolean {
  return s.nullable === true || s.type === 'null' || (Array.isArray(s.type) && s.type.includes('null'));
}

function article(t: string): string {
  if (t === 'integer' || t === 'object' || t === 'array') return t === 'array' ? 'a list' : `an ${t}`;
  if (t === 'null') return 'null';
  return `a ${t}`;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)})`;
  if (typeof v === 'number') return Number.isInteger(v) ? `the number ${v}` : `the number ${v}`;
  return `${typeof v} ${String(v)}`;
}

/** A JSON pointer into the value, back to a YAML path (numbers where the parent is a list). */
function toPath(value: unknown, pointer: string): YamlPath {
  if (!pointer) return [];
  const out: (string | number)[] = [];
  let cur: unknown = value;
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      out.push(Number(part));
      cur = cur[Number(part)];
    } else {
      out.push(part);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
    }
  }
  return out;
}
