/**
 * Where the bytes of a file live, behind a small interface: the database (bytea on the
 * `files` row) is the embedded default that needs nothing else to run; an S3-compatible
 * store can implement the same three calls later. The `files` row (metadata, owner,
 * attachment) is always in the database; its `storage` column names the store holding the bytes.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** The two stored renditions of an image. */
export type FileVariant = 'full' | 'thumbnail';

/** Keeps and returns the bytes of files whose rows are in the `files` table. */
export interface FileStore {
  /** The value of `files.storage` for files this store holds. */
  readonly kind: string;
  /** Saves the bytes of file `id` (its row exists already, in the same transaction `db`). */
  write(db: Kysely<Database>, id: string, variants: Record<FileVariant, Buffer>): Promise<void>;
  /** The bytes of one variant of file `id`, or null when they are gone. */
  read(db: Kysely<Database>, id: string, variant: FileVariant): Promise<Buffer | null>;
  /** Forgets the bytes of files `ids`, whose rows have just been deleted in the transaction `db`. */
  remove(db: Kysely<Database>, ids: readonly string[]): Promise<void>;
}

/** The bytes in the `files` row itself (`content`, `thumbnail`). */
export const databaseFileStore: FileStore = {
  kind: 'database',
  async write(db, id, variants) {
    await db
      .updateTable('files')
      .set({ content: variants.full, thumbnail: variants.thumbnail })
      .where('id', '=', id)
      .execute();
  },
  async read(db, id, variant) {
    const column = variant === 'full' ? 'content' : 'thumbnail';
    const row = await db.selectFrom('files').select(column).where('id', '=', id).executeTakeFirst();
    const bytes = row?.[column];
    // pg answers a Buffer, PGlite a Uint8Array: hand out a Buffer either way, without copying.
    return bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null;
  },
  async remove() {
    // The bytes are deleted with their rows.
  },
};
