/** Files: photos uploaded by citizens and staff, before they are attached to a report or a work order. */
import { z } from 'zod';

/** What a file is uploaded for: a photo of a reported problem, or of its resolution ("after" photo). */
export const FilePurpose = z.enum(['report_photo', 'resolution_photo']);
/** What a file is uploaded for. */
export type FilePurpose = z.infer<typeof FilePurpose>;

/** `POST /api/v1/cities/{city}/uploads`: the stored image, upright and without metadata. */
export const Upload = z.object({
  id: z.uuid().describe('Send this id with the report (or the resolution) to attach the photo'),
  contentType: z.string().describe('What is stored and served: `image/jpeg`'),
  width: z.int(),
  height: z.int(),
  byteSize: z.int().describe('Bytes of the stored image (after re-encoding)'),
  thumbnail: z.object({ width: z.int(), height: z.int() }),
  claimToken: z
    .string()
    .optional()
    .describe(
      'Anonymous uploads only, and only in this answer: send it as `X-Claim-Token` to view the upload, ' +
        'and with the report to attach it. Nobody can use the upload without it.',
    ),
});
/** `POST /api/v1/cities/{city}/uploads`. */
export type Upload = z.infer<typeof Upload>;
