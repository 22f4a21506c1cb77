/**
 * A connection to one context: requests go through a small function of our own on node:https, so
 * that timeouts, streaming watches, Status bodies and network errors are handled in one visible
 * place. Credentials and TLS material: a user with a token, a client certificate or a password
 * (and a CA, skip-verify, tls-server-name, impersonation) gets them from here, as client-node's
 * KubeConfig would give them; a user with an exec plugin or an auth provider, or a SOCKS proxy,
 * gets them from client-node's authenticators (client-node.ts), loaded only then.
 *
 * Safety: a context whose user runs a program for credentials (exec plugin, cmd-path) connects
 * only with `allowExec` (the editor passes workspace trust), and the program runs with the
 * user's PATH. Proxies: the kubeconfig's proxy-url, else HTTPS_PROXY/HTTP_PROXY/NO_PROXY.
 * Invariant: after dispose() no request of this connection is in flight and its sockets are gone;
 * one keep-alive agent serves every request (a new one only when the TLS material changes).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import nodeTls from 'node:tls';
import type { KubeConfig } from './client-node';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { ClusterError, RequestTimeout, toClusterError, type RequestDescription } from './errors';
import type { Disposable } from './events';
import { credentialCommand, type Kubeconfig, type ResolvedContext } from './kubeconfig';
import { proxyFor } from './proxy';
import { redact, redactingLog, registerSecret, type LogSink } from './redact';
import { trace, tracingRequests } from '../trace';

export interface ConnectionOptions {
  readonly kubeconfig: Kubeconfig;
  /** The context to use (default: the kubeconfig's current context). */
  readonly context?: string;
  /** Whether credential programs named by the kubeconfig may run (the workspace is trusted). */
  readonly allowExec: boolean;
  /** PATH for credential programs (default: this process's PATH). */
  readonly userPath?: string;
  /** Environment for the proxy variables (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Time allowed for an answer to one request (default 30 s). */
  readonly requestTimeoutMs?: number;
  readonly log?: LogSink;
  /**
   * Send single requests (not watches) over one HTTP/2 connection, as kubectl does, when the
   * server is https and no proxy is in the way: many requests in flight then share one TLS
   * session instead of a handshake per socket. The command line uses it for its bursts of
   * dry-runs and applies.
   */
  readonly http2?: boolean;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface ApiRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Query;
  readonly body?: unknown;
  readonly contentType?: string;
  /** Time allowed for the answer (default: the connection's). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** What the request does, for error messages (verb, resource, namespace, name). */
  readonly describe?: Partial<RequestDescription>;
}

export interface WatchRequest extends ApiRequest {
  /** Abort when no byte arrives for this long (default: never). */
  readonly idleTimeoutMs?: number;
  /** Abort after this long in all (default: never; the server ends watches with timeoutSeconds). */
  readonly totalTimeoutMs?: number;
}

export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: Record<string, unknown>;
}

export interface WatchHandle {
  /** Resolves when the server ends the stream; rejects with a ClusterError otherwise. */
  readonly done: Promise<void>;
  /** Resolves when the server has answered 200 and events may flow. */
  readonly established: Promise<void>;
  abort(): void;
}

type ClientNode = typeof import('./client-node');
let clientNodeModule: ClientNode | undefined;
/** client-node's authenticators: only a connection whose user needs them loads them, once. */
function loadClientNode(): ClientNode {
  clientNodeModule ??= require('./client-node') as ClientNode;
  return clientNodeModule;
}

interface TlsMaterial {
  headers: Record<string, string>;
  auth?: string;
  ca?: Buffer | string;
  cert?: Buffer | string;
  key?: Buffer | string;
  rejectUnauthorized?: boolean;
  servername?: string;
  socksAgent?: http.Agent;
}

export class Connection implements Disposable {
  readonly contextName: string;
  readonly server: string;
  readonly namespace: string;
  /** The proxy requests go through, for display (redacted), if any. */
  readonly proxy?: string;
  private readonly requestTimeoutMs: number;
  private readonly log: LogSink;
  private readonly inflight = new Set<http.ClientRequest>();
  private readonly inflightH2 = new Set<http2.ClientHttp2Stream>();
  private readonly useHttp2: boolean;
  private h2?: Http2Entry;
  private agent?: { key: string; agent: http.Agent };
  private readonly oldAgents: http.Agent[] = [];
  private execTls?: { at: number; tls: Promise<TlsMaterial> };
  private disposed = false;

