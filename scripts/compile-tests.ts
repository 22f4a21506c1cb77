// Compiles src/ and test/ with tsc into out/ (for node --test and the editor suites), and links
// out/schemas to schemas/ so the compiled registry finds the schema files as the bundle does.
// Usage: node scripts/run.mjs compile-tests
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './lib/tools';

execFileSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(REPO, 'tsconfig.test.json')], { stdio: 'inherit' });
const link = join(REPO, 'out/schemas');
if (!existsSync(link) && !isLink(link)) symlinkSync('../schemas', link, 'dir');

function isLink(p: string): boolean {
  try { return lstatSync(p).isSymbolicLink(); } catch { return false; }
}
