// A local "Supervisor" for tests and demos: a real kube-apiserver 1.20.2 and etcd on loopback,
// with TLS, token authentication and RBAC, seeded with what a vSphere Supervisor holds (the CRDs
// of test/fixtures/crds, vSphere Namespaces, VM classes and bindings, storage classes with
// their namespace quota keys, TanzuKubernetesReleases, an admin and a namespace-bound user).
// It has none of vSphere's controllers: nothing reconciles a TKC; a test that needs a status
// writes it through the status subresource. See the README (A local Supervisor).
//
//   node scripts/run.mjs supervisor install   installs (idempotently) etcd, Go 1.19 and builds
//                                             kube-apiserver 1.20.2 from Debian's source package
//   node scripts/run.mjs supervisor start     installs when needed, starts, seeds; the LAST line of its
//                                             output is KUBECONFIG=<path>. Idempotent: a healthy
//                                             running one is reused.
//   node scripts/run.mjs supervisor stop      stops what `start` started (by PID), removes its data dir
//   node scripts/run.mjs supervisor status    running (exit 0) or not (exit 1)
//
// Environment:
//   TANZU_GITOPS_CACHE               cache folder (default ~/.cache/tanzu-gitops)
//   TANZU_GITOPS_SUPERVISOR_STATE    state file (default <cache>/supervisor/state.json)
//   TMPDIR                           where the data dir is made (default /tmp)
//
// Only Node's built-in modules are used at run time. YAML fixtures are sent to the API server as YAML (it
// parses them); where a fixture must be changed first (the TKC CRD, which joins three versions;
// the TKR CRD, whose storage version changes: see withHiddenStorage), the API server parses it
// through a dry-run create of a renamed copy and answers JSON.
//
// Cached installs: Debian packages via apt-get; kube-apiserver in <cache>/kube-apiserver-1.20.2
// with a marker file holding its version; a half-finished build has none and is done again.
// Processes: etcd and kube-apiserver run detached (own process groups, output in the data dir);
// `stop` signals exactly the PIDs of the state file, after checking that each is still the
// binary it started with the data dir on its command line.

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import {
  CACHE, REPO, ToolError, asRoot, capture, cmdlineOf, describeError, freePorts, installApt as installPackages, aptMissing as aptMissingOf,
  aptUpdate, APT_ENV as aptEnv, log, must, pidAlive, runLogged, secs, setLogName, sleep, step, tail, waitFor, withLock,
  type Json, type JsonObject,
} from './lib/tools';

setLogName('supervisor');
const CRD_DIR = path.join(REPO, 'test', 'fixtures', 'crds');
const STATE_FILE = path.resolve(process.env.TANZU_GITOPS_SUPERVISOR_STATE || path.join(CACHE, 'supervisor', 'state.json'));

const K8S_VERSION = '1.20.2';
const APT_PACKAGES = ['etcd-server', 'golang-1.19-go', 'rsync', 'dpkg-dev', 'make', 'golang-github-modern-go-reflect2-dev', 'openssl'];
const GO_BIN = '/usr/lib/go-1.19/bin';
const ETCD = '/usr/bin/etcd';
const REFLECT2_FIXED = '/usr/share/gocode/src/github.com/modern-go/reflect2';
const DEB_SRC_FILE = '/etc/apt/sources.list.d/tanzu-gitops-deb-src.sources';
const SRC_DIR = path.join(CACHE, 'kubernetes-src');
const APISERVER_DIR = path.join(CACHE, `kube-apiserver-${K8S_VERSION}`);
const APISERVER = path.join(APISERVER_DIR, 'kube-apiserver');
const APISERVER_MARKER = path.join(APISERVER_DIR, '.tanzu-gitops-installed');
const BUILD_LOG = path.join(CACHE, `kube-apiserver-${K8S_VERSION}-build.log`);
const LOCK_DIR = path.join(CACHE, 'supervisor', '.install.lock');

function dirSizeMB(dir: string): number {
  const r = capture('du', ['-sm', dir]);
  return r.status === 0 ? Number(r.stdout.split(/\s/)[0]) : 0;
}

// ---------------------------------------------------------------------------------------------
// install

function aptMissing(): string[] {
  return aptMissingOf(APT_PACKAGES);
}

async function installApt(): Promise<void> {
  installPackages(APT_PACKAGES);
}

function apiserverOk(): boolean {
  if (!fs.existsSync(APISERVER_MARKER) || !fs.existsSync(APISERVER)) return false;
  if (!fs.readFileSync(APISERVER_MARKER, 'utf8').startsWith(`${K8S_VERSION} `)) return false;
  const r = capture(APISERVER, ['--version']);
  return r.status === 0 && r.stdout.includes(`v${K8S_VERSION}`);
}

function dscFile(): string | null {
  if (!fs.existsSync(SRC_DIR)) return null;
  const dsc = fs.readdirSync(SRC_DIR).filter((f) => /^kubernetes_.*\.dsc$/.test(f)).sort().pop();
  if (!dsc) return null;
  // complete only when every file the .dsc names is there
  const text = fs.readFileSync(path.join(SRC_DIR, dsc), 'utf8');
  const files = [...text.matchAll(/^ [0-9a-f]{64} \d+ (\S+)$/gm)].map((m) => m[1]);
  return files.length && files.every((f) => fs.existsSync(path.join(SRC_DIR, f))) ? dsc : null;
}

