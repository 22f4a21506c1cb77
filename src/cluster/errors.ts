/**
 * One place that turns any failure of a cluster call — an HTTP status with its Kubernetes Status
 * body, a network or TLS error, a timeout we imposed — into a `ClusterError` with a kind the
 * editor and the command line can act on, and a message that says what to do. Every message is
 * redacted.
 */
import type { FieldConflict } from '../core/reconcile/types';
import { parseFieldPath, type FieldPath } from './fieldpath';
import { redact } from './redact';

export type ClusterErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'conflict'
  | 'invalid'
  | 'timeout'
  | 'unreachable'
  | 'tls'
  | 'server'
  /** The kubeconfig or the context cannot be used (unreadable, broken, exec not allowed). */
  | 'config'
  /** The caller cancelled (a disposed session, an aborted request). */
  | 'cancelled'
  | 'other';

export interface FieldCause {
  /** The field as the server wrote it, e.g. `spec.topology.controlPlane.replicas`. */
  readonly field: string;
  /** The same as a path array: `['spec', 'topology', 'controlPlane', 'replicas']`. */
  readonly path: FieldPath;
  readonly message: string;
  /** FieldValueInvalid, FieldValueRequired, FieldManagerConflict, ... */
  readonly reason?: string;
}

/** What was being done, for the message (all optional). */
export interface RequestDescription {
  readonly context?: string;
  readonly server?: string;
  readonly cluster?: string;
  readonly method?: string;
  readonly path?: string;
  /** get, list, watch, create, patch, apply, delete. */
  readonly verb?: string;
  readonly resource?: string;
  readonly group?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly timeoutMs?: number;
  /** How to get new credentials, e.g. `kubectl vsphere login --server 10.0.0.1 --vsphere-username u`. */
  readonly loginHint?: string;
  /** When the token of the context expires (or expired). */
  readonly tokenExpiry?: Date;
}

export interface ClusterErrorInit {
  readonly status?: number;
  /** The Kubernetes Status reason (Forbidden, NotFound, AlreadyExists, Conflict, Invalid, Expired...). */
  readonly reason?: string;
  /** The network or TLS error code (ECONNREFUSED, CERT_HAS_EXPIRED...). */
  readonly code?: string;
  readonly causes?: readonly FieldCause[];
  /** The server's own message, redacted. */
  readonly serverMessage?: string;
}

export class ClusterError extends Error {
  readonly status?: number;
  readonly reason?: string;
  readonly code?: string;
  readonly causes: readonly FieldCause[];
  readonly serverMessage?: string;

  constructor(readonly kind: ClusterErrorKind, message: string, init: ClusterErrorInit = {}) {
    super(redact(message));
    this.name = 'ClusterError';
    this.status = init.status;
    this.reason = init.reason;
    this.code = init.code;
    this.causes = (init.causes ?? []).map((c) => ({ ...c, message: redact(c.message) }));
    this.serverMessage = init.serverMessage === undefined ? undefined : redact(init.serverMessage);
  }

  /** The connection was closed under a request that had been sent (the server may have done it). */
  get connectionClosed(): boolean {
    return this.kind === 'unreachable' && !!this.code && CLOSED_CODES.has(this.code);
  }

  /** The same error with a sentence added to its message. */
  withNote(note: string): ClusterError {
    return new ClusterError(this.kind, `${this.message} ${note}`, { status: this.status, reason: this.reason, code: this.code, causes: this.causes, serverMessage: this.serverMessage });
  }

  /** 410 Gone / Expired: a watch's or a continue token's resourceVersion is too old. */
  get isGone(): boolean {
    return this.status === 410 || this.reason === 'Expired' || this.reason === 'Gone';
  }

  /** Worth trying again later without changing anything. */
  get retryable(): boolean {
    return this.kind === 'timeout' || this.kind === 'unreachable' || this.kind === 'server' || this.isGone;
  }
}

const CLOSED_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** A response with an error status, as our request function reports it. */
export interface HttpStatusFailure {
  readonly statusCode: number;
  /** The parsed JSON body (a Status, usually) or the raw text. */
  readonly body: unknown;
}

