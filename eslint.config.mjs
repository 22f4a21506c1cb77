// Lint setup. The layers are enforced here (rule `layers/imports`, below): data flows one way,
// core <- cluster/git <- sources <- argocd <- drift/sync <- editor/cli; src/core is pure (no Node, no vscode); only
// src/editor imports vscode; the webview is browser code (no Node). Tests follow the layer of
// what they test: a unit test of core imports core only.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const SRC = path.join(ROOT, 'src');
const NODE_BUILTINS = new Set(builtinModules);
const FLOW = 'core <- cluster/git <- sources <- argocd <- drift/sync <- editor/cli';

/** What an import specifier names: a src/ layer (`core`, ...), `node` for a Node built-in, or the package. */
function target(specifier, fromFile) {
  if (specifier.startsWith('.')) {
    const rel = path.relative(SRC, path.resolve(path.dirname(fromFile), specifier));
    if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    const first = rel.split(path.sep)[0];
    return first.replace(/\.(js|ts)$/, '');
  }
  if (specifier.startsWith('node:') || NODE_BUILTINS.has(specifier.split('/')[0])) return 'node';
  return specifier;
}

/** Rule `layers/imports`: options `{ layer, forbid: [layer | 'node' | package] }`. */
const importsRule = {
  meta: {
    type: 'problem',
    schema: [{ type: 'object', properties: { layer: { type: 'string' }, forbid: { type: 'array', items: { type: 'string' } } }, required: ['layer', 'forbid'], additionalProperties: false }],
    messages: { crosses: '{{layer}} must not import {{what}} ("{{specifier}}"): layers flow {{flow}}; core and webview use no Node; only src/editor uses vscode.' },
  },
  create(context) {
    const { layer, forbid } = context.options[0];
    const check = (node, specifier) => {
      if (typeof specifier !== 'string') return;
      const what = target(specifier, context.filename);
      if (what === undefined || !forbid.includes(what)) return;
      const shown = what === 'node' ? 'Node built-ins' : /^[a-z]+$/.test(what) && what !== 'vscode' ? `src/${what}` : what;
      context.report({ node, messageId: 'crosses', data: { layer, what: shown, specifier, flow: FLOW } });
    };
    const isRequire = (n) => n.callee.type === 'Identifier' && n.callee.name === 'require';
    return {
      ImportDeclaration: (n) => check(n.source, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n.source, n.source.value),
      ExportAllDeclaration: (n) => check(n.source, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n.source, n.source.value),
      CallExpression: (n) => isRequire(n) && n.arguments[0]?.type === 'Literal' && check(n.arguments[0], n.arguments[0].value),
      TSImportType: (n) => check(n, n.argument?.literal?.value),
      TSExternalModuleReference: (n) => n.expression.type === 'Literal' && check(n.expression, n.expression.value),
    };
  },
};

const plugin = { rules: { imports: importsRule } };

/** The layers above each one (which it must not import); editor and cli are siblings at the top. */
const UPPER = {
  core: ['cluster', 'git', 'sources', 'argocd', 'drift', 'sync', 'editor', 'cli', 'trace'],
  cluster: ['sources', 'argocd', 'drift', 'sync', 'editor', 'cli'],
  git: ['sources', 'argocd', 'drift', 'sync', 'editor', 'cli'],
  sources: ['argocd', 'drift', 'sync', 'editor', 'cli'],
  argocd: ['drift', 'sync', 'editor', 'cli'],
  drift: ['editor', 'cli'],
  sync: ['editor', 'cli'],
  cli: ['editor'],
  editor: ['cli'],
};
const ALL_BUT_CORE = ['cluster', 'git', 'sources', 'argocd', 'drift', 'sync', 'editor', 'cli', 'webview', 'trace'];

/** A config block applying `layers/imports` to `files`. */
const layer = (files, name, forbid, ignores) => ({
  files, ...(ignores ? { ignores } : {}),
  plugins: { layers: plugin },
  rules: { 'layers/imports': ['error', { layer: name, forbid }] },
});

