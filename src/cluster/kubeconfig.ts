/**
 * Reading kubeconfig files the way kubectl does: an explicit list (the extension's setting), else
 * `KUBECONFIG` (several files, merged: the first file to name a cluster, user or context wins, the
 * first current-context wins, missing files are skipped), else ~/.kube/config. Relative file
 * references resolve against the file that holds them.
 *
 * A file that is missing or broken gives a `KubeconfigError` that names the file and what is wrong;
 * a context that cannot be used (dangling cluster or user, no server, unreadable CA) gives one when
 * it is chosen, naming the context. Credential values are registered for redaction on load.
 * No network and no client-node here: the connection builds its client from this.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { fastParse } from '../core/manifest/fast-parse';
import { ClusterError } from './errors';
import { jwtExpiry, vsphereLoginCommand } from './jwt';
import { registerSecret } from './redact';
import { isRecord } from '../core/json';

export class KubeconfigError extends ClusterError {
  constructor(message: string, readonly file?: string) {
    super('config', message);
    this.name = 'KubeconfigError';
  }
}

export interface ExecConfig {
  readonly command: string;
  readonly args?: readonly string[];
  readonly env?: readonly { name: string; value: string }[];
  readonly apiVersion?: string;
  readonly installHint?: string;
}

export interface KubeconfigCluster {
  readonly name: string;
  readonly file: string;
  readonly server?: string;
  readonly caData?: string;
  readonly caFile?: string;
  readonly skipTLSVerify: boolean;
  readonly tlsServerName?: string;
  readonly proxyUrl?: string;
}

export interface KubeconfigUser {
  readonly name: string;
  readonly file: string;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly certData?: string;
  readonly certFile?: string;
  readonly keyData?: string;
  readonly keyFile?: string;
  readonly username?: string;
  readonly password?: string;
  readonly exec?: ExecConfig;
  readonly authProvider?: { readonly name: string; readonly config?: Record<string, string> };
  readonly impersonate?: string;
}

export interface KubeconfigContext {
  readonly name: string;
  readonly file: string;
  readonly cluster: string;
  readonly user: string;
  readonly namespace?: string;
}

export type AuthMethod = 'token' | 'tokenFile' | 'exec' | 'clientCertificate' | 'basic' | 'authProvider' | 'none';

/** What a context picker shows. */
export interface ContextInfo {
  readonly name: string;
  readonly cluster: string;
  readonly user: string;
  /** The context's namespace, `default` when it names none. */
  readonly namespace: string;
  readonly server?: string;
  readonly auth: AuthMethod;
  /** The program an exec credential plugin (or an auth provider's cmd-path) runs. */
  readonly execCommand?: string;
  readonly isCurrent: boolean;
}

/** A context with its cluster and user, checked usable. */
export interface ResolvedContext {
  readonly context: KubeconfigContext;
  readonly cluster: KubeconfigCluster & { readonly server: string };
  readonly user: KubeconfigUser;
  readonly namespace: string;
}

export type KubeconfigOrigin = 'setting' | 'KUBECONFIG' | 'default';

export interface LoadOptions {
  /** Explicit files (the setting); when non-empty, KUBECONFIG and the default are not looked at. */
  readonly paths?: readonly string[];
  /** Where the explicit files were named, for messages (default: the settings). */
  readonly pathsFrom?: 'settings' | 'command line';
  readonly env?: NodeJS.ProcessEnv;
  readonly homeDir?: string;
}

