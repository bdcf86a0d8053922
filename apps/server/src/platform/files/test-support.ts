/**
 * Images for the file tests: a phone-like photo that really carries GPS coordinates, camera
 * make and model, XMP and a colour profile; a pixel bomb; and a small EXIF reader that proves
 * the GPS is in the input and not in what is stored.
 */
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** The coordinates and camera written into {@link photoWithMetadata}'s EXIF. */
export const PHOTO_SECRETS = {
  make: 'OneCityTestCam',
  model: 'Pocket Model 9',
  /** 23° 7' 45.12" N, 113° 19' 12.34" E (a street in Lingnan). */
  latitude: [23, 7, 45.12] as const,
  longitude: [113, 19, 12.34] as const,
  xmpCreator: 'Chen Xiaoming at home',
};

/** Random-looking pixels (deterministic), so JPEG data is large and a cut lands in the middle of it. */
function noise(width: number, height: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  let seed = 12345;
  for (let i = 0; i < pixels.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    pixels[i] = seed >> 16;
  }
  return pixels;
}

/** A noisy JPEG of `width` × `height` with no metadata. */
export async function plainJpeg(width: number, height: number): Promise<Buffer> {
  return sharp(noise(width, height), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/**
 * A `width` × `height` JPEG (as stored in the file: the camera held sideways, EXIF orientation
 * 6 = "rotate 90° clockwise to view") carrying EXIF Make, Model and a GPS IFD, an XMP packet
 * naming a person, and a Display P3 colour profile: what a phone camera really sends.
 */
export async function photoWithMetadata(width = 600, height = 400): Promise<Buffer> {
  const [latD, latM, latS] = PHOTO_SECRETS.latitude;
  const [lonD, lonM, lonS] = PHOTO_SECRETS.longitude;
  return sharp(noise(width, height), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: PHOTO_SECRETS.make, Model: PHOTO_SECRETS.model },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: `${latD}/1 ${latM}/1 ${Math.round(latS * 100)}/100`,
        GPSLongitudeRef: 'E',
        GPSLongitude: `${lonD}/1 ${lonM}/1 ${Math.round(lonS * 100)}/100`,
      },
    })
    .withMetadata({ orientation: 6 })
    .withIccProfile('p3')
    .withXmp(
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">' +
        `<dc:creator><rdf:Seq><rdf:li>${PHOTO_SECRETS.xmpCreator}</rdf:li></rdf:Seq></dc:creator>` +
        '</rdf:Description></rdf:RDF></x:xmpmeta>',
    )
    .toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A few hundred bytes of valid PNG declaring `width` × `height` pixels: decoding it would take gigabytes. */
export function pixelBombPng(width = 30_000, height = 30_000): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(width + 1))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** What {@link readExif} finds. */
export interface ExifFacts {
  make: string | null;
  model: string | null;
  orientation: number | null;
  gps: { latitudeRef: string | null; latitude: number[] | null; longitude: number[] | null } | null;
}

/**
 * Reads Make, Model, Orientation and the GPS IFD from a JPEG's EXIF (APP1) segment with no
 * library, so that the test does not trust the code under test's own tools. Null without EXIF.
 */
export function readExif(jpeg: Buffer): ExifFacts | null {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return null;
  let at = 2;
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff) {
    const marker = jpeg[at + 1] ?? 0;
    const length = jpeg.readUInt16BE(at + 2);
    if (marker === 0xda) break; // start of scan: no more metadata segments
    if (marker === 0xe1 && jpeg.toString('latin1', at + 4, at + 10) === 'Exif\u0000\u0000') {
      return parseTiff(jpeg.subarray(at + 10, at + 2 + length));
    }
    at += 2 + length;
  }
  return null;
}

function parseTiff(tiff: Buffer): ExifFacts {
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (little ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (little ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  /** Tag → [type, count, offset of the value (inline when it fits in four bytes)]. */
  const ifd = (offset: number) => {
    const tags = new Map<number, { type: number; count: number; at: number }>();
    const n = u16(offset);
    for (let i = 0; i < n; i++) {
      const e = offset + 2 + i * 12;
      const type = u16(e + 2);
      const count = u32(e + 4);
      const size = ({ 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1 } as Record<number, number>)[type] ?? 1;
      tags.set(u16(e), { type, count, at: size * count <= 4 ? e + 8 : u32(e + 8) });
    }
    return tags;
  };
  const ascii = (tags: ReturnType<typeof ifd>, tag: number) => {
    const t = tags.get(tag);
    return t ? tiff.toString('latin1', t.at, t.at + t.count).replace(/\u0000+$/, '') : null;
  };
  const rationals = (tags: ReturnType<typeof ifd>, tag: number) => {
    const t = tags.get(tag);
    if (!t) return null;
    return Array.from({ length: t.count }, (_, i) => u32(t.at + i * 8) / u32(t.at + i * 8 + 4));
  };
  const ifd0 = ifd(u32(4));
  const orientation = ifd0.get(0x0112);
  const gpsPointer = ifd0.get(0x8825);
  const gpsIfd = gpsPointer ? ifd(u32(gpsPointer.at)) : null;
  return {
    make: ascii(ifd0, 0x010f),
    model: ascii(ifd0, 0x0110),
    orientation: orientation ? u16(orientation.at) : null,
    gps: gpsIfd
      ? {
          latitudeRef: ascii(gpsIfd, 0x0001),
          latitude: rationals(gpsIfd, 0x0002),
          longitude: rationals(gpsIfd, 0x0004),
        }
      : null,
  };
}

/**
 * The byte patterns that would betray metadata: the EXIF and XMP and ICC segment markers, the
 * camera's names, the XMP creator, and the GPS seconds as EXIF stores them (a RATIONAL 4512/100).
 */
export function metadataTraces(bytes: Buffer): string[] {
  const found: string[] = [];
  const text = bytes.toString('latin1');
  for (const marker of [
    'Exif\u0000\u0000',
    'http://ns.adobe.com/xap/1.0/',
    'ICC_PROFILE',
    PHOTO_SECRETS.make,
    PHOTO_SECRETS.model,
    PHOTO_SECRETS.xmpCreator,
  ]) {
    if (text.includes(marker)) found.push(marker);
  }
  for (const seconds of [PHOTO_SECRETS.latitude[2], PHOTO_SECRETS.longitude[2]]) {
    const numerator = Math.round(seconds * 100);
    for (const little of [true, false]) {
      const rational = Buffer.alloc(8);
      if (little) {
        rational.writeUInt32LE(numerator, 0);
        rational.writeUInt32LE(100, 4);
      } else {
        rational.writeUInt32BE(numerator, 0);
        rational.writeUInt32BE(100, 4);
      }
      if (bytes.includes(rational)) found.push(`GPS seconds ${seconds}`);
    }
  }
  return found;
}
