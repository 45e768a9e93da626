import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { route } from '../../http/route.js';
import type { Showcase, ShowcasePicture } from '../../protocol/catalog.js';
import { assertStaff } from '../staff/sessions.js';
import { photoViews, readShowcasePhoto, setPhotoShowcase, UUID_PATTERN } from './photos.js';
import { priceInForce } from './price-in-force.js';

/** Enough pictures for a few minutes of the idle screen, few enough to fetch in a moment. */
export const SHOWCASE_LIMIT = 30;

/**
 * The shop's pictures: every photo the owner marked "show on the customer display", of styles
 * on sale, the most recently changed styles first, each style's photos in the shop's order.
 */
export async function listShowcase(ctx: AppContext): Promise<Showcase> {
  const now = ctx.now().toISOString();
  const rows = await ctx.storage.db
    .selectFrom('styles as s')
    .select(['s.id', 's.style_code', 's.name', 's.photos', priceInForce(now, ctx.store).as('price')])
    .where('s.store_id', '=', ctx.store.catalogId)
    .where('s.active', '=', 1)
    // The photos are a JSON array written by photos.ts (no spaces): a cheap first filter that
    // SQLite and PostgreSQL both run; the JSON is read properly below.
    .where('s.photos', 'like', '%"showcase":true%')
    .orderBy('s.updated_at', 'desc')
    .orderBy('s.id')
    .limit(SHOWCASE_LIMIT)
    .execute();
  const items: ShowcasePicture[] = [];
  for (const row of rows) {
    for (const photo of photoViews(row.id, row.photos)) {
      if (!photo.showcase || items.length >= SHOWCASE_LIMIT) continue;
      items.push({
        styleId: row.id,
        photoId: photo.id,
        styleCode: row.style_code,
        name: row.name,
        price: Number(row.price),
        url: `/api/showcase/${row.id}/${photo.id}`,
      });
    }
  }
  return { items };
}

const showcaseParams = z.object({
  styleId: z.string().regex(UUID_PATTERN, 'not a style id'),
  photoId: z.string().regex(UUID_PATTERN, 'not a photo id'),
});

export const showcaseRoutes = [
  route({
    method: 'patch',
    path: '/api/products/:id/photos/:photoId',
    permission: 'catalog.manage',
    summary: "Show a style's photo on the customer display's idle screen, or stop showing it",
    params: z.object({
      id: z.string().regex(UUID_PATTERN, 'not a style id'),
      photoId: z.string().regex(UUID_PATTERN, 'not a photo id'),
    }),
    body: z.strictObject({ showcase: z.boolean() }),
    handle: async ({ ctx, params, body, principal }) => {
      assertStaff(principal);
      return {
        photos: await setPhotoShowcase(ctx, params.id, params.photoId, body.showcase, principal.staffId),
      };
    },
  }),
  route({
    method: 'get',
    path: '/api/showcase',
    permission: 'showcase.read',
    summary: "The shop's pictures for the customer display's idle screen",
    handle: ({ ctx }) => listShowcase(ctx),
  }),
  route({
    method: 'get',
    path: '/api/showcase/:styleId/:photoId',
    permission: 'showcase.read',
    summary: "One of the shop's pictures, as the image (only photos chosen for the display)",
    params: showcaseParams,
    handle: async ({ ctx, params, res }) => {
      const photo = await readShowcasePhoto(ctx, params.styleId, params.photoId);
      res
        .status(200)
        .type(photo.contentType)
        .set({ 'Cache-Control': 'private, max-age=86400, immutable', 'X-Content-Type-Options': 'nosniff' })
        .send(photo.bytes);
    },
  }),
];