/** Which files to read, and where the list came from. */
export function kubeconfigFiles(options: LoadOptions = {}): { files: string[]; origin: KubeconfigOrigin } {
  const env = options.env ?? process.env;
  const home = options.homeDir ?? os.homedir();
  const expand = (p: string) => path.resolve(p.startsWith('~/') || p === '~' ? path.join(home, p.slice(1)) : p);
  const explicit = (options.paths ?? []).map((p) => p.trim()).filter(Boolean);
  if (explicit.length) return { files: unique(explicit.map(expand)), origin: 'setting' };
  const fromEnv = (env.KUBECONFIG ?? '').split(path.delimiter).map((p) => p.trim()).filter(Boolean);
  if (fromEnv.length) return { files: unique(fromEnv.map(expand)), origin: 'KUBECONFIG' };
  return { files: [path.join(home, '.kube', 'config')], origin: 'default' };
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

export function loadKubeconfig(options: LoadOptions = {}): Kubeconfig {
  const { files, origin } = kubeconfigFiles(options);
  const present: string[] = [];
  for (const file of files) {
    const exists = fs.existsSync(file);
    if (exists) present.push(file);
    else if (origin === 'setting') throw new KubeconfigError(`The kubeconfig file ${file} (${options.pathsFrom === 'command line' ? 'from --kubeconfig' : 'from the settings'}) does not exist.`, file);
  }
  if (!present.length) {
    throw origin === 'KUBECONFIG'
      ? new KubeconfigError(`None of the kubeconfig files in KUBECONFIG exists: ${files.join(', ')}.`, files[0])
      : new KubeconfigError(`No kubeconfig: ${files[0]} does not exist and KUBECONFIG is not set. Log in with \`kubectl vsphere login\`, or name a kubeconfig file ${options.pathsFrom === 'command line' ? 'with --kubeconfig' : 'in the settings'}.`, files[0]);
  }
  return new Kubeconfig(present.map(parseKubeconfigFile), origin);
}

/** Parses one kubeconfig file; a file that is not one gives an error naming it and the problem. */
export function parseKubeconfigFile(file: string): ParsedFile {
  let text: string;
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new KubeconfigError(`The kubeconfig ${file} is a folder, not a file.`, file);
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof KubeconfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' ? 'permission denied' : code === 'ENOENT' ? 'it does not exist' : (err as Error).message;
    throw new KubeconfigError(`Cannot read the kubeconfig ${file}: ${why}.`, file);
  }
  return parseKubeconfigText(text, file);
}

export interface ParsedFile {
  readonly file: string;
  readonly clusters: KubeconfigCluster[];
  readonly users: KubeconfigUser[];
  readonly contexts: KubeconfigContext[];
  readonly currentContext?: string;
}

/**
 * The file's value. Plain YAML (what kubectl writes) goes through the manifests' fast parser,
 * which reads what it accepts exactly as the yaml library does and declines anything else (and
 * a byte-order mark): the library then reads it, with its own errors. (A command line reads the
 * kubeconfig first thing; the library's parser, cold, takes several times longer.)
 */
function parseYaml(text: string, file: string): unknown {
  const fast = text.charCodeAt(0) === 0xfeff ? undefined : fastParse(text);
  if (fast) return fast.value;
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    // only the first line of the parser's message: the rest quotes the file, which may hold tokens
    const where = e.linePos ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    throw new KubeconfigError(`The kubeconfig ${file} is not valid YAML${where}: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}.`, file);
  }
  return doc.toJS() as unknown;
}

