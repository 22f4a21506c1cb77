// The validation benchmark (`npm run bench`): our engine beside yaml-language-server, in one run.
// It prints medians and ratios and says whether each target is met; it asserts nothing and its
// exit code does not depend on the numbers (only a crash fails it).
//
// What it measures, in order:
//   1. A deterministic (seeded) 1,000-document file: TKC v1alpha1, v1alpha2, v1alpha3 and Cluster
//      v1beta1 with class tanzukubernetescluster, shaped by test/unit/builders.ts; one document in
//      ten (index 7, 17, 27, ...) carries an error: a misspelt field, control plane replicas 2, or a
//      bad CIDR, in turn.
//   2. Full validation of that file: our `validateText` against yaml-language-server's
//      `doValidation`, same process, same schema files, interleaved, after warm-up; plus the YAML
//      general parser alone (yaml's parseDocument on the same chunks): what every document would
//      cost without the engine's fast path for plain manifests (src/core/manifest/fast-parse.ts).
//   3. A one-character edit (a name's last letter) at 50 different documents, re-validated with
//      IncrementalValidator after a full validate; yaml-language-server re-validates the whole
//      file for the same edit (that is what it does on every change), timed on every 5th edit.
//   4. activate() of the production dist/extension.js in fresh Node processes with a fake
//      `vscode` module, the load time of dist/language.js, and the sizes of the three bundles.
//   5. Memory of each validator on the 1,000-document file (each in its own fresh process), and
//      our engine on hostile inputs (10 MB file, alias bomb, 10,000-level nesting, 300,000 unknown
//      keys in one map, a 200,000-item list, a 1,000-level compact sequence `- - - a`, binary,
//      2 MB files of every shape against the 200 MB peak RSS target of `validate` (dist/cli-main.js),
//      empty): time, and the peak RSS of a fresh process that validates the input once.
// Times are medians of wall-clock time and of the process's CPU time (user + system, GC threads
// included); on a busy machine the CPU time moves less. The load average is printed at both ends.
//
// How yaml-language-server is set up (the fairest setup found; it is how a user could configure
// the Red Hat YAML extension for these files):
//   - version: the one in node_modules (devDependency; 1.25.0 is the newest that runs on Node 20,
//     2.x needs Node >= 22.13); its programmatic API, getLanguageService + configure, validate only
//     (no hover, completion or format), customTags [], isKubernetes false, YAML 1.2.
//   - schemas: our schemas/*.schema.json files, served by its schemaRequestService from memory
//     under their own $id URLs (no network). One file holds several kinds, and yaml-language-server
//     picks one schema per file (by fileMatch), then validates every document of the file against
//     it. So the file is matched to a small dispatch schema, `allOf` of four `if`/`then`: if
//     apiVersion and kind (and, for Cluster, spec.topology.class) are the kind's, `then` $ref the
//     kind's schema. Each document is thus validated against exactly its kind's schema; the cost
//     added per document is four `if` checks on two or three scalar fields. (anyOf would make it
//     validate every document against every schema and pick the best match: slower and unfair to
//     it. A per-document modeline comment would change the input text. Its Kubernetes mode fetches
//     CRD schemas from a catalog URL by group/kind/version and cannot tell Cluster classes apart.)
//     Resolved schemas are cached by it across runs, as compiled Ajv validators are by ours.
//   - every run hands it a new document version, so it parses again (it caches the parsed file by
//     URI and version); our validateText has no cache either. After each of its timed runs its
//     cache (~60 MB for this file) is released, untimed, by validating an empty version: without
//     that, our runs in the same process paid for its heap (our edits went from ~4 ms to ~20 ms).
//   - both produce full findings, but not the same work: ours also run the rules (CIDR, replicas,
//     names, ...) besides the schema; it also runs its unused-anchor check.
//
// Our engine is bundled from src/core/engine.ts (and test/unit/builders.ts) with esbuild into a
// temporary folder, unminified so that profiles read well; the schemas are inlined as in the
// product's dist/language.js. The production build (`npm run build -- --production`, the
// project's build) is run first, into the normal dist/, and copied at once for step 4.
//
// Environment: BENCH_RUNS (timed runs of each full validation, default 7), BENCH_EDITS (edits in
// step 3, default 50), BENCH_DRIFT=0, BENCH_OVERLAY=0, BENCH_SYNC=0, BENCH_CLUSTERS=0, BENCH_ARGOCD=0 (skip the drift,
// overlay, sync, many-clusters or Argo CD benchmark: scripts/bench-drift.ts, bench-overlay.ts, bench-sync.ts,
// bench-clusters.ts, bench-argocd.ts, which run after this one). `node scripts/run.mjs bench --generate=<file>` writes the 1,000-document file
// only, for profiling (e.g. node --cpu-prof on a script that validates it).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { median, ms } from './lib/bench';
import { REPO as ROOT, runTool, setLogName, toolCommand, type Json, type JsonObject } from './lib/tools';

/** This bundle (out/scripts/bench.mjs), run again for the fresh-process measurements. */
const SELF = fileURLToPath(import.meta.url);
const require = createRequire(path.join(ROOT, 'package.json'));

const TARGET_FULL_RATIO = 0.5;
const TARGET_EDIT_MS = 10;
const RUNS = Number(process.env.BENCH_RUNS) || 7;
const WARMUP = 2;
const EDITS = Number(process.env.BENCH_EDITS) || 50;
const DOCS = 1000;
const BUNDLES = ['extension.js', 'language.js', 'cli.js', 'cli-main.js'];
setLogName('bench');

v8.setFlagsFromString('--expose-gc');
const gc: () => void = vm.runInNewContext('gc');

