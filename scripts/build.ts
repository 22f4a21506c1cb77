// One bundler script, several entries: the extension's small activation bundle, its lazily
// loaded language bundle (engine, yaml, Ajv, schemas) and connection bundle (the Kubernetes
// client), the command-line tool (a launcher and the rest, and jq: scripts/lib/cli-build.ts), and
// the webviews' (browser) bundles: the cluster designer and the sync plan review.
// Usage: node scripts/run.mjs build [--production] [--watch] [--webview (the webview bundle only)]
import * as esbuild from 'esbuild';
import { readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { cliBuilds, jqApart } from './lib/cli-build';
import { REPO as ROOT } from './lib/tools';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const webviewOnly = process.argv.includes('--webview');

const common: esbuild.BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

// --- the designer webview ----------------------------------------------------------------------

// Its real path: esbuild resolves other imports of Monaco's files through symlinks (a worktree's
// node_modules may be one), and one module under two paths would be bundled, and registered, twice.
const MONACO_ROOT = realpathSync(path.join(ROOT, 'node_modules', 'monaco-editor'));

/**
 * `monaco-editor/esm/...` to the file. monaco-editor 0.57's package.json `exports` maps `./*` to
 * `./esm/vs/*.js`, so the `monaco-editor/esm/vs/...` paths monaco-worker-manager (and this
 * project, for tsc's sake) import would resolve to esm/vs/esm/vs/...
 */
const monacoEsmPaths: esbuild.Plugin = {
  name: 'monaco-esm-paths',
  setup(build) {
    build.onResolve({ filter: /^monaco-editor\/esm\// }, (args) => {
      let file = path.join(MONACO_ROOT, args.path.slice('monaco-editor/'.length));
      if (!file.endsWith('.js') && !file.endsWith('.css')) file += '.js';
      return { path: file };
    });
  },
};

/**
 * Prettier is monaco-yaml's formatter; the designer turns formatting off, so the yaml worker gets
 * an identity `format` instead of ~450 KB of Prettier.
 */
const noPrettier: esbuild.Plugin = {
  name: 'no-prettier',
  setup(build) {
    build.onResolve({ filter: /^prettier(\/.*)?$/ }, (args) => ({ path: args.path, namespace: 'no-prettier' }));
    build.onLoad({ filter: /.*/, namespace: 'no-prettier' }, () => ({
      contents: 'export async function format(text) { return text; }',
      loader: 'js',
    }));
  },
};

/**
 * `import code from 'worker:<module>'`: bundles the module as a classic (IIFE) worker script and
 * gives its code as a string, so the webview starts it from a blob: URL (its CSP allows
 * `worker-src blob:` and nothing else).
 */
function workerCode(minify: boolean): esbuild.Plugin {
  const cache = new Map<string, string>();
  return {
    name: 'worker-code',
    setup(build) {
      build.onResolve({ filter: /^worker:/ }, (args) => ({ path: args.path.slice('worker:'.length), namespace: 'worker-code' }));
      build.onLoad({ filter: /.*/, namespace: 'worker-code' }, async (args) => {
        let code = cache.get(args.path);
        if (code === undefined) {
          const result = await esbuild.build({
            stdin: { contents: `import ${JSON.stringify(args.path)};`, resolveDir: ROOT, loader: 'js' },
            bundle: true,
            write: false,
            platform: 'browser',
            format: 'iife',
            target: 'es2022',
            minify,
            legalComments: 'none',
            logLevel: 'warning',
            plugins: [monacoEsmPaths, noPrettier],
          });
          code = result.outputFiles[0].text;
          cache.set(args.path, code);
        }
        return { contents: code, loader: 'text' };
      });
    },
  };
}

const webview: esbuild.BuildOptions = {
  entryPoints: { designer: 'src/webview/designer/main.ts', plan: 'src/webview/plan/main.ts' },
  outdir: 'dist/webview',
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // Monaco's and monaco-yaml's licence notices ship beside the bundle (designer.js.LEGAL.txt).
  legalComments: 'external',
  loader: { '.ttf': 'file' },
  assetNames: '[name]',
  // Monaco's editor worker service names its worker with new URL(..., import.meta.url) for
  // bundlers; the designer passes MonacoEnvironment.getWorker, so that line never runs.
  logOverride: { 'empty-import-meta': 'silent' },
  plugins: [monacoEsmPaths, noPrettier, workerCode(production)],
};

const builds: esbuild.BuildOptions[] = webviewOnly ? [webview] : [
  {
    ...common,
    entryPoints: { extension: 'src/editor/extension.ts', language: 'src/editor/language.ts', connection: 'src/editor/connection-bundle.ts' },
    outdir: 'dist',
    external: ['vscode', './language.js', './connection.js'],
    plugins: [jqApart],
  },
  ...cliBuilds('dist', common),
  webview,
];

// A production build leaves no source map of an earlier development build to be packaged.
if (production) {
  for (const dir of ['dist', 'dist/webview']) {
    let names: string[] = [];
    try {
      names = readdirSync(path.join(ROOT, dir));
    } catch {
      continue;
    }
    for (const f of names) if (f.endsWith('.map')) rmSync(path.join(ROOT, dir, f), { force: true });
  }
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('watching src/ ...');
} else {
  const started = Date.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  const size = (f: string) => `${(statSync(f).size / 1024).toFixed(0)} KB`;
  if (!webviewOnly) console.log(`built in ${Date.now() - started} ms: dist/extension.js ${size('dist/extension.js')}, dist/language.js ${size('dist/language.js')}, dist/connection.js ${size('dist/connection.js')}, dist/cli.js ${size('dist/cli.js')} + cli-main.js ${size('dist/cli-main.js')}, dist/jq.js ${size('dist/jq.js')}`);
  console.log(`${webviewOnly ? `built in ${Date.now() - started} ms:` : ' '} webview: dist/webview/designer.js ${size('dist/webview/designer.js')}, dist/webview/designer.css ${size('dist/webview/designer.css')}, dist/webview/plan.js ${size('dist/webview/plan.js')}, dist/webview/codicon.ttf ${size('dist/webview/codicon.ttf')}`);
}
