/**
 * The command-line tool: the same engine as the editor, for CI pipelines.
 *   tanzu-gitops validate [--format text|json|sarif] [--disable ID,...]
 *                         [--kubeconfig F] [--context C] [--namespace N] <file or folder>...
 * Exit 0: no errors (warnings allowed); 1: errors found; 2: a requested check could not run (an
 * unreadable file, a check that failed on a document, no facts from the Supervisor when live
 * checks were asked for), or a usage error. With --format json, stdout always holds JSON.
 *   tanzu-gitops diff [--kubeconfig F] [--context C] [--namespace N] [--revision REV]
 *                     [--format text|json] <path>            (see diff.ts)
 *   tanzu-gitops sync [--kubeconfig F] [--context C] [--namespace N] [--dry-run] [--prune] [--yes]
 *                     [--force-conflicts] [--argocd-app NAME [--argocd-namespace NS]] [--wait]
 *                     [--timeout DURATION] [--format text|json] <path>   (see sync.ts)
 *   tanzu-gitops argocd terminate|history|rollback NAME [ID]  (see argocd.ts)
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { CHECK_FAILED, findingsByDocument } from '../core/engine';
import { isKustomizePatch, patchFindings } from '../sources/patches';
import { isKustomizationFile, leafKustomizations, renderFailure, renderOverlay, validateRendered, type RenderedOverlay } from '../sources/validate';
import type { SupervisorFacts } from '../core/live/facts';
import { namespacesNamed } from '../core/manifest/namespaces';
import { RULE_CATALOG } from '../core/rules';
import type { Finding } from '../core/types';
import { ARGOCD_OPTIONS, ARGOCD_USAGE, runArgocd } from './argocd';
import { DIFF_OPTIONS, DIFF_USAGE, runDiff } from './diff';
import { COMMON_OPTIONS, CONNECTION_OPTIONS, UsageError, argsOrExit, cannotReadPath, formatOf, openSession, parseCommandLine, redacted, timeoutOf, type OptionDefs } from './command';
import { renderCacheDir, walkFiles } from './files';
import { dropPrerenders, useRenderCache } from '../sources/render';
import { garbageBudget } from './heap';
import { decodeManifest } from '../core/manifest/decode';
import type { UnreadFile } from '../git/types';
import { asksJson, errorJson, findingsWriter, type ErrWriter, type FailureCode, type FileFindings } from './format';
import { SYNC_OPTIONS, SYNC_USAGE, runSync } from './sync';
import { CLUSTERS_OPTIONS, CLUSTERS_USAGE, runClusters } from './clusters';
import { REGISTER_OPTIONS, REGISTER_USAGE, runRegister } from './register';
import { trace, tracing } from '../trace';

const VERSION = '0.1.0';

type Write = (s: string) => void;

const USAGE = `Usage: tanzu-gitops validate [--format text|json|sarif] [--disable ID[,ID...]]
                             [--kubeconfig FILE] [--context NAME] [--namespace NS] <file or folder>...

Validates TanzuKubernetesCluster, Cluster (class tanzukubernetescluster), TanzuKubernetesRelease,
VirtualMachineClass(Binding) and Argo CD Application manifests. Folders are walked for *.yaml and
*.yml (node_modules and .git are skipped). Other YAML is left alone. A folder with a
kustomization (an overlay, or a base no other kustomization there builds on) is rendered with
Kustomize and what it renders is validated; each finding is printed at the patch or base line that
set the value, with the overlay that rendered it.

Options:
  -o, --format text|json|sarif  output format (default: text)
  --disable ID[,ID...]       rule ids to turn off (see: tanzu-gitops rules); repeatable
  --kubeconfig FILE          with --context: check against the live Supervisor too (VM classes,
                             storage classes, releases, immutable fields); repeatable
  --context NAME             the kubeconfig context to check against (default: its current one)
  -n, --namespace NS         the namespace of manifests that name none (default: the context's)
  --timeout SECONDS          how long to wait for the Supervisor's facts (default 30; or 90s, 2m)
  -h, --help                 this help
  --version                  the tool's version

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 a requested check could not run
(an unreadable file; a check that failed on a document, finding check-failed; with --kubeconfig
or --context, no connection to the Supervisor or its facts missing: TLS, 401, refused, timeout),
or a usage error. With --format json a failed run prints {"error": {"code", "message"}}.`;

interface Args {
  format: 'text' | 'json' | 'sarif';
  disabled: Set<string>;
  paths: string[];
  kubeconfig: string[];
  context?: string;
  namespace?: string;
  timeoutSeconds: number;
  help: boolean;
  version: boolean;
}

export const VALIDATE_OPTIONS = {
  ...COMMON_OPTIONS,
  ...CONNECTION_OPTIONS,
  format: { type: 'string', short: 'o' },
  disable: { type: 'string', multiple: true },
  version: { type: 'boolean' },
} as const satisfies OptionDefs;

export function parseValidateArgs(argv: readonly string[]): Args {
  const { values: v, positionals } = parseCommandLine(argv, VALIDATE_OPTIONS);
  const disabled = new Set<string>();
  for (const id of (v.disable ?? []).flatMap((d) => d.split(',')).map((s) => s.trim()).filter(Boolean)) {
    if (!RULE_CATALOG.some((r) => r.id === id)) throw new UsageError(`--disable: unknown rule id "${id}" (see: tanzu-gitops rules)`);
    disabled.add(id);
  }
  const args: Args = {
    format: formatOf(v.format, ['text', 'json', 'sarif'] as const),
    disabled,
    paths: positionals,
    kubeconfig: v.kubeconfig ?? [],
    ...(v.context !== undefined ? { context: v.context } : {}),
    ...(v.namespace !== undefined ? { namespace: v.namespace } : {}),
    timeoutSeconds: timeoutOf(v.timeout, 30_000) / 1000,
    help: v.help ?? false,
    version: v.version ?? false,
  };
  if (args.paths.length === 0 && !args.help && !args.version) throw new UsageError('no file or folder given');
  return args;
}

/**
 * Files to validate, in a stable order, and those that could not be read (links that leave the
 * repository or loop); throws UsageError naming a path given that does not exist.
 */