export function parseKubeconfigText(text: string, file: string): ParsedFile {
  const dir = path.dirname(file);
  if (!text.trim()) return { file, clusters: [], users: [], contexts: [] };
  const root = parseYaml(text, file);
  if (root === null || root === undefined) return { file, clusters: [], users: [], contexts: [] };
  if (!isRecord(root)) throw new KubeconfigError(`The kubeconfig ${file} is not a kubeconfig: expected a mapping with clusters, users and contexts, found ${describe(root)}.`, file);
  const bad = (what: string) => new KubeconfigError(`The kubeconfig ${file} is broken: ${what}.`, file);
  const list = (key: string): Record<string, unknown>[] => {
    const v = root[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw bad(`${key} must be a list, found ${describe(v)}`);
    return v.map((item, i) => {
      if (!isRecord(item)) throw bad(`${key}[${i}] must be a mapping, found ${describe(item)}`);
      if (typeof item.name !== 'string' || !item.name) throw bad(`${key}[${i}] has no name`);
      return item;
    });
  };
  const section = (item: Record<string, unknown>, key: string, where: string): Record<string, unknown> => {
    const v = item[key];
    if (v === undefined || v === null) return {};
    if (!isRecord(v)) throw bad(`${where}.${key} must be a mapping, found ${describe(v)}`);
    return v;
  };
  const str = (obj: Record<string, unknown>, key: string, where: string): string | undefined => {
    const v = obj[key];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw bad(`${where}.${key} must be a string, found ${describe(v)}`);
    return v;
  };
  const rel = (p: string | undefined) => (p ? (path.isAbsolute(p) ? p : path.join(dir, p)) : undefined);

  const clusters = list('clusters').map((item, i): KubeconfigCluster => {
    const where = `clusters[${i}] ("${item.name}")`;
    const c = section(item, 'cluster', where);
    const skip = c['insecure-skip-tls-verify'];
    return {
      name: item.name as string,
      file,
      server: str(c, 'server', where)?.replace(/\/+$/, ''),
      caData: str(c, 'certificate-authority-data', where),
      caFile: rel(str(c, 'certificate-authority', where)),
      skipTLSVerify: skip === true || skip === 'true',
      tlsServerName: str(c, 'tls-server-name', where),
      proxyUrl: str(c, 'proxy-url', where),
    };
  });
  const users = list('users').map((item, i): KubeconfigUser => {
    const where = `users[${i}] ("${item.name}")`;
    const u = section(item, 'user', where);
    const user: KubeconfigUser = {
      name: item.name as string,
      file,
      token: str(u, 'token', where),
      tokenFile: rel(str(u, 'token-file', where)),
      certData: str(u, 'client-certificate-data', where),
      certFile: rel(str(u, 'client-certificate', where)),
      keyData: str(u, 'client-key-data', where),
      keyFile: rel(str(u, 'client-key', where)),
      username: str(u, 'username', where),
      password: str(u, 'password', where),
      exec: execOf(u.exec, `${where}.exec`, dir, bad),
      authProvider: authProviderOf(u['auth-provider'], `${where}.auth-provider`, bad),
      impersonate: str(u, 'as', where),
    };
    for (const secret of [user.token, user.password, user.keyData, user.certData]) registerSecret(secret);
    for (const v of Object.values(user.authProvider?.config ?? {})) if (typeof v === 'string' && v.length > 20) registerSecret(v);
    return user;
  });
  const contexts = list('contexts').map((item, i): KubeconfigContext => {
    const where = `contexts[${i}] ("${item.name}")`;
    const c = section(item, 'context', where);
    return { name: item.name as string, file, cluster: str(c, 'cluster', where) ?? '', user: str(c, 'user', where) ?? '', namespace: str(c, 'namespace', where) };
  });
  const cc = root['current-context'];
  return { file, clusters, users, contexts, currentContext: typeof cc === 'string' && cc ? cc : undefined };
}

function execOf(v: unknown, where: string, dir: string, bad: (w: string) => Error): ExecConfig | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) throw bad(`${where} must be a mapping`);
  if (typeof v.command !== 'string' || !v.command) throw bad(`${where} has no command`);
  // kubectl resolves a relative command that holds a path separator against the kubeconfig's folder
  const command = v.command.includes('/') && !path.isAbsolute(v.command) ? path.join(dir, v.command) : v.command;
  const args = Array.isArray(v.args) ? v.args.map(String) : undefined;
  const env = Array.isArray(v.env)
    ? v.env.filter(isRecord).map((e) => ({ name: String(e.name ?? ''), value: String(e.value ?? '') })).filter((e) => e.name)
    : undefined;
  return {
    command,
    args,
    env,
    apiVersion: typeof v.apiVersion === 'string' ? v.apiVersion : undefined,
    installHint: typeof v.installHint === 'string' ? v.installHint : undefined,
  };
}

