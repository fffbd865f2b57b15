/** Checks on the raw bytes of a spec, before any YAML is read. */

export const MAX_SPEC_BYTES = 5 * 1024 * 1024;

/** The headline for a file over the cap; commands use it too when they refuse to read one. */
export function tooLargeMessage(bytes: number): string {
  return `the file is ${bytes.toLocaleString('en-US')} bytes; nnspec reads specs of at most 5 MB (${MAX_SPEC_BYTES.toLocaleString('en-US')} bytes)`;
}

export const TOO_LARGE_HINT = 'a spec is a short text file; check that this is the file you meant';

export interface BadUtf8 {
  /** Byte offset of the first byte of the bad sequence. */
  offset: number;
  /** The bytes at fault, as hex ("0xC0 0xAF"). */
  bytes: string;
  /** Why they are not UTF-8, as a phrase. */
  reason: string;
}

const hex = (b: number) => '0x' + b.toString(16).toUpperCase().padStart(2, '0');

/**
 * The first sequence that is not well-formed UTF-8 (RFC 3629), or undefined. TextDecoder
 * would silently replace these; a spec saved in Latin-1, with an overlong encoding or with an
 * encoded surrogate half is refused instead, because what it means is guesswork.
 */
export function firstInvalidUtf8(bytes: Uint8Array): BadUtf8 | undefined {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const bad = (n: number, reason: string): BadUtf8 => ({ offset: i, bytes: [...bytes.subarray(i, i + n)].map(hex).join(' '), reason });
    if (b < 0xc0) return bad(1, 'is a continuation byte with no lead byte before it');
    if (b === 0xc0 || b === 0xc1) return bad(2, 'is an overlong encoding (a character written with more bytes than it needs)');
    if (b > 0xf4) return bad(1, 'never appears in UTF-8');
    const need = b < 0xe0 ? 1 : b < 0xf0 ? 2 : 3;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return bad(k, `starts a ${need + 1}-byte sequence that is cut short`);
      cp = (cp << 6) | (c & 0x3f);
    }
    const min = [0, 0x80, 0x800, 0x10000][need]!;
    if (cp < min) return bad(need + 1, 'is an overlong encoding (a character written with more bytes than it needs)');
    if (cp >= 0xd800 && cp <= 0xdfff) return bad(need + 1, `encodes the UTF-16 surrogate U+${cp.toString(16).toUpperCase()}, which UTF-8 forbids`);
    if (cp > 0x10ffff) return bad(need + 1, 'encodes a code point beyond U+10FFFF');
    i += need + 1;
  }
  return undefined;
}

/** A hint for the usual causes: UTF-16 files and legacy 8-bit encodings. */
export function utf8Hint(bytes: Uint8Array): string {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  return utf16 ? 'the file is UTF-16; save it as UTF-8' : 'save the file as UTF-8 (a Latin-1 or Windows-1252 file gives this error)';
}
