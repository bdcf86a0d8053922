/**
 * A city's own search synonyms (mounted under /api/v1): words its people use for its services
 * (粤省事 for the social security card, a district's old name), on top of the built-in government
 * vocabulary. Platform administrators of the city list, add, replace and delete them; each change
 * is audited in its transaction and used by the city's next search (in every process within the
 * search's revalidation interval).
 */

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { audit } from '../../platform/audit/index.ts';
import type { Database } from '../../platform/db/schema.ts';
import { access } from '../../platform/identity/access.ts';
import { staffOfCity } from '../../platform/identity/auth.ts';
import {
  builtinSynonymSets,
  deleteSynonymSet,
  listSynonymSets,
  type SynonymSet as StoredSynonymSet,
  SYNONYM_LIMITS,
  saveSynonymSet,
} from '../../platform/search/index.ts';
import { CityParams, cityOf, cityScope } from '../../platform/tenancy/scope.ts';

/** One synonym set of a city. */
const SynonymSet = z.object({
  id: z.string(),
  terms: z.array(z.string()).describe('Words that mean the same: a search for any of them finds the others'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

const SetParams = CityParams.extend({ id: z.string().max(64).describe('Synonym set id') });

const SetBody = z.object({
  terms: z
    .array(z.string().max(200))
    .max(100)
    .describe(
      `${SYNONYM_LIMITS.minTerms} to ${SYNONYM_LIMITS.maxTerms} different terms of at most ${SYNONYM_LIMITS.termChars} characters, ` +
        'e.g. ["粤省事", "社会保障卡"]; spaces are trimmed and repeats dropped',
    ),
});

function present(set: StoredSynonymSet): z.infer<typeof SynonymSet> {
  return {
    id: set.id,
    terms: set.terms,
    createdAt: new Date(set.createdAt).toISOString(),
    updatedAt: new Date(set.updatedAt).toISOString(),
  };
}

/** Runs a change of the city's synonyms and its audit entry in one transaction. */
function audited<T>(
  db: Kysely<Database>,
  request: FastifyRequest,
  cityId: string,
  change: (trx: Kysely<Database>) => Promise<{ result: T; action: string; id: string; terms?: string[] }>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    const { result, action, id, terms } = await change(trx);
    await audit(trx, request, {
      action,
      subjectKind: 'search_synonym_set',
      subjectId: id,
      cityId,
      ...(terms ? { details: { terms } } : {}),
    });
    return result;
  });
}

/** Registers the synonym routes. */
export async function searchSynonymRoutes(app: FastifyInstance) {
  cityScope(app);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = () => app.platform.db;

  r.get(
    '/cities/:city/search/synonyms',
    {
      config: { access: access.staff('platform_admin') },
      schema: {
        tags: ['government'],
        summary: "The city's own search synonym sets, oldest first, and the built-in sets every city has (read-only)",
        params: CityParams,
        response: {
          200: z.object({
            items: z.array(SynonymSet),
            max: z.number().int().describe('Most sets a city may have'),
            builtin: z.array(z.array(z.string())).describe('The government vocabulary every city searches with'),
          }),
        },
      },
    },
    async (request) => {
      const city = cityOf(request);
      staffOfCity(request, city.id);
      const sets = await listSynonymSets(db(), city.id);
      return {
        items: sets.map(present),
        max: SYNONYM_LIMITS.setsPerCity,
        builtin: builtinSynonymSets().map((set) => [...set]),
      };
    },
  );

  r.post(
    '/cities/:city/search/synonyms',
    {
      config: { access: access.staff('platform_admin') },
      schema: {
        tags: ['government'],
        summary:
          'Adds a synonym set: the next search for any of its terms also finds the others. ' +
          '400 SEARCH_SYNONYMS_INVALID, 409 SEARCH_SYNONYM_SETS_LIMIT.',
        params: CityParams,
        body: SetBody,
        response: { 201: SynonymSet },
      },
    },
    async (request, reply) => {
      const city = cityOf(request);
      staffOfCity(request, city.id);
      const now = app.platform.clock.now();
      const set = await audited(db(), request, city.id, async (trx) => {
        const saved = await saveSynonymSet(trx, city.id, { terms: request.body.terms }, now);
        return { result: saved, action: 'search.synonyms.created', id: saved.id, terms: saved.terms };
      });
      return reply.code(201).send(present(set));
    },
  );

  r.put(
    '/cities/:city/search/synonyms/:id',
    {
      config: { access: access.staff('platform_admin') },
      schema: {
        tags: ['government'],
        summary: 'Replaces the terms of a synonym set. 400 SEARCH_SYNONYMS_INVALID, 404 SEARCH_SYNONYM_SET_NOT_FOUND.',
        params: SetParams,
        body: SetBody,
        response: { 200: SynonymSet },
      },
    },
    async (request) => {
      const city = cityOf(request);
      staffOfCity(request, city.id);
      const now = app.platform.clock.now();
      const set = await audited(db(), request, city.id, async (trx) => {
        const saved = await saveSynonymSet(trx, city.id, { id: request.params.id, terms: request.body.terms }, now);
        return { result: saved, action: 'search.synonyms.changed', id: saved.id, terms: saved.terms };
      });
      return present(set);
    },
  );

  r.delete(
    '/cities/:city/search/synonyms/:id',
    {
      config: { access: access.staff('platform_admin') },
      schema: {
        tags: ['government'],
        summary: 'Deletes a synonym set. 404 SEARCH_SYNONYM_SET_NOT_FOUND.',
        params: SetParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const city = cityOf(request);
      staffOfCity(request, city.id);
      await audited(db(), request, city.id, async (trx) => {
        const gone = (await listSynonymSets(trx, city.id)).find((s) => s.id === request.params.id);
        await deleteSynonymSet(trx, city.id, request.params.id);
        return {
          result: null,
          action: 'search.synonyms.deleted',
          id: request.params.id,
          ...(gone ? { terms: gone.terms } : {}),
        };
      });
      return reply.code(204).send(null);
    },
  );
}