/** A timeout we imposed on a request. */
export class RequestTimeout extends Error {
  readonly code = 'TANZU_REQUEST_TIMEOUT';
  constructor(readonly timeoutMs: number, readonly phase: 'response' | 'idle' | 'total' = 'response') {
    super(`no answer within ${timeoutMs} ms`);
  }
}

interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

export function isKubeStatus(v: unknown): v is KubeStatus {
  return !!v && typeof v === 'object' && (v as KubeStatus).kind === 'Status';
}

/** Any failure to a ClusterError. */
export function toClusterError(err: unknown, req: RequestDescription = {}): ClusterError {
  if (err instanceof ClusterError) return err;
  if (isHttpFailure(err)) return fromStatus(err.statusCode, parseBody(err.body), req);
  // client-node's ApiException (generated clients): { code, body }
  if (err && typeof err === 'object' && typeof (err as { code?: unknown }).code === 'number' && 'body' in err) {
    return fromStatus((err as unknown as { code: number }).code, parseBody((err as { body: unknown }).body), req);
  }
  if (isKubeStatus(err)) return fromStatus(err.code ?? 500, err, req);
  if (err instanceof RequestTimeout) return timeoutError(err.timeoutMs, req, err.phase);
  const code = errorCode(err);
  if (code) {
    const mapped = fromCode(code, err, req);
    if (mapped) return mapped;
  }
  if (isAbort(err)) return new ClusterError('cancelled', `${what(req)} was cancelled.`, { code: 'ABORT_ERR' });
  const msg = err instanceof Error ? err.message : String(err);
  return new ClusterError('other', `${what(req)} failed: ${msg}`, { code });
}

export function isHttpFailure(err: unknown): err is HttpStatusFailure {
  return !!err && typeof err === 'object' && typeof (err as HttpStatusFailure).statusCode === 'number' && 'body' in err;
}

function parseBody(body: unknown): KubeStatus | string {
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as unknown;
      if (parsed && typeof parsed === 'object') return parsed as KubeStatus;
    } catch {
      return body;
    }
    return body;
  }
  if (Buffer.isBuffer(body)) return parseBody(body.toString('utf8'));
  if (body && typeof body === 'object') return body as KubeStatus;
  return '';
}

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    // AggregateError (happy eyeballs): the first inner error
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length) {
      const inner = errorCode(errors[0]);
      if (inner) return inner;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function isAbort(err: unknown): boolean {
  return !!err && typeof err === 'object' && ((err as Error).name === 'AbortError' || (err as { code?: unknown }).code === 'ABORT_ERR');
}

function where(req: RequestDescription): string {
  return req.server ? req.server : 'the Supervisor';
}

function what(req: RequestDescription): string {
  if (req.method && req.path) return `${req.method} ${req.path}`;
  if (req.verb && req.resource) return `${req.verb} ${resourceName(req.resource, req.group)}`;
  return 'The request';
}

function resourceName(resource: string, group: string | undefined): string {
  return group ? `${resource}.${group}` : resource;
}

function timeoutError(ms: number, req: RequestDescription, phase: string): ClusterError {
  const s = ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)} s` : `${ms} ms`;
  const during = phase === 'idle' ? 'the connection went quiet for' : 'no answer within';
  return new ClusterError('timeout', `${where(req)} did not answer ${what(req)}: ${during} ${s}. The Supervisor may be overloaded or paused; the request can be retried.`, { code: 'TANZU_REQUEST_TIMEOUT' });
}

const TLS_UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG', 'INVALID_CA', 'CERT_REJECTED',
]);
const TLS_EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CRL_HAS_EXPIRED']);
const TLS_NAME = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH']);

function fromCode(code: string, err: unknown, req: RequestDescription): ClusterError | undefined {
  const server = where(req);
  const cluster = req.cluster ? ` "${req.cluster}"` : '';
  const caHint = `Set certificate-authority-data (base64 of the Supervisor's CA certificate, PEM) or certificate-authority (a PEM file) on the cluster${cluster} in your kubeconfig; \`kubectl vsphere login\` writes it. Avoid insecure-skip-tls-verify: true — it would send your token to whoever answers at that address.`;
  const init = { code };
  if (TLS_UNTRUSTED.has(code)) {
    return new ClusterError('tls', `The TLS certificate of ${server} is not signed by a CA the context trusts (${code}). ${caHint}`, init);
  }
  if (TLS_EXPIRED.has(code)) {
    return new ClusterError('tls', `The TLS certificate of ${server} is ${code === 'CERT_NOT_YET_VALID' ? 'not valid yet' : 'expired'} (${code}). Check this machine's clock; otherwise the Supervisor's certificate must be renewed. insecure-skip-tls-verify would hide this but sends your token unprotected: do not use it.`, init);
  }
  if (TLS_NAME.has(code)) {
    const reason = err instanceof Error ? ` (${err.message})` : '';
    return new ClusterError('tls', `The TLS certificate of ${server} is not issued for that host name${reason}. Connect by a name or address the certificate lists (server in the kubeconfig), or set tls-server-name on the cluster${cluster} to one of them.`, init);
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return new ClusterError('tls', `The TLS handshake with ${server} failed (${code}): is it an HTTPS port of the Supervisor (usually 6443)?`, init);
  }
  switch (code) {
    case 'ECONNREFUSED':
      return new ClusterError('unreachable', `${server} refused the connection (ECONNREFUSED): the Supervisor is down or the port is wrong. Check the server of the context${req.context ? ` "${req.context}"` : ''}.`, init);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ClusterError('unreachable', `The host name of ${server} does not resolve (${code}): check the server address in the kubeconfig and your DNS or VPN.`, init);
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new ClusterError('unreachable', `Connecting to ${server} timed out (${code}): the address is not reachable from here (VPN, firewall or proxy settings).`, init);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return new ClusterError('unreachable', `${server} is not reachable (${code}): check the network, VPN or proxy settings (HTTPS_PROXY, NO_PROXY).`, init);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'UND_ERR_SOCKET':
      return new ClusterError('unreachable', `The connection to ${server} was closed while ${what(req)} was running (${code}).`, init);
    case 'TANZU_REQUEST_TIMEOUT':
      return timeoutError(req.timeoutMs ?? 0, req, 'response');
    default:
      return undefined;
  }
}

