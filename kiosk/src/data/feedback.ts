import type { FeedbackView as Feedback, FeedbackPage } from '../../../server/protocol/feedback.js';
import { type ApiAuth, call } from './http.js';

export type { FeedbackPage, FeedbackView as Feedback } from '../../../server/protocol/feedback.js';
export { MAX_FEEDBACK_COMMENT } from '../../../server/protocol/feedback.js';

/** The lookup kiosk: one customer's stars and optional comment. */
export function leaveFeedback(
  auth: ApiAuth,
  feedback: { stars: number; comment?: string; memberCode?: string },
): Promise<Feedback> {
  return call<Feedback>(auth, 'POST', '/api/self/feedback', { body: feedback });
}

/** The owner's list, newest first, a page at a time. */
export function listFeedback(
  auth: ApiAuth,
  query: { limit?: number; before?: string } = {},
): Promise<FeedbackPage> {
  return call<FeedbackPage>(auth, 'GET', '/api/feedback', { query: { ...query } });
}
