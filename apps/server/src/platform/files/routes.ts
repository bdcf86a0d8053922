/**
 * Uploading a photo before the report (or the resolution) it belongs to is sent, and looking at
 * one's own upload until then. The request body is the image itself (any `image/*` or
 * `application/octet-stream`), read up to the upload limit — not the JSON body limit.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FilePurpose, Upload } from '#contracts';
import { AppError } from '../http/errors.ts';
import { access } from '../identity/access.ts';
import { hit, ipKey, limits } from '../identity/citizen/rate-limit.ts';
import { CityParams, cityOf, cityScope } from '../tenancy/scope.ts';
import { formatMegabytes, processImage } from './image.ts';
import { findOwnUpload, readFile, storeUpload, uploaderOf } from './repository.ts';
import { sendImage } from './send.ts';

/** Content types the upload route reads as raw bytes; what the bytes really are is sniffed later. */
const IMAGE_TYPES = /^image\/[\w.+-]+/i;

/** An unattached upload changes only by being attached (then it is no longer served here): a short cache suffices. */
const UPLOAD_MAX_AGE_SECONDS = 300;

const UploadQuery = z.object({
  purpose: FilePurpose.default('report_photo').describe('What the photo is for (default report_photo)'),
});

const UploadParams = CityParams.extend({ id: z.uuid().describe('The id the upload answered') });

const ViewQuery = z.object({
  variant: z.enum(['full', 'thumbnail']).default('full').describe('The stored image (default) or its thumbnail'),
});

const binary = (description: string) => z.string().meta({ format: 'binary', description });

/** Registers the upload routes (mounted under /api/v1). */
export async function fileRoutes(app: FastifyInstance) {
  cityScope(app);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock, config } = app.platform;
  const maxBytes = config.uploads.maxBytes;

  // In this plugin only raw image bytes are read, with the upload limit as the body limit; a
  // JSON or form body is a 415 before anything is read.
  app.removeAllContentTypeParsers();
  for (const type of ['application/octet-stream', IMAGE_TYPES]) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: maxBytes }, (_request, body, done) =>
      done(null, body),
    );
  }
  // Fastify's own "body too large" names a byte count; say it the way the upload limit is said.
  // Anything else goes on to the app's error handler unchanged.
  app.setErrorHandler((error: FastifyError) => {
    if (!(error instanceof AppError) && (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413)) {
      throw new AppError('FILE_TOO_LARGE', { limit: formatMegabytes(maxBytes) }, { cause: error });
    }
    throw error;
  });

  /** Counts the upload against the caller's limit before its body is read; staff and API keys upload only to their own city. */
  const beforeUpload = async (request: FastifyRequest) => {
    const principal = request.principal;
    const now = clock.now();
    if (principal.kind === 'anonymous' || principal.kind === 'operator') {
      await hit(db, now, limits.uploadAnonymousPerIp, ipKey(request));
      return;
    }
    if ((principal.kind === 'staff' || principal.kind === 'api_key') && principal.cityId !== cityOf(request).id) {
      throw new AppError('FORBIDDEN');
    }
    await hit(db, now, limits.uploadPerPrincipal, `${principal.kind}:${principal.id}`);
  };

  r.post(
    '/cities/:city/uploads',
    {
      bodyLimit: maxBytes,
      // Not replayed: the answer to an anonymous upload carries its claim token, a secret shown
      // once (like an API key), which must not sit in clear in idempotency_keys. A repeated
      // upload stores a second copy instead, which, never attached, is removed within a day.
      config: { access: access.public(), replay: false },
      onRequest: beforeUpload,
      schema: {
        tags: ['files'],
        summary:
          'Upload one photo (the body is the image file: JPEG, PNG or WebP, at most the upload limit). It is ' +
          'turned upright and stored re-encoded without any metadata (no EXIF, GPS, XMP or colour profile). ' +
          'Send the answered id with the report to attach it. Anonymous uploads answer a claim token, needed ' +
          'to view and attach them; unattached uploads are removed after 24 hours.',
        consumes: ['image/jpeg', 'image/png', 'image/webp', 'application/octet-stream'],
        params: CityParams,
        querystring: UploadQuery,
        body: z
          .custom<Buffer>((value) => Buffer.isBuffer(value))
          .optional()
          .meta({ type: 'string', format: 'binary', description: 'The image file itself' }),
        response: { 201: Upload },
      },
    },
    async (request, reply) => {
      const city = cityOf(request);
      const body = request.body;
      if (!body || body.length === 0) throw new AppError('FILE_EMPTY');
      const processed = await processImage(body, { maxBytes, maxPixels: config.uploads.maxPixels });
      const stored = await storeUpload(db, {
        cityId: city.id,
        purpose: request.query.purpose,
        uploader: uploaderOf(request.principal),
        processed,
        now: clock.now(),
      });
      reply.status(201).header('location', `/api/v1/cities/${city.id}/uploads/${stored.id}`);
      return {
        id: stored.id,
        contentType: processed.contentType,
        width: processed.width,
        height: processed.height,
        byteSize: processed.bytes.length,
        thumbnail: { width: processed.thumbnail.width, height: processed.thumbnail.height },
        ...(stored.claimToken === undefined ? {} : { claimToken: stored.claimToken }),
      };
    },
  );

  r.get(
    '/cities/:city/uploads/:id',
    {
      config: { access: access.public() },
      schema: {
        tags: ['files'],
        summary:
          'One of your own uploads, while it is not attached yet: the same citizen, staff member or API key, ' +
          'or, for an anonymous upload, whoever sends its claim token as `X-Claim-Token`. Anyone else, and ' +
          'any attached upload, gets 404.',
        params: UploadParams,
        querystring: ViewQuery,
        response: {
          200: { description: 'The image', content: { 'image/jpeg': { schema: binary('JPEG without metadata') } } },
        },
      },
    },
    async (request, reply) => {
      const city = cityOf(request);
      const header = request.headers['x-claim-token'];
      const own = await findOwnUpload(db, {
        cityId: city.id,
        id: request.params.id,
        uploader: uploaderOf(request.principal),
        claimToken: typeof header === 'string' ? header.slice(0, 200) : undefined,
      });
      const file = own && (await readFile(db, city.id, own.id, request.query.variant));
      if (!file) throw new AppError('FILE_NOT_FOUND');
      return sendImage(reply, file, { maxAgeSeconds: UPLOAD_MAX_AGE_SECONDS });
    },
  );
}