/** Adds a deb-src entry for bookworm in a file of our own (once), from the deb entries present. */
function addDebSrc(): boolean {
  if (fs.existsSync(DEB_SRC_FILE)) return false;
  let suites = 'bookworm bookworm-updates';
  let uri = 'http://deb.debian.org/debian';
  let signedBy = '/usr/share/keyrings/debian-archive-keyring.gpg';
  // reuse the mirror of the existing bookworm deb entry, if there is one in deb822 form
  try {
    const text = fs.readFileSync('/etc/apt/sources.list.d/debian.sources', 'utf8');
    for (const stanza of text.split(/\n\s*\n/)) {
      const get = (k: string) => (stanza.match(new RegExp(`^${k}:\\s*(.+)$`, 'mi')) || [])[1]?.trim();
      if (/\bdeb\b/.test(get('Types') || '') && /(^|\s)bookworm(\s|$)/.test(get('Suites') || '')) {
        uri = get('URIs')?.split(/\s+/)[0] || uri;
        suites = (get('Suites') || suites).split(/\s+/).filter((s) => /^bookworm(-updates)?$/.test(s)).join(' ') || suites;
        signedBy = get('Signed-By') || signedBy;
        break;
      }
    }
  } catch { /* no deb822 file: defaults */ }
  const body = `# Added by tanzu-gitops scripts/supervisor.ts: source packages, for apt-get source kubernetes\n`
    + `Types: deb-src\nURIs: ${uri}\nSuites: ${suites}\nComponents: main\nSigned-By: ${signedBy}\n`;
  log(`writing ${DEB_SRC_FILE} (deb-src ${uri} ${suites} main)`);
  if (process.getuid && process.getuid() !== 0) {
    const [c, a] = asRoot('tee', [DEB_SRC_FILE]);
    const r = spawnSync(c, a, { input: body, stdio: ['pipe', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new ToolError(`could not write ${DEB_SRC_FILE}`);
  } else {
    fs.writeFileSync(DEB_SRC_FILE, body);
  }
  return true;
}

async function downloadSource(): Promise<void> {
  fs.mkdirSync(SRC_DIR, { recursive: true });
  const get = () => capture('apt-get', ['source', '--download-only', 'kubernetes'], { cwd: SRC_DIR, env: aptEnv });
  log(`$ apt-get source --download-only kubernetes   (in ${SRC_DIR})`);
  let r = get();
  if (r.status !== 0) {
    const msg = (r.stderr + r.stdout).trim();
    log(`apt-get source failed: ${msg.split('\n').slice(-2).join(' / ')}`);
    if (/deb-src|Unable to find a source package/i.test(msg)) addDebSrc();
    aptUpdate();
    r = get();
    if (r.status !== 0) throw new ToolError(`apt-get source --download-only kubernetes failed: ${(r.stderr + r.stdout).trim().slice(-1500)}`);
  }
  if (!dscFile()) throw new ToolError(`apt-get source left no complete kubernetes_*.dsc in ${SRC_DIR}`);
}

function treeDir(): string {
  return path.join(SRC_DIR, 'tree');
}
function treeOk(): boolean {
  return fs.existsSync(path.join(treeDir(), '.tanzu-gitops-unpacked'));
}
async function unpackSource(): Promise<void> {
  const tree = treeDir();
  fs.rmSync(tree, { recursive: true, force: true });
  const dsc = dscFile();
  if (!dsc) throw new ToolError(`no complete kubernetes_*.dsc in ${SRC_DIR}`);
  // dpkg-source applies Debian's patches too
  must('dpkg-source', ['--no-check', '-x', dsc, tree], { cwd: SRC_DIR });
  if (!fs.existsSync(path.join(tree, 'cmd', 'kube-apiserver'))) throw new ToolError(`${tree} holds no cmd/kube-apiserver`);
  fs.writeFileSync(path.join(tree, '.tanzu-gitops-unpacked'), `${dsc}\n`);
}

function reflect2Ok(): boolean {
  return fs.existsSync(path.join(treeDir(), 'vendor', 'github.com', 'modern-go', 'reflect2', '.tanzu-gitops-fixed'));
}
/** vendored reflect2 v1.0.1 panics under Go 1.18+ (reflect.mapiterinit): use Debian's 1.0.2 source. */
async function fixReflect2(): Promise<void> {
  const vendored = path.join(treeDir(), 'vendor', 'github.com', 'modern-go', 'reflect2');
  if (!fs.existsSync(path.join(REFLECT2_FIXED, 'reflect2.go'))) throw new ToolError(`${REFLECT2_FIXED} is missing (golang-github-modern-go-reflect2-dev)`);
  fs.rmSync(vendored, { recursive: true, force: true });
  fs.cpSync(REFLECT2_FIXED, vendored, { recursive: true, dereference: true });
  for (const f of ['go.mod', 'go.sum']) fs.rmSync(path.join(vendored, f), { force: true });
  fs.writeFileSync(path.join(vendored, '.tanzu-gitops-fixed'), `from ${REFLECT2_FIXED}\n`);
}

let buildMs = 0;
async function buildApiserver(): Promise<void> {
  const tree = treeDir();
  const link = path.join(tree, '.go', 'src', 'k8s.io', 'kubernetes');
  fs.mkdirSync(path.dirname(link), { recursive: true });
  if (!fs.existsSync(link)) fs.symlinkSync('../../..', link);
  const env = {
    ...process.env,
    PATH: `${GO_BIN}:${process.env.PATH}`,
    GOPATH: path.join(tree, '.go'),
    GOCACHE: path.join(SRC_DIR, 'go-build-cache'),
    CGO_ENABLED: '0',
    // the version /version reports comes from hack/lib/version.sh, filled in by git archive (v1.20.2)
  };
  fs.writeFileSync(BUILD_LOG, `# make WHAT=cmd/kube-apiserver in ${tree}, ${new Date().toISOString()}\n`);
  const started = Date.now();
  const code = await runLogged('make', ['WHAT=cmd/kube-apiserver'], { env, cwd: tree, logFile: BUILD_LOG, label: 'make WHAT=cmd/kube-apiserver', beatMs: 30000 });
  buildMs = Date.now() - started;
  if (code !== 0) throw new ToolError(`make WHAT=cmd/kube-apiserver failed (exit ${code}) after ${secs(buildMs)}; the last lines of ${BUILD_LOG}:\n${tail(BUILD_LOG, 30)}`);
  log(`make WHAT=cmd/kube-apiserver: ${secs(buildMs)}`);
  const built = [path.join(tree, '_output', 'bin', 'kube-apiserver'), path.join(tree, '_output', 'local', 'bin', 'linux', 'amd64', 'kube-apiserver')].find((f) => fs.existsSync(f));
  if (!built) throw new ToolError(`the build left no _output/bin/kube-apiserver in ${tree}`);
  fs.rmSync(APISERVER_DIR, { recursive: true, force: true });
  fs.mkdirSync(APISERVER_DIR, { recursive: true });
  fs.copyFileSync(built, `${APISERVER}.tmp`);
  fs.chmodSync(`${APISERVER}.tmp`, 0o755);
  fs.renameSync(`${APISERVER}.tmp`, APISERVER);
  const v = capture(APISERVER, ['--version']).stdout.trim();
  fs.writeFileSync(APISERVER_MARKER, `${K8S_VERSION} ${v}; built ${new Date().toISOString()} in ${secs(buildMs)} from ${dscFile()} with Go 1.19 (reflect2 1.0.2)\n`);
  log(`kube-apiserver: ${APISERVER} (${v}, ${Math.round(fs.statSync(APISERVER).size / 1e6)} MB)`);
}

async function install(): Promise<void> {
  const started = Date.now();
  const times: Record<string, number> = {};
  times.apt = await step(`Debian packages (${APT_PACKAGES.join(', ')})`, () => aptMissing().length === 0, installApt);
  if (!fs.existsSync(ETCD)) throw new ToolError(`${ETCD} is missing although etcd-server is installed`);
  if (apiserverOk()) {
    log(`kube-apiserver ${K8S_VERSION}: already built (${APISERVER}), skipped`);
  } else {
    await withLock(LOCK_DIR, 'kube-apiserver build', async () => {
      if (apiserverOk()) { log('kube-apiserver: built meanwhile by another process'); return; }
      times.download = await step('apt-get source --download-only kubernetes', () => !!dscFile(), downloadSource);
      times.unpack = await step('unpack (dpkg-source -x)', treeOk, unpackSource);
      times.reflect2 = await step('reflect2 fix (vendored v1.0.1 -> Debian 1.0.2)', reflect2Ok, fixReflect2);
      times.build = await step(`build kube-apiserver ${K8S_VERSION} (make WHAT=cmd/kube-apiserver)`, apiserverOk, buildApiserver);
      const mb = dirSizeMB(SRC_DIR);
      if (mb > 200) {
        log(`removing the source tree and build cache (${mb} MB) in ${SRC_DIR}`);
        fs.rmSync(SRC_DIR, { recursive: true, force: true });
      }
    });
  }
  const summary = Object.entries(times).filter(([, ms]) => ms).map(([k, ms]) => `${k} ${secs(ms)}`).join(', ');
  log(`install: ready in ${secs(Date.now() - started)}${summary ? ` (${summary})` : ' (nothing to do)'}`);
}

// ---------------------------------------------------------------------------------------------
// processes, ports, PKI

/** Starts a daemon in its own process group, its output in a log file; returns its pid. */
function daemon(cmd: string, args: string[], logFile: string, env: NodeJS.ProcessEnv): number {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', out, out], env });
  fs.closeSync(out);
  if (!child.pid) throw new ToolError(`could not start ${cmd}`);
  child.on('error', () => { /* reported through the health checks */ });
  child.unref();
  return child.pid;
}

/** Is pid still the process we started (same binary, our data dir on its command line)? */
function isOurs(pid: number | undefined, binary: string, dataDir: string): boolean {
  if (!pid || !pidAlive(pid)) return false;
  const argv = cmdlineOf(pid);
  if (!argv.length) return false;
  return argv[0] === binary && argv.some((a) => a.includes(dataDir));
}

interface Stopped { name: string; pid: number; was: string }

async function terminate(pid: number, name: string, binary: string, dataDir: string, graceMs = 15000): Promise<Stopped> {
  if (!isOurs(pid, binary, dataDir)) return { name, pid, was: 'not running' };
  const started = Date.now();
  try { process.kill(pid, 'SIGTERM'); } catch { return { name, pid, was: 'not running' }; }
  while (pidAlive(pid) && Date.now() - started < graceMs) await sleep(100);
  if (pidAlive(pid)) {
    log(`${name} (pid ${pid}) still running after ${secs(graceMs)}: SIGKILL`);
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    const k = Date.now();
    while (pidAlive(pid) && Date.now() - k < 5000) await sleep(100);
    return { name, pid, was: `killed (SIGKILL) after ${secs(Date.now() - started)}` };
  }
  return { name, pid, was: `stopped (SIGTERM) in ${secs(Date.now() - started)}` };
}

interface Pki { ca: string; cert: string; key: string; saKey: string; saPub: string }

function makePki(dir: string, caName = 'tanzu-gitops local supervisor CA'): Pki {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = (n: string) => path.join(dir, n);
  const ossl = (...args: string[]) => must('openssl', args, { cwd: dir });
  ossl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650',
    '-keyout', f('ca.key'), '-out', f('ca.crt'), '-subj', `/CN=${caName}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  ossl('req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-keyout', f('apiserver.key'), '-out', f('apiserver.csr'),
    '-subj', '/CN=kube-apiserver');
  fs.writeFileSync(f('apiserver.ext'), [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local',
    '',
  ].join('\n'));
  ossl('x509', '-req', '-sha256', '-days', '825', '-in', f('apiserver.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'),
    '-CAserial', f('ca.srl'), '-CAcreateserial', '-out', f('apiserver.crt'), '-extfile', f('apiserver.ext'));
  ossl('genrsa', '-out', f('sa.key'), '2048');
  ossl('rsa', '-in', f('sa.key'), '-pubout', '-out', f('sa.pub'));
  for (const n of fs.readdirSync(dir)) fs.chmodSync(f(n), 0o600);
  return { ca: f('ca.crt'), cert: f('apiserver.crt'), key: f('apiserver.key'), saKey: f('sa.key'), saPub: f('sa.pub') };
}

/** A JWT-shaped bearer token (like the one `kubectl vsphere login` writes); the server only matches it as a string. */
function jwtLikeToken(sub: string, hours: number): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: 'HS256', typ: 'JWT' });
  const body = b64({ iss: 'tanzu-gitops-local-supervisor', sub, aud: 'local-supervisor', iat: now, exp: now + hours * 3600, jti: crypto.randomUUID() });
  const sig = crypto.createHmac('sha256', crypto.randomBytes(32)).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

// ---------------------------------------------------------------------------------------------
// a small API client (Node's https, bearer token, the CA of the data dir)

interface Answer {
  status: number;
  /** The body parsed as JSON (undefined when it is not JSON). */
  body: Json;
  text: string;
}

interface RequestOptions {
  contentType?: string;
  token?: string | null;
  timeoutMs?: number;
}

class Api {
  private readonly url: URL;
  private readonly token: string | null;
  private readonly agent: https.Agent;

  constructor(server: string, caPem: string | Buffer, token: string | null) {
    this.url = new URL(server);
    this.token = token;
    this.agent = new https.Agent({ ca: caPem, keepAlive: true, maxSockets: 8 });
  }
  close(): void {
    this.agent.destroy();
  }
  /** Resolves to { status, body (parsed JSON when it is JSON), text }. Never rejects on HTTP errors. */
  request(method: string, p: string, body?: unknown, { contentType = 'application/json', token = this.token, timeoutMs = 30000 }: RequestOptions = {}): Promise<Answer> {
    const data = body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = https.request({
        hostname: this.url.hostname, port: this.url.port, path: p, method, agent: this.agent, timeout: timeoutMs,
        headers: {
          Accept: 'application/json',
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(data !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data) } : {}),
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed;
          try { parsed = JSON.parse(text); } catch { parsed = undefined; }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${p}: timed out after ${secs(timeoutMs)}`)));
      req.on('error', reject);
      if (data !== undefined) req.write(data);
      req.end();
    });
  }
  async must(method: string, p: string, body?: unknown, opts?: RequestOptions): Promise<Json> {
    const r = await this.request(method, p, body, opts);
    if (r.status < 200 || r.status > 299) {
      throw new ToolError(`${method} ${p.split('?')[0]}: HTTP ${r.status} ${r.body?.message || r.text.slice(0, 500)}`);
    }
    return r.body;
  }
  /**
   * Server-side apply (JSON is YAML too). Field manager supervisor-seed; what a controller would
   * write through the status subresource is applied as supervisor-seed-status (on 1.20 one manager
   * applying spec and then status would own only the status afterwards).
   */
  apply(p: string, body: string | object, { subresource = '' }: { subresource?: string } = {}): Promise<Json> {
    const manager = subresource ? 'supervisor-seed-status' : 'supervisor-seed';
    return this.must('PATCH', `${p}${subresource ? `/${subresource}` : ''}?fieldManager=${manager}&force=true`,
      typeof body === 'string' ? body : JSON.stringify(body), { contentType: 'application/apply-patch+yaml' });
  }
}