function collectFiles(paths: readonly string[]): { files: string[]; unread: UnreadFile[]; overlays: string[] } {
  const files: string[] = [];
  const unread: UnreadFile[] = [];
  const kustomizations: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      throw new UsageError(cannotReadPath(p, err));
    }
    if (st.isDirectory()) {
      const walked = walkFiles(p, /\.ya?ml$|^Kustomization$/i);
      for (const f of walked.files) (isKustomizationFile(f) ? kustomizations : files).push(f);
      unread.push(...walked.unread);
    } else if (isKustomizationFile(p)) kustomizations.push(p);
    else files.push(p);
  }
  return { files, unread, overlays: leafKustomizations(kustomizations.map((k) => dirname(k))) };
}

/**
 * Connects, waits for the Supervisor's facts, and gives them with a function that ends the session.
 * Throws, with the cause, when the Supervisor cannot be reached (TLS, 401, refused, timeout) or a
 * kind's facts did not come for another reason than a refusal: live checks were asked for, and a
 * run without them would pass what it never checked.
 */
async function liveFacts(args: Args, texts: readonly string[]): Promise<{ facts: SupervisorFacts; close: () => void }> {
  // The Kubernetes client loads only for live checks.
  const session = await openSession({ kubeconfig: args.kubeconfig, context: args.context, requestTimeoutMs: args.timeoutSeconds * 1000 });
  try {
    // one request to the server itself first (discovery may come from disk): its error is the cause
    await session.connection.request({ path: '/version', describe: { verb: 'discover' } });
    // listed once, not watched: the check is over when they are in
    const source = session.facts({ namespaces: [...namespacesNamed(texts), ...(args.namespace ? [args.namespace] : [])], cacheOptions: { watch: false } });
    const ready = await source.whenReady(args.timeoutSeconds * 1000);
    const missing = source.missing();
    if (!ready || missing.length > 0) {
      const first = missing[0] ?? `no answer within ${args.timeoutSeconds} s`;
      throw new Error(`the Supervisor's facts did not all come (${first}${missing.length > 1 ? `; and ${missing.length - 1} more kind${missing.length === 2 ? '' : 's'}` : ''})`);
    }
    const facts = source.current();
    const withNs = args.namespace ? { ...facts, defaultNamespace: args.namespace } : facts;
    return { facts: withNs, close: () => session.dispose() };
  } catch (err) {
    session.dispose();
    throw err;
  }
}

