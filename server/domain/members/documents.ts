import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { route } from '../../http/route.js';
import { newId } from '../../ids.js';
import { MEMBER_DOCUMENTS, type MemberDocument } from '../../protocol/members.js';
import { recordAudit } from '../audit/service.js';
import { assertStaff } from '../staff/sessions.js';

/**
 * The membership terms (会员条款) and the privacy policy (隐私政策) a newcomer agrees to. The
 * owner writes them on the admin page; every save is a new version kept beside the old ones
 * (what someone agreed to on a given day stays readable) and audited. The newest is in force,
 * read by the lookup kiosk and by phones, which have no token: the route is public.
 */

const kindParams = z.object({ kind: z.enum(MEMBER_DOCUMENTS) });
const documentBody = z.strictObject({
  text: z.string().trim().min(1, 'required').max(20_000, 'at most 20,000 characters'),
});

/** The version in force: the newest; an empty text when the owner has not written one yet. */
export async function documentInForce(
  ctx: AppContext,
  kind: MemberDocument['kind'],
): Promise<MemberDocument> {
  const row = await ctx.storage.db
    .selectFrom('member_documents')
    .select(['text', 'published_at'])
    .where('kind', '=', kind)
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return { kind, text: row?.text ?? '', publishedAt: row?.published_at ?? null };
}

export const memberDocumentRoutes = [
  route({
    method: 'get',
    path: '/api/member-documents/:kind',
    limit: 'join',
    permission: 'public',
    summary: 'The membership terms or the privacy policy in force (for the join pages; no token)',
    params: kindParams,
    handle: ({ ctx, params }) => documentInForce(ctx, params.kind),
  }),
  route({
    method: 'get',
    path: '/api/member-documents/:kind/versions',
    permission: 'loyalty.settings',
    summary: 'Every published version of the terms or the privacy policy, newest first',
    params: kindParams,
    handle: async ({ ctx, params }) => ({
      items: (
        await ctx.storage.db
          .selectFrom('member_documents')
          .select(['text', 'published_at', 'published_by'])
          .where('kind', '=', params.kind)
          .orderBy('published_at', 'desc')
          .orderBy('id', 'desc')
          .execute()
      ).map((row) => ({ text: row.text, publishedAt: row.published_at, publishedBy: row.published_by })),
    }),
  }),
  route({
    method: 'put',
    path: '/api/member-documents/:kind',
    permission: 'loyalty.settings',
    summary: 'Publish a new version of the terms or the privacy policy (the old ones are kept)',
    params: kindParams,
    body: documentBody,
    handle: async ({ ctx, params, body, principal }) => {
      assertStaff(principal);
      const at = ctx.now().toISOString();
      await ctx.storage.write(async (trx) => {
        const id = newId();
        await trx
          .insertInto('member_documents')
          .values({
            id,
            kind: params.kind,
            text: body.text,
            published_at: at,
            published_by: principal.staffId,
          })
          .execute();
        await recordAudit(trx, ctx, {
          kind: 'member.document_published',
          staffId: principal.staffId,
          subjectType: 'member_document',
          subjectId: id,
          detail: { document: params.kind, characters: body.text.length },
        });
      });
      return documentInForce(ctx, params.kind);
    },
  }),
];
