import { z } from 'zod';
import { route } from '../../http/route.js';
import { assertStaff } from '../staff/sessions.js';
import { checkStockLedger } from './check.js';
import { adjustStock, getStockDocument, receiveStock } from './documents.js';
import { listLowStock } from './low-stock.js';
import { listMovements, skuStock } from './movements.js';
import { inventorySettings, saveInventorySettings } from './policy.js';
import {
  adjustmentBody,
  commitBody,
  countBody,
  id,
  movementsQuery,
  openStocktakeBody,
  receiptBody,
  scanBody,
  settingsBody,
  transferBody,
  transfersQuery,
} from './schemas.js';
import {
  cancelStocktake,
  commitStocktake,
  getStocktake,
  openStocktake,
  recordCount,
  stocktakeVariance,
} from './stocktake.js';
import { listTransfers } from './transfer-list.js';
import { transferStock, transfersInTransit } from './transfers.js';

const idParams = z.object({ id });

export const inventoryRoutes = [
  route({
    method: 'post',
    path: '/api/stock/receipts',
    permission: 'stock.receive',
    summary: 'Receive goods from a supplier (stock in), with the cost per unit when known',
    status: 201,
    body: receiptBody,
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return receiveStock(ctx, body, principal.staffId);
    },
  }),
  route({
    method: 'post',
    path: '/api/stock/adjustments',
    permission: 'stock.adjust',
    summary: 'Adjust stock with a reason: damaged, lost, found, correction',
    status: 201,
    body: adjustmentBody,
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return adjustStock(ctx, body, principal.staffId);
    },
  }),
  route({
    method: 'post',
    path: '/api/stock/transfers',
    permission: 'stock.adjust',
    summary: 'Send stock to another store, or receive a transfer from one',
    status: 201,
    body: transferBody,
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return transferStock(ctx, body, principal.staffId);
    },
  }),
  route({
    method: 'get',
    path: '/api/stock/transfers',
    permission: 'stock.read',
    summary:
      'Chain mode: transfers sent from or to this store, newest first, with what came and what is missing',
    query: transfersQuery,
    handle: async ({ ctx, query }) => ({ items: await listTransfers(ctx, query.status) }),
  }),
  route({
    method: 'get',
    path: '/api/stock/transfers/in-transit',
    permission: 'stock.read',
    summary: 'Chain mode: transfers the other stores sent here and this store has not received in full yet',
    handle: async ({ ctx }) => ({ items: await transfersInTransit(ctx) }),
  }),
  route({
    method: 'get',
    path: '/api/stock/documents/:id',
    permission: 'stock.read',
    summary: 'A receipt, adjustment or transfer with its lines',
    params: idParams,
    handle: ({ ctx, params }) => getStockDocument(ctx, params.id),
  }),
  route({
    method: 'get',
    path: '/api/stock/movements',
    permission: 'stock.read',
    summary: 'The stock ledger, newest first',
    query: movementsQuery,
    handle: ({ ctx, query }) => listMovements(ctx, query),
  }),
  route({
    method: 'get',
    path: '/api/skus/:id/stock',
    permission: 'catalog.read',
    summary: "This store's on-hand of a SKU",
    params: idParams,
    handle: ({ ctx, params }) => skuStock(ctx, params.id),
  }),
  route({
    method: 'get',
    path: '/api/stock/settings',
    permission: 'stock.read',
    summary: "The store's negative-stock policy",
    handle: ({ ctx }) => inventorySettings(ctx.storage.db, ctx),
  }),
  route({
    method: 'put',
    path: '/api/stock/settings',
    permission: 'stock.adjust',
    summary: 'Choose whether a sale may take stock below zero (allow with a warning) or not (refuse)',
    body: settingsBody,
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return saveInventorySettings(ctx, body, principal.staffId);
    },
  }),
  route({
    method: 'get',
    path: '/api/stock/low',
    permission: 'stock.receive',
    summary: 'SKUs at or below their low-stock threshold, with suggested reorder quantities',
    handle: async ({ ctx }) => ({ items: await listLowStock(ctx) }),
  }),
  route({
    method: 'get',
    path: '/api/stock/check',
    permission: 'stock.adjust',
    summary: 'Check every cached on-hand against the sum of its ledger',
    handle: ({ ctx }) => checkStockLedger(ctx.storage.db),
  }),
  route({
    method: 'post',
    path: '/api/stocktakes',
    permission: 'stock.adjust',
    summary: 'Open a stocktake for the whole store or some categories',
    status: 201,
    body: openStocktakeBody,
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return openStocktake(ctx, body, principal.staffId);
    },
  }),
  route({
    method: 'get',
    path: '/api/stocktakes/:id',
    permission: 'stock.read',
    summary: 'A stocktake and how far the count is',
    params: idParams,
    handle: ({ ctx, params }) => getStocktake(ctx, params.id),
  }),
  route({
    method: 'post',
    path: '/api/stocktakes/:id/scans',
    permission: 'stocktake.count',
    summary: 'Count a scanned barcode; scans of the same barcode add up',
    params: idParams,
    body: scanBody,
    handle: ({ ctx, params, body }) => recordCount(ctx, params.id, { barcode: body.barcode, add: body.qty }),
  }),
  route({
    method: 'put',
    path: '/api/stocktakes/:id/counts/:skuId',
    permission: 'stocktake.count',
    summary: "Correct a SKU's count",
    params: z.object({ id, skuId: id }),
    body: countBody,
    handle: ({ ctx, params, body }) =>
      recordCount(ctx, params.id, { skuId: params.skuId, set: body.counted }),
  }),
  route({
    method: 'get',
    path: '/api/stocktakes/:id/variance',
    permission: 'stock.read',
    summary: 'Variance per SKU with its value at cost, and SKUs not counted yet',
    params: idParams,
    handle: ({ ctx, params }) => stocktakeVariance(ctx, params.id),
  }),
  route({
    method: 'post',
    path: '/api/stocktakes/:id/commit',
    permission: 'stock.adjust',
    summary: 'Book the variance as stock adjustments in one transaction',
    params: idParams,
    body: commitBody,
    handle: ({ ctx, params, body, principal }) => {
      assertStaff(principal);
      return commitStocktake(ctx, params.id, body, principal.staffId);
    },
  }),
  route({
    method: 'post',
    path: '/api/stocktakes/:id/cancel',
    permission: 'stock.adjust',
    summary: 'Cancel an open stocktake; nothing is booked',
    params: idParams,
    handle: ({ ctx, params, principal }) => {
      assertStaff(principal);
      return cancelStocktake(ctx, params.id, principal.staffId);
    },
  }),
];
