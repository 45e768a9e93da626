import { z } from 'zod';
import { route } from '../../http/route.js';
import { actorOf, type Principal } from '../../protocol/roles.js';
import { may } from '../staff/permissions.js';
import { assertStaff } from '../staff/sessions.js';
import { boughtWith } from './bought-with.js';
import { createCategory, listCategories } from './categories.js';
import { printLabels } from './label-print.js';
import { labelPreviewSvg, receiptLabels, skuLabels } from './labels.js';
import { skuByBarcode } from './lookup.js';
import { addColor, listColors, listSizeGroups, saveSizeGroup } from './palette.js';
import { addPhoto, deletePhoto, readPhoto, readPhotoBody, reorderPhotos, UUID_PATTERN } from './photos.js';
import {
  cancelPriceChange,
  changePrice,
  clearStorePrice,
  markdown,
  priceHistory,
  setStorePrice,
} from './prices.js';
import {
  barcode,
  categoryPath,
  fen,
  id,
  labelPrintBody,
  markdownBody,
  newStyleBody,
  priceChangeBody,
  searchQuery,
  shortText,
  sizeGroupBody,
  sizeGroupCode,
  skuChangesBody,
  styleChangesBody,
  variantLabel,
} from './schemas.js';
import { searchStyles } from './search.js';
import { createStyle, getStyle, updateSku, updateStyle } from './styles.js';
import { transferRoutes } from './transfer/routes.js';

const idParams = z.object({ id });
const photoStyleParams = z.object({ id: z.string().regex(UUID_PATTERN, 'not a style id') });
const photoParams = z.object({
  id: z.string().regex(UUID_PATTERN, 'not a style id'),
  photoId: z.string().regex(UUID_PATTERN, 'not a photo id'),
});
/** Cost is for those who manage the catalogue, not for the till or the kiosk. */
const seesCost = (principal: Principal | null) =>
  principal !== null && may(actorOf(principal), 'catalog.manage');