export async function runValidate(argv: readonly string[], write: Write, writeErr: ErrWriter): Promise<number> {
  let args: Args;
  let walked: ReturnType<typeof collectFiles>;
  try {
    args = parseValidateArgs(argv);
    if (args.help || args.version) {
      write(`${args.help ? USAGE : VERSION}\n`);
      return 0;
    }
    walked = collectFiles(args.paths);
  } catch (err) {
    if (err instanceof UsageError) {
      const unreadable = err.message.startsWith('cannot read');
      writeErr(`tanzu-gitops validate: ${err.message}\n${unreadable ? '' : '\n' + USAGE + '\n'}`, unreadable ? 'unreadable' : 'usage');
      return 2;
    }
    throw err;
  }
  const shownPath = (file: string) => {
    const shown = relative(process.cwd(), file) || file;
    return shown.startsWith('..') ? file : shown;
  };
  // an entry of its own, in every format: a file that was not read was not checked
  const unread: FileFindings[] = [];
  const cannotRead = (file: string, why: string) => {
    writeErr(`tanzu-gitops validate: cannot read ${file}: ${why}\n`);
    unread.push({ file: shownPath(file), findings: [unreadableFinding(why)] });
  };
  for (const u of walked.unread) cannotRead(u.path, u.reason);
  // each overlay is rendered first: its files are checked as what it renders, not one by one
  const overlays: RenderedOverlay[] = [];
  for (const dir of walked.overlays) overlays.push(await renderOverlay(dir, {}, process.cwd()));
  const rendered = new Set(overlays.flatMap((o) => ('text' in o ? o.tree.files : [])));
  const files = walked.files.filter((f) => !rendered.has(resolve(f)));
  const texts: { file: string; text: string }[] = [];
  for (const file of files) {
    try {
      const decoded = decodeManifest(readFileSync(file));
      if ('text' in decoded) texts.push({ file, text: decoded.text });
      else cannotRead(file, decoded.unread);
    } catch (err) {
      cannotRead(file, (err as Error).message);
    }
  }
  let live: { facts: SupervisorFacts; close: () => void } | undefined;
  if (args.kubeconfig.length > 0 || args.context) {
    try {
      live = await liveFacts(args, [...texts.map((t) => t.text), ...overlays.flatMap((o) => ('text' in o ? [o.text] : []))]);
    } catch (err) {
      writeErr(`tanzu-gitops validate: the live checks could not run: ${redacted(err).split('\n')[0]}\n`, 'connection');
      return 2;
    }
  }
  // written out document by document: a file's findings are never all held at once
  const out = findingsWriter(args.format, write, VERSION);
  const tally = new Tally();
  const report = (r: FileFindings) => {
    tally.add(r);
    out.add(r);
  };
  try {
    for (const r of unread) {
      report(r);
      tally.endFile();
    }
    const heap = garbageBudget();
    for (const { file, text } of texts) {
      // a Kustomize patch is partial by design: what the base sets is not missing
      const patch = isKustomizePatch(file);
      for (const found of findingsByDocument(text, { facts: live?.facts })) {
        report({ file: shownPath(file), findings: (patch ? patchFindings(found) : found).filter((f) => !args.disabled.has(f.code)) });
        heap.check();
      }
      tally.endFile();
    }
    for (const r of overlayResults(overlays, live?.facts, args.disabled, shownPath)) {
      report(r);
      tally.endFile();
    }
  } finally {
    live?.close();
  }
  out.end();
  if (args.format === 'text') {
    const n = overlays.length;
    writeErr(`${files.length} file${files.length === 1 ? '' : 's'}${n ? ` and ${n} kustomization${n === 1 ? '' : 's'}` : ''} checked: ${tally.errors} error${tally.errors === 1 ? '' : 's'}, ${tally.warnings} warning${tally.warnings === 1 ? '' : 's'}\n`);
  }
  const code = tally.exitCode();
  if (code === 2) {
    const notRun = tally.notChecked;
    writeErr(`tanzu-gitops validate: ${notRun} file${notRun === 1 ? ' was' : 's were'} not fully checked (${UNREADABLE} or ${CHECK_FAILED} above)\n`);
  }
  return code;
}

