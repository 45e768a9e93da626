import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Request } from 'express';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import type { PhotoType, PhotoView } from '../../protocol/catalog.js';
import type { Database } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';

/** The largest photo accepted: a phone camera's JPEG, not a RAW file. */
export const PHOTO_LIMIT_BYTES = 5 * 1024 * 1024;
/** Enough for every angle and colour of a style. */
export const MAX_PHOTOS = 20;

/** Ids in photo paths: a UUID and nothing else, so a path built from one never leaves its folder. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const FORMATS = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
} as const satisfies Record<PhotoType, string>;

/** One photo as kept in `styles.photos` (a JSON array, the first is the cover). */
interface StoredPhoto {
  id: string;
  type: PhotoType;
  bytes: number;
  uploadedAt: string;
  uploadedBy: string | null;
  /** Shown among the shop's pictures on the customer display (absent on photos from before). */
  showcase?: boolean;
}

/** What the file's first bytes say it is, whatever the request claimed. */
export function sniffImage(bytes: Buffer): PhotoType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'image/png';
  if (
    bytes.length >= 12 &&
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
    bytes.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  return null;
}

function storedPhotos(json: string): StoredPhoto[] {
  const parsed = JSON.parse(json) as unknown;
  // Rows written before photos existed hold `[]`; anything not an object is ignored.
  return Array.isArray(parsed)
    ? parsed.filter((p): p is StoredPhoto => typeof p === 'object' && p !== null && 'id' in p)
    : [];
}

/** Writes a style's photo list (inside the caller's transaction); answers the JSON written. */
async function savePhotos(
  trx: Kysely<Database>,
  styleId: string,
  photos: readonly (StoredPhoto | undefined)[],
  at: string,
): Promise<string> {
  const json = JSON.stringify(photos);
  await trx.updateTable('styles').set({ photos: json, updated_at: at }).where('id', '=', styleId).execute();
  return json;
}

export function photoViews(styleId: string, json: string): PhotoView[] {
  return storedPhotos(json).map((photo) => ({
    id: photo.id,
    contentType: photo.type,
    bytes: photo.bytes,
    url: `/api/products/${styleId}/photos/${photo.id}`,
    uploadedAt: photo.uploadedAt,
    showcase: photo.showcase === true,
  }));
}

/** The folder of one style's photos, checked to lie inside `<dataDir>/photos`. */
function styleFolder(ctx: AppContext, styleId: string): string {
  const root = resolve(ctx.dataDir, 'photos');
  const folder = resolve(root, styleId);
  if (!UUID_PATTERN.test(styleId) || !folder.startsWith(root + sep)) {
    throw new ApiError('validation_failed', 'Not a style id.', { 'params.id': 'not a style id' });
  }
  return folder;
}

function photoFile(ctx: AppContext, styleId: string, photo: Pick<StoredPhoto, 'id' | 'type'>): string {
  const folder = styleFolder(ctx, styleId);
  const file = resolve(folder, `${photo.id}.${FORMATS[photo.type]}`);
  if (!UUID_PATTERN.test(photo.id) || !file.startsWith(folder + sep)) {
    throw new ApiError('validation_failed', 'Not a photo id.', { 'params.photoId': 'not a photo id' });
  }
  return file;
}

async function styleRow(db: Kysely<Database>, ctx: AppContext, styleId: string) {
  const row = await db
    .selectFrom('styles')
    .select(['id', 'style_code', 'photos'])
    .where('id', '=', styleId)
    .where('store_id', '=', ctx.store.catalogId)
    .executeTakeFirst();
  if (!row) throw notFound('style', styleId);
  return row;
}

/**
 * Reads the raw request body up to `limit` bytes. A body over the limit is drained and
 * refused with a 400, so the client reads a clean answer instead of a reset connection.
 */
export function readPhotoBody(req: Request, limit = PHOTO_LIMIT_BYTES): Promise<Buffer> {
  if (req.body !== undefined || req.readableEnded) {
    return Promise.reject(
      new ApiError('validation_failed', 'Send the image itself as the body (image/jpeg, png or webp).', {
        body: 'not an image',
      }),
    );
  }
  const tooLarge = () =>
    new ApiError('payload_too_large', `The photo is larger than ${limit / 1024 / 1024} MB.`, {
      body: `larger than ${limit / 1024 / 1024} MB`,
    });
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number(req.get('content-length') ?? 0) > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => (over ? fail(tooLarge()) : done(Buffer.concat(chunks))));
    req.on('error', () =>
      fail(new ApiError('validation_failed', 'The upload was interrupted.', { body: 'incomplete' })),
    );
  });
}

