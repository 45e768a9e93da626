import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Promotion } from '../../protocol/promotions.js';
import type { Quote, QuoteLine } from '../../protocol/quote.js';
import { locksRows } from '../../storage/database.js';
import { hotQuery } from '../../storage/hot-query.js';
import type { Database, MemberRow, TierRow } from '../../storage/schema.js';
import { priceInForce } from '../catalog/price-in-force.js';
import type { StockSku } from '../inventory/ledger.js';
import { birthdayText } from '../members/view.js';
import { priceCart } from '../pricing/engine.js';
import type { CartLine, CouponOffer, PricingInput, PricingMember } from '../pricing/types.js';
import { saleSettings } from './sale-settings.js';
import type { SaleLineInput } from './schemas.js';

/** One SKU as the checkout sees it: price in force at the moment of pricing, category chain. */
export interface SkuForSale {
  id: string;
  barcode: string;
  styleId: string;
  styleCode: string;
  name: string;
  color: string;
  size: string;
  categoryId: string | null;
  price: number;
  specialPrice: boolean;
  memberPrices: Record<string, number>;
  active: boolean;
  /** The style's cost for one unit now (for the sale's line); never shown at the till. */
  cost: number | null;
  /** The SKU's low-stock threshold, else its style's (null: none). */
  threshold: number | null;
}

export interface CartRequest {
  memberId?: string | undefined;
  lines: readonly SaleLineInput[];
  couponCodes: readonly string[];
  redeemPoints: number;
  training: boolean;
}

/** What the pricing needed besides the quote: the member row and coupon rows, for the sale. */
export interface PricedCart {
  quote: Quote;
  /** Each line's style cost now, kept on the sale's lines; not part of the quote. */
  unitCosts: (number | null)[];
  /** Each line's SKU as the stock moves need it (read with its price: not read again). */
  stockSkus: StockSku[];
  member: (MemberRow & { tier: TierRow }) | null;
  couponCodes: string[];
}

const SKU_COLUMNS = [
  'k.id',
  'k.barcode',
  'k.color',
  'k.size',
  'k.active',
  's.id as styleId',
  's.style_code as styleCode',
  's.name',
  's.category_id as categoryId',
  's.special_price as specialPrice',
  's.member_prices as memberPrices',
  's.active as styleActive',
  's.cost',
  'k.low_stock_threshold as skuThreshold',
  's.low_stock_threshold as styleThreshold',
] as const;

/**
 * SKUs by id (`sku0`…) and barcode (`barcode0`…) with their price in force at `at`: its shape is
 * how many of each, then `branch` (a chain's store, `storeId`, may have prices of its own) or
 * `list`.
 */
const skuRows = hotQuery((db, value, shape: string) => {
  const [ids, codes, prices] = shape.split(' ');
  const branch = prices === 'branch';
  const named = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => value(`${prefix}${i}`));
  return db
    .selectFrom('skus as k')
    .innerJoin('styles as s', 's.id', 'k.style_id')
    .select([
      ...SKU_COLUMNS,
      priceInForce(
        value('at'),
        branch ? { id: value('storeId'), catalogId: value('catalogId') } : undefined,
      ).as('price'),
    ])
    .where((eb) =>
      eb.or([
        ...(Number(ids) > 0 ? [eb('k.id', 'in', named('sku', Number(ids)))] : []),
        ...(Number(codes) > 0 ? [eb('k.barcode', 'in', named('barcode', Number(codes)))] : []),
      ]),
    )
    .where('k.store_id', '=', value('catalogId'));
});

