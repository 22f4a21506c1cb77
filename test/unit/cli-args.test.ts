/**
 * The command line's arguments: one parser, one behaviour and one message for every option of
 * every command (validate, diff, sync, rules, argocd, clusters, register-cluster), checked from the commands' own option tables.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError, parseCommandLine, type OptionDefs } from '../../src/cli/command';
import { COMMANDS, main } from '../../src/cli/main';
import { RULE_CATALOG } from '../../src/core/rules';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, (s) => { stdout += s; }, (s) => { stderr += s; });
  return { code, stdout, stderr };
}

function refuses(argv: string[], defs: OptionDefs, message: RegExp): void {
  assert.throws(() => parseCommandLine(argv, defs), (e: unknown) => e instanceof UsageError && message.test(e.message), argv.join(' '));
}

describe('command-line arguments', () => {
  it('every command has a table, and its usage names each of its options', () => {
    assert.deepEqual(Object.keys(COMMANDS).sort(), ['argocd', 'clusters', 'diff', 'register-cluster', 'rules', 'sync', 'validate']);
    for (const [name, c] of Object.entries(COMMANDS)) {
      for (const [opt, def] of Object.entries(c.options)) {
        assert.ok(c.usage.includes(`--${opt}`), `${name}: the usage names --${opt}`);
        if (def.short) assert.ok(c.usage.includes(`-${def.short}, --${opt}`), `${name}: the usage names -${def.short}`);
      }
    }
  });

  for (const [name, c] of Object.entries(COMMANDS)) {
    describe(name, () => {
      const strings = Object.entries(c.options).filter(([, d]) => d.type === 'string');
      const flags = Object.entries(c.options).filter(([, d]) => d.type === 'boolean');

      it('a value with a space or an equals sign reads the same; a short form the same as the long one', () => {
        for (const [opt, def] of strings) {
          const spaced = parseCommandLine([`--${opt}`, 'v1', 'p'], c.options);
          const joined = parseCommandLine([`--${opt}=v1`, 'p'], c.options);
          assert.deepEqual(spaced, joined, opt);
          assert.deepEqual(spaced.values[opt], def.multiple ? ['v1'] : 'v1', opt);
          assert.deepEqual(spaced.positionals, ['p'], opt);
          if (def.short) assert.deepEqual(parseCommandLine([`-${def.short}`, 'v1', 'p'], c.options), spaced, opt);
          // a value that starts with "-" only when joined to its option
          assert.deepEqual(parseCommandLine([`--${opt}=-x`], c.options).values[opt], def.multiple ? ['-x'] : '-x', opt);
        }
        for (const [opt, def] of flags) {
          assert.equal(parseCommandLine([`--${opt}`], c.options).values[opt], true, opt);
          if (def.short) assert.equal(parseCommandLine([`-${def.short}`], c.options).values[opt], true, opt);
        }
      });

      it('a missing value, a flag given a value, an unknown option: one message each', () => {
        for (const [opt] of strings) {
          refuses([`--${opt}`], c.options, new RegExp(`^option --${opt} needs a value$`));
          refuses([`--${opt}`, '-x', 'p'], c.options, new RegExp(`^option --${opt} needs a value \\(to give one that starts with "-", write --${opt}=-x\\)$`));
          refuses([`--${opt}`, '--help'], c.options, new RegExp(`^option --${opt} needs a value`));
        }
        for (const [opt] of flags) refuses([`--${opt}=yes`], c.options, new RegExp(`^option --${opt} takes no value$`));
        refuses(['--frobnicate', 'p'], c.options, /^unknown option --frobnicate$/);
        refuses(['-Z', 'p'], c.options, /^unknown option -Z$/);
      });

      it('exits 2 with the message and the usage; --help exits 0 with the usage', async () => {
        for (const argv of [['--frobnicate', 'p'], ['--help=1']]) {
          const r = await run([name, ...argv]);
          assert.equal(r.code, 2, argv.join(' '));
          assert.equal(r.stdout, '');
          assert.match(r.stderr, new RegExp(`^tanzu-gitops ${name}: (unknown option --frobnicate|option --help takes no value)\\n\\n`));
          assert.ok(r.stderr.endsWith(`\n\n${c.usage}\n`), 'the usage follows the message');
        }
        if (strings.length > 0) {
          const [opt] = strings[strings.length - 1];
          const r = await run([name, `--${opt}`]);
          assert.equal(r.code, 2);
          assert.match(r.stderr, new RegExp(`^tanzu-gitops ${name}: option --${opt} needs a value\\n`));
        }
        const help = await run([name, '--help']);
        assert.equal(help.code, 0);
        assert.equal(help.stdout, `${c.usage}\n`);
        assert.equal((await run([name, '-h'])).stdout, `${c.usage}\n`);
      });
    });
  }

  it('`--` ends the options; `-` alone is a value; the last single value wins, lists collect', () => {
    const defs = COMMANDS.diff.options;
    assert.deepEqual(parseCommandLine(['--', '-odd-folder'], defs).positionals, ['-odd-folder']);
    assert.equal(parseCommandLine(['--context', '-', 'p'], defs).values.context, '-');
    const r = parseCommandLine(['--context', 'a', '--context', 'b', '--kubeconfig', 'k1', '--kubeconfig=k2', 'p'], defs);
    assert.equal(r.values.context, 'b');
    assert.deepEqual(r.values.kubeconfig, ['k1', 'k2']);
  });

  it('the same option means the same in every command: --timeout takes a duration everywhere', async () => {
    for (const name of ['validate', 'diff', 'sync']) {
      const r = await run([name, '--timeout', 'soon', 'p']);
      assert.equal(r.code, 2, name);
      assert.match(r.stderr, /--timeout must be a duration such as 30, 90s, 5m or 1h30m, not "soon"/, name);
    }
  });

  it('rules takes no path; an unknown command exits 2 naming the commands', async () => {
    const r = await run(['rules', 'x']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /rules takes no path/);
    assert.equal((await run(['rules'])).stdout.split('\n').filter(Boolean).length, RULE_CATALOG.length);
    const u = await run(['frobnicate']);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /unknown command "frobnicate" \(commands: validate, diff, sync, rules, argocd, clusters, register-cluster\)/);
  });
});
