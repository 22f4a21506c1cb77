/**
 * The extension's contributed texts (command titles, settings, views, the walkthrough) stand in
 * package.nls.json, the file VS Code translates from: every %key% of package.json has its text
 * there, and every text there is used.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');
const manifest = readFileSync(join(ROOT, 'package.json'), 'utf8');
const nls = JSON.parse(readFileSync(join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, unknown>;

/** Every "%key%" string value in package.json. */
function placeholders(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    const m = /^%([^%]+)%$/.exec(value);
    if (m) out.add(m[1]);
  } else if (Array.isArray(value)) {
    for (const v of value) placeholders(v, out);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) placeholders(v, out);
  }
  return out;
}

describe('package.nls.json', () => {
  const used = placeholders(JSON.parse(manifest));

  it('has a non-empty text for every %key% of package.json', () => {
    const missing = [...used].filter((k) => typeof nls[k] !== 'string' || (nls[k] as string).trim() === '');
    assert.deepEqual(missing, []);
  });

  it('holds no text that package.json does not use', () => {
    assert.deepEqual(Object.keys(nls).filter((k) => !used.has(k)), []);
  });

  it('leaves no contributed title or description untranslatable', () => {
    const pkg = JSON.parse(manifest) as { contributes: { commands: { title: string; category?: string }[]; configuration: { properties: Record<string, { description?: string; markdownDescription?: string }> } } };
    for (const c of pkg.contributes.commands) assert.match(c.title, /^%.+%$/, `command title ${c.title}`);
    for (const [name, p] of Object.entries(pkg.contributes.configuration.properties)) {
      assert.match(p.description ?? p.markdownDescription ?? '', /^%.+%$/, `setting ${name}`);
    }
  });
});
