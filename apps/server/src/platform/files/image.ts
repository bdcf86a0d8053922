/**
 * Turning an uploaded image into what OneCity stores: the type is read from the bytes (never
 * from the declared Content-Type or a file name), the size and pixel count are bounded before
 * anything is decoded, the picture is turned upright by its EXIF orientation and re-encoded
 * without any metadata — a citizen's photo must not carry where they stood (GPS), their phone
 * (Make/Model) or anything else in EXIF, XMP, IPTC or an ICC profile.
 */
import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import sharp, { type SharpOptions } from 'sharp';
import { AppError } from '../http/errors.ts';

/** The bounds an upload must stay within, and the sizes it is stored at. */
export interface ImageLimits {
  /** Largest accepted file, in bytes. */
  maxBytes: number;
  /** Most pixels (width × height) the image may declare; checked from the header, before decoding. */
  maxPixels: number;
  /** Longest edge of the stored image; larger ones are scaled down. */
  maxEdge: number;
  /** Longest edge of the thumbnail. */
  thumbnailEdge: number;
}

/** Defaults: 10 MB, 40 megapixels, stored at 2560 px and a 320 px thumbnail. */
export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxBytes: 10 * 1024 * 1024,
  maxPixels: 40_000_000,
  maxEdge: 2560,
  thumbnailEdge: 320,
};

/** One encoded picture. */
export interface EncodedImage {
  contentType: string;
  width: number;
  height: number;
  bytes: Buffer;
}

/** What {@link processImage} makes of an upload: the image to store, its thumbnail and the stored bytes' SHA-256 (hex). */
export interface ProcessedImage extends EncodedImage {
  thumbnail: EncodedImage;
  sha256: string;
}

/** JPEG quality of stored images and thumbnails: no visible loss for photos, a third of the bytes of 95. */
const JPEG_QUALITY = 82;

/** Sniffed MIME type → the name sharp gives the same format. */
const ACCEPTED: Record<string, string> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
};
const HEIF_TYPES = new Set(['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence']);

/**
 * Whether sharp on this machine decodes HEIC (HEVC-coded HEIF). The prebuilt libvips carries
 * libheif with the AV1 decoder only (AVIF), because HEVC is patent-encumbered; libvips lists
 * `.heic` among its HEIF loader's suffixes only when an HEVC decoder is present.
 */
export const heicSupported: boolean = (sharp.format.heif?.input.fileSuffix ?? []).includes('.heic');

/** The image formats accepted here, for messages (e.g. `JPEG/PNG/WebP`). */
export function allowedImageTypes(): string {
  return heicSupported ? 'JPEG/PNG/WebP/HEIC' : 'JPEG/PNG/WebP';
}

/** `10 MB`, `2.5 MB`: a byte limit as people read it. */
export function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

/**
 * Checks and re-encodes an uploaded image. Throws a 4xx {@link AppError} for anything that is
 * not an acceptable image: FILE_EMPTY, FILE_TOO_LARGE (413), FILE_TYPE_NOT_ALLOWED or
 * HEIC_NOT_SUPPORTED (415), IMAGE_TOO_MANY_PIXELS (413), IMAGE_UNREADABLE (400).
 */
export async function processImage(bytes: Buffer, limits: Partial<ImageLimits> = {}): Promise<ProcessedImage> {
  const { maxBytes, maxPixels, maxEdge, thumbnailEdge } = { ...DEFAULT_IMAGE_LIMITS, ...limits };
  if (bytes.length === 0) throw new AppError('FILE_EMPTY');
  if (bytes.length > maxBytes) throw new AppError('FILE_TOO_LARGE', { limit: formatMegabytes(maxBytes) });

  const sniffed = await sniff(bytes);
  const heif = sniffed !== undefined && HEIF_TYPES.has(sniffed);
  if (heif && !heicSupported) throw new AppError('HEIC_NOT_SUPPORTED', { allowed: allowedImageTypes() });
  const expectedFormat = heif ? 'heif' : sniffed && ACCEPTED[sniffed];
  if (!expectedFormat) throw new AppError('FILE_TYPE_NOT_ALLOWED', { allowed: allowedImageTypes() });

  // failOn 'warning': a damaged or truncated photo is refused (the citizen takes it again)
  // rather than stored half grey. limitInputPixels makes an image bomb fail at metadata().
  const options: SharpOptions = { limitInputPixels: maxPixels, failOn: 'warning' };
  try {
    const metadata = await sharp(bytes, options).metadata();
    // The decoder must agree with the sniffer: a file that looks like one format to one and
    // another to the other is a polyglot, not a photo.
    if (metadata.format !== expectedFormat) {
      throw new AppError('FILE_TYPE_NOT_ALLOWED', { allowed: allowedImageTypes() });
    }
    // No withMetadata/keepExif/keepIccProfile: sharp then writes no EXIF, XMP, IPTC or ICC
    // profile, after converting the pixels to sRGB. Alpha is flattened onto white for JPEG.
    const full = await sharp(bytes, options)
      .autoOrient()
      .resize({ width: maxEdge, height: maxEdge, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: JPEG_QUALITY })
      .toBuffer({ resolveWithObject: true });
    // The thumbnail comes from the already upright and reduced image: decoding 2560 px costs
    // a fraction of decoding the original again.
    const thumbnail = await sharp(full.data)
      .resize({ width: thumbnailEdge, height: thumbnailEdge, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: JPEG_QUALITY })
      .toBuffer({ resolveWithObject: true });
    return {
      contentType: 'image/jpeg',
      width: full.info.width,
      height: full.info.height,
      bytes: full.data,
      thumbnail: {
        contentType: 'image/jpeg',
        width: thumbnail.info.width,
        height: thumbnail.info.height,
        bytes: thumbnail.data,
      },
      sha256: createHash('sha256').update(full.data).digest('hex'),
    };
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof Error && /pixel limit/i.test(error.message)) {
      throw new AppError('IMAGE_TOO_MANY_PIXELS', { limit: Math.round(maxPixels / 1_000_000) }, { cause: error });
    }
    // Every other failure of the decoder is about these bytes (corrupt, truncated, a header
    // that lies): the upload's fault, never the server's.
    throw new AppError('IMAGE_UNREADABLE', {}, { cause: error });
  }
}

/** The MIME type the content shows, or undefined; file-type reads only the first few kilobytes. */
async function sniff(bytes: Buffer): Promise<string | undefined> {
  try {
    return (await fileTypeFromBuffer(bytes))?.mime;
  } catch {
    // A parser error on hostile input means "not a type we know", which is refused anyway.
    return undefined;
  }
}