/** Our engine, bundled at run time from src/core (see bundleCore()). */
type Core = Json;
/** A document of the split file. */
type Chunk = Json;
/** A finding (ours) or a diagnostic (yaml-language-server's). */
type Finding = Json;
type Yls = Awaited<ReturnType<typeof loadYls>>;
/** A timed run: wall and CPU time, and what it returned. */
interface Run<T = unknown> { result: T; wall: number; cpu: number }

// ---- main ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tanzu-gitops-bench-'));
  try {
    const cpus = os.cpus();
    log(`Tanzu GitOps validation benchmark: Node ${process.version}, ${cpus.length} CPU(s) (${cpus[0]?.model ?? '?'}), ${os.platform()} ${os.arch()}`);
    log(`load average at start: ${loadavg()}`);
    log('building: node scripts/run.mjs build --production');
    if (runTool('build', ['--production'], { stdio: ['ignore', 'inherit', 'inherit'] }) !== 0) throw new Error('the production build failed');
    // Measure copies taken right away: another build (npm test, watch) may rewrite dist/ meanwhile.
    const dist = path.join(tmp, 'dist');
    fs.mkdirSync(dist);
    for (const f of BUNDLES) fs.copyFileSync(path.join(ROOT, 'dist', f), path.join(dist, f));
    const corePath = await bundleCore(tmp);
    const core = require(corePath);
    const yls = await loadYls();

    const text = generateFile(core, DOCS, 1);
    const textPath = path.join(tmp, 'clusters-1000.yaml');
    fs.writeFileSync(textPath, text);
    const chunks = core.splitDocuments(text);
    log(`generated: ${chunks.length} documents, ${text.split('\n').length} lines, ${kb(Buffer.byteLength(text))} (seed 1)`);

    const rows: string[][] = [];

    const full = await fullValidation(core, yls, text, chunks, rows);
    // 3. One-character edits.
    log(`incremental: ${EDITS} one-character edits at different documents`);
    const edit = await incrementalEdits(core, yls, text);
    rows.push(['one-char edit, 1,000 docs', 'ours IncrementalValidator', ms(edit.ours.wall), ms(edit.ours.cpu), `wall p90 ${ms(edit.oursP90)}, max ${ms(edit.oursMax)}; ${edit.validatedNote}`]);
    rows.push(['', 'yaml-language-server (whole file)', ms(edit.theirs.wall), ms(edit.theirs.cpu), `${edit.theirsRuns} of the edits timed (every ${edit.theirsEvery}th): it re-validates the whole file on each`]);
    rows.push(['', 'ratio ours/theirs', `${(edit.ours.wall / edit.theirs.wall).toFixed(3)}x`, `${(edit.ours.cpu / edit.theirs.cpu).toFixed(3)}x`, `target: ours <= ${TARGET_EDIT_MS} ms`]);
    rows.push(['', 'first validate (empty cache)', ms(edit.firstFull.wall), ms(edit.firstFull.cpu), 'IncrementalValidator.validate of the unedited file (schemas already compiled)']);

    const act = activation(dist, rows);
    const memory = memoryRows(corePath, textPath, yls.version, rows);
    hostileRows(core, corePath, tmp, rows);
    printTable(rows);
    const met = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
    const busy = os.loadavg()[0] > cpus.length;
    log('');
    log('==== summary ====');
    log(`full validation, 1,000 docs:  ours ${ms(full.ours.wall)} vs yaml-language-server ${yls.version} ${ms(full.theirs.wall)}: ratio ${full.ratio.toFixed(2)}x (CPU time ${full.cpuRatio.toFixed(2)}x); target <= ${TARGET_FULL_RATIO}x: ${met(full.ratio <= TARGET_FULL_RATIO)}`);
    log(`                              the general YAML parser alone would take ${ms(full.floor.wall)} (${(full.floor.wall / full.ours.wall).toFixed(1)}x ours, ${(full.floor.wall / full.theirs.wall).toFixed(2)}x theirs)`);
    log(`one-character edit (median):  ours ${ms(edit.ours.wall)} (CPU ${ms(edit.ours.cpu)}) vs yaml-language-server ${ms(edit.theirs.wall)}: ratio ${(edit.ours.wall / edit.theirs.wall).toFixed(3)}x; target <= ${TARGET_EDIT_MS} ms: ${met(edit.ours.wall <= TARGET_EDIT_MS)}`);
    log(`activate():                   ${ms(act.activationMed, 3)} returned by activate(), ${ms(act.wallMed)} require+activate; dist/extension.js ${kb(fs.statSync(path.join(dist, 'extension.js')).size)} (no target set)`);
    log(`peak RSS, 1,000 docs:         ours +${mb(memory.ours.peakRssDelta)} (incremental +${mb(memory['ours-incremental'].peakRssDelta)}) vs yaml-language-server +${mb(memory.theirs.peakRssDelta)} (no target set)`);
    log(`hostile inputs:               all bounded (times, peak RSS and findings above; not assertions); 2 MB of any shape: peak RSS target < ${mb(TARGET_2MB_RSS)} per row`);
    log(`load average at end: ${loadavg()}${busy ? `: the machine was busy (more runnable processes than its ${cpus.length} CPUs), so wall times are noisy; the CPU-time column is less affected` : ''}`);
    log(`bench took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** 2. Full validation, interleaved: ours, yaml-language-server, and the YAML parser alone; their rows. */
async function fullValidation(core: Core, yls: Yls, text: string, chunks: Chunk[], rows: string[][]) {
  // 2. Full validation, interleaved; yaml-language-server's cache of the parsed file is
  // released after each of its runs, so that neither validator runs beside the other's garbage.
  log(`full validation: ${WARMUP} warm-up + ${RUNS} timed runs each, interleaved`);
  const ours: Run[] = [];
  const theirs: Run[] = [];
  const floor: Run[] = [];
  let oursFindings: Finding[] = [];
  let theirsDiags: Finding[] = [];
  const parseOptions = { prettyErrors: false, uniqueKeys: true, strict: true, keepSourceTokens: false };
  for (let i = 0; i < WARMUP + RUNS; i++) {
    gc();
    const o = timeSync(() => core.validateText(text));
    oursFindings = o.result;
    gc();
    const y = await timeAsync(() => yls.validate(text));
    theirsDiags = y.result;
    await yls.release();
    gc();
    const f = timeSync(() => { for (const c of chunks) core.parseDocument(c.text, parseOptions); });
    if (i >= WARMUP) { ours.push(o); theirs.push(y); floor.push(f); }
  }
  const m = { ours: med(ours), theirs: med(theirs), floor: med(floor) };
  const full = { ...m, ratio: m.ours.wall / m.theirs.wall, cpuRatio: m.ours.cpu / m.theirs.cpu };
  rows.push(['full validation, 1,000 docs', 'ours validateText', ms(full.ours.wall), ms(full.ours.cpu), `wall min ${ms(min(ours))}, max ${ms(max(ours))}; ${describeOurs(oursFindings)}`]);
  rows.push(['', `yaml-language-server ${yls.version}`, ms(full.theirs.wall), ms(full.theirs.cpu), `wall min ${ms(min(theirs))}, max ${ms(max(theirs))}; ${theirsDiags.length} diagnostics`]);
  rows.push(['', 'ratio ours/theirs', `${full.ratio.toFixed(2)}x`, `${full.cpuRatio.toFixed(2)}x`, `target <= ${TARGET_FULL_RATIO}x`]);
  rows.push(['', 'yaml parseDocument only', ms(full.floor.wall), ms(full.floor.cpu), `the general YAML parser alone on the same 1,000 chunks (no validation), which the fast path spares plain manifests: ${(full.floor.wall / full.ours.wall).toFixed(1)}x ours`]);
  // Which documents each flagged, leaving out our deprecated-api warnings (v1alpha1 and v1alpha3
  // are deprecated APIs: true, but not a planted error).
  const planted = (d: number) => d % 10 === 7;
  const flaggedDocs = (items: Finding[]) => new Set<number>(items.filter((x) => x.code !== 'deprecated-api').map((x) => docIndexAt(chunks, x.range.start.line)));
  const oursDocs = flaggedDocs(oursFindings);
  const theirsDocs = flaggedDocs(theirsDiags);
  const plantedCount = chunks.filter((_, d) => planted(d)).length;
  const hits = (docs: Set<number>) => `${[...docs].filter(planted).length}/${plantedCount}`;
  const others = (docs: Set<number>) => [...docs].filter((d) => !planted(d)).length;
  rows.push(['', 'planted errors found', `${hits(oursDocs)} / ${hits(theirsDocs)}`, '',
    `documents with a planted error that got a finding, ours / theirs (a schema alone can see only the ${chunks.filter((_, d) => planted(d) && Math.floor(d / 10) % 3 === 0).length} misspelt fields); findings on clean documents: ${others(oursDocs)} / ${others(theirsDocs)}; schema findings: ${oursFindings.filter((f) => f.code === 'schema').length} / ${theirsDiags.length}`]);
  return full;
}

/** 4. activate() and the bundle sizes; their rows. */
function activation(dist: string, rows: string[][]) {
  // 4. activate() and bundle sizes.
  log('activate: 7 fresh processes');
  const act = activationRuns(7, dist);
  rows.push(['activate()', 'activationMs (returned)', ms(act.activationMed, 3), '', `median of ${act.runs} fresh processes; min ${ms(act.activationMin, 3)}`]);
  rows.push(['', 'require + activate (wall)', ms(act.wallMed), '', 'cold require of dist/extension.js in a fresh process, then activate()']);
  rows.push(['', 'require dist/language.js (wall)', ms(act.languageMed), '', 'paid once, on first use after activation (module load only: engine, yaml, Ajv, schemas)']);
  for (const f of BUNDLES) {
    rows.push([f === 'extension.js' ? 'bundle size' : '', `dist/${f}`, kb(fs.statSync(path.join(dist, f)).size), '', 'production build (minified)']);
  }
  return act;
}

/** 5a. Memory, each validator alone in a fresh process; their rows. */
function memoryRows(corePath: string, textPath: string, ylsVersion: string, rows: string[][]) {
  // 5a. Memory, each validator alone in a fresh process.
  log('memory: each validator in its own process');
  const memory: Record<string, Json> = {};
  for (const [which, label] of [['ours', 'ours validateText'], ['ours-incremental', 'ours IncrementalValidator'], ['theirs', `yaml-language-server ${ylsVersion}`]]) {
    const m = memoryRun(which, corePath, textPath);
    memory[which] = m;
    rows.push([which === 'ours' ? 'memory, 1,000 docs' : '', label, mb(m.peakRssDelta), '',
      `peak RSS over the warmed-up baseline; heapUsed +${mb(m.heapAfter)} just after, +${mb(m.heapRetained)} still held after GC; process peak RSS ${mb(m.maxRss)}`]);
  }
  return memory;
}

/** 5b. Hostile inputs, ours only; their rows. */
function hostileRows(core: Core, corePath: string, tmp: string, rows: string[][]): void {
  // 5b. Hostile inputs, ours only.
  log('hostile inputs (ours only)');
  const hostile = hostileInputs(core);
  for (const h of hostile.inputs) {
    const times: Run[] = [];
    let findings: Finding[] = [];
    for (let i = 0; i < h.runs; i++) {
      gc();
      const t = timeSync(() => core.validateText(h.text));
      findings = t.result;
      times.push(t);
    }
    const m = med(times);
    const file = path.join(tmp, 'hostile.yaml');
    fs.writeFileSync(file, h.text);
    const peak = memoryRun('ours', corePath, file);
    // the target is the command line's: `validate` writes each document's findings and lets them go
    let target = '';
    if (h.target) {
      const cli = cliPeak(path.join(tmp, 'dist', 'cli-main.js'), file);
      target = `, validateText in one process (holds every finding); \`validate\` (dist/cli-main.js, the command line's main) peak RSS ${mb(cli.maxRss)}, exit ${cli.code} (target < ${mb(TARGET_2MB_RSS)}: ${cli.maxRss < TARGET_2MB_RSS ? 'MET' : 'NOT MET'})`;
    }
    rows.push([h.first ? 'hostile input (ours)' : '', `${h.name} (${kb(h.text.length)})`, ms(m.wall), ms(m.cpu), `median of ${h.runs}; peak RSS ${mb(peak.maxRss)} (+${mb(peak.peakRssDelta)})${target}; ${describeHostile(findings, h.countOnly)}`]);
    if (h.first) {
      const big = bigFileEdits(core, hostile.bigDocs, 10);
      rows.push(['', '10 MB file, one-char edit', ms(big.wall), ms(big.cpu), `IncrementalValidator, median of ${big.n} edits after a full validate: ${big.validatedNote}`]);
    }
  }
}

