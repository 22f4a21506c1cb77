/**
 * The lint configuration enforces the layers (eslint.config.mjs, rule layers/imports): files that
 * cross a layer are linted through ESLint's Node API under their would-be paths and must be
 * rejected with that rule; files that keep to their layer must pass it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';
import { ROOT } from './fixtures';

const eslint = new ESLint({ cwd: ROOT });

/** The layers/imports messages for `code` linted as the file at `file` (relative to the root). */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return result.messages.filter((m) => m.ruleId === 'layers/imports').map((m) => m.message);
}

const CROSSING: readonly [file: string, code: string, names: RegExp][] = [
  ['test/unit/rules-fixture.test.ts', "import { connect } from '../../src/cluster';\nvoid connect;\n", /a unit test of core must not import src\/cluster/],
  ['test/unit/rules-fixture.test.ts', "export { computeDrift } from '../../src/drift/engine';\n", /must not import src\/drift/],
  ['test/unit/rules-fixture.test.ts', "type M = typeof import('../../src/editor/extension');\nexport type { M };\n", /must not import src\/editor/],
  ['test/unit/cluster-fixture.test.ts', "import { openRepository } from '../../src/git/repository';\nvoid openRepository;\n", /a unit test of cluster must not import src\/git/],
  ['test/unit/drift-fixture.test.ts', "import * as s from '../../src/sync';\nvoid s;\n", /a unit test of drift must not import src\/sync/],
  ['test/integration/fixture.test.ts', "import * as vscode from 'vscode';\nvoid vscode;\n", /an integration test must not import vscode/],
  ['src/core/fixture.ts', "import { readFileSync } from 'node:fs';\nvoid readFileSync;\n", /src\/core must not import Node built-ins/],
  ['src/core/rules/fixture.ts', "const fs = require('fs');\nvoid fs;\n", /src\/core must not import Node built-ins/],
  ['src/core/rules/fixture.ts', "import { a } from '../../cluster/facts';\nvoid a;\n", /src\/core must not import src\/cluster/],
  ['src/cluster/fixture.ts', "import * as vscode from 'vscode';\nvoid vscode;\n", /src\/cluster must not import vscode/],
  ['src/git/fixture.ts', "import { x } from '../drift/engine';\nvoid x;\n", /src\/git must not import src\/drift/],
  ['src/sync/fixture.ts', "import { x } from '../editor/sync';\nvoid x;\n", /src\/sync must not import src\/editor/],
  ['src/cli/fixture.ts', "import * as vscode from 'vscode';\nvoid vscode;\n", /src\/cli must not import vscode/],
  ['src/sources/fixture.ts', "import { computeDrift } from '../drift/engine';\nvoid computeDrift;\n", /src\/sources must not import src\/drift/],
  ['src/core/fixture.ts', "import { renderTarget } from '../sources';\nvoid renderTarget;\n", /src\/core must not import src\/sources/],
  ['src/webview/designer/fixture.ts', "import { join } from 'node:path';\nvoid join;\n", /src\/webview must not import Node built-ins/],
];

const KEEPING: readonly [file: string, code: string][] = [
  ['test/unit/rules-fixture.test.ts', "import { readFileSync } from 'node:fs';\nimport { validateText } from '../../src/core/engine';\nvoid readFileSync; void validateText;\n"],
  ['test/unit/drift-fixture.test.ts', "import { computeDrift } from '../../src/drift/engine';\nimport { openRepository } from '../../src/git/repository';\nvoid computeDrift; void openRepository;\n"],
  ['src/core/rules/fixture.ts', "import { validateText } from '../engine';\nimport { plan } from '../sync/plan';\nvoid validateText; void plan;\n"],
  ['src/editor/fixture.ts', "import * as vscode from 'vscode';\nimport { computeDrift } from '../drift/engine';\nvoid vscode; void computeDrift;\n"],
];

describe('lint: layers', () => {
  for (const [file, code, names] of CROSSING) {
    it(`rejects ${file}: ${code.split('\n')[0]}`, async () => {
      const errors = await layerErrors(file, code);
      assert.equal(errors.length, 1, `one layers/imports error, got ${JSON.stringify(errors)}`);
      assert.match(errors[0], names);
    });
  }

  for (const [file, code] of KEEPING) {
    it(`accepts ${file}: ${code.split('\n')[0]}`, async () => {
      assert.deepEqual(await layerErrors(file, code), []);
    });
  }

  it('npm run lint lints test/ and src/ with the rule (the script names them)', async () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    assert.match(scripts.lint, /^eslint\b.*\bsrc\b/);
    assert.match(scripts.lint, /\btest\b/);
    const config = await eslint.calculateConfigForFile(join(ROOT, 'test/unit/golden.test.ts'));
    assert.equal(config.rules['layers/imports'][0], 2, 'layers/imports is an error in test/unit');
  });
});
