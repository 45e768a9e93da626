import type { Kysely } from 'kysely';
import type { PrintJob } from '../../protocol/printing.js';
import type { ReceiptDocument } from '../../protocol/receipt.js';
import type { Database } from '../../storage/schema.js';

/**
 * The copies of an erased member's name and masked phone that the store made when it printed
 * their receipts: the receipt kept with each sale and return (served again to cashiers for
 * reprints and returns) and the jobs in the print queue (receipts and 充值单). The receipts keep their points and
 * balances for the books; only who the member was goes. Runs in the erasure's transaction.
 */
export async function eraseReceiptCopies(trx: Kysely<Database>, memberId: string): Promise<void> {
  const sales = await trx
    .selectFrom('sales')
    .select(['id', 'receipt'])
    .where('member_id', '=', memberId)
    .execute();
  for (const sale of sales) {
    const receipt = anonymous(sale.receipt);
    if (receipt !== null) await trx.updateTable('sales').set({ receipt }).where('id', '=', sale.id).execute();
  }
  const returns = await trx
    .selectFrom('returns')
    .select(['id', 'sale_id', 'receipt'])
    .where('member_id', '=', memberId)
    .execute();
  for (const given of returns) {
    const receipt = anonymous(given.receipt);
    if (receipt !== null)
      await trx.updateTable('returns').set({ receipt }).where('id', '=', given.id).execute();
  }

  const documents = new Set([...sales.map((s) => s.id), ...returns.flatMap((r) => [r.id, r.sale_id ?? ''])]);
  // The 充值单 of the member's top-ups name them too.
  const topUps = new Set(
    (
      await trx
        .selectFrom('stored_value_entries')
        .select('ref_id')
        .where('member_id', '=', memberId)
        .where('ref_type', '=', 'topup')
        .execute()
    ).map((entry) => entry.ref_id),
  );
  if (documents.size === 0 && topUps.size === 0) return;
  const jobs = await trx
    .selectFrom('print_jobs')
    .select(['id', 'job'])
    .where('job', 'like', '%"member"%')
    .execute();
  for (const row of jobs) {
    const job = JSON.parse(row.job) as PrintJob;
    if (job.kind === 'slip' && job.document.member && topUps.has(job.document.ref)) {
      job.document = { ...job.document, member: { phoneMasked: '' } };
    } else if (job.kind === 'receipt' && documents.has(job.document.saleId) && job.document.member) {
      job.document = withoutMember(job.document);
    } else {
      continue;
    }
    await trx
      .updateTable('print_jobs')
      .set({ job: JSON.stringify(job) })
      .where('id', '=', row.id)
      .execute();
  }
}

/** The receipt JSON without the member's name and phone, or null when it named nobody. */
function anonymous(json: string): string | null {
  const document = JSON.parse(json) as ReceiptDocument;
  if (!document.member) return null;
  return JSON.stringify(withoutMember(document));
}

function withoutMember(document: ReceiptDocument): ReceiptDocument {
  if (!document.member) return document;
  const { name: _name, ...member } = document.member;
  return { ...document, member: { ...member, phoneMasked: '' } };
}
