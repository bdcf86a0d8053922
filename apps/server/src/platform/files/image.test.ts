import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.ts';
import { allowedImageTypes, formatMegabytes, heicSupported, processImage } from './image.ts';
import { metadataTraces, PHOTO_SECRETS, photoWithMetadata, pixelBombPng, plainJpeg, readExif } from './test-support.ts';

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('processImage', () => {
  it('keeps the picture and drops every piece of metadata: EXIF, GPS, camera, XMP, colour profile', async () => {
    const input = await photoWithMetadata(600, 400);
    // The input really carries what a phone sends.
    const exif = readExif(input);
    expect(exif).toMatchObject({ make: PHOTO_SECRETS.make, model: PHOTO_SECRETS.model, orientation: 6 });
    expect(exif?.gps?.latitudeRef).toBe('N');
    expect(exif?.gps?.latitude).toEqual([23, 7, 45.12]);
    expect(exif?.gps?.longitude).toEqual([113, 19, 12.34]);
    const before = await sharp(input).metadata();
    expect(before.exif).toBeDefined();
    expect(before.xmp).toBeDefined();
    expect(before.icc).toBeDefined();
    expect(metadataTraces(input)).toEqual(expect.arrayContaining(['Exif\u0000\u0000', PHOTO_SECRETS.make]));
    expect(metadataTraces(input).some((t) => t.startsWith('GPS seconds'))).toBe(true);

    const out = await processImage(input);
    for (const bytes of [out.bytes, out.thumbnail.bytes]) {
      const meta = await sharp(bytes).metadata();
      expect(meta.format).toBe('jpeg');
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.icc).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      expect(readExif(bytes)).toBeNull();
      expect(metadataTraces(bytes)).toEqual([]);
    }
  });

  it('turns the picture upright by its EXIF orientation, then forgets the orientation', async () => {
    // Stored 600×400 with orientation 6: seen upright it is 400 wide and 600 high.
    const out = await processImage(await photoWithMetadata(600, 400));
    expect([out.width, out.height]).toEqual([400, 600]);
    expect([out.thumbnail.width, out.thumbnail.height]).toEqual([213, 320]);
    const meta = await sharp(out.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([400, 600]);
    expect(out.contentType).toBe('image/jpeg');
    expect(out.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('scales large images down to the long edge and makes a thumbnail of 320 px', async () => {
    const out = await processImage(await plainJpeg(3000, 1500));
    expect([out.width, out.height]).toEqual([2560, 1280]);
    expect([out.thumbnail.width, out.thumbnail.height]).toEqual([320, 160]);
    const small = await processImage(await plainJpeg(200, 100));
    expect([small.width, small.height]).toEqual([200, 100]);
    expect([small.thumbnail.width, small.thumbnail.height]).toEqual([200, 100]);
  });

  it('accepts PNG and WebP, transparency flattened onto white', async () => {
    const png = await sharp({
      create: { width: 50, height: 40, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const fromPng = await processImage(png);
    expect(fromPng.contentType).toBe('image/jpeg');
    const { data } = await sharp(fromPng.bytes).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(245);
    const webp = await sharp(await plainJpeg(80, 60))
      .webp()
      .toBuffer();
    expect(await processImage(webp)).toMatchObject({ width: 80, height: 60 });
  });

  it('reads the type from the content, never the name: text, PDF, SVG, GIF are refused', async () => {
    const text = Buffer.from('This is not a photo, whatever its name says: report.jpg');
    expect((await refusal(processImage(text))).code).toBe('FILE_TYPE_NOT_ALLOWED');
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF');
    expect((await refusal(processImage(pdf))).code).toBe('FILE_TYPE_NOT_ALLOWED');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script/></svg>');
    expect((await refusal(processImage(svg))).code).toBe('FILE_TYPE_NOT_ALLOWED');
    const gif = await sharp(await plainJpeg(10, 10))
      .gif()
      .toBuffer();
    const refused = await refusal(processImage(gif));
    expect(refused.code).toBe('FILE_TYPE_NOT_ALLOWED');
    expect(refused.status).toBe(415);
    expect(refused.params).toEqual({ allowed: allowedImageTypes() });
  });

  it('refuses HEIC clearly when this machine cannot decode it', async () => {
    // The start of an iPhone HEIC: an ISO BMFF `ftyp` box with the `heic` brand.
    const heic = Buffer.concat([
      Buffer.from([0, 0, 0, 0x18]),
      Buffer.from('ftypheic\u0000\u0000\u0000\u0000mif1heic', 'latin1'),
      Buffer.alloc(64),
    ]);
    const error = await refusal(processImage(heic));
    if (heicSupported) expect(error.code).toBe('IMAGE_UNREADABLE');
    else expect(error).toMatchObject({ code: 'HEIC_NOT_SUPPORTED', status: 415 });
  });

  it('refuses an empty file, an over-size file, a pixel bomb and a damaged JPEG with a 4xx', async () => {
    expect((await refusal(processImage(Buffer.alloc(0)))).code).toBe('FILE_EMPTY');
    const photo = await plainJpeg(300, 200);
    const large = await refusal(processImage(photo, { maxBytes: photo.length - 1 }));
    expect(large).toMatchObject({ code: 'FILE_TOO_LARGE', status: 413 });
    expect(formatMegabytes(10 * 1024 * 1024)).toBe('10 MB');
    expect(formatMegabytes(2.5 * 1024 * 1024)).toBe('2.5 MB');

    const bomb = pixelBombPng(30_000, 30_000);
    expect(bomb.length).toBeLessThan(2000);
    const bombed = await refusal(processImage(bomb));
    expect(bombed).toMatchObject({ code: 'IMAGE_TOO_MANY_PIXELS', status: 413, params: { limit: 40 } });

    const whole = await plainJpeg(800, 600);
    const truncated = whole.subarray(0, Math.floor(whole.length * 0.6));
    expect((await refusal(processImage(truncated))).code).toBe('IMAGE_UNREADABLE');
    const header = whole.subarray(0, 20);
    expect((await refusal(processImage(header))).status).toBe(400);
    // A JPEG start followed by junk: the sniffer says JPEG, the decoder cannot read it.
    const junk = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 0x41)]);
    expect((await refusal(processImage(junk))).status).toBe(400);
  });

  it('never answers anything but a 4xx refusal for random bytes behind image signatures', async () => {
    const signatures = [
      [0xff, 0xd8, 0xff],
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      [...Buffer.from('RIFF'), 0x10, 0, 0, 0, ...Buffer.from('WEBPVP8 ')],
    ];
    let seed = 7;
    const random = (n: number) =>
      Buffer.from(
        Array.from({ length: n }, () => {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          return seed >> 16;
        }),
      );
    for (const signature of signatures) {
      for (const length of [0, 1, 16, 300, 5000]) {
        const bytes = Buffer.concat([Buffer.from(signature), random(length)]);
        const error = await processImage(bytes).then(
          () => null,
          (e: unknown) => e,
        );
        if (error === null) continue;
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).status).toBeGreaterThanOrEqual(400);
        expect((error as AppError).status).toBeLessThan(500);
      }
    }
  });
});
