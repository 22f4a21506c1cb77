#!/usr/bin/env node
// Compiles src/ and test/ with tsc into out/ (for node --test and the editor suites), and links
// out/schemas to schemas/ so the compiled registry finds the schema files as the bundle does.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.test.json')], { stdio: 'inherit' });
const link = join(root, 'out/schemas');
if (!existsSync(link) && !isLink(link)) symlinkSync('../schemas', link, 'dir');

function isLink(p) {
  try { return lstatSync(p).isSymbolicLink(); } catch { return false; }
}