function fromStatus(statusCode: number, body: KubeStatus | string, req: RequestDescription): ClusterError {
  const status: KubeStatus = typeof body === 'string' ? { message: body.trim().slice(0, 500) } : body;
  const serverMessage = status.message ?? '';
  const reason = status.reason;
  const causes: FieldCause[] = (status.details?.causes ?? [])
    .filter((c) => c && (c.field || c.message))
    .map((c) => ({ field: c.field ?? '', path: parseFieldPath(c.field), message: c.message ?? '', ...(c.reason ? { reason: c.reason } : {}) }));
  const init = { status: statusCode, reason, causes, serverMessage };
  const server = where(req);
  switch (statusCode) {
    case 401: {
      const expired = req.tokenExpiry && req.tokenExpiry.getTime() <= Date.now()
        ? `the token expired at ${req.tokenExpiry.toISOString()}`
        : 'the token has expired or is not valid';
      const login = req.loginHint ? `Log in again: ${req.loginHint}` : 'Get a new token (vSphere: kubectl vsphere login --server <server> --vsphere-username <user>) and reconnect.';
      return new ClusterError('unauthorized', `${server} refused the credentials of context${req.context ? ` "${req.context}"` : ''} (401 Unauthorized): ${expired}. ${login}`, init);
    }
    case 403:
      return new ClusterError('forbidden', forbiddenMessage(serverMessage, req), init);
    case 404: {
      if (!status.kind && !status.details) {
        return new ClusterError('notFound', `${server} does not serve ${req.path ?? 'that API'} (404): the API or its CRD is not installed.`, init);
      }
      const ns = req.namespace ? ` in namespace "${req.namespace}"` : '';
      const name = status.details?.name ?? req.name;
      const kind = status.details?.kind ?? req.resource;
      const subject = name ? `${kind ?? 'object'} "${name}"` : kind ?? 'the object';
      return new ClusterError('notFound', `${subject} was not found${ns} (404 NotFound)${serverMessage ? `: ${serverMessage}` : ''}.`, init);
    }
    case 409:
      return new ClusterError('conflict', conflictMessage(reason, serverMessage, causes), init);
    case 410:
      return new ClusterError('other', `The resource version is too old (410 Gone): ${serverMessage || 'list again'}.`, { ...init, reason: reason ?? 'Gone' });
    case 400:
    case 422: {
      // the server's message already names each field cause; the causes go to diagnostics
      return new ClusterError('invalid', `${server} rejected ${what(req)} (${statusCode} ${reason ?? (statusCode === 400 ? 'BadRequest' : 'Invalid')}): ${serverMessage || 'invalid request'}`, init);
    }
    case 408:
    case 504:
      return new ClusterError('timeout', `${server} timed out on ${what(req)} (${statusCode}${reason ? ` ${reason}` : ''}): ${serverMessage || 'try again'}.`, init);
    case 429:
      return new ClusterError('server', `${server} is throttling requests (429 TooManyRequests); it will be tried again later.`, init);
    default:
      if (statusCode >= 500) {
        return new ClusterError('server', `${server} failed on ${what(req)} (${statusCode}${reason ? ` ${reason}` : ''}): ${serverMessage || 'server error'}.`, init);
      }
      return new ClusterError('other', `${what(req)} failed (${statusCode}${reason ? ` ${reason}` : ''}): ${serverMessage}`, init);
  }
}

