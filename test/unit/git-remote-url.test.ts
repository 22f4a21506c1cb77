/** Remote URL normal form, repo matching (Argo CD repoURL vs local remotes) and credential redaction. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findRemote, normalizeRepoUrl, redactUrlCredentials, sameRepo } from '../../src/git/remote-url';

describe('normalizeRepoUrl', () => {
  it('gives host/org/repo for every spelling of one GitHub repository', () => {
    const forms = [
      'https://github.com/org/repo',
      'https://github.com/org/repo.git',
      'https://github.com/org/repo/',
      'https://github.com/org/repo.git/',
      'http://github.com/org/repo.git',
      'https://GitHub.COM/org/repo.git',
      'https://user:password@github.com/org/repo.git',
      'https://x-access-token:ghp_abc123@github.com/org/repo',
      'https://github.com:443/org/repo.git',
      'ssh://git@github.com/org/repo.git',
      'ssh://git@github.com:22/org/repo.git',
      'ssh://git@ssh.github.com:443/org/repo.git',
      'git+ssh://git@github.com/org/repo.git',
      'git@github.com:org/repo.git',
      'git@github.com:org/repo',
      'github.com:org/repo.git',
      'git://github.com/org/repo.git',
      '  https://github.com/org/repo.git  ',
      'https://github.com//org//repo.git',
      'https://github.com/org/repo.git?ref=main#frag',
    ];
    for (const f of forms) assert.equal(normalizeRepoUrl(f), 'github.com/org/repo', f);
  });

  it('keeps GitLab subgroups', () => {
    for (const f of [
      'https://gitlab.example.com/group/sub/deeper/repo.git',
      'git@gitlab.example.com:group/sub/deeper/repo.git',
      'ssh://git@gitlab.example.com:2222/group/sub/deeper/repo',
      'https://oauth2:glpat-xyz@gitlab.example.com/group/sub/deeper/repo',
    ]) {
      assert.equal(normalizeRepoUrl(f), 'gitlab.example.com/group/sub/deeper/repo', f);
    }
    assert.notEqual(normalizeRepoUrl('https://gitlab.example.com/group/repo'), normalizeRepoUrl('https://gitlab.example.com/group/sub/repo'));
  });

  it('gives one form for the Azure DevOps spellings', () => {
    for (const f of [
      'https://dev.azure.com/contoso/Fabrikam/_git/infra',
      'https://contoso@dev.azure.com/contoso/Fabrikam/_git/infra',
      'git@ssh.dev.azure.com:v3/contoso/Fabrikam/infra',
      'ssh://git@ssh.dev.azure.com/v3/contoso/Fabrikam/infra',
      'https://contoso.visualstudio.com/Fabrikam/_git/infra',
      'https://contoso.visualstudio.com/DefaultCollection/Fabrikam/_git/infra',
      'contoso@vs-ssh.visualstudio.com:v3/contoso/Fabrikam/infra',
    ]) {
      assert.equal(normalizeRepoUrl(f), 'dev.azure.com/contoso/Fabrikam/_git/infra', f);
    }
    // a project name with a space, percent-encoded or not
    assert.equal(normalizeRepoUrl('https://dev.azure.com/contoso/My%20Project/_git/infra'), 'dev.azure.com/contoso/My Project/_git/infra');
  });

  it('keeps self-hosted servers with ports and IPv6 hosts apart from the path', () => {
    assert.equal(normalizeRepoUrl('https://git.corp.local:8443/scm/team/repo.git'), 'git.corp.local/scm/team/repo');
    assert.equal(normalizeRepoUrl('ssh://git@[fd00::1]:2222/team/repo.git'), 'fd00::1/team/repo');
    assert.equal(normalizeRepoUrl('https://10.0.0.5/team/repo.git'), '10.0.0.5/team/repo');
  });

  it('gives a path for local repositories', () => {
    assert.equal(normalizeRepoUrl('/srv/git/repo.git'), '/srv/git/repo');
    assert.equal(normalizeRepoUrl('/srv/git/repo.git/'), '/srv/git/repo');
    assert.equal(normalizeRepoUrl('file:///srv/git/repo.git'), '/srv/git/repo');
    assert.equal(normalizeRepoUrl('C:\\git\\repo.git'), 'C:/git/repo');
    assert.equal(normalizeRepoUrl(''), '');
  });

  it('never keeps credentials', () => {
    for (const f of ['https://alice:s3cret@host.example/o/r.git', 'https://tok3n@host.example/o/r', 'ssh://bob:pw@host.example/o/r']) {
      const n = normalizeRepoUrl(f);
      assert.ok(!/s3cret|tok3n|alice|bob|pw/.test(n), n);
    }
  });
});

describe('sameRepo and findRemote', () => {
  it('matches an Argo CD repoURL with a local remote of another spelling', () => {
    assert.equal(sameRepo('https://github.com/Org/Repo.git', 'git@github.com:org/repo.git'), true);
    assert.equal(sameRepo('https://github.com/org/repo', 'https://github.com/org/repo2'), false);
    assert.equal(sameRepo('https://github.com/org/repo', 'https://gitlab.com/org/repo'), false);
    assert.equal(sameRepo('', ''), false);
  });

  it('finds the remote an Application points at', () => {
    const remotes = [
      { name: 'upstream', url: 'https://github.com/vendor/platform.git' },
      { name: 'origin', url: 'git@github.com:acme/gitops.git' },
    ];
    assert.equal(findRemote(remotes, 'https://github.com/acme/gitops')?.name, 'origin');
    assert.equal(findRemote(remotes, 'ssh://git@github.com/vendor/platform.git')?.name, 'upstream');
    assert.equal(findRemote(remotes, 'https://github.com/acme/other'), undefined);
    assert.equal(findRemote(remotes, ''), undefined);
  });
});

describe('redactUrlCredentials', () => {
  it('removes user info from https URLs inside messages', () => {
    const msg = "fatal: unable to access 'https://alice:s3cr%40t@git.example.com/o/r.git/': Could not resolve host";
    const out = redactUrlCredentials(msg);
    assert.ok(!out.includes('s3cr'), out);
    assert.ok(!out.includes('alice'), out);
    assert.ok(out.includes('https://***@git.example.com/o/r.git/'), out);
    assert.equal(redactUrlCredentials('https://ghp_token123@github.com/o/r'), 'https://***@github.com/o/r');
    // an unencoded @ in the password does not leak its tail
    assert.equal(redactUrlCredentials('https://u:p@ss@h.example/x'), 'https://***@h.example/x');
  });

  it('keeps a bare ssh user, not an ssh password', () => {
    assert.equal(redactUrlCredentials('ssh://git@github.com/o/r'), 'ssh://git@github.com/o/r');
    assert.equal(redactUrlCredentials('ssh://git:pw@github.com/o/r'), 'ssh://***@github.com/o/r');
    assert.equal(redactUrlCredentials('git@github.com:o/r.git'), 'git@github.com:o/r.git');
  });
});
