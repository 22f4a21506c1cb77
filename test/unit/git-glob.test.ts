/**
 * Argo CD directory include/exclude globs (gobwas/glob without separators) and the file selection
 * of a directory source (extensions, recurse, filters).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileGlob, globMatch, passesDirectoryFilters } from '../../src/git/glob';
import { joinPath, normalizeSourcePath, relativeTo, selectFile } from '../../src/git/select';

describe('globMatch (Argo CD semantics)', () => {
  it('matches the whole relative path', () => {
    assert.equal(globMatch('config.yaml', 'config.yaml'), true);
    assert.equal(globMatch('config.yaml', 'a/config.yaml'), false);
    assert.equal(globMatch('config', 'config.yaml'), false);
  });

  it('lets * and ** cross folders, as gobwas without separators does', () => {
    assert.equal(globMatch('*.yaml', 'a.yaml'), true);
    assert.equal(globMatch('*.yaml', 'sub/deep/a.yaml'), true);
    assert.equal(globMatch('env-usw2/*', 'env-usw2/a.yaml'), true);
    assert.equal(globMatch('env-usw2/*', 'env-usw2/x/a.yaml'), true);
    assert.equal(globMatch('**/secret.yaml', 'a/b/secret.yaml'), true);
    assert.equal(globMatch('*/bad/*', 'x/bad/y.yaml'), true);
    assert.equal(globMatch('*.yaml', 'a.json'), false);
  });

  it('? is one character, / included', () => {
    assert.equal(globMatch('a?.yaml', 'a1.yaml'), true);
    assert.equal(globMatch('a?b.yaml', 'a/b.yaml'), true);
    assert.equal(globMatch('a?.yaml', 'a12.yaml'), false);
    assert.equal(globMatch('?.yaml', 'é.yaml'), true); // a rune, not a byte
  });

  it('{a,b} alternatives, nested, with globs inside', () => {
    const p = '{config.json,env-usw2/*}';
    assert.equal(globMatch(p, 'config.json'), true);
    assert.equal(globMatch(p, 'env-usw2/deploy.yaml'), true);
    assert.equal(globMatch(p, 'env-use1/deploy.yaml'), false);
    assert.equal(globMatch('{a,b{1,2}}.yaml', 'b2.yaml'), true);
    assert.equal(globMatch('{a,b{1,2}}.yaml', 'b3.yaml'), false);
    assert.equal(globMatch('{*.yml,*.json}', 'x/y.json'), true);
    assert.equal(globMatch('{a,}.yaml', '.yaml'), true);
  });

  it('character classes: lists, one range, negation', () => {
    assert.equal(globMatch('[abc].yaml', 'b.yaml'), true);
    assert.equal(globMatch('[abc].yaml', 'd.yaml'), false);
    assert.equal(globMatch('[!abc].yaml', 'd.yaml'), true);
    assert.equal(globMatch('[a-c].yaml', 'b.yaml'), true);
    assert.equal(globMatch('[!a-c].yaml', 'b.yaml'), false);
    assert.equal(globMatch('v[0-9].yaml', 'v7.yaml'), true);
    assert.equal(globMatch('[^a].yaml', '^.yaml'), true); // ^ is no negation in gobwas
    // '[.-]' reads as the range '.'-']' and then wants a closing ']': invalid, so no match
    assert.equal(globMatch('[.-].yaml', '-.yaml'), false);
  });

  it('escapes and literal specials', () => {
    assert.equal(globMatch('a\\*.yaml', 'a*.yaml'), true);
    assert.equal(globMatch('a\\*.yaml', 'ab.yaml'), false);
    assert.equal(globMatch('a.b(c)+$^|.yaml', 'a.b(c)+$^|.yaml'), true);
    assert.equal(globMatch('a.yaml', 'aXyaml'), false);
    assert.equal(globMatch('x}.yaml', 'x}.yaml'), true); // } closes nothing: literal
    assert.equal(globMatch('a,b.yaml', 'a,b.yaml'), true); // , outside braces: literal
    assert.equal(globMatch('a].yaml', 'a].yaml'), true);
  });

  it('an invalid pattern matches nothing and says why', () => {
    for (const p of ['{a,b', '[abc', '[a-z', '[a-zA-Z].yaml']) {
      const g = compileGlob(p);
      assert.ok(g.error, p);
      assert.equal(g.matches('a'), false, p);
    }
    assert.equal(compileGlob('*.yaml').error, undefined);
  });
});