/** The REST path of an object: apiVersion, plural, namespace (or none), name. */
function objPath(apiVersion: string, plural: string, namespace: string | null, name?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return `${base}${namespace ? `/namespaces/${namespace}` : ''}/${plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// CRDs

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

function readFixture(name: string): string {
  const file = path.join(CRD_DIR, name);
  if (!fs.existsSync(file)) throw new ToolError(`fixture ${file} is missing (the repository's test/fixtures/crds, see its SOURCES.md)`);
  return fs.readFileSync(file, 'utf8');
}
function yamlName(text: string): string {
  const m = text.match(/^metadata:\s*\n(?:[ \t]+.*\n)*?[ \t]+name:[ \t]*(\S+)/m);
  if (!m) throw new ToolError('a fixture without metadata.name');
  return m[1];
}

/**
 * Parses a CRD fixture (YAML) to JSON with the API server: a dry-run create of a copy whose group
 * is renamed to a unique throwaway one (so that no existing CRD is touched or in the way).
 */
async function parseCrdYaml(api: Api, text: string, apiVersion = 'v1'): Promise<JsonObject> {
  const group = yamlName(text).split('.').slice(1).join('.');
  const tmpGroup = `p${crypto.randomBytes(4).toString('hex')}.parse.tanzu-gitops.invalid`;
  const renamed = text
    .replace(/^(\s+group:\s*)(\S+)\s*$/m, (_m, a: string) => `${a}${tmpGroup}`)
    .replace(/^(metadata:\s*\n(?:[ \t]+.*\n)*?[ \t]+name:[ \t]*)(\S+)/m, (_m, a: string, n: string) => `${a}${n.slice(0, n.length - group.length)}${tmpGroup}`);
  const obj = await api.must('POST', `/apis/apiextensions.k8s.io/${apiVersion}/customresourcedefinitions?dryRun=All`, renamed, { contentType: 'application/yaml' });
  obj.metadata = { name: yamlName(text) };
  obj.spec.group = group;
  delete obj.status;
  return obj;
}

/** apiextensions v1beta1 -> v1 shape (what the server does when it converts a CRD). */
function crdV1beta1ToV1(c: JsonObject): JsonObject {
  const s = c.spec;
  const cols = (list: JsonObject[] | undefined) => (list || []).map(({ JSONPath, ...rest }) => ({ ...rest, jsonPath: JSONPath }));
  const versions = (s.versions?.length ? s.versions : [{ name: s.version, served: true, storage: true }]).map((v: JsonObject) => ({
    name: v.name,
    served: v.served,
    storage: v.storage,
    schema: v.schema || s.validation,
    subresources: v.subresources || s.subresources,
    additionalPrinterColumns: cols(v.additionalPrinterColumns || s.additionalPrinterColumns),
  }));
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: c.metadata.name },
    spec: { group: s.group, names: s.names, scope: s.scope, versions },
  };
}

/**
 * With conversion None, kube-apiserver prunes an object with the schema of the version it is
 * read in, and also when it decodes it from etcd, with the storage version's schema. A served
 * version as storage would therefore silently drop what only the other versions have (a v1alpha1
 * TKC written and read back as v1alpha1 would lose topology.workers and controlPlane.count when
 * v1alpha2 or v1alpha3 is the storage version, already in the create's answer). So the storage
 * version is an extra, unserved one whose schema keeps everything: each served version still
 * prunes, validates and publishes exactly its own schema, and an object reads back as written.
 */
const HIDDEN_STORAGE_VERSION = 'vstorage';
function withHiddenStorage(versions: JsonObject[]): JsonObject[] {
  const served: JsonObject[] = versions.map((v) => ({ ...v, served: true, storage: false }));
  return [...served, {
    name: HIDDEN_STORAGE_VERSION,
    served: false,
    storage: true,
    schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
    subresources: served[0].subresources,
  }];
}
const NOTE_CONVERSION = `conversion None (no webhook): an object is served in the shape it was written in, pruned to the schema of the version it is read in; storage is the unserved version ${HIDDEN_STORAGE_VERSION}, which keeps every field`;

/**
 * TanzuKubernetesCluster, served as v1alpha1, v1alpha2 and v1alpha3 in one CRD, conversion None.
 * v1alpha1 from the v1alpha1 fixture (apiextensions v1beta1 -> v1), v1alpha2 from the v1alpha2
 * fixture, v1alpha3 = v1alpha2 + nodePools[].failureDomain; status subresource on.
 */
async function tkcCrd(api: Api): Promise<JsonObject> {
  const v1a2 = await parseCrdYaml(api, readFixture('tkc-v1alpha2.tanzu-framework.crd.yaml'));
  const v1a1 = crdV1beta1ToV1(await parseCrdYaml(api, readFixture('tkc-v1alpha1.tanzu-framework.crd.yaml'), 'v1beta1'));
  const a1 = v1a1.spec.versions[0];
  const a2 = v1a2.spec.versions.find((v: JsonObject) => v.name === 'v1alpha2');
  const a3 = JSON.parse(JSON.stringify(a2));
  a3.name = 'v1alpha3';
  const pool = a3.schema.openAPIV3Schema.properties.spec.properties.topology.properties.nodePools.items;
  pool.properties.failureDomain = {
    description: 'FailureDomain is the failure domain the machines of this node pool are created in: the name of a vSphere Zone. If omitted, the pools are spread across the zones.',
    type: 'string',
  };
  for (const v of [a1, a2, a3]) v.subresources = { status: {} };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: v1a2.metadata.name,
      annotations: {
        'tanzu-gitops.dev/seeded-by': 'scripts/supervisor.ts',
        'tanzu-gitops.dev/note': `v1alpha1 and v1alpha2 schemas from the public tanzu-framework CRDs; v1alpha3 = v1alpha2 + nodePools[].failureDomain; ${NOTE_CONVERSION}`,
      },
    },
    spec: { group: v1a2.spec.group, names: v1a2.spec.names, scope: 'Namespaced', conversion: { strategy: 'None' }, versions: withHiddenStorage([a1, a2, a3]) },
  };
}

/** TanzuKubernetesRelease: the fixture (v1alpha1, v1alpha2, v1alpha3), with the same storage arrangement. */
async function tkrCrd(api: Api): Promise<JsonObject> {
  const crd = await parseCrdYaml(api, readFixture('tkr-v1alpha1-2-3.tanzu-framework.crd.yaml'));
  crd.metadata.annotations = { 'tanzu-gitops.dev/seeded-by': 'scripts/supervisor.ts', 'tanzu-gitops.dev/note': `schemas from the public tanzu-framework CRD; ${NOTE_CONVERSION}` };
  crd.spec.conversion = { strategy: 'None' };
  crd.spec.versions = withHiddenStorage(crd.spec.versions);
  return crd;
}

/** Cluster API Cluster: no public CRD copy here; a minimal one that keeps what it is given. */
function capiClusterCrd(): JsonObject {
  const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const schema = { openAPIV3Schema: { type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec: open, status: open } } };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'clusters.cluster.x-k8s.io', annotations: { 'tanzu-gitops.dev/seeded-by': 'scripts/supervisor.ts', 'tanzu-gitops.dev/note': 'minimal: spec and status keep unknown fields' } },
    spec: {
      group: 'cluster.x-k8s.io',
      names: { kind: 'Cluster', listKind: 'ClusterList', plural: 'clusters', singular: 'cluster', shortNames: ['cl'], categories: ['cluster-api'] },
      scope: 'Namespaced',
      versions: [{
        name: 'v1beta1', served: true, storage: true, schema, subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'ClusterClass', type: 'string', jsonPath: '.spec.topology.class' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          { name: 'Version', type: 'string', jsonPath: '.spec.topology.version' },
        ],
      }],
    },
  };
}