  /** TLS material of a plain user whose CA, certificate and key are inline (it cannot change). */
  private plainTls?: Promise<TlsMaterial>;
  /** The agent key of the material it was computed for. */
  private readonly agentKeys = new WeakMap<TlsMaterial, string>();

  private constructor(
    /** client-node's KubeConfig, only for the users that need it (see needsClientNode). */
    private readonly kc: KubeConfig | undefined,
    /** A plain user's token (token or token-file, read once at open, as client-node was given it). */
    private readonly token: string | undefined,
    readonly resolved: ResolvedContext,
    private readonly kubeconfig: Kubeconfig,
    options: ConnectionOptions,
    private readonly proxyUrl: string | undefined,
  ) {
    this.contextName = resolved.context.name;
    this.server = resolved.cluster.server;
    this.namespace = resolved.namespace;
    this.proxy = proxyUrl ? redact(proxyUrl) : undefined;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.log = redactingLog(options.log);
    this.useHttp2 = options.http2 === true;
  }

  /** Checks the context (and whether its credential program may run) and prepares the client. */
  static async open(options: ConnectionOptions): Promise<Connection> {
    const resolved = options.kubeconfig.resolve(options.context);
    const { user, cluster, context } = resolved;
    const command = credentialCommand(user);
    if (command && !options.allowExec) {
      const args = user.exec?.args?.length ? ` ${user.exec.args.join(' ')}` : '';
      throw new ClusterError('config', `Context "${context.name}" gets its credentials by running "${command}${args}" (user "${user.name}" in ${user.file}). This workspace is not trusted, so that program was not run: trust the workspace to connect with this context, or use a context whose user has a token.`);
    }
    const proxyUrl = proxyFor(cluster.server, options.env ?? process.env, cluster.proxyUrl);
    const token = user.token ?? (user.tokenFile ? options.kubeconfig.token(context.name) : undefined);
    registerSecret(token);
    if (!needsClientNode(user, proxyUrl)) return new Connection(undefined, token, resolved, options.kubeconfig, options, proxyUrl);
    const k8s = loadClientNode();
    const userPath = options.userPath ?? process.env.PATH ?? '';
    const exec = user.exec && {
      command: user.exec.command,
      args: user.exec.args ? [...user.exec.args] : [],
      apiVersion: user.exec.apiVersion,
      // the program runs with the user's PATH and, as kubectl gives it, KUBERNETES_EXEC_INFO
      env: [
        { name: 'PATH', value: userPath },
        { name: 'KUBERNETES_EXEC_INFO', value: JSON.stringify({ apiVersion: user.exec.apiVersion ?? 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', spec: { interactive: false } }) },
        ...(user.exec.env ?? []),
      ],
    };
    const kc = new k8s.KubeConfig({
      name: cluster.name,
      server: cluster.server,
      caData: cluster.caData,
      caFile: cluster.caFile,
      skipTLSVerify: cluster.skipTLSVerify,
      tlsServerName: cluster.tlsServerName,
      // client-node builds the agent only for SOCKS; HTTP(S) proxies get our keep-alive agent
      proxyUrl: proxyUrl?.startsWith('socks') ? proxyUrl : undefined,
    }, {
      name: user.name || 'anonymous',
      token,
      certData: user.certData,
      certFile: user.certFile,
      keyData: user.keyData,
      keyFile: user.keyFile,
      username: user.username,
      password: user.password,
      exec,
      authProvider: user.authProvider,
      impersonateUser: user.impersonate,
    });
    return new Connection(kc, token, resolved, options.kubeconfig, options, proxyUrl);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Requests in flight (watches included). */
  get activeRequests(): number {
    return this.inflight.size + this.inflightH2.size;
  }

  /** When the context's token expires, if it is a JWT. */
  tokenExpiry(): Date | undefined {
    return this.kubeconfig.tokenExpiry(this.contextName);
  }

  loginHint(): string {
    return this.kubeconfig.loginHint(this.contextName);
  }

  /**
   * One request; the parsed JSON answer, or a ClusterError. A connection closed under an
   * idempotent request (a GET, a server-side apply, a DELETE with preconditions) is tried once
   * more, on a new connection; any other request is not, and its error says so.
   */
  async request<T = Record<string, unknown>>(req: ApiRequest): Promise<T> {
    try {
      return await this.requestOnce<T>(req);
    } catch (err) {
      if (!(err instanceof ClusterError) || !err.connectionClosed || req.signal?.aborted || this.disposed) throw err;
      if (!idempotent(req)) throw err.withNote('It was not tried again (the request is not idempotent): whether the server did it is not known.');
      this.log(`${req.method ?? 'GET'} ${req.path}: the connection was closed (${err.code}); trying once more`);
      try {
        return await this.requestOnce<T>(req);
      } catch (again) {
        throw again instanceof ClusterError && again.connectionClosed ? again.withNote('It was tried once more, and closed again.') : again;
      }
    }
  }

  private async requestOnce<T>(req: ApiRequest): Promise<T> {
    const text = await new Promise<string>((resolve, reject) => {
      this.send(req, (res, fail) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', fail);
      }, reject, { totalTimeoutMs: req.timeoutMs ?? this.requestTimeoutMs, single: true });
    });
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ClusterError('server', `${this.server} answered ${req.method ?? 'GET'} ${req.path} with something that is not JSON: ${text.slice(0, 200)}`);
    }
  }

  /** A watch: one JSON object per line, until the server ends it or something fails. */
  watch(req: WatchRequest, onEvent: (e: WatchEvent) => void): WatchHandle {
    const controller = new AbortController();
    const signal = req.signal ? AbortSignal.any([req.signal, controller.signal]) : controller.signal;
    let establish!: () => void;
    let failEstablish!: (e: unknown) => void;
    const established = new Promise<void>((res, rej) => { establish = res; failEstablish = rej; });
    established.catch(() => undefined);
    const done = new Promise<void>((resolve, reject) => {
      const fail = (e: unknown) => { failEstablish(e); reject(e); };
      this.send({ ...req, signal }, (res, failRes) => {
        establish();
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (!line) continue;
            let event: WatchEvent;
            try {
              event = JSON.parse(line) as WatchEvent;
            } catch {
              failRes(new ClusterError('server', `${this.server} sent a watch line that is not JSON on ${req.path}`));
              return;
            }
            onEvent(event);
          }
        });
        res.on('end', () => resolve());
        res.on('error', failRes);
      }, fail, { idleTimeoutMs: req.idleTimeoutMs, totalTimeoutMs: req.totalTimeoutMs });
    });
    // callers await `established` and then `done`; a failure before the first is not unhandled in the second
    done.catch(() => undefined);
    return { done, established, abort: () => controller.abort() };
  }

  /**
   * Sends a request; calls onResponse for a 2xx answer, rejects with a ClusterError for anything
   * else. The response timeout runs until the headers arrive; then the idle and total ones.
   */
  private send(
    req: ApiRequest,
    onResponse: (res: http.IncomingMessage, fail: (e: unknown) => void) => void,
    reject: (e: unknown) => void,
    timeouts: { idleTimeoutMs?: number; totalTimeoutMs?: number; single?: boolean },
  ): void {
    const method = req.method ?? 'GET';
    const url = new URL(this.server + req.path);
    if (req.query) {
      // one serialisation (url.searchParams.set serialises the whole query again on every call)
      const params = new URLSearchParams(url.search);
      let set = false;
      for (const [k, v] of Object.entries(req.query)) {
        if (v !== undefined && v !== '') {
          params.set(k, String(v));
          set = true;
        }
      }
      if (set) url.search = params.toString();
    }
    const pathWithQuery = url.pathname + url.search;
    const describe: RequestDescription = {
      context: this.contextName,
      server: this.server,
      cluster: this.resolved.cluster.name,
      method,
      path: pathWithQuery,
      timeoutMs: req.timeoutMs ?? this.requestTimeoutMs,
      ...req.describe,
    };
    const fail = (e: unknown) => {
      let err = toClusterError(e, describe);
      if (err.kind === 'unauthorized') {
        this.execTls = undefined;
        err = toClusterError(e, { ...describe, loginHint: safe(() => this.loginHint()), tokenExpiry: safe(() => this.tokenExpiry()) });
      }
      reject(err);
    };
    if (this.disposed) return fail(new ClusterError('cancelled', `The connection to context "${this.contextName}" was closed.`));
    if (req.signal?.aborted) return fail(new ClusterError('cancelled', `${method} ${pathWithQuery} was cancelled.`));

    this.tls().then((tls) => {
      if (this.disposed) throw new ClusterError('cancelled', `The connection to context "${this.contextName}" was closed.`);
      const body = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      const headers: Record<string, string> = {
        Accept: 'application/json',
        'User-Agent': 'tanzu-gitops',
        ...tls.headers,
      };
      if (body !== undefined) {
        headers['Content-Type'] = req.contentType ?? 'application/json';
        headers['Content-Length'] = String(Buffer.byteLength(body));
      }
      if (timeouts.single && this.useHttp2 && url.protocol === 'https:' && !this.proxyUrl && !tls.socksAgent && !tls.auth) {
        this.sendHttp2(url, method, pathWithQuery, headers, body, tls, req, onResponse, fail, timeouts.totalTimeoutMs);
        return;
      }
      const lib = url.protocol === 'http:' ? http : https;
      const started = Date.now();
      const cr = lib.request(url, { method, headers, agent: tls.socksAgent ?? this.agentFor(tls, url.protocol), auth: tls.auth });
      this.inflight.add(cr);
      if (tracingRequests()) trace(`request ${method} ${url.pathname} (${this.inflight.size} in flight)`);
      let settled = false;
      let totalTimer: NodeJS.Timeout | undefined;
      let idleTimer: NodeJS.Timeout | undefined;
      const cleanup = () => {
        guard.release();
        clearTimeout(totalTimer);
        clearTimeout(idleTimer);
        this.inflight.delete(cr);
      };
      const failOnce = (e: unknown) => {
        if (settled) return;
        settled = true;
        cleanup();
        cr.destroy();
        fail(e);
      };
      const guard = this.guard(req, method, pathWithQuery, failOnce);
      cr.on('error', failOnce);
      cr.on('response', (res) => {
        guard.answered();
        if (this.failedAnswer(res.statusCode ?? 0, res, { method, pathWithQuery, url, started }, failOnce)) return;
        const { totalTimeoutMs, idleTimeoutMs } = timeouts;
        if (totalTimeoutMs) totalTimer = setTimeout(() => failOnce(new RequestTimeout(totalTimeoutMs, 'total')), totalTimeoutMs);
        if (idleTimeoutMs) {
          const arm = () => {
            clearTimeout(idleTimer);
            idleTimer = setTimeout(() => failOnce(new RequestTimeout(idleTimeoutMs, 'idle')), idleTimeoutMs);
          };
          arm();
          res.on('data', arm);
        }
        res.on('end', () => {
          if (!res.complete) return failOnce(Object.assign(new Error('connection closed mid-answer'), { code: 'ECONNRESET' }));
          // the caller's end handler settles the promise; only the bookkeeping is ours
          settled = true;
          cleanup();
        });
        res.on('close', () => {
          if (!settled) failOnce(Object.assign(new Error('connection closed mid-answer'), { code: 'ECONNRESET' }));
        });
        onResponse(res, failOnce);
      });
      cr.end(body);
    }).catch(fail);
  }

  /**
   * A request's cancellation (its signal) and its wait for an answer (the response timeout), both
   * failing it through failOnce: answered() stops the wait, release() lets go of both.
   */
  private guard(req: ApiRequest, method: string, pathWithQuery: string, failOnce: (e: unknown) => void): { answered(): void; release(): void } {
    const onAbort = () => failOnce(new ClusterError('cancelled', `${method} ${pathWithQuery} was cancelled.`));
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const responseTimeout = req.timeoutMs ?? this.requestTimeoutMs;
    const responseTimer = setTimeout(() => failOnce(new RequestTimeout(responseTimeout, 'response')), responseTimeout);
    return {
      answered: () => clearTimeout(responseTimer),
      release: () => {
        clearTimeout(responseTimer);
        req.signal?.removeEventListener('abort', onAbort);
      },
    };
  }

  /**
   * An answer's status, logged (and traced); a status other than 2xx reads the body and fails with
   * it (statusCode and body, which toClusterError maps): true then, and the caller reads no further.
   */
  private failedAnswer(
    status: number, answer: NodeJS.EventEmitter, request: { method: string; pathWithQuery: string; url: URL; started: number }, failOnce: (e: unknown) => void,
  ): boolean {
    const { method, pathWithQuery, url, started } = request;
    this.log(`${method} ${pathWithQuery} → ${status} (${Date.now() - started} ms)`);
    if (tracingRequests()) trace(`answer ${method} ${url.pathname} ${status} (${Date.now() - started} ms)`);
    if (status >= 200 && status < 300) return false;
    const chunks: Buffer[] = [];
    answer.on('data', (c: Buffer) => chunks.push(c));
    answer.on('end', () => failOnce({ statusCode: status, body: Buffer.concat(chunks).toString('utf8') }));
    answer.on('error', failOnce);
    return true;
  }

  /** The HTTP/2 session for this TLS material (one; a new one after it closed or failed). */
  private http2Session(url: URL, tls: TlsMaterial): Http2Entry {
    const key = this.tlsKey(tls, url.protocol);
    const current = this.h2;
    if (current && current.key === key && !current.error && !current.session.closed && !current.session.destroyed) return current;
    if (current && !current.session.destroyed) current.session.close();
    const session = http2.connect(url.origin, {
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      servername: tls.servername,
      ...(tls.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: tls.rejectUnauthorized }),
    });
    const entry: Http2Entry = { key, session, open: 0 };
    session.on('error', (e: Error) => { entry.error = e; });
    session.on('goaway', () => { entry.error ??= Object.assign(new Error('the server closed the connection (GOAWAY)'), { code: 'ECONNRESET' }); });
    session.on('close', () => { if (this.h2 === entry) this.h2 = undefined; });
    // an idle session does not keep the process alive (sendHttp2 refs it while streams are open)
    session.unref();
    this.h2 = entry;
    return entry;
  }

  /** One request over HTTP/2, with the same timeouts, cancellation and error mapping as over HTTP/1.1. */
  private sendHttp2(
    url: URL, method: string, pathWithQuery: string, headers: Record<string, string>, body: string | undefined, tls: TlsMaterial,
    req: ApiRequest, onResponse: (res: http.IncomingMessage, fail: (e: unknown) => void) => void, fail: (e: unknown) => void, totalTimeoutMs?: number,
  ): void {
    const entry = this.http2Session(url, tls);
    const h2headers: http2.OutgoingHttpHeaders = { ':method': method, ':path': pathWithQuery };
    for (const [k, v] of Object.entries(headers)) h2headers[k.toLowerCase()] = v;
    const started = Date.now();
    let stream: http2.ClientHttp2Stream;
    try {
      // node ends a DELETE's stream at once unless told: a DELETE with options has a body
      stream = entry.session.request(h2headers, { endStream: body === undefined });
    } catch (e) {
      fail(entry.error ?? e);
      return;
    }
    this.inflightH2.add(stream);
    if (entry.open++ === 0) entry.session.ref();
    if (tracingRequests()) trace(`request ${method} ${url.pathname} (${this.activeRequests} in flight, HTTP/2)`);
    let settled = false;
    let totalTimer: NodeJS.Timeout | undefined;
    const cleanup = () => {
      guard.release();
      clearTimeout(totalTimer);
      this.inflightH2.delete(stream);
      if (--entry.open === 0 && !entry.session.destroyed) entry.session.unref();
    };
    const failOnce = (e: unknown) => {
      if (settled) return;
      settled = true;
      cleanup();
      if (!stream.destroyed) stream.close(http2.constants.NGHTTP2_CANCEL);
      // a stream cut by its session's failure reports the session's error (ECONNREFUSED, a TLS
      // error...), which may reach the stream (as its cause) before the session's own event
      const cause = e instanceof Error ? (e as Error & { cause?: unknown }).cause : undefined;
      fail(entry.error ?? (cause instanceof Error && (cause as NodeJS.ErrnoException).code ? cause : e));
    };
    const guard = this.guard(req, method, pathWithQuery, failOnce);
    stream.on('error', failOnce);
    stream.on('response', (h) => {
      guard.answered();
      if (this.failedAnswer(Number(h[':status'] ?? 0), stream, { method, pathWithQuery, url, started }, failOnce)) return;
      if (totalTimeoutMs) totalTimer = setTimeout(() => failOnce(new RequestTimeout(totalTimeoutMs, 'total')), totalTimeoutMs);
      stream.on('end', () => {
        settled = true;
        cleanup();
      });
      onResponse(stream as unknown as http.IncomingMessage, failOnce);
    });
    stream.on('close', () => {
      if (!settled) failOnce(Object.assign(new Error('connection closed mid-answer'), { code: 'ECONNRESET' }));
    });
    stream.end(body);
  }

  /**
   * Credentials and TLS material from client-node. client-node 1.4.0 runs an exec plugin again on
   * every request when its credential has no expirationTimestamp; kubectl keeps such a credential
   * until a 401. We keep what an exec user gets for a minute, and drop it on a 401.
   */
  private tls(): Promise<TlsMaterial> {
    if (!credentialCommand(this.resolved.user)) return this.loadTls();
    const now = Date.now();
    if (!this.execTls || now - this.execTls.at > 60_000) {
      const tls = this.loadTls();
      this.execTls = { at: now, tls };
      tls.catch(() => { if (this.execTls?.tls === tls) this.execTls = undefined; });
    }
    return this.execTls.tls;
  }

  private async loadTls(): Promise<TlsMaterial> {
    if (!this.kc) {
      const { cluster, user } = this.resolved;
      // files are read again on every request (a rotated certificate is picked up), inline data once
      if (cluster.caFile || user.certFile || user.keyFile) return this.plainMaterial();
      this.plainTls ??= this.plainMaterial();
      return this.plainTls;
    }
    const opts: https.RequestOptions = { headers: {} };
    try {
      await this.kc.applyToHTTPSOptions(opts);
    } catch (err) {
      throw this.credentialError(err);
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    const authz = headers.Authorization ?? headers.authorization;
    if (authz) registerSecret(authz.replace(/^Bearer\s+/i, ''));
    return {
      headers,
      auth: typeof opts.auth === 'string' ? opts.auth : undefined,
      ca: opts.ca as Buffer | undefined,
      cert: opts.cert as Buffer | undefined,
      key: opts.key as Buffer | undefined,
      rejectUnauthorized: opts.rejectUnauthorized,
      servername: opts.servername,
      socksAgent: this.proxyUrl?.startsWith('socks') ? (opts.agent as http.Agent) : undefined,
    };
  }

  /**
   * What client-node's applyToHTTPSOptions gives a user without an exec plugin or auth provider:
   * CA, client certificate and key (file, else inline base64), skip-verify, tls-server-name,
   * Impersonate-User, a bearer token, basic auth.
   */
  private async plainMaterial(): Promise<TlsMaterial> {
    const { cluster, user } = this.resolved;
    try {
      if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) throw new Error('HTTP protocol is not allowed when skipTLSVerify is not set or false');
      const headers: Record<string, string> = {};
      if (user.impersonate != null) headers['Impersonate-User'] = user.impersonate;
      if (this.token) headers.Authorization = `Bearer ${this.token}`;
      const ca = fileOrData(cluster.caFile, cluster.caData);
      const cert = fileOrData(user.certFile, user.certData);
      const key = fileOrData(user.keyFile, user.keyData);
      return {
        headers,
        ...(user.username ? { auth: `${user.username}:${user.password}` } : {}),
        ...(ca ? { ca } : {}),
        ...(cert ? { cert } : {}),
        ...(key ? { key } : {}),
        ...(cluster.skipTLSVerify ? { rejectUnauthorized: false } : {}),
        ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
      };
    } catch (err) {
      throw this.credentialError(err);
    }
  }

  private credentialError(err: unknown): ClusterError {
    if (err instanceof ClusterError) return err;
    const user = this.resolved.user;
    const command = credentialCommand(user);
    const msg = err instanceof Error ? err.message.trim() : String(err);
    if (command) {
      const code = (err as NodeJS.ErrnoException)?.code;
      if (code === 'ENOENT') {
        return new ClusterError('config', `The credential program "${command}" of user "${user.name}" was not found on PATH.${user.exec?.installHint ? ` ${user.exec.installHint}` : ''}`, { code });
      }
      return new ClusterError('config', `The credential program "${command}" of user "${user.name}" failed: ${msg.slice(0, 500) || 'no output'}`, { code });
    }
    return new ClusterError('config', `The credentials of context "${this.contextName}" cannot be used: ${msg}`);
  }

  /** One keep-alive agent per TLS material; a new one when an exec plugin hands out another certificate. */
  private agentFor(tls: TlsMaterial, protocol: string): http.Agent {
    const known = this.agentKeys.get(tls);
    if (known !== undefined && this.agent?.key === known) return this.agent.agent;
    const key = this.tlsKey(tls, protocol);
    if (this.agent?.key === key) return this.agent.agent;
    // requests in flight (watches) keep the old agent until they end; dispose() closes it
    if (this.agent) this.oldAgents.push(this.agent.agent);
    const options: https.AgentOptions = {
      keepAlive: true,
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      // one secure context for every socket of the agent (each would parse the CA and certificate again)
      ...(protocol === 'https:' ? { secureContext: nodeTls.createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key }) } : {}),
      servername: tls.servername,
      ...(tls.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: tls.rejectUnauthorized }),
    };
    let agent: http.Agent;
    if (this.proxyUrl) agent = protocol === 'http:' ? new HttpProxyAgent({ keepAlive: true, proxy: this.proxyUrl }) : new HttpsProxyAgent({ ...options, proxy: this.proxyUrl });
    else agent = protocol === 'http:' ? new http.Agent({ keepAlive: true }) : new https.Agent(options);
    this.agent = { key, agent };
    return agent;
  }

  /** Identifies TLS material (and proxy and protocol): a new agent or HTTP/2 session when it changes. */
  private tlsKey(tls: TlsMaterial, protocol: string): string {
    const known = this.agentKeys.get(tls);
    if (known !== undefined) return known;
    const key = crypto.createHash('sha256')
      .update(String(tls.ca ?? '')).update('\0').update(String(tls.cert ?? '')).update('\0').update(String(tls.key ?? ''))
      .update('\0').update(`${tls.rejectUnauthorized}|${tls.servername}|${this.proxyUrl}|${protocol}`)
      .digest('hex');
    this.agentKeys.set(tls, key);
    return key;
  }

  /** Ends every request in flight (watches included) and closes the sockets. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const cr of [...this.inflight]) cr.destroy(new ClusterError('cancelled', `The connection to context "${this.contextName}" was closed.`));
    this.inflight.clear();
    for (const st of [...this.inflightH2]) st.destroy(new ClusterError('cancelled', `The connection to context "${this.contextName}" was closed.`));
    this.inflightH2.clear();
    this.h2?.session.destroy();
    this.h2 = undefined;
    this.agent?.agent.destroy();
    this.agent = undefined;
    for (const a of this.oldAgents.splice(0)) a.destroy();
  }
}

/** The HTTP/2 session of a connection: held (ref'd) only while `open` streams run on it. */
interface Http2Entry {
  readonly key: string;
  readonly session: http2.ClientHttp2Session;
  /** The session's failure (its streams report this rather than their own cancellation). */
  error?: Error;
  open: number;
}

/** A user whose credentials only client-node can make (an exec plugin, an auth provider), or a SOCKS proxy (its agent). */
export function needsClientNode(user: ResolvedContext['user'], proxyUrl: string | undefined): boolean {
  return !!user.exec || !!user.authProvider || !!proxyUrl?.startsWith('socks');
}

/** As client-node's bufferFromFileOrString: the file when named, else the inline base64 data. */
function fileOrData(file: string | undefined, data: string | undefined): Buffer | undefined {
  if (file) return fs.readFileSync(file);
  if (data) return Buffer.from(data, 'base64');
  return undefined;
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/** Whether sending a request twice has the effect of sending it once. */
function idempotent(req: ApiRequest): boolean {
  const method = req.method ?? 'GET';
  if (method === 'GET') return true;
  if (method === 'PATCH') return req.contentType === 'application/apply-patch+yaml';
  if (method === 'DELETE') {
    const body = typeof req.body === 'string' ? safeParse(req.body) : req.body;
    return !!body && typeof body === 'object' && 'preconditions' in body;
  }
  return false;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
