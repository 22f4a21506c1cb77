/** The small pure parts of the cluster layer: field paths, JWT expiry, redaction, proxy choice, backoff, TKR facts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff } from '../../src/cluster/backoff';
import { Emitter } from '../../src/cluster/events';
import { tkrFact } from '../../src/cluster/facts';
import { alignFieldPath, parseFieldPath } from '../../src/cluster/fieldpath';
import { decodeJwt, describeExpiry, expiryNotice, jwtExpiry, vsphereLoginCommand } from '../../src/cluster/jwt';
import { noProxyMatches, proxyFor } from '../../src/cluster/proxy';
import { redact, registerSecret } from '../../src/cluster/redact';

function jwt(claims: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}.c2lnbmF0dXJl`;
}

describe('parseFieldPath', () => {
  it('turns apiserver field paths into path arrays', () => {
    assert.deepEqual(parseFieldPath('spec.topology.controlPlane.replicas'), ['spec', 'topology', 'controlPlane', 'replicas']);
    assert.deepEqual(parseFieldPath('spec.x[0].y'), ['spec', 'x', 0, 'y']);
    assert.deepEqual(parseFieldPath('spec.topology.nodePools[12].volumes[0].capacity[storage]'), ['spec', 'topology', 'nodePools', 12, 'volumes', 0, 'capacity', 'storage']);
    assert.deepEqual(parseFieldPath('metadata.labels[app.kubernetes.io/name]'), ['metadata', 'labels', 'app.kubernetes.io/name']);
    assert.deepEqual(parseFieldPath('spec.matrix[1][2]'), ['spec', 'matrix', 1, 2]);
  });

  it('reads server-side apply conflict paths (leading dot, list selectors)', () => {
    assert.deepEqual(parseFieldPath('.data.key'), ['data', 'key']);
    assert.deepEqual(parseFieldPath('.spec.containers[name="app"].image'), ['spec', 'containers', 'name="app"', 'image']);
    assert.deepEqual(parseFieldPath('.spec.items[name="a]b"].x'), ['spec', 'items', 'name="a]b"', 'x']);
  });

  it('gives an empty path for nothing', () => {
    assert.deepEqual(parseFieldPath(''), []);
    assert.deepEqual(parseFieldPath(undefined), []);
    assert.deepEqual(parseFieldPath('<nil>'), []);
  });
});

describe('alignFieldPath (kube-apiserver 1.20 leaves list indexes out of CRD schema errors)', () => {
  const manifest = { spec: { topology: { nodePools: [{ name: 'a', vmClass: 'x' }, { vmClass: 'y', labels: { l: 1 } }, { name: 'c' }] } } };

  it('a required field: the first item that lacks it', () => {
    assert.deepEqual(alignFieldPath(['spec', 'topology', 'nodePools', 'name'], manifest, 'FieldValueRequired'), ['spec', 'topology', 'nodePools', 1, 'name']);
    assert.deepEqual(alignFieldPath(['spec', 'topology', 'nodePools', 'vmClass'], manifest, 'FieldValueRequired'), ['spec', 'topology', 'nodePools', 2, 'vmClass']);
  });

  it('another cause: the first item that has the field; no match stops at the list', () => {
    assert.deepEqual(alignFieldPath(['spec', 'topology', 'nodePools', 'labels', 'l'], manifest, 'FieldValueInvalid'), ['spec', 'topology', 'nodePools', 1, 'labels', 'l']);
    assert.deepEqual(alignFieldPath(['spec', 'topology', 'nodePools', 'taints'], manifest, 'FieldValueInvalid'), ['spec', 'topology', 'nodePools']);
  });

  it('leaves complete paths alone', () => {
    assert.deepEqual(alignFieldPath(['spec', 'topology', 'nodePools', 0, 'name'], manifest), ['spec', 'topology', 'nodePools', 0, 'name']);
    assert.deepEqual(alignFieldPath(['spec', 'missing', 'x'], manifest), ['spec', 'missing', 'x']);
  });
});

describe('JWT expiry and logging in again', () => {
  const token = jwt({ sub: 'sso:devops@vsphere.local', exp: 1_700_003_600 });

  it('decodes the claims without verifying, and exp as a date', () => {
    assert.equal(decodeJwt(token)?.sub, 'sso:devops@vsphere.local');
    assert.equal(jwtExpiry(token)?.getTime(), 1_700_003_600_000);
    assert.equal(jwtExpiry('not-a-jwt'), undefined);
    assert.equal(jwtExpiry('eyJ.x.y'), undefined);
    assert.equal(jwtExpiry(jwt({ sub: 'no-exp' })), undefined);
    assert.equal(jwtExpiry(undefined), undefined);
  });

  it('says "expires in N minutes" (or hours, or "expired … ago")', () => {
    const now = new Date(1_700_000_000_000);
    assert.equal(describeExpiry(new Date(now.getTime() + 42 * 60_000), now), 'expires in 42 minutes');
    assert.equal(describeExpiry(new Date(now.getTime() + 60_000), now), 'expires in 1 minute');
    assert.equal(describeExpiry(new Date(now.getTime() + 185 * 60_000), now), 'expires in 3 hours 5 minutes');
    assert.equal(describeExpiry(new Date(now.getTime() + 120 * 60_000), now), 'expires in 2 hours');
    assert.equal(describeExpiry(new Date(now.getTime() - 2 * 60_000), now), 'expired 2 minutes ago');
  });

  it('builds the kubectl vsphere login command from the cluster URL and the user', () => {
    assert.equal(vsphereLoginCommand('https://10.1.2.3:6443', 'wcp:10.1.2.3:admin@vsphere.local'), 'kubectl vsphere login --server 10.1.2.3 --vsphere-username admin@vsphere.local');
    assert.equal(vsphereLoginCommand('https://sv.example.com', 'someone', token), 'kubectl vsphere login --server sv.example.com --vsphere-username devops@vsphere.local');
    assert.equal(vsphereLoginCommand('https://[fd00::1]:6443', undefined), 'kubectl vsphere login --server fd00::1 --vsphere-username <user>');
    assert.equal(vsphereLoginCommand(undefined), 'kubectl vsphere login --server <server> --vsphere-username <user>');
    const now = new Date(1_700_000_000_000);
    assert.equal(expiryNotice('sv', new Date(now.getTime() + 10 * 60_000), 'kubectl vsphere login --server h --vsphere-username u', now),
      'The token of context "sv" expires in 10 minutes. Log in again: kubectl vsphere login --server h --vsphere-username u');
  });
});

describe('redact', () => {
  const token = jwt({ sub: 'u', exp: 1 });
  const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx1\nabc\n-----END RSA PRIVATE KEY-----';

  it('removes JWTs, bearer and basic credentials', () => {
    assert.equal(redact(`token ${token} here`), 'token [redacted JWT] here');
    assert.equal(redact('Authorization: Bearer abc123.def'), 'Authorization: [redacted] [redacted]');
    assert.equal(redact('got Bearer s3cr3t-opaque back'), 'got Bearer [redacted] back');
    assert.equal(redact('Basic dXNlcjpwYXNz'), 'Basic [redacted]');
  });

  it('removes PEM blocks, their base64 and DER base64 (client keys and certificates)', () => {
    assert.equal(redact(`key:\n${pem}\nend`), 'key:\n[redacted PEM]\nend');
    assert.equal(redact('-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI (cut short'), '[redacted PEM]');
    const b64 = Buffer.from(pem).toString('base64');
    assert.ok(!redact(`data ${b64}`).includes(b64.slice(0, 30)));
    assert.equal(redact(`cert MIIDBTCCAe2gAwIBAgIIfakefakefakefakefakefakefakefakefakefake==`), 'cert [redacted base64 DER]');
  });

  it('removes values of credential keys in YAML, JSON and query strings, and URL user info', () => {
    assert.equal(redact('token: abcdef123'), 'token: [redacted]');
    assert.equal(redact('{"token":"abcdef123","name":"x"}'), '{"token":[redacted],"name":"x"}');
    assert.equal(redact('password=hunter2&user=u'), 'password=[redacted]&user=u');
    assert.equal(redact("client-key-data: 'LS0t'"), 'client-key-data: [redacted]');
    assert.equal(redact('client-certificate-data: QUJD'), 'client-certificate-data: [redacted]');
    assert.equal(redact('proxy https://alice:pa55@proxy:3128 used'), 'proxy https://[redacted]@proxy:3128 used');
  });

  it('removes registered credential values wherever they appear', () => {
    registerSecret('plain-opaque-token-9f8e7d');
    assert.equal(redact('x plain-opaque-token-9f8e7d y plain-opaque-token-9f8e7d'), 'x [redacted] y [redacted]');
  });

  it('a registered value after a credential key is redacted once, with no stray bracket', () => {
    registerSecret('another-opaque-token-1a2b3c');
    assert.equal(redact('token: another-opaque-token-1a2b3c, user u'), 'token: [redacted], user u');
    assert.equal(redact('password=another-opaque-token-1a2b3c&x=1'), 'password=[redacted]&x=1');
  });

  it('leaves ordinary text alone', () => {
    const text = 'the token has expired; passwordSecret.name is set; tokenExpiry 5; User "dev" cannot list resource "secrets"';
    assert.equal(redact(text), text);
  });
});

describe('proxyFor', () => {
  it('uses HTTPS_PROXY for https, upper case first, adding a scheme', () => {
    assert.equal(proxyFor('https://sv.example.com:6443', { HTTPS_PROXY: 'proxy:3128', https_proxy: 'http://lower:1' }), 'http://proxy:3128');
    assert.equal(proxyFor('https://sv.example.com', { https_proxy: 'http://lower:1' }), 'http://lower:1');
    assert.equal(proxyFor('http://sv.example.com', { HTTPS_PROXY: 'http://p:1' }), undefined);
    assert.equal(proxyFor('http://sv.example.com', { HTTP_PROXY: 'http://p:2' }), 'http://p:2');
  });

  it('never proxies loopback; the kubeconfig proxy-url wins over the environment', () => {
    assert.equal(proxyFor('https://127.0.0.1:6443', { HTTPS_PROXY: 'http://p:1' }), undefined);
    assert.equal(proxyFor('https://localhost:6443', { HTTPS_PROXY: 'http://p:1' }), undefined);
    assert.equal(proxyFor('https://[::1]:6443', { HTTPS_PROXY: 'http://p:1' }), undefined);
    assert.equal(proxyFor('https://sv', { HTTPS_PROXY: 'http://p:1' }, 'socks5://s:1080'), 'socks5://s:1080');
  });

  it('honours NO_PROXY: *, domains and subdomains, leading dots, IPs, CIDRs, ports', () => {
    const env = (no: string) => ({ HTTPS_PROXY: 'http://p:1', NO_PROXY: no });
    assert.equal(proxyFor('https://sv.corp.example:6443', env('corp.example')), undefined);
    assert.equal(proxyFor('https://corp.example:6443', env('.corp.example')), 'http://p:1');
    assert.equal(proxyFor('https://a.corp.example', env('.corp.example')), undefined);
    assert.equal(proxyFor('https://10.1.2.3:6443', env('10.0.0.0/8')), undefined);
    assert.equal(proxyFor('https://11.1.2.3:6443', env('10.0.0.0/8')), 'http://p:1');
    assert.equal(proxyFor('https://10.1.2.3:6443', env('10.1.2.3')), undefined);
    assert.equal(proxyFor('https://10.1.2.3:6443', env('*')), undefined);
    assert.equal(noProxyMatches('sv.example', '6443', 'sv.example:443'), false);
    assert.equal(noProxyMatches('sv.example', '443', 'other, sv.example:443'), true);
    assert.equal(noProxyMatches('notcorp.example', '443', 'corp.example'), false);
  });
});

describe('Backoff', () => {
  it('doubles from the initial delay up to the cap; jitter takes up to its fraction off', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0.5 }, () => 0);
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => b.next()), [100, 200, 400, 800, 1000, 1000]);
    b.reset();
    assert.equal(b.next(), 100);
    const j = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0.5 }, () => 1);
    assert.deepEqual([1, 2, 3, 4, 5].map(() => j.next()), [50, 100, 200, 400, 500]);
    assert.equal(new Backoff({ maxMs: 1000, jitter: 0.2 }, () => 0.5).max(), 900);
  });

  it('spreads real random delays inside [delay × (1 − jitter), delay]', () => {
    for (let i = 0; i < 200; i++) {
      const d = new Backoff({ initialMs: 1000, jitter: 0.3 }).next();
      assert.ok(d >= 700 && d <= 1000, String(d));
    }
  });
});

describe('Emitter', () => {
  it('calls listeners until they are disposed; a throwing listener does not stop the others', () => {
    const e = new Emitter<number>();
    const seen: number[] = [];
    e.event(() => { throw new Error('x'); });
    const sub = e.event((n) => seen.push(n));
    e.fire(1);
    sub.dispose();
    e.fire(2);
    assert.deepEqual(seen, [1]);
    e.dispose();
    assert.equal(e.listenerCount, 0);
  });
});

describe('tkrFact', () => {
  const tkr = (labels: Record<string, string>, conditions: { type: string; status: string }[], spec: object = { version: 'v1.25.7+vmware.3-fips.1-tkg.1', kubernetes: { version: 'v1.25.7+vmware.3-fips.1' } }) =>
    ({ metadata: { name: 'v1.25.7---vmware.3-fips.1-tkg.1', labels }, spec, status: { conditions } });

  it('compatible unless labelled incompatible or Compatible=False; ready unless Ready=False; deactivated or invalid labels', () => {
    assert.deepEqual(tkrFact(tkr({ v1: '' }, [{ type: 'Ready', status: 'True' }, { type: 'Compatible', status: 'True' }])), {
      name: 'v1.25.7---vmware.3-fips.1-tkg.1', version: 'v1.25.7+vmware.3-fips.1-tkg.1', kubernetesVersion: 'v1.25.7+vmware.3-fips.1', compatible: true, ready: true, deactivated: false,
    });
    assert.equal(tkrFact(tkr({ incompatible: '' }, [])).compatible, false);
    assert.equal(tkrFact(tkr({ 'run.tanzu.vmware.com/incompatible': '' }, [])).compatible, false);
    assert.equal(tkrFact(tkr({}, [{ type: 'Compatible', status: 'False' }])).compatible, false);
    assert.equal(tkrFact(tkr({}, [{ type: 'Compatible', status: 'Unknown' }])).compatible, true);
    assert.equal(tkrFact(tkr({}, [{ type: 'Ready', status: 'False' }])).ready, false);
    assert.equal(tkrFact(tkr({}, [])).ready, true);
    assert.equal(tkrFact(tkr({ 'run.tanzu.vmware.com/deactivated': '' }, [])).deactivated, true);
    assert.equal(tkrFact(tkr({ invalid: '' }, [])).deactivated, true);
    assert.equal(tkrFact(tkr({}, [], { version: 'v1.20.7+vmware.1-tkg.1', kubernetesVersion: 'v1.20.7+vmware.1' })).kubernetesVersion, 'v1.20.7+vmware.1');
  });
});
