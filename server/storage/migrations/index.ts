import type { Migration } from '../migrator.js';
import { foundation } from './0001_foundation.js';
import { catalog } from './0002_catalog.js';
import { members } from './0003_members.js';
import { sales } from './0004_sales.js';
import { gifts } from './0005_gifts.js';
import { cartsAndShifts } from './0006_carts_shifts.js';
import { reports } from './0007_reports.js';
import { printJobs } from './0008_print_jobs.js';
import { campaignOutbox } from './0009_campaign_outbox.js';
import { feedback } from './0010_feedback.js';
import { campaignTriggers } from './0011_campaign_triggers.js';
import { chain } from './0012_chain.js';
import { reportColumns } from './0013_report_columns.js';
import { memberEmail } from './0014_member_email.js';
import { signInLocks } from './0015_sign_in_locks.js';
import { transferReceipts } from './0016_transfer_receipts.js';
import { storePrices } from './0017_store_prices.js';
import { shiftRequired } from './0018_shift_required.js';
import { payments } from './0019_payments.js';
import { styleCertificate } from './0020_style_certificate.js';
import { receiptText } from './0021_receipt_text.js';
import { printJobStates } from './0022_print_job_states.js';
import { smsReceipts } from './0023_sms_receipts.js';
import { shopSetup } from './0024_shop_setup.js';
import { referrals } from './0025_referrals.js';
import { memberList } from './0026_member_list.js';
import { storeLinks } from './0027_store_links.js';
import { qrPayments } from './0028_qr_payments.js';
import { triggerTemplateCode } from './0029_trigger_template_code.js';
import { paymentAggregator } from './0030_payment_aggregator.js';
import { storeLinkHeldRows } from './0031_store_link_held_rows.js';
import { savedStarPrinters } from './0032_saved_star_printers.js';
import { reportIndexes } from './0033_report_indexes.js';
import { rowChanges } from './0034_row_changes.js';
import { settingsStamp } from './0035_settings_stamp.js';

/** Every migration, oldest first. Forward only: a released migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [
  foundation,
  catalog,
  members,
  sales,
  gifts,
  cartsAndShifts,
  reports,
  printJobs,
  campaignOutbox,
  feedback,
  campaignTriggers,
  chain,
  reportColumns,
  memberEmail,
  signInLocks,
  transferReceipts,
  storePrices,
  shiftRequired,
  payments,
  styleCertificate,
  receiptText,
  printJobStates,
  smsReceipts,
  shopSetup,
  referrals,
  memberList,
  storeLinks,
  qrPayments,
  triggerTemplateCode,
  paymentAggregator,
  storeLinkHeldRows,
  savedStarPrinters,
  reportIndexes,
  rowChanges,
  settingsStamp,
];