export const catalogRoutes = [
  route({
    method: 'post',
    path: '/api/products',
    permission: 'catalog.manage',
    summary: 'Create a style and one SKU per colour × size, each with a unique barcode',
    status: 201,
    body: newStyleBody,
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return createStyle(ctx, body, principal.staffId);
    },
  }),
  route({
    method: 'get',
    path: '/api/products',
    permission: 'catalog.read',
    summary: 'Search styles as you type: barcode, style code, name, pinyin initials, filters',
    query: searchQuery,
    handle: ({ ctx, query }) => searchStyles(ctx, query),
  }),
  route({
    method: 'get',
    path: '/api/products/:id',
    permission: 'catalog.read',
    summary: 'A style with its SKU matrix and stock on hand',
    params: idParams,
    handle: ({ ctx, params, principal }) => getStyle(ctx, params.id, seesCost(principal)),
  }),
  route({
    method: 'patch',
    path: '/api/products/:id',
    permission: 'catalog.manage',
    summary: 'Edit a style; add or remove colours and sizes',
    params: idParams,
    body: styleChangesBody,
    handle: ({ ctx, params, body, principal }) => {
      assertStaff(principal);
      return updateStyle(ctx, params.id, body, principal.staffId);
    },
  }),
  route({
    method: 'get',
    path: '/api/products/:id/prices',
    permission: 'catalog.read',
    summary: "A style's price in force and its price history, scheduled changes included",
    params: idParams,
    handle: ({ ctx, params }) => priceHistory(ctx, params.id),
  }),
  route({
    method: 'post',
    path: '/api/products/:id/prices',
    permission: 'price.change',
    summary: "Change a style's retail price now or from a start time",
    status: 201,
    params: idParams,
    body: priceChangeBody,
    handle: ({ ctx, params, body, principal }) => {
      assertStaff(principal);
      return changePrice(ctx, params.id, body, principal.staffId);
    },
  }),
  route({
    method: 'put',
    path: '/api/products/:id/store-price',
    permission: 'price.store',
    summary: "A chain branch's own price of a style, instead of the list price (head office: 422)",
    params: idParams,
    body: z.strictObject({ price: fen }),
    handle: ({ ctx, params, body, principal }) => {
      assertStaff(principal);
      return setStorePrice(ctx, params.id, body.price, principal.staffId);
    },
  }),
  route({
    method: 'delete',
    path: '/api/products/:id/store-price',
    permission: 'price.store',
    summary: 'The branch goes back to the list price of a style',
    params: idParams,
    handle: ({ ctx, params, principal }) => {
      assertStaff(principal);
      return clearStorePrice(ctx, params.id, principal.staffId);
    },
  }),
  route({
    method: 'post',
    path: '/api/products/:id/prices/:changeId/cancel',
    permission: 'price.change',
    summary: 'Cancel a scheduled price change that has not started (kept in the history as cancelled)',
    params: z.object({ id, changeId: id }),
    body: z.strictObject({ reason: shortText(100).optional() }).optional(),
    handle: ({ ctx, params, body, principal, approver }) => {
      assertStaff(principal);
      return cancelPriceChange(ctx, params.id, params.changeId, body?.reason, {
        staffId: principal.staffId,
        approverId: approver?.staffId ?? null,
      });
    },
  }),
  route({
    method: 'post',
    path: '/api/prices/markdowns',
    permission: 'price.change',
    summary: 'Mark down a category and/or season by a percentage, with explicit rounding',
    status: 201,
    body: markdownBody,
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return markdown(ctx, body, principal.staffId);
    },
  }),
  route({
    method: 'post',
    path: '/api/products/:id/photos',
    permission: 'catalog.manage',
    summary: 'Add a photo to a style: the JPEG, PNG or WebP itself as the body (at most 5 MB)',
    status: 201,
    params: photoStyleParams,
    handle: async ({ ctx, params, principal, req }) => {
      assertStaff(principal);
      const bytes = await readPhotoBody(req);
      return {
        photos: await addPhoto(
          ctx,
          params.id,
          { contentType: req.get('content-type'), bytes },
          principal.staffId,
        ),
      };
    },
  }),
  route({
    method: 'get',
    path: '/api/products/:id/photos/:photoId',
    permission: 'catalog.read',
    summary: "One of a style's photos, as the image",
    params: photoParams,
    handle: async ({ ctx, params, res }) => {
      const photo = await readPhoto(ctx, params.id, params.photoId);
      res
        .status(200)
        .type(photo.contentType)
        .set({ 'Cache-Control': 'private, max-age=86400, immutable', 'X-Content-Type-Options': 'nosniff' })
        .send(photo.bytes);
    },
  }),
  route({
    method: 'delete',
    path: '/api/products/:id/photos/:photoId',
    permission: 'catalog.manage',
    summary: 'Delete a photo of a style',
    params: photoParams,
    handle: async ({ ctx, params, principal }) => {
      assertStaff(principal);
      return { photos: await deletePhoto(ctx, params.id, params.photoId, principal.staffId) };
    },
  }),
  route({
    method: 'put',
    path: '/api/products/:id/photos/order',
    permission: 'catalog.manage',
    summary: "Reorder a style's photos; the first is the cover",
    params: photoStyleParams,
    body: z.strictObject({
      photoIds: z
        .array(z.string().regex(UUID_PATTERN, 'not a photo id'))
        .min(1, 'at least one photo')
        .max(50),
    }),
    handle: async ({ ctx, params, body, principal }) => {
      assertStaff(principal);
      return { photos: await reorderPhotos(ctx, params.id, body.photoIds, principal.staffId) };
    },
  }),
  route({
    method: 'get',
    path: '/api/skus/by-barcode/:barcode',
    permission: 'catalog.read',
    summary: 'Look up a scanned barcode',
    params: z.object({ barcode }),
    handle: ({ ctx, params }) => skuByBarcode(ctx, params.barcode),
  }),
  route({
    method: 'patch',
    path: '/api/skus/:id',
    permission: 'catalog.manage',
    summary: "Set a SKU's own low-stock threshold; deactivate or reactivate it",
    params: idParams,
    body: skuChangesBody,
    handle: ({ ctx, params, body, principal }) => {
      assertStaff(principal);
      return updateSku(ctx, params.id, body, principal.staffId);
    },
  }),
  route({
    method: 'get',
    path: '/api/categories',
    permission: 'catalog.read',
    summary: 'The category tree, as a list ordered by path',
    handle: async ({ ctx }) => ({ items: await listCategories(ctx) }),
  }),
  route({
    method: 'post',
    path: '/api/categories',
    permission: 'catalog.manage',
    summary: 'Add a category by its path (女装/连衣裙); missing parents are added too',
    status: 201,
    body: z.strictObject({ path: categoryPath }),
    handle: ({ ctx, body }) => createCategory(ctx, body.path),
  }),
  route({
    method: 'get',
    path: '/api/colors',
    permission: 'catalog.read',
    summary: "The shop's colour palette",
    handle: async ({ ctx }) => ({ items: await listColors(ctx.storage.db, ctx) }),
  }),
  route({
    method: 'post',
    path: '/api/colors',
    permission: 'catalog.manage',
    summary: 'Add a colour to the palette',
    status: 201,
    body: z.strictObject({ name: variantLabel }),
    handle: async ({ ctx, body, principal }) => {
      assertStaff(principal);
      return { items: await addColor(ctx, body.name, principal.staffId) };
    },
  }),
  route({
    method: 'get',
    path: '/api/size-groups',
    permission: 'catalog.read',
    summary: 'Size groups: the defaults (tops, bottoms, shoes, kids) and the shop’s own',
    handle: async ({ ctx }) => ({ items: await listSizeGroups(ctx.storage.db, ctx) }),
  }),
  route({
    method: 'put',
    path: '/api/size-groups/:code',
    permission: 'catalog.manage',
    summary: 'Create or replace a size group',
    params: z.object({ code: sizeGroupCode }),
    body: sizeGroupBody,
    handle: ({ ctx, params, body, principal }) => {
      assertStaff(principal);
      return saveSizeGroup(ctx, { code: params.code, ...body }, principal.staffId);
    },
  }),
  route({
    method: 'get',
    path: '/api/labels/skus/:id',
    permission: 'label.print',
    summary: 'The price-tag document of a SKU for the bridge to print',
    params: idParams,
    query: z.strictObject({ copies: z.coerce.number().int().min(1).max(500).default(1) }),
    handle: ({ ctx, params, query }) => skuLabels(ctx, params.id, query.copies),
  }),
  route({
    method: 'get',
    path: '/api/labels/skus/:id/preview.svg',
    permission: 'label.print',
    summary: 'An SVG preview of a SKU’s price tag for the admin page',
    params: idParams,
    handle: async ({ ctx, params, res }) => {
      res
        .status(200)
        .type('image/svg+xml')
        .send(await labelPreviewSvg(ctx, params.id));
    },
  }),
  route({
    method: 'post',
    path: '/api/labels/print',
    permission: 'label.print',
    summary:
      "Print price tags on the label printer of the store's bridge: chosen SKUs, a style's size run, or a delivery",
    status: 202,
    body: labelPrintBody,
    handle: ({ ctx, body }) => printLabels(ctx, body),
  }),
  route({
    method: 'get',
    path: '/api/labels/receipts/:id',
    permission: 'label.print',
    summary: 'Price tags for a whole delivery: one per unit received',
    params: idParams,
    handle: ({ ctx, params }) => receiptLabels(ctx, params.id),
  }),
  ...transferRoutes,
  route({
    method: 'get',
    path: '/api/products/:id/bought-with',
    permission: 'catalog.read',
    summary: 'Styles most often bought in the same sales as this one over the last 90 days',
    params: idParams,
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(20).default(4) }),
    handle: ({ ctx, params, query }) => boughtWith(ctx, params.id, query.limit),
  }),
];