/**
 * Argo CD's AppProject and ApplicationSet: minimal CRDs after Argo CD's types (AppProjectSpec's
 * sourceRepos, destinations and resource lists typed; the rest kept as given). The fixtures'
 * ApplicationSet copy is not installed (over a megabyte), and their AppProject copy predates
 * Argo CD 3: installed, it would prune sourceNamespaces and destinationServiceAccounts.
 */
function argoCrd(kind: 'AppProject' | 'ApplicationSet'): JsonObject {
  const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const groupKinds = { type: 'array', items: { type: 'object', required: ['group', 'kind'], properties: { group: { type: 'string' }, kind: { type: 'string' } } } };
  const projectSpec = {
    type: 'object', 'x-kubernetes-preserve-unknown-fields': true,
    properties: {
      sourceRepos: { type: 'array', items: { type: 'string' } },
      destinations: { type: 'array', items: { type: 'object', properties: { server: { type: 'string' }, name: { type: 'string' }, namespace: { type: 'string' } } } },
      clusterResourceWhitelist: groupKinds, clusterResourceBlacklist: groupKinds,
      namespaceResourceWhitelist: groupKinds, namespaceResourceBlacklist: groupKinds,
    },
  };
  const plural = kind === 'AppProject' ? 'appprojects' : 'applicationsets';
  const schema = { openAPIV3Schema: { type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec: kind === 'AppProject' ? projectSpec : open, status: open } } };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.argoproj.io`, annotations: { 'tanzu-gitops.dev/seeded-by': 'scripts/supervisor.ts', 'tanzu-gitops.dev/note': "minimal, after Argo CD's types: what is not typed keeps unknown fields" } },
    spec: {
      group: 'argoproj.io',
      names: { kind, listKind: `${kind}List`, plural, singular: plural.slice(0, -1), shortNames: kind === 'AppProject' ? ['appproj', 'appprojs'] : ['appset', 'appsets'] },
      scope: 'Namespaced',
      versions: [{ name: 'v1alpha1', served: true, storage: true, schema, subresources: kind === 'ApplicationSet' ? { status: {} } : undefined }],
    },
  };
}

async function waitEstablished(api: Api, names: string[], timeoutMs = 60000): Promise<void> {
  const started = Date.now();
  for (const name of names) {
    for (;;) {
      const r = await api.request('GET', `${CRD_PATH}/${name}`);
      const conds: JsonObject[] = r.body?.status?.conditions || [];
      if (conds.some((c) => c.type === 'Established' && c.status === 'True')) {
        // served: the list endpoint answers (Established can come a moment before the handler)
        const spec = r.body.spec;
        const v = spec.versions.find((x: JsonObject) => x.served);
        const list = await api.request('GET', `/apis/${spec.group}/${v.name}/${spec.names.plural}?limit=1`);
        if (list.status === 200) break;
      }
      const bad = conds.find((c) => c.type === 'NamesAccepted' && c.status === 'False') || conds.find((c) => c.type === 'NonStructuralSchema' && c.status === 'True');
      if (bad) throw new ToolError(`CRD ${name}: ${bad.type}: ${bad.message}`);
      if (Date.now() - started > timeoutMs) throw new ToolError(`CRD ${name} not Established after ${secs(timeoutMs)}: ${JSON.stringify(conds)}`);
      await sleep(100);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// the seed: what a Supervisor holds

const NAMESPACES = ['team-a', 'team-b', 'team-c'];
const STORAGE_CLASSES = [
  { name: 'vsan-default-storage-policy', policy: 'aa6d5a82-1c88-45da-85d3-3d74b91a5bad' },
  { name: 'gold', policy: 'b6423670-8b1a-4c2f-a0a9-4f8e2a5d3b10' },
  { name: 'silver', policy: 'c9f1e8a7-3d52-4f6b-9e0a-7b2c4d6e8f01' },
];
// storage classes assigned per namespace, with the quota limit (bytes or quantity)
const STORAGE_ASSIGNED: Record<string, Record<string, string>> = {
  'team-a': { 'vsan-default-storage-policy': '9223372036854775807', gold: '500Gi' },
  'team-b': { 'vsan-default-storage-policy': '9223372036854775807', silver: '1Ti' },
  'team-c': {},
};
const VM_CLASSES: Record<string, { cpus: number; memory: string; reserved?: boolean }> = {
  'best-effort-small': { cpus: 2, memory: '4Gi' },
  'best-effort-medium': { cpus: 2, memory: '8Gi' },
  'best-effort-large': { cpus: 4, memory: '16Gi' },
  'guaranteed-large': { cpus: 4, memory: '16Gi', reserved: true },
};
const VM_CLASSES_IN: Record<string, string[]> = {
  'team-a': ['best-effort-small', 'best-effort-medium', 'best-effort-large'],
  'team-b': ['best-effort-small', 'guaranteed-large'],
  'team-c': [],
};
// name = version with '+' replaced by '---'
const TKRS: { version: string; k8s: string; os: string; incompatible?: boolean; notReady?: boolean }[] = [
  { version: 'v1.20.7+vmware.1-tkg.1.7fb9067', k8s: 'v1.20.7+vmware.1', os: 'photon' },
  { version: 'v1.23.8+vmware.3-tkg.1', k8s: 'v1.23.8+vmware.3', os: 'photon', incompatible: true },
  { version: 'v1.24.11+vmware.1-fips.1-tkg.1', k8s: 'v1.24.11+vmware.1-fips.1', os: 'photon' },
  { version: 'v1.25.7+vmware.3-fips.1-tkg.1', k8s: 'v1.25.7+vmware.3-fips.1', os: 'photon' },
  { version: 'v1.26.5+vmware.2-fips.1-tkg.1', k8s: 'v1.26.5+vmware.2-fips.1', os: 'photon' },
  { version: 'v1.27.11+vmware.1-fips.1-tkg.2', k8s: 'v1.27.11+vmware.1-fips.1', os: 'photon', notReady: true },
];
const tkrName = (version: string) => version.replace(/\+/g, '---');

type Counts = Record<string, number>;

/** What each step of the seed writes with: the API, server-side apply by path parts, the counts. */
interface Seeding {
  api: Api;
  apply: (apiVersion: string, plural: string, ns: string | null, obj: JsonObject, sub?: string) => Promise<Json>;
  count: (what: string, d?: number) => void;
  /** Now, as a condition's lastTransitionTime. */
  now: string;
}

async function seed(api: Api, log2: (msg: string) => void): Promise<Counts> {
  const counts: Counts = {};
  const s: Seeding = {
    api,
    apply: (apiVersion, plural, ns, obj, sub) => api.apply(objPath(apiVersion, plural, ns, obj.metadata.name), JSON.stringify({ apiVersion, ...obj }), { subresource: sub }),
    count: (k, d = 1) => { counts[k] = (counts[k] || 0) + d; },
    now: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
  let t = Date.now();
  const crds = await seedCrds(s);
  log2(`CRDs applied and Established (${crds}) in ${secs(Date.now() - t)}`);
  t = Date.now();
  await seedNamespaces(s);
  await seedStorage(s);
  await seedVmClasses(s);
  await seedTkrs(s);
  const aggregated = await seedRbac(s);
  log2(`objects seeded in ${secs(Date.now() - t)} (aggregated ${aggregated.join(', ')} as the controller-manager would)`);
  return counts;
}

/** The CRDs, applied and Established; how many. */
async function seedCrds(s: Seeding): Promise<number> {
  const { api } = s;
  const crds: string[] = [];
  const applyCrd = async (obj: string | JsonObject) => {
    const name = typeof obj === 'string' ? yamlName(obj) : obj.metadata.name;
    await api.apply(`${CRD_PATH}/${name}`, typeof obj === 'string' ? obj : JSON.stringify(obj));
    crds.push(name);
  };
  await applyCrd(await tkcCrd(api));
  await applyCrd(await tkrCrd(api));
  await applyCrd(readFixture('vmoperator.vmware.com_virtualmachineclasses.yaml'));
  await applyCrd(readFixture('vmoperator.vmware.com_virtualmachineclassbindings.yaml'));
  await applyCrd(readFixture('application-crd.argo-cd.yaml'));
  await applyCrd(capiClusterCrd());
  await applyCrd(argoCrd('AppProject'));
  await applyCrd(argoCrd('ApplicationSet'));
  await waitEstablished(api, crds);
  s.count('CRDs', crds.length);
  return crds.length;
}

async function seedNamespaces(s: Seeding): Promise<void> {
  // Namespaces
  for (const ns of [...NAMESPACES, 'argocd']) {
    await s.apply('v1', 'namespaces', null, { kind: 'Namespace', metadata: { name: ns, labels: NAMESPACES.includes(ns) ? { 'tanzu-gitops.dev/vsphere-namespace': 'true' } : {} } });
    s.count('namespaces');
  }
}

async function seedStorage(s: Seeding): Promise<void> {
  // StorageClasses and the quotas that assign them to namespaces
  for (const sc of STORAGE_CLASSES) {
    await s.apply('storage.k8s.io/v1', 'storageclasses', null, {
      kind: 'StorageClass',
      metadata: { name: sc.name, labels: { 'isSyncedFromVsphere': 'true' } },
      provisioner: 'csi.vsphere.vmware.com',
      parameters: { storagePolicyID: sc.policy },
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
      allowVolumeExpansion: true,
    });
    s.count('storage classes');
  }
  for (const [ns, classes] of Object.entries(STORAGE_ASSIGNED)) {
    if (!Object.keys(classes).length) continue;
    const hard = Object.fromEntries(Object.entries(classes).map(([sc, q]) => [`${sc}.storageclass.storage.k8s.io/requests.storage`, q]));
    const name = `${ns}-storagequota`;
    await s.apply('v1', 'resourcequotas', ns, { kind: 'ResourceQuota', metadata: { name, namespace: ns }, spec: { hard } });
    // the status the resource quota controller would write
    await s.apply('v1', 'resourcequotas', ns, { kind: 'ResourceQuota', metadata: { name, namespace: ns }, status: { hard, used: Object.fromEntries(Object.keys(hard).map((k) => [k, '0'])) } }, 'status');
    s.count('storage quotas');
  }
}

async function seedVmClasses(s: Seeding): Promise<void> {
  // VM classes (namespaced, as the current VM Operator CRD) and bindings (the vSphere 7 model)
  for (const [ns, names] of Object.entries(VM_CLASSES_IN)) {
    for (const name of names) {
      const c = VM_CLASSES[name];
      const cpuMilli = `${c.cpus * 1000}m`;
      await s.apply('vmoperator.vmware.com/v1alpha6', 'virtualmachineclasses', ns, {
        kind: 'VirtualMachineClass',
        metadata: { name, namespace: ns },
        spec: {
          hardware: { cpus: c.cpus, memory: c.memory },
          policies: { resources: c.reserved ? { requests: { cpu: cpuMilli, memory: c.memory }, limits: { cpu: cpuMilli, memory: c.memory } } : { requests: {}, limits: {} } },
          description: `${c.cpus} vCPUs, ${c.memory} memory${c.reserved ? ', fully reserved' : ''}`,
        },
      });
      s.count('VM classes');
      await s.apply('vmoperator.vmware.com/v1alpha1', 'virtualmachineclassbindings', ns, {
        kind: 'VirtualMachineClassBinding',
        metadata: { name, namespace: ns },
        classRef: { apiVersion: 'vmoperator.vmware.com/v1alpha1', kind: 'VirtualMachineClass', name },
      });
      s.count('VM class bindings');
    }
  }
}

async function seedTkrs(s: Seeding): Promise<void> {
  const { now } = s;
  // TanzuKubernetesReleases (cluster-scoped), written as v1alpha3 (vSphere 8); read as v1alpha1
  // they show spec.version but not spec.kubernetes (conversion None, see withHiddenStorage)
  for (const r of TKRS) {
    const name = tkrName(r.version);
    const m = r.k8s.match(/^v(\d+)\.(\d+)\.(\d+)/);
    if (!m) throw new ToolError(`TKR ${r.version}: no Kubernetes version in ${r.k8s}`);
    const labels = {
      [`v${m[1]}`]: '', [`v${m[1]}.${m[2]}`]: '', [`v${m[1]}.${m[2]}.${m[3]}`]: '',
      'os-name': r.os, 'os-type': 'linux',
      ...(r.incompatible ? { incompatible: '' } : {}),
    };
    const osImage = `${r.os === 'photon' ? 'ph3' : 'ubuntu'}-${name.replace(/^v/, '').replace(/[.+]/g, '-')}`.slice(0, 63).replace(/-+$/, '');
    await s.apply('run.tanzu.vmware.com/v1alpha3', 'tanzukubernetesreleases', null, {
      kind: 'TanzuKubernetesRelease',
      metadata: { name, labels },
      spec: {
        version: r.version,
        kubernetes: {
          version: r.k8s,
          imageRepository: 'localhost:5000/vmware.io',
          etcd: { imageTag: 'v3.5.6_vmware.9' },
          coredns: { imageTag: 'v1.9.3_vmware.8' },
          pause: { imageTag: '3.8' },
        },
        osImages: [{ name: osImage }],
      },
    });
    const cond = (type: string, ok: boolean, reason: string, message: string) => ({ type, status: ok ? 'True' : 'False', lastTransitionTime: now, ...(ok ? {} : { reason, message, severity: type === 'Ready' ? 'Warning' : 'Info' }) });
    await s.apply('run.tanzu.vmware.com/v1alpha3', 'tanzukubernetesreleases', null, {
      kind: 'TanzuKubernetesRelease',
      metadata: { name },
      status: {
        conditions: [
          cond('Ready', !r.notReady, 'MissingOSImage', `no OSImage of TKR ${name} is available in the content library`),
          cond('Compatible', !r.incompatible, 'Incompatible', `TKR ${name} is not compatible with this Supervisor`),
          { type: 'UpdatesAvailable', status: 'False', lastTransitionTime: now },
        ],
      },
    }, 'status');
    s.count('TKRs');
  }
}

/** The roles and bindings; the aggregated roles filled in (as "name (N rules)"). */
async function seedRbac(s: Seeding): Promise<string[]> {
  // RBAC: what the Supervisor gives a namespace editor, through the aggregated edit/view roles
  await s.apply('rbac.authorization.k8s.io/v1', 'clusterroles', null, {
    kind: 'ClusterRole',
    metadata: { name: 'tanzu-gitops:supervisor-aggregate-to-edit', labels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true', 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } },
    rules: [
      { apiGroups: ['run.tanzu.vmware.com'], resources: ['tanzukubernetesclusters'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] },
      { apiGroups: ['cluster.x-k8s.io'], resources: ['clusters'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] },
      { apiGroups: ['argoproj.io'], resources: ['applications'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] },
    ],
  });
  await s.apply('rbac.authorization.k8s.io/v1', 'clusterroles', null, {
    kind: 'ClusterRole',
    metadata: { name: 'tanzu-gitops:supervisor-aggregate-to-view', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
    rules: [
      { apiGroups: ['run.tanzu.vmware.com'], resources: ['tanzukubernetesclusters', 'tanzukubernetesclusters/status'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['cluster.x-k8s.io'], resources: ['clusters', 'clusters/status'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['argoproj.io'], resources: ['applications'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['vmoperator.vmware.com'], resources: ['virtualmachineclasses', 'virtualmachineclassbindings'], verbs: ['get', 'list', 'watch'] },
    ],
  });
  // facts every signed-in user may read cluster-wide (names of namespaces, storage classes, TKRs, VM classes)
  await s.apply('rbac.authorization.k8s.io/v1', 'clusterroles', null, {
    kind: 'ClusterRole',
    metadata: { name: 'tanzu-gitops:supervisor-facts-reader' },
    rules: [
      { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['run.tanzu.vmware.com'], resources: ['tanzukubernetesreleases'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['vmoperator.vmware.com'], resources: ['virtualmachineclasses', 'virtualmachineclassbindings'], verbs: ['get', 'list', 'watch'] },
    ],
  });
  await s.apply('rbac.authorization.k8s.io/v1', 'clusterrolebindings', null, {
    kind: 'ClusterRoleBinding',
    metadata: { name: 'tanzu-gitops:supervisor-facts-reader' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'tanzu-gitops:supervisor-facts-reader' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }],
  });
  const aggregated = await aggregateClusterRoles(s.api);
  await s.apply('rbac.authorization.k8s.io/v1', 'rolebindings', 'team-a', {
    kind: 'RoleBinding',
    metadata: { name: 'wcp:team-a:user:dev', namespace: 'team-a' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'dev' }],
  });
  s.count('cluster roles', 3);
  return aggregated;
}

async function aggregateClusterRoles(api: Api): Promise<string[]> {
  const all: JsonObject[] = (await api.must('GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles')).items;
  const matches = (role: JsonObject, sel: JsonObject) => Object.entries(sel.matchLabels || {}).every(([k, v]) => (role.metadata.labels || {})[k] === v);
  const done: string[] = [];
  // resolve nested aggregation (view -> edit -> admin) by repeating until nothing changes
  const rulesOf = new Map<string, JsonObject[]>(all.map((r) => [r.metadata.name, r.rules || []]));
  for (let pass = 0; pass < 5; pass++) {
    let changed = false;
    for (const role of all.filter((r) => r.aggregationRule)) {
      const seen = new Set<string>();
      const rules: JsonObject[] = [];
      for (const other of all) {
        if (other.metadata.name === role.metadata.name) continue;
        if (!role.aggregationRule.clusterRoleSelectors.some((s: JsonObject) => matches(other, s))) continue;
        for (const rule of rulesOf.get(other.metadata.name) ?? []) {
          const key = JSON.stringify(rule);
          if (!seen.has(key)) { seen.add(key); rules.push(rule); }
        }
      }
      if (JSON.stringify(rules) !== JSON.stringify(rulesOf.get(role.metadata.name))) { rulesOf.set(role.metadata.name, rules); changed = true; }
    }
    if (!changed) break;
  }
  for (const role of all.filter((r) => r.aggregationRule)) {
    const rules = rulesOf.get(role.metadata.name) ?? [];
    if (JSON.stringify(rules) === JSON.stringify(role.rules || [])) continue;
    await api.must('PUT', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${encodeURIComponent(role.metadata.name)}`, { ...role, rules });
    done.push(`${role.metadata.name} (${rules.length} rules)`);
  }
  return done;
}