/** Finds the SKUs of the lines (by id or barcode) with their price in force now. */
export async function skusForLines(
  db: Kysely<Database>,
  ctx: AppContext,
  lines: readonly Pick<SaleLineInput, 'skuId' | 'barcode'>[],
  field = 'lines',
): Promise<SkuForSale[]> {
  const at = ctx.now().toISOString();
  const skuIds = [...new Set(lines.flatMap((line) => (line.skuId ? [line.skuId] : [])))];
  const barcodes = [...new Set(lines.flatMap((line) => (line.barcode ? [line.barcode] : [])))];
  // Head office (and a shop on its own) sells at the list price.
  const prices = ctx.store.id === ctx.store.catalogId ? 'list' : 'branch';
  const values: Record<string, unknown> = { at, catalogId: ctx.store.catalogId, storeId: ctx.store.id };
  for (const [i, id] of skuIds.entries()) values[`sku${i}`] = id;
  for (const [i, barcode] of barcodes.entries()) values[`barcode${i}`] = barcode;
  const rows = await skuRows.all(db, values, `${skuIds.length} ${barcodes.length} ${prices}`);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const byBarcode = new Map(rows.map((row) => [row.barcode, row]));
  return lines.map((line, i) => {
    const row = line.skuId ? byId.get(line.skuId) : byBarcode.get(line.barcode ?? '');
    if (!row) {
      throw line.skuId
        ? new ApiError('not_found', `No SKU with id ${JSON.stringify(line.skuId)}.`, {
            [`${field}.${i}.skuId`]: 'unknown SKU',
          })
        : new ApiError('not_found', `Barcode ${line.barcode} is not in the catalogue.`, {
            [`${field}.${i}.barcode`]: 'unknown barcode',
          });
    }
    return {
      id: row.id,
      barcode: row.barcode,
      styleId: row.styleId,
      styleCode: row.styleCode,
      name: row.name,
      color: row.color,
      size: row.size,
      categoryId: row.categoryId,
      price: row.price,
      specialPrice: row.specialPrice === 1,
      memberPrices: JSON.parse(row.memberPrices) as Record<string, number>,
      active: row.active === 1 && row.styleActive === 1,
      cost: row.cost,
      threshold: row.skuThreshold ?? row.styleThreshold,
    };
  });
}

/** Each category with its ancestors, so a rule on 女装 covers 女装 › 连衣裙. */
function categoryChains(
  parents: ReadonlyMap<string, string | null>,
  wanted: readonly (string | null)[],
): Map<string, string[]> {
  const chains = new Map<string, string[]>();
  for (const id of wanted) {
    if (id === null || chains.has(id)) continue;
    const chain: string[] = [];
    for (let at: string | null | undefined = id; at && chain.length < 20; at = parents.get(at))
      chain.push(at);
    chains.set(id, chain);
  }
  return chains;
}

/** The member (`memberId`) and their tier's columns; the shape: whether the member's row is locked. */
const memberWithTier = hotQuery((db, value, locks: boolean) =>
  db
    .selectFrom('members as m')
    .innerJoin('tiers as t', 't.id', 'm.tier_id')
    .selectAll('m')
    .select([
      't.code as tier_code',
      't.name as tier_name',
      't.rank as tier_rank',
      't.min_spend_12m as tier_min_spend_12m',
      't.min_spend_lifetime as tier_min_spend_lifetime',
      't.min_points_earned as tier_min_points_earned',
      't.min_visits as tier_min_visits',
      't.discount_regular_bp as tier_discount_regular_bp',
      't.discount_special_bp as tier_discount_special_bp',
      't.points_multiplier_pct as tier_points_multiplier_pct',
      't.birthday_discount_bp as tier_birthday_discount_bp',
      't.birthday_coupon_template_id as tier_birthday_coupon_template_id',
      't.updated_at as tier_updated_at',
    ])
    .where('m.id', '=', value('memberId'))
    .$if(locks, (query) => query.forUpdate('m')),
);

/**
 * The member with their tier, in one statement (the sale passes it down to every posting). In a
 * sale at `row locks` (PostgreSQL) the same statement locks the member's row: another store's
 * action on them waits for this sale, and this sale reads what the other one wrote.
 */
async function loadMember(db: Kysely<Database>, memberId: string): Promise<MemberRow & { tier: TierRow }> {
  const joined = await memberWithTier.first(db, { memberId }, locksRows(db));
  if (!joined)
    throw new ApiError('not_found', `No member with id ${JSON.stringify(memberId)}.`, {
      memberId: 'unknown member',
    });
  const {
    tier_code: code,
    tier_name: name,
    tier_rank: rank,
    tier_min_spend_12m: min_spend_12m,
    tier_min_spend_lifetime: min_spend_lifetime,
    tier_min_points_earned: min_points_earned,
    tier_min_visits: min_visits,
    tier_discount_regular_bp: discount_regular_bp,
    tier_discount_special_bp: discount_special_bp,
    tier_points_multiplier_pct: points_multiplier_pct,
    tier_birthday_discount_bp: birthday_discount_bp,
    tier_birthday_coupon_template_id: birthday_coupon_template_id,
    tier_updated_at: updated_at,
    ...row
  } = joined;
  if (row.status !== 'active') {
    throw new ApiError('business_rule', 'This member was merged or erased; use the member it became.', {
      memberId: row.status,
    });
  }
  const tier: TierRow = {
    id: row.tier_id,
    code,
    name,
    rank,
    min_spend_12m,
    min_spend_lifetime,
    min_points_earned,
    min_visits,
    discount_regular_bp,
    discount_special_bp,
    points_multiplier_pct,
    birthday_discount_bp,
    birthday_coupon_template_id,
    updated_at,
  };
  return { ...row, tier };
}

