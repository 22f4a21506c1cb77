/** Failures to ClusterErrors: Status bodies by HTTP status, network and TLS codes, our timeouts; causes as paths. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClusterError, RequestTimeout, toClusterError } from '../../src/cluster/errors';

const status = (code: number, reason: string, message: string, details?: object) => ({
  statusCode: code,
  body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code, ...(details ? { details } : {}) }),
});

describe('toClusterError: HTTP status with a Kubernetes Status', () => {
  it('401: expired or bad token, with how to log in again', () => {
    const e = toClusterError(status(401, 'Unauthorized', 'Unauthorized'), {
      server: 'https://10.1.2.3:6443', context: 'sv', loginHint: 'kubectl vsphere login --server 10.1.2.3 --vsphere-username u@vsphere.local',
    });
    assert.equal(e.kind, 'unauthorized');
    assert.equal(e.status, 401);
    assert.match(e.message, /refused the credentials of context "sv" \(401 Unauthorized\): the token has expired or is not valid\. Log in again: kubectl vsphere login --server 10\.1\.2\.3 --vsphere-username u@vsphere\.local/);
    const expired = toClusterError(status(401, 'Unauthorized', 'Unauthorized'), { tokenExpiry: new Date('2020-01-01T00:00:00Z') });
    assert.match(expired.message, /the token expired at 2020-01-01T00:00:00\.000Z/);
    assert.match(expired.message, /kubectl vsphere login --server <server> --vsphere-username <user>/);
  });

  it('403: which user may not do which verb on which resource in which namespace', () => {
    const e = toClusterError(status(403, 'Forbidden', 'configmaps is forbidden: User "dev" cannot list resource "configmaps" in API group "" in the namespace "team-b"', { kind: 'configmaps' }));
    assert.equal(e.kind, 'forbidden');
    assert.match(e.message, /^User "dev" may not list configmaps in namespace "team-b" \(403 Forbidden\)\. Ask .* role in namespace "team-b" that allows list on configmaps/);
    const crd = toClusterError(status(403, 'Forbidden', 'tanzukubernetesclusters.run.tanzu.vmware.com "x" is forbidden: User "dev" cannot patch resource "tanzukubernetesclusters" in API group "run.tanzu.vmware.com" in the namespace "team-b"'));
    assert.match(crd.message, /may not patch tanzukubernetesclusters\.run\.tanzu\.vmware\.com in namespace "team-b"/);
    const cluster = toClusterError(status(403, 'Forbidden', 'namespaces is forbidden: User "dev" cannot list resource "namespaces" in API group "" at the cluster scope'));
    assert.match(cluster.message, /may not list namespaces at the cluster scope/);
  });

  it('403 with another message: the request fills in verb, resource and namespace', () => {
    const e = toClusterError(status(403, 'Forbidden', 'denied by admission webhook'), { verb: 'delete', resource: 'tanzukubernetesclusters', group: 'run.tanzu.vmware.com', namespace: 'team-a', context: 'c' });
    assert.match(e.message, /The user of context "c" may not delete tanzukubernetesclusters\.run\.tanzu\.vmware\.com in namespace "team-a"/);
  });

  it('404: the object, or an API that is not served', () => {
    const e = toClusterError(status(404, 'NotFound', 'configmaps "x" not found', { name: 'x', kind: 'configmaps' }), { namespace: 'team-a' });
    assert.equal(e.kind, 'notFound');
    assert.match(e.message, /configmaps "x" was not found in namespace "team-a" \(404 NotFound\)/);
    const path = toClusterError({ statusCode: 404, body: '404 page not found\n' }, { path: '/apis/foo.example.com/v1/bars', server: 'https://h' });
    assert.match(path.message, /https:\/\/h does not serve \/apis\/foo\.example\.com\/v1\/bars \(404\)/);
  });

  it('409: a server-side apply conflict names the fields and their manager; AlreadyExists and stale resourceVersion', () => {
    const e = toClusterError(status(409, 'Conflict', 'Apply failed with 1 conflict: conflict with "manager-a" using v1: .data.key', {
      causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "manager-a" using v1', field: '.data.key' }],
    }));
    assert.equal(e.kind, 'conflict');
    assert.match(e.message, /\.data\.key \(owned by "manager-a"\) is managed by another field manager\. Apply with force/);
    assert.deepEqual(e.causes[0].path, ['data', 'key']);
    assert.match(toClusterError(status(409, 'AlreadyExists', 'configmaps "x" already exists')).message, /already exists \(409 AlreadyExists\)/);
    assert.match(toClusterError(status(409, 'Conflict', 'Operation cannot be fulfilled on configmaps "x": the object has been modified')).message, /load the latest version and try again/);
  });

  it('422: the message, and causes with their field paths as arrays', () => {
    const e = toClusterError(status(422, 'Invalid', 'TanzuKubernetesCluster.run.tanzu.vmware.com "c" is invalid: [spec.topology.controlPlane.replicas: Invalid value: "three": must be integer, spec.topology.nodePools[0].name: Required value]', {
      name: 'c', group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster',
      causes: [
        { reason: 'FieldValueInvalid', message: 'Invalid value: "three": must be integer', field: 'spec.topology.controlPlane.replicas' },
        { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.topology.nodePools[0].name' },
      ],
    }), { method: 'PATCH', path: '/apis/run.tanzu.vmware.com/v1alpha2/namespaces/a/tanzukubernetesclusters/c', server: 'https://h' });
    assert.equal(e.kind, 'invalid');
    assert.equal(e.status, 422);
    assert.match(e.message, /https:\/\/h rejected PATCH .* \(422 Invalid\): TanzuKubernetesCluster\.run\.tanzu\.vmware\.com "c" is invalid/);
    assert.deepEqual(e.causes.map((c) => c.path), [['spec', 'topology', 'controlPlane', 'replicas'], ['spec', 'topology', 'nodePools', 0, 'name']]);
    assert.equal(e.causes[1].reason, 'FieldValueRequired');
  });

  it('410 Gone is recognised (the cache lists again); 5xx are server errors, 504 a timeout, 429 throttling', () => {
    const gone = toClusterError(status(410, 'Expired', 'too old resource version: 1 (4242)'));
    assert.ok(gone.isGone);
    assert.ok(gone.retryable);
    assert.equal(toClusterError(status(503, 'ServiceUnavailable', 'etcd down')).kind, 'server');
    assert.equal(toClusterError(status(504, 'Timeout', 'the server was unable to return a response in the time allotted')).kind, 'timeout');
    assert.equal(toClusterError(status(429, 'TooManyRequests', 'slow down')).kind, 'server');
    assert.equal(toClusterError(status(400, 'BadRequest', 'the dryRun parameter is bad')).kind, 'invalid');
  });

  it('accepts a Status object itself, and client-node ApiException shapes ({code, body})', () => {
    assert.equal(toClusterError({ kind: 'Status', code: 410, reason: 'Expired', message: 'too old' }).isGone, true);
    assert.equal(toClusterError({ code: 403, body: '{"kind":"Status","reason":"Forbidden","message":"x"}' }).kind, 'forbidden');
  });
});

describe('toClusterError: network and TLS errors', () => {
  const net = (code: string, message = code) => Object.assign(new Error(message), { code });
  const req = { server: 'https://10.1.2.3:6443', context: 'sv', cluster: 'supervisor', method: 'GET', path: '/api/v1/namespaces' };

  it('unreachable: refused, not resolving, timed out, reset — each with its cause', () => {
    const cases: [string, RegExp][] = [
      ['ECONNREFUSED', /refused the connection \(ECONNREFUSED\): the Supervisor is down or the port is wrong\. Check the server of the context "sv"/],
      ['ENOTFOUND', /does not resolve \(ENOTFOUND\)/],
      ['EAI_AGAIN', /does not resolve \(EAI_AGAIN\)/],
      ['ETIMEDOUT', /Connecting to https:\/\/10\.1\.2\.3:6443 timed out \(ETIMEDOUT\)/],
      ['EHOSTUNREACH', /not reachable \(EHOSTUNREACH\)/],
      ['ECONNRESET', /connection to .* was closed while GET \/api\/v1\/namespaces was running \(ECONNRESET\)/],
    ];
    for (const [code, re] of cases) {
      const e = toClusterError(net(code), req);
      assert.equal(e.kind, 'unreachable', code);
      assert.equal(e.code, code);
      assert.match(e.message, re);
    }
  });

  it('tls: untrusted or self-signed → what to set (and why not insecure-skip-tls-verify)', () => {
    for (const code of ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']) {
      const e = toClusterError(net(code), req);
      assert.equal(e.kind, 'tls', code);
      assert.match(e.message, new RegExp(`not signed by a CA the context trusts \\(${code}\\)\\. Set certificate-authority-data .* on the cluster "supervisor" in your kubeconfig`));
      assert.match(e.message, /Avoid insecure-skip-tls-verify: true — it would send your token/);
    }
    assert.match(toClusterError(net('CERT_HAS_EXPIRED'), req).message, /is expired \(CERT_HAS_EXPIRED\)\. Check this machine's clock/);
    const mismatch = toClusterError(net('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames: IP: 10.1.2.3 is not in the cert's list: 127.0.0.1"), req);
    assert.equal(mismatch.kind, 'tls');
    assert.match(mismatch.message, /not issued for that host name .*set tls-server-name/);
    assert.match(toClusterError(net('ERR_SSL_WRONG_VERSION_NUMBER'), req).message, /is it an HTTPS port/);
  });

  it('finds the code in a cause chain or an AggregateError', () => {
    const wrapped = new Error('request to https://h failed', { cause: net('ECONNREFUSED') });
    assert.equal(toClusterError(wrapped).kind, 'unreachable');
    const agg = Object.assign(new AggregateError([net('ECONNREFUSED'), net('ECONNREFUSED')], 'x'), {});
    assert.equal(toClusterError(agg).code, 'ECONNREFUSED');
  });

  it('our own timeout, cancellation, and anything else', () => {
    const t = toClusterError(new RequestTimeout(2500), req);
    assert.equal(t.kind, 'timeout');
    assert.match(t.message, /https:\/\/10\.1\.2\.3:6443 did not answer GET \/api\/v1\/namespaces: no answer within 2\.5 s/);
    assert.match(toClusterError(new RequestTimeout(60_000, 'idle'), req).message, /went quiet for 60 s/);
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    assert.equal(toClusterError(abort).kind, 'cancelled');
    assert.equal(toClusterError(new Error('weird')).kind, 'other');
    const same = new ClusterError('forbidden', 'x');
    assert.equal(toClusterError(same), same);
  });

  it('never lets a credential through a message or a cause', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl';
    const e = toClusterError(status(422, 'Invalid', `bad header Authorization: Bearer ${token}`, { causes: [{ field: 'x', message: `token: ${token}` }] }));
    assert.ok(!e.message.includes(token));
    assert.ok(!e.causes[0].message.includes(token));
    assert.ok(!toClusterError(new Error(`failed with Bearer ${token}`)).message.includes(token));
  });
});