/** Counts of what was written, file by file (a file's findings come in one or more parts): the summary line and the exit code. */
class Tally {
  errors = 0;
  warnings = 0;
  /** Files (or overlay entries) with a finding that says they were not fully checked. */
  notChecked = 0;
  private anyError = false;
  private fileNotChecked = false;

  add(r: FileFindings): void {
    for (const f of r.findings) {
      if (f.severity === 'error') this.errors++;
      else if (f.severity === 'warning') this.warnings++;
    }
    this.anyError ||= r.findings.some((f) => f.severity === 'error');
    this.fileNotChecked ||= notChecked(r);
  }

  endFile(): void {
    if (this.fileNotChecked) this.notChecked++;
    this.fileNotChecked = false;
  }

  /** As validateExitCode gives for the same results. */
  exitCode(): 0 | 1 | 2 {
    if (this.notChecked > 0) return 2;
    return this.anyError ? 1 : 0;
  }
}

/** The findings of each overlay, by source file and overlay; a render that failed is a check that could not run. */
function overlayResults(overlays: readonly RenderedOverlay[], facts: SupervisorFacts | undefined, disabled: ReadonlySet<string>, shownPath: (f: string) => string): FileFindings[] {
  const out = new Map<string, { file: string; renderedBy: string; findings: Finding[] }>();
  for (const o of overlays) {
    const found = 'text' in o ? validateRendered(o.tree, o.text, { facts }) : [renderFailure(o.tree, o.error, CHECK_FAILED)];
    for (const f of found) {
      if (disabled.has(f.finding.code)) continue;
      const key = `${f.file}\u0000${f.renderedBy}`;
      let entry = out.get(key);
      if (!entry) out.set(key, entry = { file: shownPath(f.file), renderedBy: shownPath(f.renderedBy), findings: [] });
      entry.findings.push(f.finding);
    }
  }
  return [...out.values()];
}

export const UNREADABLE = 'unreadable';

const notChecked = (r: FileFindings) => r.findings.some((f) => f.code === CHECK_FAILED || f.code === UNREADABLE);

/** 2 when a file was not read or a check could not run on it, else 1 on any error, else 0. */
export function validateExitCode(results: readonly FileFindings[]): 0 | 1 | 2 {
  if (results.some(notChecked)) return 2;
  return results.some((r) => r.findings.some((f) => f.severity === 'error')) ? 1 : 0;
}

function unreadableFinding(why: string): Finding {
  return {
    code: UNREADABLE,
    severity: 'error',
    message: `The file could not be read, so it was not checked: ${why}`,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  };
}

export const RULES_USAGE = `Usage: tanzu-gitops rules

Lists the rule ids and what each checks (for --disable, and the setting tanzuGitops.disabledRules).

Options:
  -h, --help                 this help`;