// ---------------------------------------------------------------------------------------------
// kubeconfig, state

function q(s: string): string {
  return JSON.stringify(String(s)); // a JSON string is a valid YAML double-quoted scalar
}
function kubeconfigText({ server, caPem, adminToken, devToken }: { server: string; caPem: Buffer; adminToken: string; devToken: string }): string {
  const ca = Buffer.from(caPem).toString('base64');
  return `# Written by tanzu-gitops scripts/supervisor.ts (local Supervisor). Tokens are secrets of this run only.
apiVersion: v1
kind: Config
clusters:
- name: local-supervisor
  cluster:
    server: ${q(server)}
    certificate-authority-data: ${ca}
users:
- name: local-supervisor-admin
  user:
    token: ${q(adminToken)}
- name: local-supervisor-dev
  user:
    token: ${q(devToken)}
contexts:
- name: local-supervisor-admin
  context:
    cluster: local-supervisor
    user: local-supervisor-admin
    namespace: default
- name: local-supervisor-dev
  context:
    cluster: local-supervisor
    user: local-supervisor-dev
    namespace: team-a
current-context: local-supervisor-admin
preferences: {}
`;
}

/** The state file: what `start` started, for `stop` and `status` (no token in it). */
interface State {
  version: 1;
  startedAt: string;
  ready: boolean;
  dataDir: string;
  server: string;
  ca: string;
  kubeconfig: string;
  ports: { apiserver: number; etcdClient: number; etcdPeer: number };
  pids: { etcd?: number; apiserver?: number };
  binaries: { apiserver: string; etcd: string };
  logs: { apiserver: string; etcd: string };
  kubernetesVersion: string;
  etcdVersion?: string;
  counts?: Counts;
  startSeconds?: number;
  /** The workload clusters' control planes started by `workload` (stopped with the Supervisor). */
  workloads?: WorkloadState[];
}

