/** Page-number paging for list endpoints: `page` from 1, `pageSize` up to a cap. */
import { z } from 'zod';

const positive = (max: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,6}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(max))
    .optional()
    .transform((v) => v ?? fallback)
    .meta({ type: 'integer', minimum: 1, maximum: max, default: fallback });

/** The query members of a paged list (merge into a route's querystring schema). */
export function pageQuery(maxPageSize = 100, defaultPageSize = 20) {
  return {
    page: positive(100_000, 1).describe('Page number, from 1'),
    pageSize: positive(maxPageSize, defaultPageSize).describe(`Items per page, at most ${maxPageSize}`),
  };
}

/** SQL limit and offset for a page. */
export function limitOffset(page: { page: number; pageSize: number }): { limit: number; offset: number } {
  return { limit: page.pageSize, offset: (page.page - 1) * page.pageSize };
}

/** The paging members of a list answer. */
export const PageInfo = { page: z.number().int(), pageSize: z.number().int(), total: z.number().int() };