function runRules(argv: readonly string[], write: Write, writeErr: ErrWriter): number {
  const args = argsOrExit('rules', RULES_USAGE, argv, (a) => {
    const { values, positionals } = parseCommandLine(a, COMMON_OPTIONS);
    if (positionals.length > 0 && !values.help) throw new UsageError(`rules takes no path (got ${positionals.join(', ')})`);
    return values;
  }, write, writeErr);
  if (typeof args === 'number') return args;
  write(RULE_CATALOG.map((r) => `${r.id.padEnd(24)} ${r.description}`).join('\n') + '\n');
  return 0;
}

/** Every command: its options (one parser reads them all), its usage, and how it runs. */
export const COMMANDS: Readonly<Record<string, { options: OptionDefs; usage: string; run: Command }>> = {
  validate: { options: VALIDATE_OPTIONS, usage: USAGE, run: runValidate },
  diff: { options: DIFF_OPTIONS, usage: DIFF_USAGE, run: runDiff },
  sync: { options: SYNC_OPTIONS, usage: SYNC_USAGE, run: runSync },
  rules: { options: COMMON_OPTIONS, usage: RULES_USAGE, run: runRules },
  argocd: { options: ARGOCD_OPTIONS, usage: ARGOCD_USAGE, run: runArgocd },
  clusters: { options: CLUSTERS_OPTIONS, usage: CLUSTERS_USAGE, run: runClusters },
  'register-cluster': { options: REGISTER_OPTIONS, usage: REGISTER_USAGE, run: runRegister },
};

type Command = (argv: readonly string[], write: Write, writeErr: ErrWriter) => number | Promise<number>;

/**
 * Runs a command so that `--format json` always prints a parsable body: a run that failed as a
 * whole (exit 2) and printed nothing on stdout prints `{"error": {"code", "message"}}`, the
 * message being the line the command gave with its failure code (else its last line on stderr).
 */
export async function runCommand(name: string, run: Command, argv: readonly string[], out: Write, err: Write): Promise<number> {
  const json = asksJson(argv);
  let wrote = false;
  let failure: { code: FailureCode; message: string } | undefined;
  let last = '';
  const write = (s: string) => { wrote ||= s.length > 0; out(s); };
  const writeErr: ErrWriter = (s, code) => {
    const line = s.split('\n').find((l) => l.trim() !== '')?.replace(/^tanzu-gitops( \w+)?: /, '') ?? '';
    if (line) last = line;
    if (code && !failure) failure = { code, message: line };
    err(s);
  };
  let code: number;
  try {
    code = await run(argv, write, writeErr);
  } catch (e) {
    writeErr(`tanzu-gitops ${name}: ${e instanceof Error ? e.message : String(e)}\n`, 'failed');
    code = 2;
  }
  if (json && code === 2 && !wrote) out(`${errorJson(failure?.code ?? 'failed', failure?.message ?? last)}\n`);
  return code;
}

export async function main(argv: readonly string[], out: Write = (s) => process.stdout.write(s), err: Write = (s) => process.stderr.write(s)): Promise<number> {
  const [command, ...rest] = argv;
  const names = Object.keys(COMMANDS).join(', ');
  if (command !== undefined && Object.hasOwn(COMMANDS, command)) return await runCommand(command, COMMANDS[command].run, rest, out, err);
  switch (command) {
    case '--version':
      out(VERSION + '\n');
      return 0;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      out(`${Object.values(COMMANDS).map((c) => c.usage).join('\n\n')}\n\nCommands: ${names}\n`);
      return command === undefined ? 2 : 0;
    default:
      err(`tanzu-gitops: unknown command "${command}" (commands: ${names})\n\n${USAGE}\n`);
      return 2;
  }
}

/** Runs the command of this process's arguments and sets its exit code (the launcher, launch.ts, calls this). */
export function runAsProcess(): void {
  trace('command line loaded');
  useRenderCache(renderCacheDir());
  if (tracing()) process.on('exit', () => trace('exit'));
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err) => {
      process.stderr.write(`tanzu-gitops: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  ).finally(() => {
    // a render the launcher started that the command never took (it stopped first) ends with it
    dropPrerenders();
  });
}

if (require.main === module) runAsProcess();
