/**
 * Uploaded files as plain Kysely functions. An upload belongs to its uploader (a citizen, a
 * staff member, an API key, or whoever holds the claim token of an anonymous upload) until it
 * is attached — exactly once — to what it was uploaded for. Until then nobody else can see it
 * or attach it, and every query is scoped to the city.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { FilePurpose } from '#contracts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type { Principal } from '../identity/principal.ts';
import type { ProcessedImage } from './image.ts';
import { databaseFileStore, type FileStore, type FileVariant } from './store.ts';

/** Who uploaded a file. Anonymous uploads are claimed with the token handed back at upload. */
export type Uploader = { kind: 'citizen' | 'staff' | 'api_key'; id: string } | { kind: 'anonymous' };

/** What a file is attached to, e.g. `{ kind: 'report', id }`. */
export interface Attachment {
  kind: string;
  id: string;
}

/** A stored file's description (no bytes). */
export interface FileRecord {
  id: string;
  cityId: string;
  purpose: string;
  contentType: string;
  byteSize: number;
  width: number;
  height: number;
  sha256: string;
  thumbnail: { contentType: string; width: number; height: number };
  uploader: Uploader;
  attachedTo: Attachment | null;
  attachedAt: Date | null;
  createdAt: Date;
}

/** One variant of a file with its bytes, ready for {@link sendImage}. */
export interface FileContent {
  id: string;
  variant: FileVariant;
  contentType: string;
  width: number;
  height: number;
  sha256: string;
  bytes: Buffer;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Unattached uploads are removed in batches of this many, so one delete never holds too much. */
const PRUNE_BATCH = 500;

const RECORD_COLUMNS = [
  'id',
  'city_id',
  'purpose',
  'content_type',
  'byte_size',
  'width',
  'height',
  'sha256',
  'thumbnail_type',
  'thumbnail_width',
  'thumbnail_height',
  'uploaded_by_kind',
  'uploaded_by_id',
  'attached_to_kind',
  'attached_to_id',
  'attached_at',
  'created_at',
] as const;

function toRecord(row: {
  id: string;
  city_id: string;
  purpose: string;
  content_type: string;
  byte_size: number;
  width: number;
  height: number;
  sha256: string;
  thumbnail_type: string;
  thumbnail_width: number;
  thumbnail_height: number;
  uploaded_by_kind: Uploader['kind'];
  uploaded_by_id: string | null;
  attached_to_kind: string | null;
  attached_to_id: string | null;
  attached_at: Date | null;
  created_at: Date;
}): FileRecord {
  return {
    id: row.id,
    cityId: row.city_id,
    purpose: row.purpose,
    contentType: row.content_type,
    byteSize: row.byte_size,
    width: row.width,
    height: row.height,
    sha256: row.sha256,
    thumbnail: { contentType: row.thumbnail_type, width: row.thumbnail_width, height: row.thumbnail_height },
    uploader:
      row.uploaded_by_kind === 'anonymous' || row.uploaded_by_id === null
        ? { kind: 'anonymous' }
        : { kind: row.uploaded_by_kind, id: row.uploaded_by_id },
    attachedTo:
      row.attached_to_kind !== null && row.attached_to_id !== null
        ? { kind: row.attached_to_kind, id: row.attached_to_id }
        : null,
    attachedAt: row.attached_at,
    createdAt: row.created_at,
  };
}

/**
 * The uploader a request's principal stands for. A citizen acting for an enterprise uploads as
 * themself; an operator (command line) owns no uploads, so like anyone anonymous can use one
 * only with its claim token.
 */
export function uploaderOf(principal: Principal | Uploader): Uploader {
  switch (principal.kind) {
    case 'citizen':
    case 'staff':
    case 'api_key':
      return { kind: principal.kind, id: principal.id };
    case 'anonymous':
    case 'operator':
      return { kind: 'anonymous' };
  }
}

/** SHA-256 (hex) of a claim token, as stored in `files.claim_hash`. */
function claimHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Stores a processed upload; returns its id, and for an anonymous uploader the claim token
 * (32 random bytes, base64url) that alone lets them see and attach it. Only the token's hash is
 * kept, so the token is handed back here once and never again.
 */
export async function storeUpload(
  db: Kysely<Database>,
  input: {
    cityId: string;
    purpose: FilePurpose;
    uploader: Principal | Uploader;
    processed: ProcessedImage;
    now: Date;
    store?: FileStore;
  },
): Promise<{ id: string; claimToken?: string }> {
  const { cityId, purpose, processed, now, store = databaseFileStore } = input;
  const uploader = uploaderOf(input.uploader);
  const id = uuidv7();
  const claimToken = uploader.kind === 'anonymous' ? randomBytes(32).toString('base64url') : undefined;
  const write = async (trx: Kysely<Database>) => {
    await trx
      .insertInto('files')
      .values({
        id,
        city_id: cityId,
        purpose,
        content_type: processed.contentType,
        byte_size: processed.bytes.length,
        width: processed.width,
        height: processed.height,
        sha256: processed.sha256,
        storage: store.kind,
        thumbnail_type: processed.thumbnail.contentType,
        thumbnail_width: processed.thumbnail.width,
        thumbnail_height: processed.thumbnail.height,
        uploaded_by_kind: uploader.kind,
        uploaded_by_id: uploader.kind === 'anonymous' ? null : uploader.id,
        claim_hash: claimToken === undefined ? null : claimHash(claimToken),
        created_at: now,
      })
      .execute();
    await store.write(trx, id, { full: processed.bytes, thumbnail: processed.thumbnail.bytes });
  };
  // The row and its bytes commit together: no row without bytes is ever visible.
  if (db.isTransaction) await write(db);
  else await db.transaction().execute(write);
  return claimToken === undefined ? { id } : { id, claimToken };
}

/**
 * Rows the caller may treat as their own upload: uploaded by them (when signed in), or
 * carrying the claim hash of a token they present for that file. Presenting a token works
 * whoever is signed in, so a citizen who uploaded before signing in can still use the photo.
 */
function ownedBy(
  eb: ExpressionBuilder<Database, 'files'>,
  uploader: Uploader,
  claimTokens: readonly string[],
): Expression<SqlBool> {
  const alternatives: Expression<SqlBool>[] = [];
  if (uploader.kind !== 'anonymous') {
    alternatives.push(eb.and([eb('uploaded_by_kind', '=', uploader.kind), eb('uploaded_by_id', '=', uploader.id)]));
  }
  // A token is 256 random bits: matching it against any of the files asked for is as safe as
  // pairing each token with its file, and spares callers from keeping the pairs.
  const hashes = [...new Set(claimTokens.filter((t) => typeof t === 'string' && t.length > 0 && t.length <= 200))];
  if (hashes.length) alternatives.push(eb('claim_hash', 'in', hashes.map(claimHash)));
  return alternatives.length ? eb.or(alternatives) : eb.lit(false);
}

/**
 * The caller's own upload `id` in `cityId`, while it is not yet attached; null otherwise —
 * someone else's upload, an attached one and a missing one all look the same.
 */
export async function findOwnUpload(
  db: Kysely<Database>,
  input: { cityId: string; id: string; uploader: Principal | Uploader; claimToken?: string | undefined },
): Promise<FileRecord | null> {
  if (!UUID.test(input.id)) return null;
  const tokens = input.claimToken ? [input.claimToken] : [];
  const row = await db
    .selectFrom('files')
    .select(RECORD_COLUMNS)
    .where('city_id', '=', input.cityId)
    .where('id', '=', input.id)
    .where('attached_at', 'is', null)
    .where((eb) => ownedBy(eb, uploaderOf(input.uploader), tokens))
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** File `id` of `cityId` (no bytes), whoever uploaded it and whether attached or not; null if there is none. */
export async function findFile(db: Kysely<Database>, cityId: string, id: string): Promise<FileRecord | null> {
  if (!UUID.test(id)) return null;
  const row = await db
    .selectFrom('files')
    .select(RECORD_COLUMNS)
    .where('city_id', '=', cityId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** The files attached to `to` in `cityId`, in upload order. */
export async function listAttached(db: Kysely<Database>, cityId: string, to: Attachment): Promise<FileRecord[]> {
  if (!UUID.test(to.id)) return [];
  const rows = await db
    .selectFrom('files')
    .select(RECORD_COLUMNS)
    .where('city_id', '=', cityId)
    .where('attached_to_kind', '=', to.kind)
    .where('attached_to_id', '=', to.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toRecord);
}

/**
 * Attaches the uploads `ids` to `attachTo`, all or none: each must be in `cityId`, belong to
 * `uploader` (the request's principal will do) or be an anonymous upload whose claim token is
 * among `claimTokens`, and not be attached yet. Otherwise it changes nothing and throws
 * FILE_NOT_FOUND (404: missing, in another city or someone else's — indistinguishable, so
 * nobody learns that another person's upload exists) or FILE_ALREADY_ATTACHED (409: the
 * caller's own upload, used elsewhere already). Attaching again to the same target is harmless.
 * Call it in the transaction that creates what the files are attached to. Returns the files in
 * the order of `ids`.
 */
export async function claimUploads(
  trx: Kysely<Database>,
  input: {
    cityId: string;
    ids: readonly string[];
    uploader: Principal | Uploader;
    claimTokens?: readonly string[];
    attachTo: Attachment;
    /** When it was attached (the database's clock when not given). */
    now?: Date;
  },
): Promise<FileRecord[]> {
  const ids = [...new Set(input.ids)];
  if (ids.length === 0) return [];
  if (!ids.every((id) => UUID.test(id))) throw new AppError('FILE_NOT_FOUND');
  const uploader = uploaderOf(input.uploader);
  const { attachTo } = input;
  // Lock the caller's own rows first and decide on all of them before changing any: a second
  // claim of the same upload waits here and then sees it attached.
  const owned = await trx
    .selectFrom('files')
    .select(RECORD_COLUMNS)
    .where('city_id', '=', input.cityId)
    .where('id', 'in', ids)
    .where((eb) => ownedBy(eb, uploader, input.claimTokens ?? []))
    .forUpdate()
    .execute();
  const byId = new Map(owned.map((row) => [row.id, toRecord(row)]));
  for (const id of ids) {
    const file = byId.get(id);
    if (!file) throw new AppError('FILE_NOT_FOUND');
    if (file.attachedTo && (file.attachedTo.kind !== attachTo.kind || file.attachedTo.id !== attachTo.id)) {
      throw new AppError('FILE_ALREADY_ATTACHED');
    }
  }
  const pending = ids.filter((id) => byId.get(id)?.attachedTo === null);
  if (pending.length) {
    const attached = await trx
      .updateTable('files')
      .set({
        attached_to_kind: attachTo.kind,
        attached_to_id: attachTo.id,
        attached_at: input.now ?? sql<Date>`now()`,
      })
      .where('id', 'in', pending)
      .returning(RECORD_COLUMNS)
      .execute();
    for (const row of attached) byId.set(row.id, toRecord(row));
  }
  return ids.map((id) => byId.get(id) as FileRecord);
}

/** One variant of file `id` of `cityId` with its bytes, or null if there is no such file. Decides nothing about who may see it. */
export async function readFile(
  db: Kysely<Database>,
  cityId: string,
  id: string,
  variant: FileVariant,
  store: FileStore = databaseFileStore,
): Promise<FileContent | null> {
  if (!UUID.test(id)) return null;
  const row = await db
    .selectFrom('files')
    .select([
      'id',
      'storage',
      'content_type',
      'width',
      'height',
      'sha256',
      'thumbnail_type',
      'thumbnail_width',
      'thumbnail_height',
    ])
    .where('city_id', '=', cityId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  if (row.storage !== store.kind) {
    throw new Error(`file ${id} is in the "${row.storage}" store, but this process reads "${store.kind}"`);
  }
  const bytes = await store.read(db, id, variant);
  if (!bytes) return null;
  return variant === 'full'
    ? { id, variant, contentType: row.content_type, width: row.width, height: row.height, sha256: row.sha256, bytes }
    : {
        id,
        variant,
        contentType: row.thumbnail_type,
        width: row.thumbnail_width,
        height: row.thumbnail_height,
        sha256: row.sha256,
        bytes,
      };
}

/** Removes uploads never attached that were made before `before`; returns how many. For the housekeeping job. */
export async function pruneUnattached(
  db: Kysely<Database>,
  before: Date,
  store: FileStore = databaseFileStore,
): Promise<number> {
  let removed = 0;
  for (;;) {
    const batch = await db
      .selectFrom('files')
      .select('id')
      .where('attached_at', 'is', null)
      .where('created_at', '<', before)
      .orderBy('created_at')
      .limit(PRUNE_BATCH)
      .execute();
    if (batch.length === 0) return removed;
    // attached_at IS NULL again: a file attached since the select above is kept.
    const deleted = await db
      .deleteFrom('files')
      .where(
        'id',
        'in',
        batch.map((r) => r.id),
      )
      .where('attached_at', 'is', null)
      .returning('id')
      .execute();
    await store.remove(
      db,
      deleted.map((r) => r.id),
    );
    removed += deleted.length;
    if (batch.length < PRUNE_BATCH) return removed;
  }
}