function readState(): State | null {
  try {
    return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'));
  } catch {
    return null;
  }
}
function writeState(state: State): void {
  fs.mkdirSync(path.dirname(STATE_FILE), { recursive: true });
  fs.writeFileSync(`${STATE_FILE}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(`${STATE_FILE}.tmp`, STATE_FILE);
}

/** The kubeconfig's admin token (the state file holds no token). */
function adminTokenOf(kubeconfig: string): string | null {
  const text = fs.readFileSync(kubeconfig, 'utf8');
  const m = text.match(/- name: local-supervisor-admin\n {2}user:\n {4}token: ("[^"\n]*")/);
  return m ? JSON.parse(m[1]) : null;
}

async function readyz(server: string, caPem: Buffer, token: string | null, timeoutMs = 2000): Promise<boolean> {
  const api = new Api(server, caPem, token);
  try {
    const r = await api.request('GET', '/readyz', undefined, { timeoutMs });
    return r.status === 200 && r.text.trim() === 'ok';
  } catch {
    return false;
  } finally {
    api.close();
  }
}

/** { healthy, reason } for the processes a state file names. */
async function health(state: State | null): Promise<{ healthy: boolean; reason: string }> {
  if (!state) return { healthy: false, reason: 'no state file' };
  if (!isOurs(state.pids?.etcd, ETCD, state.dataDir)) return { healthy: false, reason: `etcd (pid ${state.pids?.etcd}) is not running` };
  if (!isOurs(state.pids?.apiserver, state.binaries?.apiserver || APISERVER, state.dataDir)) return { healthy: false, reason: `kube-apiserver (pid ${state.pids?.apiserver}) is not running` };
  if (!state.ready) return { healthy: false, reason: 'start did not finish (not seeded)' };
  if (!fs.existsSync(state.kubeconfig)) return { healthy: false, reason: `${state.kubeconfig} is missing` };
  let ok = false;
  try {
    ok = await readyz(state.server, fs.readFileSync(state.ca), adminTokenOf(state.kubeconfig));
  } catch { ok = false; }
  if (!ok) return { healthy: false, reason: `${state.server}/readyz does not answer ok` };
  return { healthy: true, reason: 'running' };
}

async function stopState(state: State): Promise<Stopped[]> {
  const results: Stopped[] = [];
  for (const w of state.workloads ?? []) results.push(...await stopServers(w, `${w.namespace}/${w.name}`));
  const bin = state.binaries?.apiserver || APISERVER;
  if (state.pids?.apiserver) results.push(await terminate(state.pids.apiserver, 'kube-apiserver', bin, state.dataDir));
  if (state.pids?.etcd) results.push(await terminate(state.pids.etcd, 'etcd', ETCD, state.dataDir));
  for (const r of results) log(`${r.name} (pid ${r.pid}): ${r.was}`);
  if (state.dataDir && path.basename(state.dataDir).startsWith('tanzu-gitops-supervisor-') && fs.existsSync(state.dataDir)) {
    fs.rmSync(state.dataDir, { recursive: true, force: true });
    log(`removed ${state.dataDir}`);
  }
  fs.rmSync(STATE_FILE, { force: true });
  return results;
}

// ---------------------------------------------------------------------------------------------
// start, stop, status

function summary(state: State, counts: Counts | undefined): string {
  const lines = [
    `local Supervisor running (kube-apiserver ${K8S_VERSION}, etcd ${state.etcdVersion || ''})`.trim(),
    `  server      ${state.server}   (etcd http://127.0.0.1:${state.ports.etcdClient}; pids: kube-apiserver ${state.pids.apiserver}, etcd ${state.pids.etcd})`,
    `  data dir    ${state.dataDir}   (logs: kube-apiserver.log, etcd.log)`,
    `  state       ${STATE_FILE}`,
    '  contexts    local-supervisor-admin (user admin, group system:masters; current)',
    '              local-supervisor-dev   (user dev: edit in team-a only; namespace team-a)',
    `  namespaces  ${NAMESPACES.join(', ')} (vSphere Namespaces), argocd`,
  ];
  if (counts) lines.push(`  seeded      ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  lines.push('  stop with   npm run supervisor -- stop');
  return lines.join('\n');
}

async function start(): Promise<number> {
  return withLock(`${STATE_FILE}.lock`, 'start', async () => {
    const old = readState();
    if (old) {
      const h = await health(old);
      if (h.healthy) {
        log('already running (healthy): reusing it');
        process.stdout.write(`${summary(old, old.counts)}\nKUBECONFIG=${old.kubeconfig}\n`);
        return 0;
      }
      log(`state file ${STATE_FILE} names a supervisor that is not healthy (${h.reason}): cleaning it up`);
      await stopState(old);
    }
    if (aptMissing().length || !apiserverOk()) await install();
    return startNew();
  });
}

/** A new data dir, ports, and the state that names them (nothing started yet). */
async function newState(): Promise<State> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tanzu-gitops-supervisor-'));
  fs.chmodSync(dataDir, 0o700);
  const [etcdClient, etcdPeer, apiPort] = await freePorts(3);
  return {
    version: 1,
    startedAt: new Date().toISOString(),
    ready: false,
    dataDir,
    server: `https://127.0.0.1:${apiPort}`,
    ca: path.join(dataDir, 'pki', 'ca.crt'),
    kubeconfig: path.join(dataDir, 'kubeconfig'),
    ports: { apiserver: apiPort, etcdClient, etcdPeer },
    pids: {},
    binaries: { apiserver: APISERVER, etcd: ETCD },
    logs: { apiserver: path.join(dataDir, 'kube-apiserver.log'), etcd: path.join(dataDir, 'etcd.log') },
    kubernetesVersion: K8S_VERSION,
  };
}

/** Starts etcd and kube-apiserver on a new data dir and seeds them; on failure stops what was started. */
async function startNew(): Promise<number> {
  const started = Date.now();
  const state = await newState();
  // Ctrl-C (or a test harness's SIGTERM) during start: stop what was started so far
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`${sig} during start: stopping what was started`);
    stopState(state).finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const secrets = makeSecrets(state.dataDir);
    const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD_') && !k.startsWith('KUBE')));
    await startEtcd(state, childEnv);
    const caPem = await startApiserver(state, secrets, childEnv);
    const t = Date.now();
    const counts = await seedState(state, caPem, secrets);
    log(`seeded in ${secs(Date.now() - t)}; started in ${secs(Date.now() - started)}`);
    state.startSeconds = Number(((Date.now() - started) / 1000).toFixed(1));
    writeState(state);
    process.stdout.write(`${summary(state, counts)}\nKUBECONFIG=${state.kubeconfig}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`supervisor: start failed: ${describeError(e)}\n`);
    for (const [name, file] of Object.entries(state.logs)) {
      const last = tail(file, 15);
      if (last) process.stderr.write(`--- last lines of ${name} log (${file}):\n${last}\n`);
    }
    if (!interrupted) {
      log('stopping what was started');
      await stopState(state);
    }
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

interface Secrets { pki: Pki; adminToken: string; devToken: string; tokenFile: string }

/** The PKI and the two users' tokens in the data dir. */
function makeSecrets(dataDir: string): Secrets {
  const t = Date.now();
  const pki = makePki(path.join(dataDir, 'pki'));
  const adminToken = crypto.randomBytes(32).toString('hex');
  const devToken = jwtLikeToken('dev', 10);
  const tokenFile = path.join(dataDir, 'pki', 'tokens.csv');
  fs.writeFileSync(tokenFile, `${adminToken},admin,admin-uid,"system:masters"\n${devToken},dev,dev-uid,"tanzu-gitops:developers"\n`, { mode: 0o600 });
  log(`PKI and tokens made in ${secs(Date.now() - t)} (${path.join(dataDir, 'pki')})`);
  return { pki, adminToken, devToken, tokenFile };
}

/** What runs one control plane (the Supervisor's or a workload cluster's): its etcd and kube-apiserver. */
interface Servers {
  dataDir: string;
  server: string;
  ports: { apiserver: number; etcdClient: number; etcdPeer: number };
  pids: { etcd?: number; apiserver?: number };
  logs: { apiserver: string; etcd: string };
  etcdVersion?: string;
}

async function startEtcd(state: Servers, childEnv: NodeJS.ProcessEnv, save: () => void = () => writeState(state as State), member = 'local-supervisor'): Promise<void> {
  const t = Date.now();
  const { dataDir } = state;
  const { etcdClient, etcdPeer } = state.ports;
  state.etcdVersion = (capture(ETCD, ['--version']).stdout.match(/etcd Version:\s*(\S+)/) || [])[1];
  const pid = daemon(ETCD, [
    '--name', member,
    '--data-dir', path.join(dataDir, 'etcd'),
    '--listen-client-urls', `http://127.0.0.1:${etcdClient}`,
    '--advertise-client-urls', `http://127.0.0.1:${etcdClient}`,
    '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`,
    '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
    '--initial-cluster', `${member}=http://127.0.0.1:${etcdPeer}`,
    '--initial-cluster-state', 'new',
    '--logger', 'zap', '--log-outputs', 'stderr',
    '--quota-backend-bytes', String(2 * 1024 * 1024 * 1024),
  ], state.logs.etcd, childEnv);
  state.pids.etcd = pid;
  save();
  await waitFor(`etcd on 127.0.0.1:${etcdClient}`, 30000, () => etcdHealthy(etcdClient), () => isOurs(pid, ETCD, dataDir), state.logs.etcd);
  log(`etcd ${state.etcdVersion} ready in ${secs(Date.now() - t)} (pid ${pid}, 127.0.0.1:${etcdClient})`);
}

