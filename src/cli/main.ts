/**
 * The command-line tool: the same engine as the editor, for CI pipelines.
 *   tanzu-gitops validate [--format text|json|sarif] [--disable ID,...]
 *                         [--kubeconfig F] [--context C] [--namespace N] <file or folder>...
 * Exit 0: no errors (warnings allowed); 1: errors found; 2: usage error, unreadable path, or no
 * connection to the Supervisor when live checks were asked for.
 *   tanzu-gitops diff [--kubeconfig F] [--context C] [--namespace N] [--revision REV]
 *                     [--format text|json] <path>            (see diff.ts)
 *   tanzu-gitops sync [--kubeconfig F] [--context C] [--namespace N] [--dry-run] [--prune] [--yes]
 *                     [--force-conflicts] [--argocd-app NAME [--argocd-namespace NS]] [--wait]
 *                     [--timeout DURATION] [--format text|json] <path>   (see sync.ts)
 */
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { validateText } from '../core/engine';
import type { SupervisorFacts } from '../core/live/facts';
import { namespacesNamed } from '../core/manifest/namespaces';
import { RULE_CATALOG } from '../core/rules';
import { DIFF_OPTIONS, DIFF_USAGE, runDiff } from './diff';
import { COMMON_OPTIONS, CONNECTION_OPTIONS, UsageError, formatOf, openSession, parseCommandLine, redacted, timeoutOf, type OptionDefs } from './command';
import { walkFiles } from './files';
import { decodeManifest } from '../core/manifest/decode';
import type { UnreadFile } from '../git/types';
import { formatJson, formatSarif, formatText, type FileFindings } from './format';
import { SYNC_OPTIONS, SYNC_USAGE, runSync } from './sync';
import { trace, tracing } from '../trace';

const VERSION = '0.1.0';

type Write = (s: string) => void;

const USAGE = `Usage: tanzu-gitops validate [--format text|json|sarif] [--disable ID[,ID...]]
                             [--kubeconfig FILE] [--context NAME] [--namespace NS] <file or folder>...

Validates TanzuKubernetesCluster, Cluster (class tanzukubernetescluster), TanzuKubernetesRelease,
VirtualMachineClass(Binding) and Argo CD Application manifests. Folders are walked for *.yaml and
*.yml (node_modules and .git are skipped). Other YAML is left alone.

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

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage error, unreadable path, or
no connection to the Supervisor.`;

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
function collectFiles(paths: readonly string[]): { files: string[]; unread: UnreadFile[] } {
  const files: string[] = [];
  const unread: UnreadFile[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      throw new UsageError(`cannot read ${p}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message}`);
    }
    if (st.isDirectory()) {
      const walked = walkFiles(p, /\.ya?ml$/i);
      files.push(...walked.files);
      unread.push(...walked.unread);
    } else files.push(p);
  }
  return { files, unread };
}

/** Connects, waits for the Supervisor's facts, and gives them with a function that ends the session. */
async function liveFacts(args: Args, texts: readonly string[]): Promise<{ facts: SupervisorFacts; close: () => void }> {
  // The Kubernetes client loads only for live checks.
  const session = await openSession({ kubeconfig: args.kubeconfig, context: args.context, requestTimeoutMs: args.timeoutSeconds * 1000 });
  try {
    // listed once, not watched: the check is over when they are in
    const source = session.facts({ namespaces: [...namespacesNamed(texts), ...(args.namespace ? [args.namespace] : [])], cacheOptions: { watch: false } });
    const ready = await source.whenReady(args.timeoutSeconds * 1000);
    const facts = source.current();
    if (!ready) process.stderr.write(`tanzu-gitops validate: the Supervisor did not answer every list within ${args.timeoutSeconds} s; checks whose facts are missing were skipped\n`);
    const withNs = args.namespace ? { ...facts, defaultNamespace: args.namespace } : facts;
    return { facts: withNs, close: () => session.dispose() };
  } catch (err) {
    session.dispose();
    throw err;
  }
}