describe('passesDirectoryFilters', () => {
  it('exclude wins over include; each is optional', () => {
    assert.equal(passesDirectoryFilters('a.yaml'), true);
    assert.equal(passesDirectoryFilters('a.yaml', '*.yaml'), true);
    assert.equal(passesDirectoryFilters('a.json', '*.yaml'), false);
    assert.equal(passesDirectoryFilters('a.yaml', '*.yaml', 'a.yaml'), false);
    assert.equal(passesDirectoryFilters('b.yaml', '*.yaml', '{a.yaml,c.yaml}'), true);
  });

  it('an invalid include includes nothing, an invalid exclude excludes nothing (Argo CD)', () => {
    assert.equal(passesDirectoryFilters('a.yaml', '{oops'), false);
    assert.equal(passesDirectoryFilters('a.yaml', undefined, '{oops'), true);
  });
});

describe('selectFile', () => {
  const flat = { recurse: false };
  const deep = { recurse: true };

  it('takes .yaml, .yml and .json (case-sensitive, as Argo CD), reports .jsonnet', () => {
    assert.equal(selectFile('a.yaml', flat), 'manifest');
    assert.equal(selectFile('a.yml', flat), 'manifest');
    assert.equal(selectFile('a.json', flat), 'manifest');
    assert.equal(selectFile('a.jsonnet', flat), 'jsonnet');
    assert.equal(selectFile('a.YAML', flat), undefined);
    assert.equal(selectFile('README.md', flat), undefined);
    assert.equal(selectFile('yaml', flat), undefined);
    assert.equal(selectFile('.yaml', flat), 'manifest');
  });

  it('recurse false keeps only files directly in the path', () => {
    assert.equal(selectFile('sub/a.yaml', flat), undefined);
    assert.equal(selectFile('sub/a.yaml', deep), 'manifest');
    assert.equal(selectFile('.hidden/a.yaml', deep), 'manifest');
  });

  it('applies include and exclude to the path relative to the source path', () => {
    const d = { recurse: true, include: '{prod/*,base.yaml}', exclude: '*secret*' };
    assert.equal(selectFile('base.yaml', d), 'manifest');
    assert.equal(selectFile('prod/app.yaml', d), 'manifest');
    assert.equal(selectFile('prod/deep/app.yaml', d), 'manifest');
    assert.equal(selectFile('prod/secret.yaml', d), undefined);
    assert.equal(selectFile('dev/app.yaml', d), undefined);
  });
});

describe('source paths', () => {
  it('normalises separators, dots and slashes', () => {
    assert.equal(normalizeSourcePath(''), '');
    assert.equal(normalizeSourcePath('.'), '');
    assert.equal(normalizeSourcePath('./'), '');
    assert.equal(normalizeSourcePath('/'), '');
    assert.equal(normalizeSourcePath('clusters/'), 'clusters');
    assert.equal(normalizeSourcePath('./clusters//prod/'), 'clusters/prod');
    assert.equal(normalizeSourcePath('clusters\\prod'), 'clusters/prod');
    assert.throws(() => normalizeSourcePath('../elsewhere'), /leaves the repository/);
    assert.throws(() => normalizeSourcePath('a/../../b'), /leaves the repository/);
  });

  it('joins and relativises', () => {
    assert.equal(joinPath('', 'a.yaml'), 'a.yaml');
    assert.equal(joinPath('c', 'a.yaml'), 'c/a.yaml');
    assert.equal(relativeTo('c', 'c/x/a.yaml'), 'x/a.yaml');
    assert.equal(relativeTo('c', 'cc/a.yaml'), undefined);
    assert.equal(relativeTo('', 'a.yaml'), 'a.yaml');
  });
});