/** Starts kube-apiserver and waits for /readyz; the CA it is served with. */
async function startApiserver(state: Servers, { pki, tokenFile, adminToken }: Omit<Secrets, 'devToken'>, childEnv: NodeJS.ProcessEnv, save: () => void = () => writeState(state as State)): Promise<Buffer> {
  const t = Date.now();
  const { dataDir, server } = state;
  const pid = daemon(APISERVER, [
    `--etcd-servers=http://127.0.0.1:${state.ports.etcdClient}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${state.ports.apiserver}`,
    '--advertise-address=127.0.0.1',
    // the default (lease) reconciler would try every 10 s to publish 127.0.0.1 as the endpoint of the
    // `kubernetes` service, which Endpoints validation refuses (loopback): nothing to reconcile here
    '--endpoint-reconciler-type=none',
    `--cert-dir=${path.join(dataDir, 'pki')}`,
    `--tls-cert-file=${pki.cert}`,
    `--tls-private-key-file=${pki.key}`,
    `--client-ca-file=${pki.ca}`,
    `--token-auth-file=${tokenFile}`,
    '--authorization-mode=RBAC',
    `--service-account-key-file=${pki.saPub}`,
    `--service-account-signing-key-file=${pki.saKey}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    '--api-audiences=https://kubernetes.default.svc.cluster.local',
    '--service-cluster-ip-range=10.96.0.0/12',
    '--allow-privileged=true',
    '--profiling=false',
    '--v=1',
  ], state.logs.apiserver, childEnv);
  state.pids.apiserver = pid;
  save();
  const caPem = fs.readFileSync(pki.ca);
  await waitFor(`kube-apiserver ${server}/readyz`, 90000, () => readyz(server, caPem, adminToken), () => isOurs(pid, APISERVER, dataDir), state.logs.apiserver);
  log(`kube-apiserver ready in ${secs(Date.now() - t)} (pid ${pid}, ${server})`);
  return caPem;
}

/** Seeds the running server, writes the kubeconfig and marks the state ready; the counts. */
async function seedState(state: State, caPem: Buffer, { adminToken, devToken }: Secrets): Promise<Counts> {
  const { server } = state;
  const api = new Api(server, caPem, adminToken);
  let counts;
  try {
    counts = await seed(api, log);
  } finally {
    api.close();
  }
  fs.writeFileSync(state.kubeconfig, kubeconfigText({ server, caPem, adminToken, devToken }), { mode: 0o600 });
  state.ready = true;
  state.counts = counts;
  return counts;
}

function etcdHealthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/health', timeout: 1000 }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c; });
      res.on('end', () => resolve(res.statusCode === 200 && /"health":\s*"true"/.test(text)));
    });
    req.on('timeout', () => { req.destroy(); resolve(false); });
    req.on('error', () => resolve(false));
  });
}

async function stop(): Promise<number> {
  return withLock(`${STATE_FILE}.lock`, 'stop', async () => {
    const state = readState();
    if (!state) {
      log(`not running (no state file at ${STATE_FILE}): nothing to stop`);
      return 0;
    }
    const started = Date.now();
    await stopState(state);
    log(`stopped in ${secs(Date.now() - started)}`);
    return 0;
  });
}

async function status(): Promise<number> {
  const state = readState();
  if (!state) {
    process.stdout.write(`not running (no state file at ${STATE_FILE})\n`);
    return 1;
  }
  const h = await health(state);
  if (!h.healthy) {
    process.stdout.write(`not running: ${h.reason} (state file ${STATE_FILE}; \`stop\` cleans it up)\n`);
    return 1;
  }
  process.stdout.write(`${summary(state, state.counts)}\nKUBECONFIG=${state.kubeconfig}\n`);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// workload clusters: one more etcd and kube-apiserver standing for a TKC's or Cluster's control plane

interface WorkloadState extends Servers {
  namespace: string;
  name: string;
  /** TanzuKubernetesCluster or Cluster. */
  kind: string;
  ca: string;
  kubeconfig: string;
  startedAt: string;
}

const TKC_PATH = (ns: string, name: string) => `/apis/run.tanzu.vmware.com/v1alpha3/namespaces/${ns}/tanzukubernetesclusters/${name}`;
const CAPI_PATH = (ns: string, name: string) => `/apis/cluster.x-k8s.io/v1beta1/namespaces/${ns}/clusters/${name}`;

function parseClusterRef(arg: string | undefined): { namespace: string; name: string } {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/.exec(arg ?? '');
  if (!m) throw new ToolError(`workload: give the cluster as NAMESPACE/NAME (a vSphere Namespace and a TanzuKubernetesCluster or Cluster in it), not "${arg ?? ''}"`);
  return { namespace: m[1], name: m[3] };
}

/** The Supervisor's state and an admin client of it; fails clearly when it is not running. */
async function supervisorApi(): Promise<{ state: State; api: Api }> {
  const state = readState();
  const h = await health(state);
  if (!state || !h.healthy) throw new ToolError(`the local Supervisor is not running (${h.reason}): start it first with \`npm run supervisor -- start\``);
  return { state, api: new Api(state.server, fs.readFileSync(state.ca), adminTokenOf(state.kubeconfig)) };
}

/** The TKC or Cluster named, as the Supervisor has it. */
async function clusterObject(api: Api, namespace: string, name: string): Promise<{ kind: string; path: string; object: JsonObject }> {
  for (const [kind, p] of [['TanzuKubernetesCluster', TKC_PATH(namespace, name)], ['Cluster', CAPI_PATH(namespace, name)]]) {
    const r = await api.request('GET', p);
    if (r.status === 200) return { kind, path: p, object: r.body };
    if (r.status !== 404) throw new ToolError(`GET ${p}: HTTP ${r.status} ${r.body?.message || r.text.slice(0, 300)}`);
  }
  throw new ToolError(`there is no TanzuKubernetesCluster or Cluster ${namespace}/${name} on the Supervisor: create it first (kubectl apply -f …), then start its workload control plane`);
}

function workloadKubeconfig(name: string, server: string, caPem: Buffer, token: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: ${q(name)}
  cluster:
    server: ${q(server)}
    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}
users:
- name: ${q(`${name}-admin`)}
  user:
    token: ${q(token)}
contexts:
- name: ${q(`${name}-admin@${name}`)}
  context:
    cluster: ${q(name)}
    user: ${q(`${name}-admin`)}
current-context: ${q(`${name}-admin@${name}`)}
preferences: {}
`;
}

function workloadToken(kubeconfig: string): string | null {
  try {
    const m = /\n {4}token: ("[^"\n]*")/.exec(fs.readFileSync(kubeconfig, 'utf8'));
    return m ? JSON.parse(m[1]) : null;
  } catch {
    return null;
  }
}

async function workloadHealthy(w: WorkloadState): Promise<boolean> {
  if (!isOurs(w.pids.etcd, ETCD, w.dataDir) || !isOurs(w.pids.apiserver, APISERVER, w.dataDir)) return false;
  return readyz(w.server, fs.readFileSync(w.ca), workloadToken(w.kubeconfig));
}

async function stopServers(w: Servers, label: string): Promise<Stopped[]> {
  const results: Stopped[] = [];
  if (w.pids.apiserver) results.push(await terminate(w.pids.apiserver, `${label} kube-apiserver`, APISERVER, w.dataDir));
  if (w.pids.etcd) results.push(await terminate(w.pids.etcd, `${label} etcd`, ETCD, w.dataDir));
  if (path.basename(w.dataDir).startsWith('tanzu-gitops-workload-')) fs.rmSync(w.dataDir, { recursive: true, force: true });
  return results;
}

/** Status as the cluster's controllers would write it once its control plane and pools are up. */
function runningStatus(kind: string, object: JsonObject, w: WorkloadState): JsonObject {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const cond = (type: string) => ({ type, status: 'True', lastTransitionTime: now });
  const port = w.ports.apiserver;
  const topology = object.spec?.topology ?? {};
  if (kind === 'TanzuKubernetesCluster') {
    const workers = (topology.nodePools ?? []).reduce((n: number, p: JsonObject) => n + (Number(p.replicas) || 0), 0);
    const tkr = topology.controlPlane?.tkr?.reference?.name ?? object.spec?.distribution?.fullVersion ?? object.spec?.distribution?.version;
    return {
      phase: 'running',
      apiEndpoints: [{ host: '127.0.0.1', port }],
      totalWorkerReplicas: workers,
      ...(tkr ? { version: String(tkr).replace(/---/g, '+') } : {}),
      conditions: ['Ready', 'AddonsReady', 'ControlPlaneReady', 'NodePoolsReady', 'ProviderServiceAccountsReady', 'RoleBindingSynced',
        'ServiceDiscoveryReady', 'StorageClassSynced', 'TanzuKubernetesReleaseCompatible', 'UpdatesAvailable'].map(cond)
        .map((c) => (c.type === 'UpdatesAvailable' ? { ...c, status: 'False', reason: 'AlreadyUpToDate', severity: 'Info' } : c)),
    };
  }
  const cp = Number(topology.controlPlane?.replicas ?? 1);
  const md = (topology.workers?.machineDeployments ?? []).reduce((n: number, p: JsonObject) => n + (Number(p.replicas) || 0), 0);
  const counts = (n: number) => ({ desiredReplicas: n, replicas: n, readyReplicas: n, availableReplicas: n, upToDateReplicas: n });
  return {
    phase: 'Provisioned',
    infrastructureReady: true,
    controlPlaneReady: true,
    observedGeneration: object.metadata?.generation,
    conditions: ['Ready', 'ControlPlaneInitialized', 'ControlPlaneReady', 'InfrastructureReady', 'TopologyReconciled'].map(cond),
    // Cluster API 1.9+ reports replica counts in the v1beta2 block of a v1beta1 Cluster
    v1beta2: { controlPlane: counts(cp), workers: counts(md) },
  };
}

/** The `<name>-kubeconfig` Secret (key `value`) and the running status, on the Supervisor. */
async function publishWorkload(api: Api, w: WorkloadState, found: { kind: string; path: string; object: JsonObject }, kubeconfig: string): Promise<void> {
  await api.apply(objPath('v1', 'secrets', w.namespace, `${w.name}-kubeconfig`), {
    apiVersion: 'v1', kind: 'Secret',
    metadata: { name: `${w.name}-kubeconfig`, namespace: w.namespace, labels: { 'cluster.x-k8s.io/cluster-name': w.name } },
    type: 'cluster.x-k8s.io/secret',
    data: { value: Buffer.from(kubeconfig).toString('base64') },
  });
  const { apiVersion, kind, metadata } = found.object;
  if (found.kind === 'Cluster') {
    // Cluster API's controller records where the control plane answers
    await api.must('PATCH', `${found.path}?fieldManager=capi-topology`, { spec: { controlPlaneEndpoint: { host: '127.0.0.1', port: w.ports.apiserver } } }, { contentType: 'application/merge-patch+json' });
  }
  await api.apply(found.path, { apiVersion, kind, metadata: { name: metadata.name, namespace: metadata.namespace }, status: runningStatus(found.kind, found.object, w) }, { subresource: 'status' });
}

async function newWorkload(namespace: string, name: string, kind: string): Promise<{ w: WorkloadState; token: string; pki: Pki; tokenFile: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tanzu-gitops-workload-${namespace}-${name}-`));
  fs.chmodSync(dataDir, 0o700);
  const [etcdClient, etcdPeer, apiPort] = await freePorts(3);
  let pki: Pki;
  try {
    pki = makePki(path.join(dataDir, 'pki'), `tanzu-gitops local ${namespace}.${name} CA`);
  } catch (e) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const token = crypto.randomBytes(32).toString('hex');
  const tokenFile = path.join(dataDir, 'pki', 'tokens.csv');
  fs.writeFileSync(tokenFile, `${token},kubernetes-admin,admin-uid,"system:masters"\n`, { mode: 0o600 });
  const w: WorkloadState = {
    namespace, name, kind, dataDir, startedAt: new Date().toISOString(),
    server: `https://127.0.0.1:${apiPort}`, ca: pki.ca, kubeconfig: path.join(dataDir, 'kubeconfig'),
    ports: { apiserver: apiPort, etcdClient, etcdPeer }, pids: {},
    logs: { apiserver: path.join(dataDir, 'kube-apiserver.log'), etcd: path.join(dataDir, 'etcd.log') },
  };
  return { w, token, pki, tokenFile };
}