function pricingMember(member: MemberRow & { tier: TierRow }): PricingMember {
  return {
    tierCode: member.tier.code,
    tierName: member.tier.name,
    offBp: 10_000 - member.tier.discount_regular_bp,
    specialOffBp: 10_000 - member.tier.discount_special_bp,
    birthday: birthdayText(member),
    birthdayOffBp: member.tier.birthday_discount_bp === null ? 0 : 10_000 - member.tier.birthday_discount_bp,
  };
}

/** The coupons asked for, checked as `redeemCoupon` will check them, as engine offers. */
async function couponOffers(
  db: Kysely<Database>,
  ctx: AppContext,
  codes: readonly string[],
  memberId: string | null,
): Promise<CouponOffer[]> {
  const offers: CouponOffer[] = [];
  const now = ctx.now().toISOString();
  for (const [i, raw] of codes.entries()) {
    const field = `couponCodes.${i}`;
    const code = raw.toUpperCase();
    if (codes.slice(0, i).some((earlier) => earlier.toUpperCase() === code)) {
      throw new ApiError('validation_failed', `Coupon ${code} is given twice.`, { [field]: 'given twice' });
    }
    const row = await db.selectFrom('coupons').selectAll().where('code', '=', code).executeTakeFirst();
    if (!row)
      throw new ApiError('not_found', `No coupon with code ${JSON.stringify(raw)}.`, {
        [field]: 'unknown code',
      });
    const refusal =
      memberId === null
        ? 'needs the member who holds it'
        : row.status === 'redeemed'
          ? 'already used'
          : row.status === 'voided'
            ? 'voided'
            : row.member_id !== memberId
              ? "another member's coupon"
              : now < row.valid_from
                ? 'not valid yet'
                : now >= row.valid_to
                  ? 'expired'
                  : null;
    if (refusal) {
      throw new ApiError(
        row.status === 'redeemed' ? 'conflict' : 'business_rule',
        `Coupon ${code} cannot be used: ${refusal}.`,
        {
          [field]: refusal,
        },
      );
    }
    const template = await db
      .selectFrom('coupon_templates')
      .selectAll()
      .where('id', '=', row.template_id)
      .executeTakeFirstOrThrow();
    const categories = JSON.parse(template.categories) as string[];
    const styles = JSON.parse(template.styles) as string[];
    offers.push({
      code,
      label: template.name,
      kind: template.kind === 'percent' ? 'percent' : 'amount',
      value: template.kind === 'percent' ? template.value * 100 : template.value,
      minSpend: template.min_spend,
      ...(categories.length > 0 && { includeCategories: categories }),
      ...(styles.length > 0 && { includeStyles: styles }),
    });
  }
  return offers;
}

/**
 * Prices a cart with everything in force now: the SKUs' prices, the member's tier, the active
 * promotions, the coupons and points asked for, the store's 抹零. Reads only; run it inside
 * the sale's transaction so the sale is priced at commit.
 */
