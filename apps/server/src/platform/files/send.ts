/** Answering with a stored image: the headers that keep a browser from guessing or caching too widely. */
import type { FastifyReply } from 'fastify';
import type { FileContent } from './repository.ts';

/** How long a browser may reuse an image without asking again, by default (one hour). */
export const IMAGE_MAX_AGE_SECONDS = 3600;

/** The ETag of one variant of a file: stored bytes never change, so the content hash names them. */
export function etagOf(file: Pick<FileContent, 'sha256' | 'variant'>): string {
  return `"${file.sha256}${file.variant === 'full' ? '' : `-${file.variant}`}"`;
}

/**
 * Sends `file` as the reply, or 304 when the request's If-None-Match names it already. The
 * image is `private` (it may show a person or their doorway: no shared cache may keep it),
 * `nosniff` (the browser takes the declared type, never guesses) and `inline` (shown, not a
 * download of a file name someone chose).
 */
export function sendImage(
  reply: FastifyReply,
  file: FileContent,
  options: { maxAgeSeconds?: number } = {},
): FastifyReply {
  const etag = etagOf(file);
  reply
    .header('cache-control', `private, max-age=${options.maxAgeSeconds ?? IMAGE_MAX_AGE_SECONDS}`)
    .header('etag', etag)
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', 'inline')
    .header('vary', 'Cookie, X-Claim-Token');
  const match = reply.request.headers['if-none-match'];
  if (typeof match === 'string' && match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
    return reply.status(304).send();
  }
  return reply.type(file.contentType).send(file.bytes);
}