/**
 * 403: who may not do which verb on which resource in which namespace. The apiserver's RBAC
 * message has it all: `User "dev" cannot list resource "configmaps" in API group "" in the
 * namespace "team-b"`; what we asked for fills in when the message is another one.
 */
function forbiddenMessage(serverMessage: string, req: RequestDescription): string {
  const m = /(User|ServiceAccount|Group) "([^"]*)" cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]*)"| at the cluster scope)?/.exec(serverMessage);
  const user = m?.[2];
  const verb = m?.[3] ?? req.verb ?? 'access';
  const resource = m ? resourceName(m[4], m[5]) : req.resource ? resourceName(req.resource, req.group) : 'this resource';
  const namespace = m ? m[6] : req.namespace;
  const scope = namespace ? `in namespace "${namespace}"` : 'at the cluster scope';
  const who = user ? `User "${user}"` : `The user of context${req.context ? ` "${req.context}"` : ''}`;
  const ask = namespace
    ? `Ask a vSphere administrator for a role in namespace "${namespace}" that allows ${verb} on ${resource}, or switch to a context that has it.`
    : `Ask a vSphere administrator for that permission, or switch to a context that has it.`;
  return `${who} may not ${verb} ${resource} ${scope} (403 Forbidden). ${ask}`;
}

/** The fields of a 409 server-side apply conflict and the managers that own them (none for other errors). */
export function fieldConflicts(err: ClusterError): FieldConflict[] {
  if (err.kind !== 'conflict') return [];
  return err.causes.filter((c) => c.reason === 'FieldManagerConflict')
    .map((c) => ({ field: c.field, manager: /conflict with "([^"]+)"/.exec(c.message)?.[1] ?? 'another manager' }));
}

function conflictMessage(reason: string | undefined, serverMessage: string, causes: readonly FieldCause[]): string {
  const managerConflicts = causes.filter((c) => c.reason === 'FieldManagerConflict');
  if (managerConflicts.length) {
    const fields = managerConflicts.map((c) => {
      const who = /conflict with "([^"]+)"/.exec(c.message)?.[1];
      return `${c.field}${who ? ` (owned by "${who}")` : ''}`;
    });
    return `Server-side apply conflict (409): ${fields.join(', ')} ${fields.length === 1 ? 'is' : 'are'} managed by another field manager. Apply with force to take ownership, or leave ${fields.length === 1 ? 'that field' : 'those fields'} out of the manifest.`;
  }
  if (reason === 'AlreadyExists') return `${serverMessage || 'The object already exists'} (409 AlreadyExists).`;
  return `${serverMessage || 'The object was changed meanwhile'} (409 Conflict): load the latest version and try again.`;
}
