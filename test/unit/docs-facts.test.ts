/**
 * Facts kept in more than one place agree with their source: the rule ids of RULE_CATALOG with
 * the disabledRules enum of package.json and the README's rule tables; the commands and settings
 * package.json contributes with the README's Commands and Settings tables.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RULE_CATALOG } from '../../src/core/rules';
import { ROOT } from './fixtures';

interface Contributes {
  commands: { command: string; title: string; category?: string }[];
  configuration: { properties: Record<string, { items?: { enum?: string[] } }> };
  menus?: { commandPalette?: { command: string; when?: string }[] };
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: Contributes };
const nls = JSON.parse(readFileSync(join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The text of a package.json string, through package.nls.json when it is a %key%. */
const text = (s: string) => s.replace(/^%(.+)%$/, (_, key: string) => nls[key] ?? assert.fail(`no text for %${key}% in package.nls.json`));

/** The body of the README section `## <title>` (to the next `## `). */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README has a section "${title}"`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The first cells of a section's table rows (header and rule excluded). */
function firstCells(body: string): string[] {
  return body.split('\n').filter((l) => l.startsWith('| ') && !/^\|\s*-/.test(l)).map((l) => l.split('|')[1].trim())
    .filter((c) => !['id', 'command', 'setting'].includes(c));
}

const unquote = (c: string) => c.replace(/^`|`$/g, '');
const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('one source for each fact', () => {
  const catalog = RULE_CATALOG.map((r) => r.id);

  it('the catalog has no id twice', () => {
    assert.equal(new Set(catalog).size, catalog.length);
  });

  it('the disabledRules enum of package.json is the rule catalog, in its order', () => {
    const enumIds = pkg.contributes.configuration.properties['tanzuGitops.validation.disabledRules'].items?.enum;
    assert.deepEqual(enumIds, catalog);
  });

  it("the README's rule tables list each rule of the catalog once", () => {
    const rows = firstCells(section('Rules')).map(unquote);
    assert.deepEqual(sorted(rows), sorted(catalog));
  });

  it("the README's settings table lists each setting package.json contributes", () => {
    const rows = firstCells(section('Settings')).map(unquote);
    assert.deepEqual(sorted(rows), sorted(Object.keys(pkg.contributes.configuration.properties)));
  });

  it("the README's commands table names each command of the palette, and only contributed ones", () => {
    const hidden = new Set((pkg.contributes.menus?.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command));
    const titles = new Map(pkg.contributes.commands.map((c) => [c.command, text(c.title)]));
    // a row names `Tanzu GitOps: A` / `B` (B of the same category), or a view's commands after "Drift view:"
    const named = new Set(firstCells(section('Commands')).flatMap((cell) => {
      const m = /^`?Tanzu GitOps: (.+?)`?$/.exec(cell) ?? /^Drift view: (.+)$/.exec(cell);
      return m ? m[1].split(/`? \/ `?|, /).map((t) => t.replace(/`/g, '').trim()) : [cell];
    }));
    for (const [command, title] of titles) {
      if (!hidden.has(command)) assert.ok(named.has(title), `${command} ("${title}") is not in the README's Commands table`);
    }
    const all = new Set(titles.values());
    for (const t of named) assert.ok(all.has(t), `the README's Commands table names "${t}", which package.json does not contribute`);
  });
});
