/** The CIDR module on its own: parsing, network addresses, overlap, formatting. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCidr, hasHostBits, networkOf, overlaps, parseCidr, type Cidr } from '../../src/core/rules/cidr';

function cidr(text: string): Cidr {
  const c = parseCidr(text);
  if (typeof c === 'string') throw new Error(`${text}: ${c}`);
  return c;
}

describe('parseCidr', () => {
  it('parses IPv4 exactly', () => {
    assert.deepEqual(parseCidr('192.168.0.0/16'), { family: 4, address: 0xc0a80000n, prefix: 16 });
    assert.deepEqual(parseCidr('0.0.0.0/0'), { family: 4, address: 0n, prefix: 0 });
    assert.deepEqual(parseCidr('255.255.255.255/32'), { family: 4, address: 0xffffffffn, prefix: 32 });
  });

  it('parses IPv6 in full, compressed and mixed-case forms', () => {
    assert.deepEqual(parseCidr('fd00::/8'), { family: 6, address: 0xfdn << 120n, prefix: 8 });
    assert.deepEqual(parseCidr('::/0'), { family: 6, address: 0n, prefix: 0 });
    assert.deepEqual(parseCidr('::1/128'), { family: 6, address: 1n, prefix: 128 });
    assert.deepEqual(parseCidr('2001:DB8:0:0:0:0:0:1/64'), parseCidr('2001:db8::1/64'));
    assert.deepEqual(cidr('fd00:10:244::/56').address, (0xfd00n << 112n) | (0x10n << 96n) | (0x244n << 80n));
    assert.deepEqual(cidr('1::/16').address, 1n << 112n);
  });

  it('explains what is wrong with bad inputs', () => {
    const cases: [string, string][] = [
      ['10.0.0.0', 'no prefix length (expected address/prefix, e.g. 192.168.0.0/16)'],
      ['10.0.0.0/', 'prefix length "" is not a number'],
      ['10.0.0.0/-1', 'prefix length "-1" is not a number'],
      ['10.0.0.0/1234', 'prefix length "1234" is not a number'],
      ['10.0.0.0/33', 'prefix length 33 is over 32'],
      ['10.0.0/8', '"10.0.0" is not an IPv4 address'],
      ['10.0.0.256/8', '"10.0.0.256" is not an IPv4 address'],
      ['10.01.0.0/16', '"10.01.0.0" is not an IPv4 address'],
      ['10.0.0.0.0/8', '"10.0.0.0.0" is not an IPv4 address'],
      ['a.b.c.d/8', '"a.b.c.d" is not an IPv4 address'],
      [' 10.0.0.0/8', '" 10.0.0.0" is not an IPv4 address'],
      ['/8', '"" is not an IPv4 address'],
      ['fd00::/129', 'prefix length 129 is over 128'],
      ['fd00::1::/64', '"fd00::1::" is not an IPv6 address'],
      ['fd00:1:2:3:4:5:6:7:8/64', '"fd00:1:2:3:4:5:6:7:8" is not an IPv6 address'],
      ['fd00:1:2:3:4:5:6/64', '"fd00:1:2:3:4:5:6" is not an IPv6 address'],
      ['1:2:3:4::5:6:7:8/64', '"1:2:3:4::5:6:7:8" is not an IPv6 address'],
      ['fd0g::/64', '"fd0g::" is not an IPv6 address'],
      ['12345::/64', '"12345::" is not an IPv6 address'],
    ];
    for (const [input, why] of cases) assert.equal(parseCidr(input), why, input);
  });
});

describe('networkOf and hasHostBits', () => {
  it('clears the host bits', () => {
    assert.equal(formatCidr(networkOf(cidr('198.51.100.0/12'))), '198.48.0.0/12');
    assert.equal(formatCidr(networkOf(cidr('192.0.2.0/16'))), '192.0.0.0/16');
    assert.equal(formatCidr(networkOf(cidr('192.168.156.0/20'))), '192.168.144.0/20');
    assert.equal(formatCidr(networkOf(cidr('10.1.2.3/0'))), '0.0.0.0/0');
    assert.equal(formatCidr(networkOf(cidr('10.1.2.3/32'))), '10.1.2.3/32');
    assert.equal(formatCidr(networkOf(cidr('fd00:10:244::1/64'))), 'fd00:10:244::/64');
    assert.equal(formatCidr(networkOf(cidr('2001:db8:abcd:12ff::/56'))), '2001:db8:abcd:1200::/56');
  });

  it('tells an aligned range from one with host bits', () => {
    assert.equal(hasHostBits(cidr('10.96.0.0/12')), false);
    assert.equal(hasHostBits(cidr('10.96.0.1/12')), true);
    assert.equal(hasHostBits(cidr('10.1.2.3/32')), false);
    assert.equal(hasHostBits(cidr('fd00::/8')), false);
    assert.equal(hasHostBits(cidr('fd00::1/127')), true);
    assert.equal(hasHostBits(cidr('fd00::1/128')), false);
  });
});

describe('overlaps', () => {
  it('is true for containment in either direction and for equal ranges', () => {
    assert.equal(overlaps(cidr('10.0.0.0/8'), cidr('10.96.0.0/12')), true);
    assert.equal(overlaps(cidr('10.96.0.0/12'), cidr('10.0.0.0/8')), true);
    assert.equal(overlaps(cidr('192.168.0.0/16'), cidr('192.168.0.0/16')), true);
    assert.equal(overlaps(cidr('fd00::/8'), cidr('fd00:10:96::/112')), true);
    assert.equal(overlaps(cidr('0.0.0.0/0'), cidr('203.0.113.7/32')), true);
  });

  it('is false for adjacent ranges and across address families', () => {
    assert.equal(overlaps(cidr('10.96.0.0/12'), cidr('10.112.0.0/12')), false);
    assert.equal(overlaps(cidr('192.168.0.0/24'), cidr('192.168.1.0/24')), false);
    assert.equal(overlaps(cidr('0.0.0.0/0'), cidr('::/0')), false);
    assert.equal(overlaps(cidr('fd00::/16'), cidr('fd01::/16')), false);
  });

  it('compares the networks, even when an address has host bits', () => {
    assert.equal(overlaps(cidr('10.96.0.1/12'), cidr('10.100.0.0/16')), true);
  });
});

describe('formatCidr', () => {
  it('writes IPv4 dotted and IPv6 compressed (RFC 5952: longest zero run, not a single group)', () => {
    assert.equal(formatCidr(cidr('10.96.0.0/12')), '10.96.0.0/12');
    assert.equal(formatCidr(cidr('fd00:0:0:0:0:0:0:0/8')), 'fd00::/8');
    assert.equal(formatCidr(cidr('::/0')), '::/0');
    assert.equal(formatCidr(cidr('2001:db8:0:1:0:0:0:1/64')), '2001:db8:0:1::1/64');
    assert.equal(formatCidr(cidr('2001:db8:0:1:2:3:4:5/64')), '2001:db8:0:1:2:3:4:5/64');
    assert.equal(formatCidr(cidr('2001:0:0:1:0:0:0:1/64')), '2001:0:0:1::1/64');
  });
});
