/**
 * A manifest file's bytes to text, as YAML reads a stream: UTF-8 (a byte order mark dropped), or
 * UTF-16 with its byte order mark. Anything else (NUL bytes without a UTF-16 mark, UTF-32,
 * invalid UTF-8) is a file that could not be read, with why: never guessed at.
 * Pure: TextDecoder only.
 */

export type Decoded = { readonly text: string } | { readonly unread: string };

/** Bytes looked at for NUL bytes (as git and the editor decide that a file is binary). */
const SNIFF = 8192;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf16le = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true });

export function decodeManifest(bytes: Uint8Array): Decoded {
  const [a, b, c, d] = bytes;
  if ((a === 0xff && b === 0xfe && c === 0 && d === 0) || (a === 0 && b === 0 && c === 0xfe && d === 0xff)) {
    return { unread: 'UTF-32 text is not read (save it as UTF-8)' };
  }
  if (a === 0xff && b === 0xfe) return utf16(bytes.subarray(2));
  if (a === 0xfe && b === 0xff) return utf16(swapPairs(bytes.subarray(2)));
  const body = a === 0xef && b === 0xbb && c === 0xbf ? bytes.subarray(3) : bytes;
  if (body.subarray(0, SNIFF).includes(0)) return { unread: 'binary: it holds NUL bytes and is not UTF-16 with a byte order mark' };
  try {
    return { text: utf8.decode(body) };
  } catch {
    return { unread: 'not valid UTF-8 text' };
  }
}

function utf16(bytes: Uint8Array): Decoded {
  if (bytes.length % 2 !== 0) return { unread: 'not valid UTF-16 text (an odd number of bytes)' };
  try {
    return { text: utf16le.decode(bytes) };
  } catch {
    return { unread: 'not valid UTF-16 text' };
  }
}

function swapPairs(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    out[i] = bytes[i + 1];
    out[i + 1] = bytes[i];
  }
  if (bytes.length % 2) out[bytes.length - 1] = bytes[bytes.length - 1];
  return out;
}
