/** Small pure helpers of the rules: version hints, edit distance, closest name, quantities, TKR names. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tkrNameFromVersion } from '../../src/core/rules/deprecated';
import { isBase64Pem } from '../../src/core/rules/trusted-ca';
import { closest, editDistance } from '../../src/core/findings/util';
import { hintMatches } from '../../src/core/rules/version-mismatch';
import { QUANTITY } from '../../src/core/rules/volume';

describe('hintMatches (version-mismatch)', () => {
  it('accepts a hint that is a component-wise prefix of the full version, with or without v', () => {
    const full = 'v1.21.6+vmware.1-tkg.1.b3d708a';
    for (const hint of ['v1', 'v1.21', '1.21', 'v1.21.6', '1.21.6', 'v1.21.6+vmware.1', ' v1.21 ', full]) {
      assert.equal(hintMatches(hint, full), true, hint);
    }
    assert.equal(hintMatches('v1.20', 'v1.20.7+vmware.1-tkg.1.7fb9067'), true);
    assert.equal(hintMatches('v1.20.7', '1.20.7'), true);
  });

  it('refuses a prefix that stops inside a component, or another version', () => {
    const full = 'v1.21.6+vmware.1-tkg.1.b3d708a';
    for (const hint of ['v1.2', 'v1.21.', 'v1.21.60', 'v1.22', 'v1.21.6+vmware.10', 'v2', '']) {
      assert.equal(hintMatches(hint, full), false, JSON.stringify(hint));
    }
    assert.equal(hintMatches('v1.21', 'v1.20.7'), false);
  });
});

describe('editDistance', () => {
  it('is the Levenshtein distance up to the bound', () => {
    assert.equal(editDistance('', ''), 0);
    assert.equal(editDistance('vmclass', 'vmclass'), 0);
    assert.equal(editDistance('lables', 'labels'), 2);
    assert.equal(editDistance('replica', 'replicas'), 1);
    assert.equal(editDistance('kitten', 'sitting', 5), 3);
  });

  it('returns max + 1 as soon as the distance is certain to exceed max', () => {
    assert.equal(editDistance('kitten', 'sitting', 2), 3);
    assert.equal(editDistance('a', 'abcdef'), 4);
    assert.equal(editDistance('a', 'abcdef', 10), 5);
    assert.equal(editDistance('storageClass', 'vmClass', 1), 2);
    assert.equal(editDistance('calico', 'antrea'), 4);
    assert.equal(editDistance('calico', 'antrea', 10), 6);
  });
});

describe('closest', () => {
  const fields = ['replicas', 'vmClass', 'storageClass', 'tkr', 'volumes', 'nodeDrainTimeout'];

  it('prefers a case-insensitive match, then the nearest name within a third of the length', () => {
    assert.equal(closest('vmclass', fields), 'vmClass');
    assert.equal(closest('VMCLASS', fields), 'vmClass');
    assert.equal(closest('replica', fields), 'replicas');
    assert.equal(closest('storagClass', fields), 'storageClass');
    assert.equal(closest('lables', ['labels', 'annotations', 'name']), 'labels');
    assert.equal(closest('Antrea', ['calico', 'antrea', 'antrea-nsx-routed']), 'antrea');
  });

  it('returns undefined when nothing is close enough', () => {
    assert.equal(closest('zzzzqqq', fields), undefined);
    assert.equal(closest('flannel', ['calico', 'antrea', 'antrea-nsx-routed']), undefined);
    assert.equal(closest('tk', ['vmClass']), undefined);
    assert.equal(closest('x', []), undefined);
  });

  it('lets short names differ by one character at most', () => {
    assert.equal(closest('tkx', fields), 'tkr');
    assert.equal(closest('txx', fields), undefined);
  });
});

describe('other helpers', () => {
  it('tkrNameFromVersion replaces + with ---', () => {
    assert.equal(tkrNameFromVersion('v1.21.6+vmware.1-tkg.1.b3d708a'), 'v1.21.6---vmware.1-tkg.1.b3d708a');
    assert.equal(tkrNameFromVersion(' v1.25.7+vmware.3-fips.1-tkg.1 '), 'v1.25.7---vmware.3-fips.1-tkg.1');
  });

  it('QUANTITY accepts Kubernetes quantities and refuses units of other worlds', () => {
    for (const q of ['20Gi', '512Mi', '1Ti', '1.5T', '100m', '1e3', '20G', '0', '.5Gi']) assert.ok(QUANTITY.test(q), q);
    for (const q of ['20GB', '20gi', '4 GB', 'lots', '', 'Gi', '20Gb']) assert.ok(!QUANTITY.test(q), q);
  });

  it('isBase64Pem accepts base64 of a PEM certificate (wrapped or not) and nothing else', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const b64 = Buffer.from(pem).toString('base64');
    assert.equal(isBase64Pem(b64), true);
    assert.equal(isBase64Pem(b64.replace(/(.{16})/g, '$1\n')), true);
    assert.equal(isBase64Pem(pem), false);
    assert.equal(isBase64Pem(Buffer.from('-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n').toString('base64')), false);
    assert.equal(isBase64Pem('not base64!'), false);
  });
});