/** Wall and CPU time (user + system, all threads of the process, so GC helpers too) of fn. */
function timeSync<T>(fn: () => T): Run<T> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { result, wall, cpu: (c.user + c.system) / 1000 };
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<Run<T>> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { result, wall, cpu: (c.user + c.system) / 1000 };
}

/** Medians of wall and CPU time, each on its own. */
function med(ts: Run[]): { wall: number; cpu: number } {
  return { wall: median(ts.map((t) => t.wall)), cpu: median(ts.map((t) => t.cpu)) };
}

function min(ts: Run[]): number {
  return Math.min(...ts.map((t) => t.wall));
}

function max(ts: Run[]): number {
  return Math.max(...ts.map((t) => t.wall));
}

function loadavg(): string {
  return os.loadavg().map((x) => x.toFixed(2)).join(', ');
}

// ---- our engine ---------------------------------------------------------------------------------

async function bundleCore(tmp: string): Promise<string> {
  const esbuild = require('esbuild');
  const outfile = path.join(tmp, 'bench-core.cjs');
  await esbuild.build({
    stdin: {
      contents: "export * from './src/core/engine';\nexport { splitDocuments } from './src/core/manifest/split';\nexport * as builders from './test/unit/builders';\nexport { parseDocument } from 'yaml';\n",
      resolveDir: ROOT,
      sourcefile: 'bench-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

function describeOurs(findings: Finding[]): string {
  const byCode = new Map<string, number>();
  for (const f of findings) byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
  return `${findings.length} findings (${[...byCode].map(([c, n]) => `${c} ${n}`).join(', ')})`;
}

function describeHostile(findings: Finding[], countOnly?: boolean): string {
  if (findings.length === 0) return 'no finding';
  if (countOnly) return describeOurs(findings);
  const f = findings[0];
  const last = findings[findings.length - 1];
  if (last.code === 'more-findings') return `${findings.length} findings kept; the last: ${last.message}`;
  const more = findings.length > 1 ? ` (+${findings.length - 1} more)` : '';
  return `${f.code}: ${f.message.length > 110 ? `${f.message.slice(0, 107)}...` : f.message}${more}`;
}

/** Index of the document (chunk) holding a line, for counting flagged documents. */
function docIndexAt(chunks: Chunk[], line: number): number {
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (chunks[mid].startLine <= line) lo = mid; else hi = mid - 1;
  }
  return lo;
}

// ---- yaml-language-server -----------------------------------------------------------------------

const DISPATCH_ID = 'https://tanzu-gitops.dev/bench/by-kind.schema.json';
const SCHEMA_IDS = ['tkc-v1alpha1', 'tkc-v1alpha2', 'tkc-v1alpha3', 'cluster-v1beta1-tanzukubernetescluster'];

/** The schema files by their $id, plus the dispatch schema that picks one per document. */
function schemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const idOf: Record<string, string> = {};
  for (const id of SCHEMA_IDS) {
    const content = fs.readFileSync(path.join(ROOT, 'schemas', `${id}.schema.json`), 'utf8');
    idOf[id] = JSON.parse(content).$id;
    files.set(idOf[id], content);
  }
  const tkc = (v: string) => ({
    if: { required: ['apiVersion', 'kind'], properties: { apiVersion: { const: `run.tanzu.vmware.com/${v}` }, kind: { const: 'TanzuKubernetesCluster' } } },
    then: { $ref: idOf[`tkc-${v}`] },
  });
  const dispatch = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: DISPATCH_ID,
    title: 'Tanzu manifests: each document against its kind\'s schema',
    allOf: [
      tkc('v1alpha1'),
      tkc('v1alpha2'),
      tkc('v1alpha3'),
      {
        if: {
          required: ['apiVersion', 'kind', 'spec'],
          properties: {
            apiVersion: { const: 'cluster.x-k8s.io/v1beta1' },
            kind: { const: 'Cluster' },
            spec: { required: ['topology'], properties: { topology: { required: ['class'], properties: { class: { const: 'tanzukubernetescluster' } } } } },
          },
        },
        then: { $ref: idOf['cluster-v1beta1-tanzukubernetescluster'] },
      },
    ],
  };
  files.set(DISPATCH_ID, JSON.stringify(dispatch));
  return files;
}

async function loadYls() {
  let ylsModule: Json;
  let TextDocument: Json;
  let version: string;
  try {
    ylsModule = require('yaml-language-server');
    ({ TextDocument } = require('vscode-languageserver-textdocument'));
    version = require('yaml-language-server/package.json').version;
  } catch (err) {
    throw new Error(`yaml-language-server is not installed (npm install --save-dev yaml-language-server@1.25.0): ${(err as Error).message}`);
  }
  const files = schemaFiles();
  const ls = ylsModule.getLanguageService({
    schemaRequestService: async (uri: string) => {
      const content = files.get(uri);
      if (content === undefined) throw new Error(`bench: no schema ${uri}`);
      return content;
    },
    workspaceContext: { resolveRelativePath: (rel: string, resource: string) => new URL(rel, resource).href },
  });
  ls.configure({
    validate: true,
    hover: false,
    completion: false,
    format: false,
    isKubernetes: false,
    customTags: [],
    yamlVersion: '1.2',
    schemas: [{ uri: DISPATCH_ID, fileMatch: ['*.yaml'] }],
  });
  let docVersion = 0;
  const uri = 'file:///bench/clusters.yaml';
  return {
    version,
    /** One full validation of a new version of the file (it reparses, as after any edit). */
    validate: (text: string): Promise<Finding[]> => ls.doValidation(TextDocument.create(uri, 'yaml', ++docVersion, text), false),
    /**
     * Drops its cache of the parsed file (it keeps the last version of each URI, ~60 MB for the
     * 1,000-document file) by validating an empty version: not timed, only so that our runs in the
     * same process do not pay for its garbage. Its next validate reparses anyway (new version).
     */
    release: (): Promise<Finding[]> => ls.doValidation(TextDocument.create(uri, 'yaml', ++docVersion, ''), false),
  };
}

// ---- generator ----------------------------------------------------------------------------------

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VM_CLASSES = ['best-effort-small', 'best-effort-medium', 'best-effort-large', 'guaranteed-medium', 'guaranteed-xlarge'];
const STORAGE = ['vsan-default', 'vsan-gold', 'wcp-storage-policy'];
const NAMESPACES = ['team-a', 'team-b', 'platform', 'prod-east', 'prod-west', 'staging'];
const TKRS = ['v1.21.6---vmware.1-tkg.1.b3d708a', 'v1.23.8---vmware.2-tkg.2-zshippable', 'v1.24.11---vmware.1-fips.1-tkg.1'];
const CLUSTER_VERSIONS = ['v1.25.7---vmware.3-fips.1-tkg.1', 'v1.26.5---vmware.2-fips.1-tkg.1', 'v1.27.11---vmware.1-fips.1-tkg.2'];
const PODS = ['192.168.0.0/16', '172.20.0.0/16', '100.96.0.0/11', '192.168.144.0/20'];
const SERVICES = ['10.96.0.0/12', '10.112.0.0/12', '172.31.0.0/16'];

/** Documents of `count` clusters (doc i's form and values come from the seed), joined with `---`. */
function generateDocs(core: Core, count: number, seed: number, first = 0): string[] {
  const b = core.builders;
  const rand = rng(seed + first * 7919);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const docs: string[] = [];
  for (let n = first; n < first + count; n++) {
    const name = `cluster-${String(n).padStart(5, '0')}`;
    const meta = { name, namespace: pick(NAMESPACES), labels: { env: pick(['dev', 'test', 'prod']), team: pick(['a', 'b', 'c']) } };
    const vmClass = pick(VM_CLASSES);
    const storageClass = pick(STORAGE);
    const network: JsonObject = { pods: { cidrBlocks: [pick(PODS)] }, services: { cidrBlocks: [pick(SERVICES)] } };
    const error = n % 10 === 7 ? ['misspelt', 'replicas', 'cidr'][Math.floor(n / 10) % 3] : undefined;
    const r = rand();
    let doc: JsonObject;
    if (r < 0.15) {
      const topology: JsonObject = {
        controlPlane: { count: pick([1, 3]), class: vmClass, storageClass },
        workers: { count: int(1, 8), class: pick(VM_CLASSES), storageClass },
      };
      if (error === 'replicas') topology.controlPlane.count = 2;
      if (error === 'misspelt') { topology.workers.storageClas = topology.workers.storageClass; delete topology.workers.storageClass; }
      if (error === 'cidr') network.pods.cidrBlocks = ['192.168.0.0/33'];
      doc = b.tkcV1alpha1({ topology, distribution: { version: pick(['v1.20', 'v1.21', 'v1.20.8']) }, settings: { network } }, meta);
    } else if (r < 0.8) {
      const v3 = r >= 0.5;
      const pools = Array.from({ length: int(1, 3) }, (_, p) => {
        const pool: JsonObject = { name: `np-${p}`, replicas: int(1, 6), vmClass: pick(VM_CLASSES), storageClass };
        if (rand() < 0.3) pool.labels = { workload: pick(['web', 'batch', 'gpu']) };
        if (rand() < 0.2) pool.taints = [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }];
        if (rand() < 0.3) pool.volumes = [{ name: 'containerd', mountPath: '/var/lib/containerd', capacity: { storage: `${int(2, 8) * 10}Gi` } }];
        if (v3 && rand() < 0.4) pool.failureDomain = pick(['zone-1', 'zone-2', 'zone-3']);
        return pool;
      });
      const controlPlane: JsonObject = { replicas: pick([1, 3, 3]), vmClass, storageClass, tkr: { reference: { name: pick(TKRS) } } };
      if (error === 'replicas') controlPlane.replicas = 2;
      if (error === 'misspelt') { pools[0].vmClas = pools[0].vmClass; delete pools[0].vmClass; }
      if (error === 'cidr') network.services.cidrBlocks = ['10.96.0.300/12'];
      const spec = { topology: { controlPlane, nodePools: pools }, settings: { network: { ...network, cni: { name: 'antrea' } } } };
      doc = v3 ? b.tkcV1alpha3(spec, meta) : b.tkcV1alpha2(spec, meta);
    } else {
      const deployments: JsonObject[] = Array.from({ length: int(1, 3) }, (_, p) => ({ class: 'node-pool', name: `np-${p}`, replicas: int(1, 6) }));
      const topology: JsonObject = {
        version: pick(CLUSTER_VERSIONS),
        controlPlane: { replicas: pick([1, 3, 3]) },
        workers: { machineDeployments: deployments },
        variables: [{ name: 'vmClass', value: vmClass }, { name: 'storageClass', value: storageClass }],
      };
      const clusterNetwork: JsonObject = { ...network, serviceDomain: 'cluster.local' };
      if (error === 'replicas') topology.controlPlane.replicas = 2;
      if (error === 'misspelt') { deployments[0].replica = deployments[0].replicas; delete deployments[0].replicas; }
      if (error === 'cidr') clusterNetwork.pods.cidrBlocks = ['192.168.256.0/20'];
      doc = b.clusterTkc({ topology, clusterNetwork }, meta);
    }
    docs.push(b.yaml(doc));
  }
  return docs;
}

