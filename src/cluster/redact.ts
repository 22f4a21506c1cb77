/**
 * Redaction: every message, log line and error text of the cluster layer passes through
 * `redact()`, so no bearer token, JWT, password, client key or certificate data reaches a log,
 * a notification or the command line's output.
 *
 * Two nets: the exact credential values of the loaded kubeconfig (registered when it is read),
 * and patterns for what credentials look like (JWTs, PEM blocks and their base64, `Bearer x`,
 * `token: x`, `password=x`, URL user info).
 */

const known = new Set<string>();
const MAX_KNOWN = 1000;

/** Remembers a credential value so that `redact()` removes it wherever it appears. */
export function registerSecret(value: unknown): void {
  if (typeof value !== 'string') return;
  const v = value.trim();
  // very short values would redact ordinary words; they are not credentials worth the name
  if (v.length < 6) return;
  if (known.size >= MAX_KNOWN) known.delete(known.values().next().value as string);
  known.add(v);
}

const SECRET_KEYS = [
  'token', 'id-token', 'id_token', 'refresh-token', 'refresh_token', 'access-token', 'access_token',
  'password', 'passwd', 'client-secret', 'client_secret', 'secret', 'client-key-data',
  'client-certificate-data', 'certificate-authority-data', 'api-key', 'apikey', 'authorization',
];

const PATTERNS: readonly [RegExp, string][] = [
  // PEM blocks (keys and certificates), also one cut short
  [/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g, '[redacted PEM]'],
  // base64 of a PEM block ("-----BEGIN" encodes as LS0tLS1CRUdJTi...)
  [/LS0tLS1CRUdJT[A-Za-z0-9+/=]*/g, '[redacted base64 PEM]'],
  // DER certificates and keys in base64 (they start with MII)
  [/\bMII[A-Za-z0-9+/]{40,}={0,2}/g, '[redacted base64 DER]'],
  // JWTs: header.payload.signature, base64url, the header always starts with {" → eyJ
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[redacted JWT]'],
  // HTTP authorization schemes
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=:-]+/gi, '$1 [redacted]'],
  // key: value and key=value forms, quoted or not (YAML, JSON, query strings, headers); a value
  // already redacted by the known secrets is taken whole, not up to its "]" (no "[redacted]]")
  [new RegExp(`(["']?\\b(?:${SECRET_KEYS.map(escape).join('|')})["']?\\s*[:=]\\s*)("[^"]*"|'[^']*'|\\[redacted[^\\]]*\\]|[^\\s,;&}\\]]+)`, 'gi'), '$1[redacted]'],
  // user info in URLs (https://user:password@host)
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi, '$1[redacted]@'],
];

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

export function redact(text: string): string {
  let out = text;
  for (const secret of known) {
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  for (const [re, by] of PATTERNS) out = out.replace(re, by);
  return out;
}

/** The message of anything thrown, redacted. */
export function redactedMessage(err: unknown): string {
  if (err instanceof Error) return redact(err.message);
  return redact(typeof err === 'string' ? err : safeJson(err));
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A log sink that never sees an unredacted line. */
export type LogSink = (line: string) => void;

export function redactingLog(sink: LogSink | undefined): LogSink {
  return (line) => {
    if (sink) sink(redact(line));
  };
}