export async function runValidate(argv: readonly string[], write: Write, writeErr: Write): Promise<number> {
  let args: Args;
  let walked: { files: string[]; unread: UnreadFile[] };
  try {
    args = parseValidateArgs(argv);
    if (args.help || args.version) {
      write(`${args.help ? USAGE : VERSION}\n`);
      return 0;
    }
    walked = collectFiles(args.paths);
  } catch (err) {
    if (err instanceof UsageError) {
      writeErr(`tanzu-gitops validate: ${err.message}\n${err.message.startsWith('cannot read') ? '' : '\n' + USAGE + '\n'}`);
      return 2;
    }
    throw err;
  }
  const results: FileFindings[] = [];
  let unreadable = false;
  const cannotRead = (file: string, why: string) => {
    writeErr(`tanzu-gitops validate: cannot read ${file}: ${why}\n`);
    unreadable = true;
  };
  for (const u of walked.unread) cannotRead(u.path, u.reason);
  const files = walked.files;
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
      live = await liveFacts(args, texts.map((t) => t.text));
    } catch (err) {
      writeErr(`tanzu-gitops validate: no live checks: ${redacted(err)}\n`);
      return 2;
    }
  }
  try {
    for (const { file, text } of texts) {
      const findings = validateText(text, { facts: live?.facts }).filter((f) => !args.disabled.has(f.code));
      const shown = relative(process.cwd(), file) || file;
      results.push({ file: shown.startsWith('..') ? file : shown, findings });
    }
  } finally {
    live?.close();
  }
  const output = args.format === 'json' ? formatJson(results) : args.format === 'sarif' ? formatSarif(results, VERSION) : formatText(results);
  if (output) write(output + '\n');
  const all = results.flatMap((r) => r.findings);
  const errors = all.filter((f) => f.severity === 'error').length;
  if (args.format === 'text') {
    const warnings = all.filter((f) => f.severity === 'warning').length;
    writeErr(`${files.length} file${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
  }
  if (unreadable) return 2;
  return errors > 0 ? 1 : 0;
}

export const RULES_USAGE = `Usage: tanzu-gitops rules

Lists the rule ids and what each checks (for --disable, and the setting tanzuGitops.disabledRules).

Options:
  -h, --help                 this help`;

function runRules(argv: readonly string[], write: Write, writeErr: Write): number {
  try {
    const { values, positionals } = parseCommandLine(argv, COMMON_OPTIONS);
    if (values.help) {
      write(`${RULES_USAGE}\n`);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`rules takes no path (got ${positionals.join(', ')})`);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    writeErr(`tanzu-gitops rules: ${e.message}\n\n${RULES_USAGE}\n`);
    return 2;
  }
  write(RULE_CATALOG.map((r) => `${r.id.padEnd(24)} ${r.description}`).join('\n') + '\n');
  return 0;
}

/** Every command: its options (one parser reads them all), its usage, and how it runs. */
export const COMMANDS: Readonly<Record<string, { options: OptionDefs; usage: string; run: (argv: readonly string[], write: Write, writeErr: Write) => number | Promise<number> }>> = {
  validate: { options: VALIDATE_OPTIONS, usage: USAGE, run: runValidate },
  diff: { options: DIFF_OPTIONS, usage: DIFF_USAGE, run: runDiff },
  sync: { options: SYNC_OPTIONS, usage: SYNC_USAGE, run: runSync },
  rules: { options: COMMON_OPTIONS, usage: RULES_USAGE, run: runRules },
};

export async function main(argv: readonly string[], out: Write = (s) => process.stdout.write(s), err: Write = (s) => process.stderr.write(s)): Promise<number> {
  const [command, ...rest] = argv;
  const names = Object.keys(COMMANDS).join(', ');
  if (command !== undefined && Object.hasOwn(COMMANDS, command)) return await COMMANDS[command].run(rest, out, err);
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

if (require.main === module) {
  trace('command line loaded');
  if (tracing()) process.on('exit', () => trace('exit'));
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err) => {
      process.stderr.write(`tanzu-gitops: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
