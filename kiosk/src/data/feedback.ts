import { type ApiAuth, call } from './http.js';

/** The longest comment the server takes. */
export const MAX_FEEDBACK_COMMENT = 500;

export interface Feedback {
  id: string;
  at: string;
  stars: number;
  comment: string | null;
  memberCode: string | null;
  device: string | null;
}

export interface FeedbackPage {
  items: Feedback[];
  next: string | null;
}

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