/** Unit tests by what they test (file name prefix); the rest are unit tests of core. */
const UNIT_BY_LAYER = {
  cluster: ['test/unit/cluster-*.ts'],
  git: ['test/unit/git-*.ts'],
  sources: ['test/unit/sources-*.ts'],
  argocd: ['test/unit/argocd-*.ts'],
  drift: ['test/unit/drift-*.ts'],
  sync: ['test/unit/sync-*.ts'],
  cli: ['test/unit/cli*.ts', 'test/unit/*-cli.test.ts'],
  editor: ['test/unit/editor-*.ts'],
};
const UNIT_OF_LAYERS = Object.values(UNIT_BY_LAYER).flat();

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'media/dist/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', Buffer: 'readonly', URL: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  // src/ and the tools of scripts/: no function over 120 lines (a longer one is split into named steps).
  { files: ['src/**/*.ts', 'scripts/**/*.ts'], rules: { 'max-lines-per-function': ['error', { max: 120, skipBlankLines: false, skipComments: false }] } },
  // src/: each layer, and what it must not import.
  layer(['src/core/**'], 'src/core', [...UPPER.core, 'webview', 'node', 'vscode']),
  layer(['src/cluster/**'], 'src/cluster', [...UPPER.cluster, 'webview', 'vscode']),
  layer(['src/git/**'], 'src/git', [...UPPER.git, 'webview', 'vscode']),
  layer(['src/sources/**'], 'src/sources', [...UPPER.sources, 'cluster', 'webview', 'vscode']),
  layer(['src/argocd/**'], 'src/argocd', [...UPPER.argocd, 'webview', 'vscode']),
  layer(['src/drift/**'], 'src/drift', [...UPPER.drift, 'webview', 'vscode']),
  layer(['src/sync/**'], 'src/sync', [...UPPER.sync, 'webview', 'vscode']),
  layer(['src/cli/**'], 'src/cli', [...UPPER.cli, 'webview', 'vscode']),
  layer(['src/editor/**'], 'src/editor', UPPER.editor),
  layer(['src/webview/**'], 'src/webview', [...ALL_BUT_CORE.filter((l) => l !== 'webview'), 'node', 'vscode']),
  layer(['src/trace.ts'], 'src/trace', [...ALL_BUT_CORE, 'vscode']),
  // test/: a test imports the layer it tests and those below it.
  layer(['test/unit/**'], 'a unit test of core', [...ALL_BUT_CORE, 'vscode'], UNIT_OF_LAYERS),
  layer(UNIT_BY_LAYER.cluster, 'a unit test of cluster', [...UPPER.cluster, 'git', 'webview', 'vscode']),
  layer(UNIT_BY_LAYER.git, 'a unit test of git', [...UPPER.git, 'cluster', 'webview', 'vscode']),
  layer(UNIT_BY_LAYER.sources, 'a unit test of sources', [...UPPER.sources, 'cluster', 'webview', 'vscode']),
  layer(UNIT_BY_LAYER.argocd, 'a unit test of argocd', [...UPPER.argocd, 'webview', 'vscode']),
  layer(UNIT_BY_LAYER.drift, 'a unit test of drift', [...UPPER.drift, 'sync', 'webview', 'vscode'], UNIT_BY_LAYER.cli),
  layer(UNIT_BY_LAYER.sync, 'a unit test of sync', [...UPPER.sync, 'webview', 'vscode'], UNIT_BY_LAYER.cli),
  layer(UNIT_BY_LAYER.cli, 'a unit test of cli', [...UPPER.cli, 'webview', 'vscode']),
  // a unit test of the editor layer runs under node --test: only its vscode-free modules
  layer(UNIT_BY_LAYER.editor, 'a unit test of editor', [...UPPER.editor, 'webview', 'vscode']),
  layer(['test/integration/**'], 'an integration test', ['editor', 'webview', 'vscode']),
  layer(['test/editor/**'], 'an editor test', ['cli', 'webview']),
);