export async function priceRequest(
  db: Kysely<Database>,
  ctx: AppContext,
  request: CartRequest,
  /** Changes the promotions in force for this pricing only (a draft tried on a cart); nothing is stored. */
  promotionsFor: (active: readonly Promotion[]) => readonly Promotion[] = (active) => active,
): Promise<PricedCart> {
  const skus = await skusForLines(db, ctx, request.lines);
  for (const [i, sku] of skus.entries()) {
    if (!sku.active) {
      throw new ApiError('business_rule', `${sku.styleCode} ${sku.color} ${sku.size} is not for sale.`, {
        [`lines.${i}.${request.lines[i]?.skuId ? 'skuId' : 'barcode'}`]: 'not for sale',
      });
    }
  }
  const member = request.memberId ? await loadMember(db, request.memberId) : null;
  if (!member && request.redeemPoints > 0) {
    throw new ApiError('business_rule', 'Points can only be used with the member who holds them.', {
      redeemPoints: 'needs a member',
    });
  }
  if (member && request.redeemPoints > member.points) {
    throw new ApiError(
      'conflict',
      `Not enough points: ${request.redeemPoints} wanted, ${member.points} held.`,
      {
        redeemPoints: `only ${member.points} points available`,
      },
    );
  }
  const [shop, coupons] = await Promise.all([
    saleSettings(db, ctx),
    couponOffers(db, ctx, request.couponCodes, member?.id ?? null),
  ]);
  const chains = categoryChains(
    shop.parents,
    skus.map((sku) => sku.categoryId),
  );
  const promotions = promotionsFor(shop.promotions);
  const { sales: settings, loyalty } = shop;
  const cartLines: CartLine[] = request.lines.map((line, i) => {
    const sku = skus[i] as SkuForSale;
    return {
      // One id follows the line from the cart to the receipt; a line sent without one gets it
      // here, in line order (v7 ids sort as made, so ties in pricing fall as they always did).
      lineId: line.lineId ?? newId(),
      skuId: sku.id,
      styleId: sku.styleId,
      categoryIds: sku.categoryId ? (chains.get(sku.categoryId) ?? [sku.categoryId]) : [],
      qty: line.qty,
      unitPrice: sku.price,
      specialPrice: sku.specialPrice,
      memberPrices: sku.memberPrices,
      ...(line.priceOverride !== undefined && { priceOverride: line.priceOverride }),
      ...(line.discount && { manualDiscount: line.discount }),
    };
  });
  const input: PricingInput = {
    lines: cartLines,
    member: member ? pricingMember(member) : null,
    promotions,
    coupons,
    points:
      member && loyalty && request.redeemPoints > 0
        ? {
            requested: request.redeemPoints,
            available: member.points,
            rate: { points: loyalty.redeem.pointsPerYuan, fen: 100 },
            maxShareBp: loyalty.redeem.maxShareBp,
          }
        : null,
    rounding: settings.rounding,
    storeId: ctx.store.id,
    at: ctx.now(),
    timeZone: ctx.store.timeZone,
  };
  const priced = priceCart(input);
  const lines: QuoteLine[] = priced.lines.map((line, i) => {
    const sku = skus[i] as SkuForSale;
    return {
      lineId: line.lineId,
      skuId: sku.id,
      barcode: sku.barcode,
      styleId: sku.styleId,
      styleCode: sku.styleCode,
      name: sku.name,
      color: sku.color,
      size: sku.size,
      categoryId: sku.categoryId,
      qty: line.qty,
      listPrice: sku.price,
      unitPrice: line.unitPrice,
      priceOverride: request.lines[i]?.priceOverride ?? null,
      discounts: line.discounts,
      total: line.total,
    };
  });
  const quote: Quote = {
    lines,
    subtotal: priced.subtotal,
    discountTotal: priced.discountTotal,
    total: priced.total,
    discounts: priced.discounts,
    appliedPromotions: priced.appliedPromotions,
    coupons: priced.coupons,
    points: { requested: request.redeemPoints, used: priced.points.used, amount: priced.points.amount },
    rounding: priced.discounts.filter((d) => d.source === 'rounding').reduce((sum, d) => sum + d.amount, 0),
    member: member
      ? {
          id: member.id,
          name: member.name,
          tier: { code: member.tier.code, name: member.tier.name },
          points: member.points,
          storedValue: member.stored_principal + member.stored_bonus,
        }
      : null,
    training: request.training,
  };
  return {
    quote,
    unitCosts: skus.map((sku) => sku.cost),
    stockSkus: skus.map(({ id, barcode, styleId, size, styleCode, threshold }) => ({
      id,
      barcode,
      styleId,
      size,
      styleCode,
      threshold,
    })),
    member,
    couponCodes: coupons.map((c) => c.code),
  };
}

/** `POST /api/sales/quote`: the priced sale, nothing stored. */
export async function quoteSale(ctx: AppContext, request: CartRequest): Promise<Quote> {
  return (await priceRequest(ctx.storage.db, ctx, request)).quote;
}
