/**
 * Network rules: CNI, pod and service CIDRs, proxy, trusted CAs; each fires on a small built case
 * and stays quiet on its valid neighbour, in every API form it applies to.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateText } from '../../src/core/engine';
import { lineOf, tkcV1alpha1, tkcV1alpha2, tkcV1alpha3, yaml } from './builders';
import { findingsWith, network, one, span, validCluster, withVariables } from './more-builders';

const clusterNet = (pods: string[], services: string[] = ['10.96.0.0/12']) => ({ clusterNetwork: { pods: { cidrBlocks: pods }, services: { cidrBlocks: services } } });
const pem = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';
const pemBase64 = Buffer.from(pem).toString('base64');

describe('cni-name', () => {
  it('fires on antrea-nsx-routed in TKC v1alpha1, saying it needs v1alpha2, listing calico and antrea', () => {
    const text = yaml(tkcV1alpha1(network({ cni: { name: 'antrea-nsx-routed' }, pods: undefined })));
    const f = one(text, 'cni-name');
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.range, span(text, 'antrea-nsx-routed'));
    assert.equal(f.message, 'spec.settings.network.cni.name "antrea-nsx-routed" is not allowed in v1alpha1 (antrea-nsx-routed needs v1alpha2 or later): use one of calico, antrea.');
  });

  it('fires on an unknown CNI in TKC v1alpha2, with no fix when nothing is close', () => {
    const text = yaml(tkcV1alpha2(network({ cni: { name: 'flannel' } })));
    const f = one(text, 'cni-name');
    assert.deepEqual(f.range, span(text, 'flannel'));
    assert.equal(f.message, 'spec.settings.network.cni.name "flannel" is not allowed in v1alpha2: use one of calico, antrea, antrea-nsx-routed.');
    assert.equal(f.fixes, undefined);
  });

  it('offers the right spelling for a near miss (TKC v1alpha3 "Calico")', () => {
    const text = yaml(tkcV1alpha3(network({ cni: { name: 'Calico' } })));
    const f = one(text, 'cni-name');
    assert.deepEqual(f.fixes?.map((x) => [x.title, x.edits[0].newText, x.preferred]), [['Change to calico', 'calico', true]]);
    assert.deepEqual(f.fixes?.[0].edits[0].range, span(text, 'Calico'));
  });

  it('fires when antrea-nsx-routed has pod CIDRs (TKC v1alpha3), at the pods cidrBlocks key', () => {
    const text = yaml(tkcV1alpha3(network({ cni: { name: 'antrea-nsx-routed' } })));
    const f = one(text, 'cni-name');
    assert.deepEqual(f.range, span(text, 'cidrBlocks', 'cidrBlocks', lineOf(text, 'pods:')));
    assert.equal(f.message, 'spec.settings.network.pods.cidrBlocks must be unset with CNI antrea-nsx-routed: NSX assigns the pod networks.');
  });

  it('does not fire on allowed CNIs, on antrea-nsx-routed without pods, on placeholders, nor on a Cluster', () => {
    assert.deepEqual(findingsWith(yaml(tkcV1alpha1(network({ cni: { name: 'antrea' } }))), 'cni-name'), []);
    assert.deepEqual(findingsWith(yaml(tkcV1alpha2(network({ cni: { name: 'calico' } }))), 'cni-name'), []);
    assert.deepEqual(findingsWith(yaml(tkcV1alpha2(network({ cni: { name: 'antrea-nsx-routed' }, pods: undefined }))), 'cni-name'), []);
    assert.deepEqual(findingsWith(yaml(tkcV1alpha3(network({ cni: { name: 'antrea-nsx-routed' }, pods: { cidrBlocks: [] } }))), 'cni-name'), []);
    assert.deepEqual(findingsWith(yaml(tkcV1alpha2(network({ cni: { name: '${CNI}' } }))), 'cni-name'), []);
    assert.deepEqual(findingsWith(yaml(validCluster()), 'cni-name'), []);
  });
});

describe('cidr-invalid', () => {
  it('fires on each unparsable pod range (TKC v1alpha2), at the item, saying what is wrong', () => {
    const bad = ['192.168.0.0', '10.0.0.0/33', 'fd00::/129', '300.1.1.1/8', '10.0.0.0/x'];
    const text = yaml(tkcV1alpha2(network({ pods: { cidrBlocks: [...bad, 'fd00::/64'] } })));
    const found = findingsWith(text, 'cidr-invalid');
    assert.ok(found.every((f) => f.severity === 'error'));
    assert.deepEqual(found.map((f) => f.range), bad.map((b) => span(text, b, `- ${b}`)));
    assert.deepEqual(found.map((f) => f.message), [
      'spec.settings.network.pods.cidrBlocks[0]: "192.168.0.0" is not a CIDR: no prefix length (expected address/prefix, e.g. 192.168.0.0/16).',
      'spec.settings.network.pods.cidrBlocks[1]: "10.0.0.0/33" is not a CIDR: prefix length 33 is over 32.',
      'spec.settings.network.pods.cidrBlocks[2]: "fd00::/129" is not a CIDR: prefix length 129 is over 128.',
      'spec.settings.network.pods.cidrBlocks[3]: "300.1.1.1/8" is not a CIDR: "300.1.1.1" is not an IPv4 address.',
      'spec.settings.network.pods.cidrBlocks[4]: "10.0.0.0/x" is not a CIDR: prefix length "x" is not a number.',
    ]);
  });

  it('fires on service ranges of TKC v1alpha1 and v1alpha3 and on a Cluster', () => {
    const v1 = yaml(tkcV1alpha1(network({ services: { cidrBlocks: ['10.96.0/12'] } })));
    assert.equal(one(v1, 'cidr-invalid').message, 'spec.settings.network.services.cidrBlocks[0]: "10.96.0/12" is not a CIDR: "10.96.0" is not an IPv4 address.');
    assert.deepEqual(one(v1, 'cidr-invalid').range, span(v1, '10.96.0/12'));
    const v3 = yaml(tkcV1alpha3(network({ services: { cidrBlocks: ['10.096.0.0/12'] } })));
    assert.deepEqual(one(v3, 'cidr-invalid').range, span(v3, '10.096.0.0/12'));
    const cluster = yaml(validCluster(clusterNet(['fd00::1::/64'])));
    const f = one(cluster, 'cidr-invalid');
    assert.deepEqual(f.range, span(cluster, 'fd00::1::/64'));
    assert.equal(f.message, 'spec.clusterNetwork.pods.cidrBlocks[0]: "fd00::1::/64" is not a CIDR: "fd00::1::" is not an IPv6 address.');
  });

  it('does not fire on IPv4 and IPv6 ranges nor on placeholders', () => {
    assert.deepEqual(findingsWith(yaml(tkcV1alpha2(network({ pods: { cidrBlocks: ['192.168.0.0/16', 'fd00:10:244::/56', '${POD_CIDR}'] } }))), 'cidr-invalid'), []);
    assert.deepEqual(findingsWith(yaml(validCluster(clusterNet(['100.64.0.0/16'], ['fd00:10:96::/112']))), 'cidr-invalid'), []);
  });
});

describe('cidr-host-bits', () => {
  const cases = [
    { form: 'TKC v1alpha1', text: yaml(tkcV1alpha1(network({ services: { cidrBlocks: ['10.96.0.1/12'] } }))), cidr: '10.96.0.1/12', net: '10.96.0.0/12', path: 'spec.settings.network.services.cidrBlocks[0]' },
    { form: 'TKC v1alpha2', text: yaml(tkcV1alpha2(network({ pods: { cidrBlocks: ['192.168.10.0/16'] } }))), cidr: '192.168.10.0/16', net: '192.168.0.0/16', path: 'spec.settings.network.pods.cidrBlocks[0]' },
    { form: 'TKC v1alpha3', text: yaml(tkcV1alpha3(network({ pods: { cidrBlocks: ['fd00:10:244::1/56'] } }))), cidr: 'fd00:10:244::1/56', net: 'fd00:10:244::/56', path: 'spec.settings.network.pods.cidrBlocks[0]' },
    { form: 'Cluster', text: yaml(validCluster(clusterNet(['192.168.144.0/20'], ['198.51.100.0/12']))), cidr: '198.51.100.0/12', net: '198.48.0.0/12', path: 'spec.clusterNetwork.services.cidrBlocks[0]' },
  ];
  for (const c of cases) {
    it(`warns on ${c.cidr} in a ${c.form}, with a preferred fix to ${c.net}`, () => {
      const f = one(c.text, 'cidr-host-bits');
      assert.equal(f.severity, 'warning');
      assert.deepEqual(f.range, span(c.text, c.cidr));
      assert.equal(f.message, `${c.path}: "${c.cidr}" has host bits set; its network address is ${c.net}.`);
      assert.deepEqual(f.fixes?.map((x) => [x.title, x.preferred, x.edits.length, x.edits[0].newText]), [[`Change to the network address ${c.net}`, true, 1, c.net]]);
      assert.deepEqual(f.fixes?.[0].edits[0].range, f.range);
    });
  }

  it('does not fire on network addresses, /32 and /0 ranges, invalid CIDRs or placeholders', () => {
    assert.deepEqual(findingsWith(yaml(tkcV1alpha2(network({ pods: { cidrBlocks: ['192.168.0.0/16', '10.1.2.3/32', '0.0.0.0/0', 'fd00::/8'] }, services: { cidrBlocks: ['${SVC}'] } }))), 'cidr-host-bits'), []);
    assert.deepEqual(findingsWith(yaml(tkcV1alpha1(network({ pods: { cidrBlocks: ['10.0.0.1'] } }))), 'cidr-host-bits'), []);
    assert.deepEqual(findingsWith(yaml(validCluster()), 'cidr-host-bits'), []);
  });
});

describe('cidr-overlap', () => {
  it('fires on a service range inside the pod range (TKC v1alpha2), at the service item, naming both', () => {
    const text = yaml(tkcV1alpha2(network({ pods: { cidrBlocks: ['10.96.0.0/16'] } })));
    const f = one(text, 'cidr-overlap');
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.range, span(text, '10.96.0.0/12'));
    assert.equal(f.message, 'Service range 10.96.0.0/12 overlaps pod range 10.96.0.0/16 (spec.settings.network.pods.cidrBlocks[0]): they must be disjoint.');
  });

  it('fires in TKC v1alpha1 and v1alpha3 and on a Cluster, for the overlapping item only', () => {
    const v1 = yaml(tkcV1alpha1(network({ pods: { cidrBlocks: ['10.0.0.0/8'] } })));
    assert.deepEqual(one(v1, 'cidr-overlap').range, span(v1, '10.96.0.0/12'));
    const v3 = yaml(tkcV1alpha3(network({ services: { cidrBlocks: ['172.16.0.0/16', '192.168.128.0/24'] } })));
    const f3 = one(v3, 'cidr-overlap');
    assert.deepEqual(f3.range, span(v3, '192.168.128.0/24'));
    assert.match(f3.message, /^Service range 192\.168\.128\.0\/24 overlaps pod range 192\.168\.0\.0\/16/);
    const cluster = yaml(validCluster(clusterNet(['fd00:10::/32'], ['fd00:10:96::/112'])));
    assert.deepEqual(one(cluster, 'cidr-overlap').range, span(cluster, 'fd00:10:96::/112'));
  });

  it('does not fire on adjacent ranges, different address families, or a lone list', () => {
    assert.deepEqual(findingsWith(yaml(tkcV1alpha2(network({ pods: { cidrBlocks: ['10.112.0.0/12'] } }))), 'cidr-overlap'), []);
    assert.deepEqual(findingsWith(yaml(validCluster(clusterNet(['fd00:10::/32'], ['10.96.0.0/12']))), 'cidr-overlap'), []);
    assert.deepEqual(findingsWith(yaml(tkcV1alpha3(network({ pods: undefined }))), 'cidr-overlap'), []);
  });
});

describe('proxy-incomplete', () => {
  const partial = { httpProxy: 'http://proxy.example.com:3128' };
  const full = { httpProxy: 'http://proxy.example.com:3128', httpsProxy: 'http://proxy.example.com:3128', noProxy: ['10.0.0.0/8', '.svc'] };
  const tkcForms = [
    ['TKC v1alpha1', tkcV1alpha1],
    ['TKC v1alpha2', tkcV1alpha2],
    ['TKC v1alpha3', tkcV1alpha3],
  ] as const;
  for (const [form, build] of tkcForms) {
    it(`fires on a proxy without httpsProxy and noProxy in a ${form}, at the proxy key`, () => {
      const text = yaml(build(network({ proxy: partial })));
      const f = one(text, 'proxy-incomplete');
      assert.equal(f.severity, 'error');
      assert.deepEqual(f.range, span(text, 'proxy', 'proxy:'));
      assert.equal(f.message, 'spec.settings.network.proxy is missing httpsProxy, noProxy: a proxy needs all of httpProxy, httpsProxy and noProxy.');
    });
  }

  it('fires on a Cluster proxy variable, at its value key', () => {
    const text = yaml(validCluster(withVariables({ name: 'proxy', value: { httpsProxy: 'http://p:3128', noProxy: [] } })));
    const f = one(text, 'proxy-incomplete');
    assert.deepEqual(f.range, span(text, 'value', 'value:', lineOf(text, 'name: proxy')));
    assert.equal(f.message, 'spec.topology.variables[2].value is missing httpProxy: a proxy needs all of httpProxy, httpsProxy and noProxy.');
  });

  it('does not fire on a complete proxy or no proxy, in any form', () => {
    for (const [, build] of tkcForms) {
      assert.deepEqual(findingsWith(yaml(build(network({ proxy: full }))), 'proxy-incomplete'), []);
      assert.deepEqual(findingsWith(yaml(build()), 'proxy-incomplete'), []);
    }
    assert.deepEqual(validateText(yaml(validCluster(withVariables({ name: 'proxy', value: full })))), []);
  });
});

describe('trusted-ca', () => {
  const trust = (cas: unknown[]) => network({ trust: { additionalTrustedCAs: cas } });

  it('fires on a name with a space and on data that is not base64 (TKC v1alpha2), at each value', () => {
    const text = yaml(tkcV1alpha2(trust([{ name: 'my ca', data: 'not base64!' }])));
    const found = findingsWith(text, 'trusted-ca');
    assert.ok(found.every((f) => f.severity === 'error'));
    assert.deepEqual(found.map((f) => f.range), [span(text, 'my ca'), span(text, 'not base64!')]);
    assert.deepEqual(found.map((f) => f.message), [
      'spec.settings.network.trust.additionalTrustedCAs[0].name "my ca": a trusted CA name may contain only letters, digits, \'-\', \'_\' and \'.\'.',
      'spec.settings.network.trust.additionalTrustedCAs[0].data must be the base64 encoding of a PEM certificate (-----BEGIN CERTIFICATE----- ...).',
    ]);
  });

  it('fires on a raw (not base64-encoded) PEM in TKC v1alpha1, and on base64 of something else in v1alpha3', () => {
    const v1 = yaml(tkcV1alpha1(trust([{ name: 'corp-root', data: pem }])));
    assert.equal(one(v1, 'trusted-ca').range.start.line, lineOf(v1, ' data:'));
    const v3 = yaml(tkcV1alpha3(trust([{ name: 'corp-root', data: Buffer.from('hello').toString('base64') }])));
    assert.deepEqual(one(v3, 'trusted-ca').range, span(v3, Buffer.from('hello').toString('base64')));
  });

  it('fires on a bad name in a Cluster trust variable (whose data lives in a Secret, so is not checked)', () => {
    const text = yaml(validCluster(withVariables({ name: 'trust', value: { additionalTrustedCAs: [{ name: 'corp/root' }] } })));
    const f = one(text, 'trusted-ca');
    assert.deepEqual(f.range, span(text, 'corp/root'));
    assert.equal(f.message, 'spec.topology.variables[2].value.additionalTrustedCAs[0].name "corp/root": a trusted CA name may contain only letters, digits, \'-\', \'_\' and \'.\'.');
  });

  it('does not fire on safe names with base64 PEM data, or placeholders, in any form', () => {
    const good = [{ name: 'corp-root_CA.1', data: pemBase64 }, { name: '${CA_NAME}', data: '${CA_DATA}' }];
    for (const build of [tkcV1alpha1, tkcV1alpha2, tkcV1alpha3]) assert.deepEqual(findingsWith(yaml(build(trust(good))), 'trusted-ca'), []);
    assert.deepEqual(validateText(yaml(validCluster(withVariables({ name: 'trust', value: { additionalTrustedCAs: [{ name: 'corp-root' }] } })))), []);
  });
});