function generateFile(core: Core, count: number, seed: number): string {
  return generateDocs(core, count, seed).join('---\n');
}

/** `--generate=<file>`: writes the 1,000-document file only (for profiling, e.g. with node --cpu-prof). */
async function writeGenerated(file: string): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tanzu-gitops-bench-'));
  try {
    const core = require(await bundleCore(tmp));
    fs.writeFileSync(file, generateFile(core, DOCS, 1));
    log(`wrote ${file}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---- 3. incremental edits -----------------------------------------------------------------------

async function incrementalEdits(core: Core, yls: Yls, text: string) {
  const docs = text.split(/^---\n/m);
  const v = new core.IncrementalValidator();
  gc();
  const firstFull = timeSync(() => v.validate(text));
  const ours: Run[] = [];
  const theirs: Run[] = [];
  const validatedCounts = new Set<number>();
  // Warm the edit path once (not timed), on the last document, which no timed edit touches.
  const warm = [...docs];
  warm[docs.length - 1] = oneCharEdit(warm[docs.length - 1]);
  v.validate(warm.join('---\n'));
  v.validate(text);
  // It takes about its full-validation time on every edit: time every 5th edit only.
  const theirsEvery = Math.max(1, Math.floor(EDITS / 10));
  for (let i = 0; i < EDITS; i++) {
    const k = (i * 37 + 11) % (docs.length - 1); // different documents spread over the file
    docs[k] = oneCharEdit(docs[k]);
    const edited = docs.join('---\n');
    // No forced GC before our edits (the editor has none either); one after each of its runs.
    ours.push(timeSync(() => v.validate(edited)));
    validatedCounts.add(v.lastStats.validated);
    if (i % theirsEvery === 0) {
      gc();
      theirs.push(await timeAsync(() => yls.validate(edited)));
      await yls.release();
      gc();
    }
  }
  const sorted = ours.map((t) => t.wall).sort((a, b) => a - b);
  return {
    firstFull,
    ours: med(ours),
    oursP90: sorted[Math.floor(sorted.length * 0.9)],
    oursMax: sorted[sorted.length - 1],
    theirs: med(theirs),
    theirsRuns: theirs.length,
    theirsEvery,
    validatedNote: `documents re-validated per edit: ${[...validatedCounts].join(', ')} (of ${docs.length})`,
  };
}

/** Changes the last character of the document's metadata.name (a different letter each time). */
function oneCharEdit(doc: string): string {
  return doc.replace(/^( {2}name: \S*)(\S)$/m, (_, head, last) => head + (last === 'x' ? 'y' : 'x'));
}

// ---- 4. activate() ------------------------------------------------------------------------------

function activationRuns(n: number, dist: string) {
  const results: { activationMs: number; wallMs: number; languageMs: number }[] = [];
  for (let i = 0; i < n; i++) {
    const r = spawnSync(process.execPath, [SELF, '--child=activate', dist], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`activate child failed: ${r.stderr || r.stdout}`);
    results.push(JSON.parse(r.stdout.trim().split('\n').pop() ?? ''));
  }
  return {
    runs: n,
    activationMed: median(results.map((r) => r.activationMs)),
    activationMin: Math.min(...results.map((r) => r.activationMs)),
    wallMed: median(results.map((r) => r.wallMs)),
    languageMed: median(results.map((r) => r.languageMs)),
  };
}

/**
 * In a fresh process: require dist/extension.js with a FAKE `vscode` module and call activate().
 * The fake is for measuring only: it holds just what activate() touches, and proves nothing about
 * the extension's behaviour in VS Code (the editor suites do that).
 */
function childActivate(): void {
  const noopDisposable = () => ({ dispose() {} });
  const fakeVscode = {
    languages: {
      registerCodeActionsProvider: noopDisposable,
      registerCompletionItemProvider: noopDisposable,
      registerHoverProvider: noopDisposable,
      registerCodeLensProvider: noopDisposable,
    },
    commands: { registerCommand: noopDisposable, executeCommand: async () => undefined },
    window: {
      createOutputChannel: noopDisposable, createTreeView: noopDisposable, registerWebviewPanelSerializer: noopDisposable,
      createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
    },
    StatusBarAlignment: { Left: 1, Right: 2 },
    MarkdownString: class { constructor(readonly value = '') {} },
    workspace: { onDidChangeConfiguration: noopDisposable, getConfiguration: () => ({ get: (_key: string, fallback: unknown) => fallback }) },
    EventEmitter: class { event = noopDisposable; fire() {} dispose() {} },
    CodeActionKind: { QuickFix: { value: 'quickfix' } },
    // Read at load time by dist/language.js (its severity table), for the module-load timing only.
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  };
  // Module._load is Node's internal loader (not in its types): the one place a request for `vscode` can be answered.
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const originalLoad = loader._load;
  loader._load = function load(this: unknown, request: string, ...rest: unknown[]) {
    return request === 'vscode' ? fakeVscode : originalLoad.call(this, request, ...rest);
  };
  const t0 = performance.now();
  const dist = process.argv[3];
  const ext = require(path.join(dist, 'extension.js'));
  const context: { subscriptions: { dispose(): void }[]; extensionPath: string; extensionUri: { fsPath: string } } = { subscriptions: [], extensionPath: ROOT, extensionUri: { fsPath: ROOT } };
  const { activationMs } = ext.activate(context);
  const wallMs = performance.now() - t0;
  // Disposing clears the timer that would load the language features (they need the real API).
  for (const d of context.subscriptions) d.dispose();
  let languageMs = NaN;
  try {
    const t1 = performance.now();
    require(path.join(dist, 'language.js'));
    languageMs = performance.now() - t1;
  } catch {
    // language.js touching more of the API at load time than the fake has: reported as n/a.
  }
  process.stdout.write(`${JSON.stringify({ activationMs, wallMs, languageMs })}\n`);
}

// ---- 5. memory ----------------------------------------------------------------------------------

function memoryRun(which: string, corePath: string, textPath: string) {
  const r = spawnSync(process.execPath, [SELF, '--child=memory', which, corePath, textPath], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`memory child (${which}) failed: ${r.stderr || r.stdout}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
}

/** `tanzu-gitops validate <file>` of the production bundle (cli-main.js, the command line's `main`) in a fresh process, its output discarded: its exit code and peak RSS. */
function cliPeak(cliPath: string, textPath: string): { code: number; maxRss: number } {
  const r = spawnSync(process.execPath, [SELF, '--child=cli', cliPath, textPath], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`validate child failed: ${r.stderr || r.stdout}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
}

async function childCli(cliPath: string, textPath: string): Promise<void> {
  const cli = require(cliPath);
  const code = await cli.main(['validate', textPath], () => undefined, () => undefined);
  process.stdout.write(`${JSON.stringify({ code, maxRss: process.resourceUsage().maxRSS * 1024 })}\n`);
}

/** In a fresh process: load one validator, warm it on a small file, then validate the big one once. */
async function childMemory(which: string, corePath: string, textPath: string): Promise<void> {
  const core = require(corePath);
  const text = fs.readFileSync(textPath, 'utf8');
  const small = generateFile(core, 20, 99);
  let run: (t: string) => Promise<Finding[]>;
  if (which === 'ours') {
    run = async (t) => core.validateText(t);
  } else if (which === 'ours-incremental') {
    const v = new core.IncrementalValidator();
    run = async (t) => v.validate(t);
  } else {
    const yls = await loadYls();
    run = (t) => yls.validate(t);
  }
  await run(small);
  await run(small);
  gc();
  gc();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  const result = await run(text);
  const heapAfter = process.memoryUsage().heapUsed - heap0;
  const maxRss = process.resourceUsage().maxRSS * 1024;
  gc();
  gc();
  const heapRetained = process.memoryUsage().heapUsed - heap0;
  process.stdout.write(`${JSON.stringify({ which, results: result.length, peakRssDelta: maxRss - rss0, maxRss, heapAfter, heapRetained })}\n`);
}

// ---- 5b. hostile inputs -------------------------------------------------------------------------

interface Hostile { name: string; text: string; runs: number; countOnly?: boolean; first?: boolean; target?: boolean }

/** The peak memory allowed for validating a 2 MB file of any shape. */
const TARGET_2MB_RSS = 200 * 1024 * 1024;

/** About 2 MB of `head` then `unit(i)` for i = 0, 1, ... */
function twoMb(head: string, unit: (i: number) => string): string {
  const parts = [head];
  let n = head.length;
  for (let i = 0; n < 2 * 1024 * 1024; i++) {
    const u = unit(i);
    parts.push(u);
    n += u.length;
  }
  return parts.join('');
}

/** 2 MB files of every shape, each validated within TARGET_2MB_RSS (those over 10,000 entries a document are refused as too large). */
function twoMbInputs(): Hostile[] {
  const head = 'apiVersion: run.tanzu.vmware.com/v1alpha3\nkind: TanzuKubernetesCluster\nmetadata:\n  name: big\n  namespace: ns\n';
  const pools = `${head}spec:\n  topology:\n    nodePools:\n`;
  const justUnder = (unit: (i: number) => string, perUnit: number) => {
    const one = [pools];
    for (let i = 0; i < Math.floor(9_900 / perUnit); i++) one.push(unit(i));
    return twoMb('', () => `${one.join('')}---\n`);
  };
  const t = (name: string, text: string): Hostile => ({ name: `2 MB: ${name}`, text, runs: 1, target: true });
  return [
    t('unknown keys in one map', twoMb(`${head}spec:\n`, (i) => `  k${i}: 1\n`)),
    t('a list of scalars', twoMb(pools, () => '    - x\n')),
    t('node-pool maps', twoMb(pools, (i) => `    - name: p${i}\n      replicas: 1\n`)),
    t('node-pool flow maps', twoMb(pools, (i) => `    - {name: p${i}}\n`)),
    t('documents of 9,900 entries, node-pool flow maps', justUnder((i) => `    - {name: p${i}}\n`, 3)),
    t('documents of 9,900 entries, a list', justUnder(() => '    - x\n', 1)),
    t('many small documents', twoMb('', (i) => `---\n${head.replace('name: big', `name: c${i}`)}spec:\n  topology:\n    controlPlane:\n      replicas: 2\n`)),
    t('one long string', `${head}spec:\n  x: "${'a'.repeat(2 * 1024 * 1024)}"\n`),
    t('long lines', twoMb(`${head}spec:\n`, (i) => `  k${i}: ${'b'.repeat(1000)}\n`)),
    t('deep block nesting', twoMb(`${head}spec:\n`, (i) => `${' '.repeat(2 + 2 * (i % 150))}k${i}:\n`)),
    t('compact sequence (- - - a)', `${head}spec:\n  x:\n  ${'- '.repeat(1024 * 1024 - 200)}a\n`),
  ];
}

function hostileInputs(core: Core): { inputs: Hostile[]; bigDocs: string[] } {
  const inputs: Hostile[] = [];
  // About 10 MB of clusters (same generator, more documents).
  const big: string[] = [];
  let size = 0;
  for (let first = 0; size < 10 * 1024 * 1024; first += 1000) {
    const docs = generateDocs(core, 1000, 2, first);
    for (const d of docs) {
      big.push(d);
      size += d.length + 4;
      if (size >= 10 * 1024 * 1024) break;
    }
  }
  inputs.push({ name: `10 MB file, ${big.length} docs`, text: big.join('---\n'), runs: 3, countOnly: true, first: true });
  const bigDocs = big;

  const head = 'apiVersion: run.tanzu.vmware.com/v1alpha2\nkind: TanzuKubernetesCluster\nmetadata:\n  name: bomb\n';
  const lol = ['  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lol.push(`  ${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  inputs.push({ name: 'alias bomb (9^9 lols)', text: `${head}spec:\n${lol.join('\n')}\n`, runs: 5 });
  inputs.push({ name: '10,000-level flow sequence', text: `${head}spec:\n  topology: ${'['.repeat(10000)}${']'.repeat(10000)}\n`, runs: 5 });
  const keys = [head, 'spec:\n'];
  for (let i = 0; i < 300_000; i++) keys.push(`  k${i}: 1\n`);
  inputs.push({ name: '300,000 unknown keys in one map', text: keys.join(''), runs: 3 });
  const list = [head, 'spec:\n  topology:\n    nodePools:\n'];
  for (let i = 0; i < 200_000; i++) list.push('    - x\n');
  inputs.push({ name: '200,000-item list', text: list.join(''), runs: 3 });
  inputs.push({ name: '1,000-level compact sequence (- - - a)', text: `${head}spec:\n  x:\n  ${'- '.repeat(1000)}a\n`, runs: 5 });
  inputs.push({ name: 'flow sequence, bare (not ours)', text: `${'['.repeat(10000)}${']'.repeat(10000)}\n`, runs: 5 });
  const rand = rng(7);
  let bin = '';
  for (let i = 0; i < 1024 * 1024; i++) bin += String.fromCharCode(Math.floor(rand() * 256));
  inputs.push({ name: 'binary, random bytes with NULs', text: bin, runs: 5 });
  inputs.push({ name: 'empty file', text: '', runs: 5 });
  inputs.push(...twoMbInputs());
  return { inputs, bigDocs };
}

/** One-character edits in the 10 MB file: what a keystroke costs when the file is huge. */
function bigFileEdits(core: Core, bigDocs: string[], n: number) {
  const docs = [...bigDocs];
  const v = new core.IncrementalValidator();
  v.validate(docs.join('---\n'));
  const times: Run[] = [];
  const validated = new Set<number>();
  for (let i = 0; i < n; i++) {
    const k = (i * 397 + 11) % docs.length;
    docs[k] = oneCharEdit(docs[k]);
    const edited = docs.join('---\n');
    times.push(timeSync(() => v.validate(edited)));
    validated.add(v.lastStats.validated);
  }
  return { ...med(times), n, validatedNote: `documents re-validated per edit: ${[...validated].join(', ')} (of ${docs.length})` };
}

// ---- output -------------------------------------------------------------------------------------

function printTable(rows: string[][]): void {
  const header = ['measure', 'subject', 'wall', 'CPU', 'notes'];
  const widths = [0, 1, 2, 3].map((c) => Math.max(header[c].length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padStart(widths[2])}  ${r[3].padStart(widths[3])}  ${r[4]}`;
  log('');
  log('Times are medians (wall clock, and CPU time of the whole process: user + system, GC threads included).');
  log(line(header));
  log(line(widths.map((w) => '-'.repeat(w)).concat('-----')));
  for (const r of rows) log(line(r));
}

function kb(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(0)} KB`;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function log(s: string): void {
  process.stdout.write(`${s}\n`);
}

// ---- entry (last, so that every const above is initialised) ------------------------------------

const child = process.argv.find((a) => a.startsWith('--child='))?.slice('--child='.length);
const generateTo = process.argv.find((a) => a.startsWith('--generate='))?.slice('--generate='.length);
if (generateTo) await writeGenerated(generateTo);
else if (child === 'activate') childActivate();
else if (child === 'memory') await childMemory(process.argv[3], process.argv[4], process.argv[5]);
else if (child === 'cli') await childCli(process.argv[3], process.argv[4]);
else {
  await main();
  // The Supervisor benchmarks, each in its own process so that no run disturbs another, in this
  // order; BENCH_<NAME>=0 skips one: drift (our drift engine beside kubectl diff), overlay (a
  // Kustomize overlay), sync, clusters (three workload clusters), argocd (diff --argocd-app).
  for (const name of ['drift', 'overlay', 'sync', 'clusters', 'argocd']) {
    if (process.env[`BENCH_${name.toUpperCase()}`] === '0') continue;
    log('');
    const [cmd, args] = toolCommand(`bench-${name}`);
    const r = spawnSync(cmd, args, { stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = r.status ?? 1;
  }
}