function authProviderOf(v: unknown, where: string, bad: (w: string) => Error): KubeconfigUser['authProvider'] {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v) || typeof v.name !== 'string') throw bad(`${where} must be a mapping with a name`);
  const config: Record<string, string> = {};
  if (isRecord(v.config)) for (const [k, val] of Object.entries(v.config)) if (val !== undefined && val !== null) config[k] = String(val);
  return { name: v.name, config };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v}`;
}

/** The program a user runs to get credentials: an exec plugin, or an auth provider's cmd-path. */
export function credentialCommand(user: KubeconfigUser): string | undefined {
  if (user.exec) return user.exec.command;
  const cmd = user.authProvider?.config?.['cmd-path'];
  return cmd || undefined;
}

export function authMethodOf(user: KubeconfigUser | undefined): AuthMethod {
  if (!user) return 'none';
  if (user.exec) return 'exec';
  if (user.authProvider) return 'authProvider';
  if (user.token) return 'token';
  if (user.tokenFile) return 'tokenFile';
  if (user.certData || user.certFile) return 'clientCertificate';
  if (user.username) return 'basic';
  return 'none';
}

/** The merged kubeconfig: kubectl's rules, one object per name. */
export class Kubeconfig {
  readonly files: readonly string[];
  readonly currentContext?: string;
  private readonly clusters = new Map<string, KubeconfigCluster>();
  private readonly users = new Map<string, KubeconfigUser>();
  private readonly contextMap = new Map<string, KubeconfigContext>();

  constructor(parsed: readonly ParsedFile[], readonly origin: KubeconfigOrigin = 'setting') {
    this.files = parsed.map((p) => p.file);
    for (const p of parsed) {
      for (const c of p.clusters) if (!this.clusters.has(c.name)) this.clusters.set(c.name, c);
      for (const u of p.users) if (!this.users.has(u.name)) this.users.set(u.name, u);
      for (const c of p.contexts) if (!this.contextMap.has(c.name)) this.contextMap.set(c.name, c);
      if (this.currentContext === undefined && p.currentContext) this.currentContext = p.currentContext;
    }
  }

  contextNames(): string[] {
    return [...this.contextMap.keys()];
  }

  contexts(): ContextInfo[] {
    return [...this.contextMap.values()].map((c) => {
      const user = this.users.get(c.user);
      return {
        name: c.name,
        cluster: c.cluster,
        user: c.user,
        namespace: c.namespace || 'default',
        server: this.clusters.get(c.cluster)?.server,
        auth: authMethodOf(user),
        execCommand: user ? credentialCommand(user) : undefined,
        isCurrent: c.name === this.currentContext,
      };
    });
  }

  /** The context by name (default: the current one), with its cluster and user, or an error saying what is missing. */
  resolve(name?: string): ResolvedContext {
    const wanted = name ?? this.currentContext;
    const where = this.files.join(', ');
    if (!wanted) {
      throw new KubeconfigError(`No context chosen and no current-context in ${where}. Pick one of: ${this.contextNames().join(', ') || '(none)'}.`, this.files[0]);
    }
    const context = this.contextMap.get(wanted);
    if (!context) {
      throw new KubeconfigError(`There is no context "${wanted}" in ${where}. Contexts: ${this.contextNames().join(', ') || '(none)'}.`, this.files[0]);
    }
    const cluster = this.clusters.get(context.cluster);
    if (!context.cluster || !cluster) {
      throw new KubeconfigError(`Context "${wanted}" (in ${context.file}) names cluster "${context.cluster}", which is not in ${where}.`, context.file);
    }
    if (!cluster.server) throw new KubeconfigError(`Cluster "${cluster.name}" (in ${cluster.file}) has no server.`, cluster.file);
    try {
      const url = new URL(cluster.server);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
    } catch {
      throw new KubeconfigError(`Cluster "${cluster.name}" (in ${cluster.file}) has a server that is not an https URL: "${cluster.server}".`, cluster.file);
    }
    if (cluster.caFile && !fs.existsSync(cluster.caFile)) {
      throw new KubeconfigError(`The certificate-authority file ${cluster.caFile} of cluster "${cluster.name}" (in ${cluster.file}) does not exist.`, cluster.file);
    }
    if (cluster.caData && !/-----BEGIN CERTIFICATE-----/.test(Buffer.from(cluster.caData, 'base64').toString('latin1'))) {
      throw new KubeconfigError(`The certificate-authority-data of cluster "${cluster.name}" (in ${cluster.file}) is not base64 of a PEM certificate.`, cluster.file);
    }
    let user: KubeconfigUser | undefined;
    if (context.user) {
      user = this.users.get(context.user);
      if (!user) throw new KubeconfigError(`Context "${wanted}" (in ${context.file}) names user "${context.user}", which is not in ${where}.`, context.file);
      for (const [label, f] of [['token-file', user.tokenFile], ['client-certificate', user.certFile], ['client-key', user.keyFile]] as const) {
        if (f && !fs.existsSync(f)) throw new KubeconfigError(`The ${label} file ${f} of user "${user.name}" (in ${user.file}) does not exist.`, user.file);
      }
    }
    return {
      context,
      cluster: cluster as KubeconfigCluster & { server: string },
      user: user ?? { name: '', file: context.file },
      namespace: context.namespace || 'default',
    };
  }

  /** The namespace of a context (`default` when it names none). */
  namespace(name?: string): string {
    return this.resolve(name).namespace;
  }

  /** The bearer token of a context's user (inline or token-file), if it has one. */
  token(name?: string): string | undefined {
    const { user } = this.resolve(name);
    if (user.token) return user.token;
    if (user.tokenFile) {
      try {
        const t = fs.readFileSync(user.tokenFile, 'utf8').trim();
        registerSecret(t);
        return t || undefined;
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  /** When the context's token expires, if it is a JWT with an exp claim (vSphere tokens are). */
  tokenExpiry(name?: string): Date | undefined {
    return jwtExpiry(this.token(name));
  }

  /** How to get a new token for the context: the `kubectl vsphere login` command line. */
  loginHint(name?: string): string {
    const r = this.resolve(name);
    return vsphereLoginCommand(r.cluster.server, r.user.name, this.token(name));
  }
}

/**
 * One context of a kubeconfig as a file of its own (its cluster, user and context, current):
 * what `kubectl config view --minify --flatten` would give, except that files stay files (by
 * absolute path) rather than being inlined.
 */
export function contextKubeconfigText(kubeconfig: Kubeconfig, name: string): string {
  const { context, cluster: c, user: u } = kubeconfig.resolve(name);
  const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== false));
  const exec = u.exec ? defined({ apiVersion: u.exec.apiVersion, command: u.exec.command, args: u.exec.args, env: u.exec.env, installHint: u.exec.installHint }) : undefined;
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: c.name, cluster: defined({ server: c.server, 'certificate-authority-data': c.caData, 'certificate-authority': c.caFile, 'insecure-skip-tls-verify': c.skipTLSVerify, 'tls-server-name': c.tlsServerName, 'proxy-url': c.proxyUrl }) }],
    users: [{ name: u.name || context.user || name, user: defined({
      token: u.token, 'token-file': u.tokenFile, 'client-certificate-data': u.certData, 'client-certificate': u.certFile, 'client-key-data': u.keyData, 'client-key': u.keyFile,
      username: u.username, password: u.password, exec, 'auth-provider': u.authProvider, as: u.impersonate,
    }) }],
    contexts: [{ name, context: defined({ cluster: c.name, user: u.name || context.user || name, namespace: context.namespace }) }],
    'current-context': name,
  };
  return stringify(doc);
}