/** `workload NS/NAME`: starts (or reuses) the cluster's control plane and publishes its kubeconfig and status. */
async function startWorkload(arg: string | undefined): Promise<number> {
  const { namespace, name } = parseClusterRef(arg);
  return withLock(`${STATE_FILE}.lock`, 'workload', async () => {
    const { state, api } = await supervisorApi();
    try {
      const found = await clusterObject(api, namespace, name);
      const old = (state.workloads ?? []).find((w) => w.namespace === namespace && w.name === name);
      if (old && await workloadHealthy(old)) {
        log(`${namespace}/${name}: control plane already running (healthy): reusing it`);
        await publishWorkload(api, old, found, fs.readFileSync(old.kubeconfig, 'utf8'));
        process.stdout.write(`workload cluster ${namespace}/${name} (${found.kind}) running at ${old.server}\nKUBECONFIG=${old.kubeconfig}\n`);
        return 0;
      }
      if (old) await stopServers(old, `${namespace}/${name}`);
      state.workloads = (state.workloads ?? []).filter((w) => w !== old);
      const started = Date.now();
      const { w, token, pki, tokenFile } = await newWorkload(namespace, name, found.kind);
      state.workloads.push(w);
      const save = () => writeState(state);
      save();
      try {
        const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD_') && !k.startsWith('KUBE')));
        await startEtcd(w, childEnv, save, name);
        const caPem = await startApiserver(w, { pki, tokenFile, adminToken: token }, childEnv, save);
        const text = workloadKubeconfig(name, w.server, caPem, token);
        fs.writeFileSync(w.kubeconfig, text, { mode: 0o600 });
        await publishWorkload(api, w, found, text);
      } catch (e) {
        await stopServers(w, `${namespace}/${name}`);
        state.workloads = state.workloads.filter((x) => x !== w);
        save();
        throw e;
      }
      log(`${namespace}/${name}: control plane started in ${secs(Date.now() - started)} (pids: kube-apiserver ${w.pids.apiserver}, etcd ${w.pids.etcd})`);
      process.stdout.write([
        `workload cluster ${namespace}/${name} (${found.kind}) running at ${w.server}`,
        `  data dir    ${w.dataDir}`,
        `  Supervisor  Secret ${namespace}/${name}-kubeconfig (key value), status written (Ready True)`,
        `  stop with   npm run supervisor -- workload-stop ${namespace}/${name}   (or stop, with the Supervisor)`,
        `KUBECONFIG=${w.kubeconfig}`,
      ].join('\n') + '\n');
      return 0;
    } finally {
      api.close();
    }
  });
}

/** `workload-stop NS/NAME`: ends that cluster's control plane (its Secret and status stay, as a cluster that went away leaves them). */
async function stopWorkload(arg: string | undefined): Promise<number> {
  const { namespace, name } = parseClusterRef(arg);
  return withLock(`${STATE_FILE}.lock`, 'workload-stop', async () => {
    const state = readState();
    const w = state?.workloads?.find((x) => x.namespace === namespace && x.name === name);
    if (!state || !w) {
      log(`no workload control plane of ${namespace}/${name} is running: nothing to stop`);
      return 0;
    }
    for (const r of await stopServers(w, `${namespace}/${name}`)) log(`${r.name} (pid ${r.pid}): ${r.was}`);
    state.workloads = state.workloads?.filter((x) => x !== w);
    writeState(state);
    return 0;
  });
}

// ---------------------------------------------------------------------------------------------
// main

async function main(): Promise<number> {
  const cmd = process.argv[2];
  switch (cmd) {
    case 'install':
      await install();
      return 0;
    case 'start':
      return start();
    case 'stop':
      return stop();
    case 'status':
      return status();
    case 'workload':
      return startWorkload(process.argv[3]);
    case 'workload-stop':
      return stopWorkload(process.argv[3]);
    default:
      process.stderr.write('usage: node scripts/run.mjs supervisor install|start|stop|status|workload NS/NAME|workload-stop NS/NAME\n');
      return 2;
  }
}

main().then((code) => { process.exitCode = code; }, (e) => {
  process.stderr.write(`supervisor: ${describeError(e)}\n`);
  process.exitCode = 1;
});
