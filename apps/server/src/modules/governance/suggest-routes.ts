/**
 * Category suggestion (mounted under /api/v1, open to anyone): the app proposes a report
 * category from what the citizen typed. POST, not GET: a description may carry personal data
 * (a neighbour's name, a phone number) and must not end up in URLs, proxies or access logs; the
 * answer is not stored for Idempotency-Key replay either, since it holds nothing worth keeping.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { access } from '../../platform/identity/access.ts';
import { CityParams, cityOf, cityScope } from '../../platform/tenancy/scope.ts';
import { listCategoryTree } from './repository.ts';
import { categoriesOf, SuggesterCache } from './suggest.ts';

const SuggestBody = z.object({
  text: z.string().min(1).max(2000).describe("The citizen's description of the problem, as typed (1–2000 characters)"),
});

const Suggestions = z.object({
  suggestions: z
    .array(
      z.object({
        code: z.string().describe('Category code, e.g. `manhole-cover-missing`'),
        nameZh: z.string(),
        nameEn: z.string(),
        confidence: z.number().min(0).max(1).describe('Share of the evidence found that points at this category'),
      }),
    )
    .max(3)
    .describe('At most three, best first; empty when nothing in the text points at any category'),
  confident: z
    .boolean()
    .describe('true: the first suggestion may be preselected; false: let the citizen choose (or nothing fits)'),
});

/** Registers the category suggestion route. */
export async function suggestRoutes(app: FastifyInstance) {
  cityScope(app);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const suggesters = new SuggesterCache(app.platform.clock);

  r.post(
    '/cities/:city/report-categories/suggest',
    {
      config: { access: access.public(), replay: false },
      schema: {
        tags: ['governance'],
        summary:
          'Suggests report categories for a description: at most three, best first, with confident=true only when ' +
          'the first clearly beats the others. An empty list means no suggestion, never a guess.',
        params: CityParams,
        body: SuggestBody,
        response: { 200: Suggestions },
      },
    },
    async (request) => {
      const city = cityOf(request);
      const suggester = await suggesters.get(city.id, async () =>
        categoriesOf(await listCategoryTree(app.platform.db, city.id)),
      );
      const result = suggester.suggest(request.body.text);
      return {
        suggestions: result.suggestions.flatMap((s) => {
          const category = suggester.category(s.code);
          return category
            ? [{ code: s.code, nameZh: category.nameZh, nameEn: category.nameEn, confidence: s.confidence }]
            : [];
        }),
        confident: result.confident,
      };
    },
  );
}
