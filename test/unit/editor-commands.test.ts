/**
 * The editor's command table against package.json: every contributed command is in the table and
 * every command of the table is contributed; what each does without a cluster is said, and a
 * command that does nothing without one loads nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS, commandHandler, type CommandHost } from '../../src/editor/commands';

const root = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string }[]; menus: Record<string, { command?: string }[]>; keybindings?: { command: string }[] };
};

/** A host that records what was reached through it; nothing is loaded. */
function recordingHost(connected: boolean): { host: CommandHost; reached: string[] } {
  const reached: string[] = [];
  // any property is another stub, any call is recorded; not a thenable (an await must not wait on it)
  const stub = (name: string): unknown => new Proxy(() => undefined, {
    get: (_t, key) => (key === 'then' || typeof key !== 'string' ? undefined : stub(`${name}.${key}`)),
    apply: () => { reached.push(name); return undefined; },
  });
  const host = {
    language: () => { reached.push('language'); return stub('language'); },
    connection: () => { reached.push('connection'); return stub('connection'); },
    existingConnection: () => (connected ? stub('existing') : undefined),
    drift: () => { reached.push('drift'); return stub('drift'); },
    clusters: () => { reached.push('clusters'); return stub('clusters'); },
    designer: () => { reached.push('designer'); return stub('designer'); },
    uri: () => undefined,
  } as unknown as CommandHost;
  return { host, reached };
}

describe('editor commands', () => {
  it('the table holds exactly the commands package.json contributes', () => {
    const contributed = pkg.contributes.commands.map((c) => c.command).sort();
    assert.equal(new Set(contributed).size, contributed.length, 'no command contributed twice');
    assert.deepEqual(Object.keys(COMMANDS).sort(), contributed);
  });

  it('menus and keybindings name only contributed commands', () => {
    const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
    const named = [...Object.values(pkg.contributes.menus).flat().map((m) => m.command), ...(pkg.contributes.keybindings ?? []).map((k) => k.command)].filter((c): c is string => !!c);
    assert.ok(named.length > 0);
    for (const c of named) assert.ok(contributed.has(c), c);
  });

  it('each command says what it does without a cluster', () => {
    for (const [id, spec] of Object.entries(COMMANDS)) assert.ok(['works', 'connects', 'asks', 'nothing'].includes(spec.withoutCluster), id);
    const offline = Object.entries(COMMANDS).filter(([, s]) => s.withoutCluster === 'works').map(([id]) => id);
    for (const id of ['tanzuGitops.validateWorkspace', 'tanzuGitops.newCluster', 'tanzuGitops.selectContext']) assert.ok(offline.includes(id), id);
  });

  it('a command that does nothing without a cluster reaches nothing until a connection was made; the others reach their module', async () => {
    for (const [id, spec] of Object.entries(COMMANDS)) {
      const never = recordingHost(false);
      await commandHandler(spec, never.host)();
      if (spec.withoutCluster === 'nothing') assert.deepEqual(never.reached, [], id);
      else assert.ok(never.reached.length > 0, `${id} runs without a connection`);
      if (spec.withoutCluster === 'nothing') {
        const connected = recordingHost(true);
        await commandHandler(spec, connected.host)();
        assert.ok(connected.reached.length > 0, `${id} runs once connected`);
      }
    }
  });
});
