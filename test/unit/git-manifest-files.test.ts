/**
 * What makes a manifest file readable: its bytes decoded (UTF-8 with or without a byte order mark,
 * UTF-16 with one; binary, UTF-32 and invalid text are not read, with why), and where a symbolic
 * link stored in Git leads (inside the repository, or not followed).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeManifest } from '../../src/core/manifest/decode';
import { linkTarget } from '../../src/git/select';

const TEXT = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: é-ü\n';

describe('decodeManifest', () => {
  it('UTF-8, with its byte order mark dropped', () => {
    assert.deepEqual(decodeManifest(Buffer.from(TEXT)), { text: TEXT });
    assert.deepEqual(decodeManifest(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)])), { text: TEXT });
  });

  it('UTF-16 little- and big-endian with a byte order mark', () => {
    const le = Buffer.from(TEXT, 'utf16le');
    assert.deepEqual(decodeManifest(Buffer.concat([Buffer.from([0xff, 0xfe]), le])), { text: TEXT });
    const be = Buffer.from(le);
    be.swap16();
    assert.deepEqual(decodeManifest(Buffer.concat([Buffer.from([0xfe, 0xff]), be])), { text: TEXT });
  });

  it('binary, UTF-16 without a mark, UTF-32, invalid UTF-8 and odd UTF-16 are not read, with why', () => {
    const why = (b: Buffer) => ('unread' in decodeManifest(b) ? (decodeManifest(b) as { unread: string }).unread : 'read');
    assert.match(why(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])), /^binary: it holds NUL bytes/);
    assert.match(why(Buffer.from(TEXT, 'utf16le')), /^binary/);
    assert.match(why(Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0])), /UTF-32/);
    assert.match(why(Buffer.from([0x61, 0xc3, 0x28])), /not valid UTF-8/);
    assert.match(why(Buffer.from([0xff, 0xfe, 0x61])), /not valid UTF-16/);
  });
});

describe('linkTarget (a link stored in Git)', () => {
  it('resolves from the link\'s folder, inside the repository', () => {
    assert.equal(linkTarget('c/link.yaml', '../common/a.yaml'), 'common/a.yaml');
    assert.equal(linkTarget('c/d/link', './x/../y'), 'c/d/y');
    assert.equal(linkTarget('top.yaml', 'c/a.yaml'), 'c/a.yaml');
    assert.equal(linkTarget('c/up', '..'), '', 'the top folder itself');
  });

  it('is undefined when it leaves the repository: absolute, or more .. than folders above', () => {
    assert.equal(linkTarget('c/away.yaml', '/etc/passwd'), undefined);
    assert.equal(linkTarget('c/away.yaml', '../../outside.yaml'), undefined);
    assert.equal(linkTarget('top.yaml', '../x.yaml'), undefined);
    assert.equal(linkTarget('c/x', 'C:\\Windows'), undefined);
    assert.equal(linkTarget('c/x', ''), undefined);
  });
});
