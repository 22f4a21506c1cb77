/**
 * What the cluster layer takes from @kubernetes/client-node, for the users whose credentials only
 * it can make: its authenticators (exec credential plugins; the azure, gcp and oidc auth
 * providers; an auth provider's token file) and, for a SOCKS proxy, the agent it uses. They are
 * put together here exactly as client-node 1.4.0's KubeConfig.applyToHTTPSOptions puts them
 * together (dist/config.js: applyHTTPSOptions, applyAuthorizationHeader, createAgent), for the one
 * cluster and user a connection is for.
 *
 * Why not KubeConfig itself: its module (and the package's index) pulls in the whole generated
 * API, node-fetch, js-yaml and more — about 800 KB of a command line's bundle, compiled on every
 * start. The authenticators are modules of their own. Required lazily by the connection (plain
 * users — a token, a client certificate, a password — never load this; see connection.ts).
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { AzureAuth } from '@kubernetes/client-node/dist/azure_auth.js';
import type { User } from '@kubernetes/client-node/dist/config_types.js';
import { ExecAuth } from '@kubernetes/client-node/dist/exec_auth.js';
import { FileAuth } from '@kubernetes/client-node/dist/file_auth.js';
import { GoogleCloudPlatformAuth } from '@kubernetes/client-node/dist/gcp_auth.js';
import { OpenIDConnectAuth } from '@kubernetes/client-node/dist/oidc_auth.js';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
// client-node's own dependency (the version its lockfile entry pins), for the agent it builds for SOCKS
import { SocksProxyAgent } from 'socks-proxy-agent';

export interface CredentialCluster {
  readonly name: string;
  readonly server: string;
  readonly caData?: string;
  readonly caFile?: string;
  readonly skipTLSVerify: boolean;
  readonly tlsServerName?: string;
  readonly proxyUrl?: string;
}

export type CredentialUser = User;

interface Authenticator {
  isAuthProvider(user: User): boolean;
  applyAuthentication(user: User, opts: https.RequestOptions): Promise<void>;
}

/** One cluster and user, with client-node's authenticators (their caches live as long as this). */
export class KubeConfig {
  // the order of client-node's KubeConfig: the first that claims the user applies
  private readonly authenticators: Authenticator[] = [new AzureAuth(), new GoogleCloudPlatformAuth(), new ExecAuth(), new FileAuth(), new OpenIDConnectAuth()];

  constructor(private readonly cluster: CredentialCluster, private readonly user: CredentialUser) {}

  /** Credentials and TLS options into `opts`, and the agent (SOCKS proxy, http:, https:) in `opts.agent`. */
  async applyToHTTPSOptions(opts: https.RequestOptions): Promise<void> {
    const { cluster, user } = this;
    // applyHTTPSOptions
    if (cluster.skipTLSVerify) opts.rejectUnauthorized = false;
    if (cluster.tlsServerName) opts.servername = cluster.tlsServerName;
    const ca = fileOrData(cluster.caFile, cluster.caData);
    if (ca) opts.ca = ca;
    const cert = fileOrData(user.certFile, user.certData);
    if (cert) opts.cert = cert;
    const key = fileOrData(user.keyFile, user.keyData);
    if (key) opts.key = key;
    if (user.impersonateUser != null) {
      opts.headers ??= {};
      (opts.headers as Record<string, string>)['Impersonate-User'] = user.impersonateUser;
    }
    // applyAuthorizationHeader
    const authenticator = this.authenticators.find((a) => a.isAuthProvider(user));
    opts.headers ??= {};
    if (authenticator) await authenticator.applyAuthentication(user, opts);
    if (user.token) (opts.headers as Record<string, string>).Authorization = `Bearer ${user.token}`;
    // applyToHTTPSOptions
    if (user.username) opts.auth = `${user.username}:${user.password}`;
    const agentOptions: https.AgentOptions = {
      ca: opts.ca, cert: opts.cert, key: opts.key, pfx: opts.pfx, passphrase: opts.passphrase,
      ...(opts.rejectUnauthorized !== undefined ? { rejectUnauthorized: opts.rejectUnauthorized } : {}),
      timeout: opts.timeout, servername: opts.servername, ciphers: opts.ciphers, honorCipherOrder: opts.honorCipherOrder,
      ecdhCurve: opts.ecdhCurve, clientCertEngine: opts.clientCertEngine, crl: opts.crl, dhparam: opts.dhparam,
      secureOptions: opts.secureOptions, secureProtocol: opts.secureProtocol, sessionIdContext: opts.sessionIdContext,
    };
    opts.agent = createAgent(cluster, agentOptions);
  }
}

/** client-node's createAgent. */
function createAgent(cluster: CredentialCluster, agentOptions: https.AgentOptions): http.Agent {
  if (cluster.proxyUrl) {
    if (cluster.proxyUrl.startsWith('socks')) return new SocksProxyAgent(cluster.proxyUrl, agentOptions);
    if (cluster.server.startsWith('https')) return new HttpsProxyAgent({ ...agentOptions, proxy: cluster.proxyUrl });
    if (cluster.server.startsWith('http')) return new HttpProxyAgent({ ...agentOptions, proxy: cluster.proxyUrl });
    throw new Error('Unsupported proxy type');
  }
  if (cluster.server.startsWith('http:') && cluster.skipTLSVerify) return new http.Agent(agentOptions);
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) throw new Error('HTTP protocol is not allowed when skipTLSVerify is not set or false');
  return new https.Agent(agentOptions);
}

/** client-node's bufferFromFileOrString. */
function fileOrData(file: string | undefined, data: string | undefined): Buffer | undefined {
  if (file) return fs.readFileSync(file);
  if (data) return Buffer.from(data, 'base64');
  return undefined;
}