/** Checks the declared type and the bytes agree on one of the accepted image formats. */
export function checkImage(declared: string | undefined, bytes: Buffer): PhotoType {
  const type = (declared ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!Object.hasOwn(FORMATS, type)) {
    throw new ApiError('validation_failed', 'A photo is sent as image/jpeg, image/png or image/webp.', {
      'Content-Type': 'image/jpeg, image/png or image/webp expected',
    });
  }
  if (bytes.length === 0) {
    throw new ApiError('validation_failed', 'The photo is empty.', { body: 'empty' });
  }
  const actual = sniffImage(bytes);
  if (actual === null) {
    throw new ApiError('validation_failed', 'This file is not a JPEG, PNG or WebP image.', {
      body: 'not a JPEG, PNG or WebP image',
    });
  }
  if (actual !== type) {
    throw new ApiError('validation_failed', `The file is ${actual}, not ${type} as declared.`, {
      'Content-Type': `the file is ${actual}`,
    });
  }
  return actual;
}

/**
 * Adds a photo to a style: the file is written under `<dataDir>/photos/<styleId>/` (to a
 * temporary name, then renamed), then listed on the style with an audit row in one
 * transaction; if that fails the file is removed again.
 */
export async function addPhoto(
  ctx: AppContext,
  styleId: string,
  upload: { contentType: string | undefined; bytes: Buffer },
  staffId: string | null,
): Promise<PhotoView[]> {
  const type = checkImage(upload.contentType, upload.bytes);
  const style = await styleRow(ctx.storage.db, ctx, styleId);
  if (storedPhotos(style.photos).length >= MAX_PHOTOS) throw tooMany();
  const photo: StoredPhoto = {
    id: randomUUID(),
    type,
    bytes: upload.bytes.length,
    uploadedAt: ctx.now().toISOString(),
    uploadedBy: staffId,
  };
  const folder = styleFolder(ctx, styleId);
  const file = photoFile(ctx, styleId, photo);
  await mkdir(folder, { recursive: true });
  const partial = join(folder, `.${photo.id}.part`);
  await writeFile(partial, upload.bytes, { flag: 'wx' });
  try {
    await rename(partial, file);
    const photos = await ctx.storage.write(async (trx) => {
      const current = storedPhotos((await styleRow(trx, ctx, styleId)).photos);
      if (current.length >= MAX_PHOTOS) throw tooMany();
      const saved = await savePhotos(trx, styleId, [...current, photo], photo.uploadedAt);
      await recordAudit(trx, ctx, {
        kind: 'catalog.photo_added',
        staffId,
        subjectType: 'style',
        subjectId: styleId,
        detail: { styleCode: style.style_code, photoId: photo.id, contentType: type, bytes: photo.bytes },
      });
      return saved;
    });
    return photoViews(styleId, photos);
  } catch (error) {
    await rm(partial, { force: true });
    await rm(file, { force: true });
    throw error;
  }
}

function tooMany(): ApiError {
  return new ApiError('business_rule', `A style has at most ${MAX_PHOTOS} photos; delete one first.`, {
    body: `at most ${MAX_PHOTOS} photos`,
  });
}

/** The bytes and type of one photo of a style; 404 for a photo the style does not list. */
export async function readPhoto(
  ctx: AppContext,
  styleId: string,
  photoId: string,
): Promise<{ contentType: PhotoType; bytes: Buffer }> {
  const style = await styleRow(ctx.storage.db, ctx, styleId);
  const photo = storedPhotos(style.photos).find((p) => p.id === photoId);
  if (!photo) throw notFound('photo', photoId);
  return photoBytes(ctx, styleId, photo);
}

/**
 * One of the shop's pictures for the customer display: only a photo the owner chose to show, of
 * a style on sale; any other photo is a 404 to the display, as if it did not exist.
 */
export async function readShowcasePhoto(
  ctx: AppContext,
  styleId: string,
  photoId: string,
): Promise<{ contentType: PhotoType; bytes: Buffer }> {
  const style = await ctx.storage.db
    .selectFrom('styles')
    .select(['photos', 'active'])
    .where('id', '=', styleId)
    .where('store_id', '=', ctx.store.catalogId)
    .executeTakeFirst();
  const photo = style?.active ? storedPhotos(style.photos).find((p) => p.id === photoId) : undefined;
  if (!photo?.showcase) throw notFound('photo', photoId);
  return photoBytes(ctx, styleId, photo);
}

