/** Customers' feedback from the lookup kiosk, as the kiosk and the owner's dashboard see it. */

/** The longest comment a customer may leave; the kiosk counts down to it. */
export const MAX_FEEDBACK_COMMENT = 500;

export interface FeedbackView {
  id: string;
  at: string;
  stars: number;
  comment: string | null;
  /** The member's code when they gave it. */
  memberCode: string | null;
  /** The kiosk's name. */
  device: string | null;
}

/** `GET /api/feedback`: newest first; `next` is the `before` of the next page. */
export interface FeedbackPage {
  items: FeedbackView[];
  next: string | null;
}