async function photoBytes(
  ctx: AppContext,
  styleId: string,
  photo: StoredPhoto,
): Promise<{ contentType: PhotoType; bytes: Buffer }> {
  const photoId = photo.id;
  try {
    return { contentType: photo.type, bytes: await readFile(photoFile(ctx, styleId, photo)) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      ctx.log.warn({ styleId, photoId }, 'photo listed on a style but missing on disk');
      throw notFound('photo', photoId);
    }
    throw error;
  }
}

/** Takes a photo off a style (audited) and then removes its file. */
export async function deletePhoto(
  ctx: AppContext,
  styleId: string,
  photoId: string,
  staffId: string | null,
): Promise<PhotoView[]> {
  const { photo, photos } = await ctx.storage.write(async (trx) => {
    const style = await styleRow(trx, ctx, styleId);
    const current = storedPhotos(style.photos);
    const found = current.find((p) => p.id === photoId);
    if (!found) throw notFound('photo', photoId);
    const saved = await savePhotos(
      trx,
      styleId,
      current.filter((p) => p.id !== photoId),
      ctx.now().toISOString(),
    );
    await recordAudit(trx, ctx, {
      kind: 'catalog.photo_deleted',
      staffId,
      subjectType: 'style',
      subjectId: styleId,
      detail: { styleCode: style.style_code, photoId, contentType: found.type, bytes: found.bytes },
    });
    return { photo: found, photos: saved };
  });
  // After the commit: a file left behind by a crash here is harmless, a listed photo without one is not.
  await unlink(photoFile(ctx, styleId, photo)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') ctx.log.warn({ err: error, styleId, photoId }, 'photo file not removed');
  });
  return photoViews(styleId, photos);
}

/** Puts the style's photos in the given order (the first is the cover); every photo named once. */
export async function reorderPhotos(
  ctx: AppContext,
  styleId: string,
  order: readonly string[],
  staffId: string | null,
): Promise<PhotoView[]> {
  const photos = await ctx.storage.write(async (trx) => {
    const style = await styleRow(trx, ctx, styleId);
    const current = storedPhotos(style.photos);
    const byId = new Map(current.map((p) => [p.id, p]));
    const unknown = order.findIndex((id) => !byId.has(id));
    if (unknown >= 0) {
      throw new ApiError('validation_failed', `Photo ${order[unknown]} is not on this style.`, {
        [`body.photoIds.${unknown}`]: 'not a photo of the style',
      });
    }
    if (new Set(order).size !== order.length || order.length !== current.length) {
      throw new ApiError('validation_failed', 'Name every photo of the style exactly once.', {
        'body.photoIds': `every one of the ${current.length} photos exactly once`,
      });
    }
    const saved = await savePhotos(
      trx,
      styleId,
      order.map((id) => byId.get(id)),
      ctx.now().toISOString(),
    );
    await recordAudit(trx, ctx, {
      kind: 'catalog.photos_reordered',
      staffId,
      subjectType: 'style',
      subjectId: styleId,
      detail: { styleCode: style.style_code, photoIds: order },
    });
    return saved;
  });
  return photoViews(styleId, photos);
}

/** Shows a photo on the customer display's idle screen, or stops showing it (audited). */
export async function setPhotoShowcase(
  ctx: AppContext,
  styleId: string,
  photoId: string,
  showcase: boolean,
  staffId: string | null,
): Promise<PhotoView[]> {
  const photos = await ctx.storage.write(async (trx) => {
    const style = await styleRow(trx, ctx, styleId);
    const current = storedPhotos(style.photos);
    if (!current.some((p) => p.id === photoId)) throw notFound('photo', photoId);
    const saved = await savePhotos(
      trx,
      styleId,
      current.map((p) => (p.id === photoId ? { ...p, showcase } : p)),
      ctx.now().toISOString(),
    );
    await recordAudit(trx, ctx, {
      kind: 'catalog.photo_showcased',
      staffId,
      subjectType: 'style',
      subjectId: styleId,
      detail: { styleCode: style.style_code, photoId, showcase },
    });
    return saved;
  });
  return photoViews(styleId, photos);
}
