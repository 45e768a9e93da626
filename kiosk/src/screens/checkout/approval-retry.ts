import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { RequestError } from '../../connection/errors.js';
import type { Approval } from './hg-checkout-approval.js';
import type { SaleDialog } from './sale-keys.js';

/** Sends a command again, this time with a manager's approval. */
export type ApprovedRun = (approval: Approval) => Promise<void>;

/**
 * `hg-approval-needed` from a dialog whose command was refused: what to send again, and
 * whether that command finishes what the dialog was for (then the sale comes back, not it).
 */
export type ApprovalNeededEvent = CustomEvent<{ run: ApprovedRun; finishes?: boolean }>;
/** `hg-approved` from the approval dialog: the manager's sign-off, and where to say how it went. */
export type ApprovedEvent = CustomEvent<Approval & { done: (error: unknown) => void }>;

/**
 * A dialog's command went wrong. Refused as forbidden, it is kept and the sale screen asks a
 * manager (`hg-approval-needed`), then sends it again with the approval — `finishes` when that
 * command is all the dialog was for. Any other error, or one after an approval, is the
 * dialog's to show; after an approval it is thrown too, so the approval dialog shows it.
 */
export function askApprovalOr(
  dialog: HTMLElement,
  error: unknown,
  approval: Approval | undefined,
  run: ApprovedRun,
  show: (error: unknown) => void,
  finishes = false,
): void {
  if (error instanceof RequestError && error.code === 'forbidden' && !approval) {
    dialog.dispatchEvent(
      new CustomEvent('hg-approval-needed', { detail: { run, finishes }, bubbles: true, composed: true }),
    );
    return;
  }
  show(error);
  if (approval) throw error;
}

/** The dialog open over the sale, as the controller reads and switches it. */
export interface DialogSwitch {
  current(): SaleDialog;
  open(dialog: SaleDialog): void;
}

/**
 * Manager approval in place: a command the server refused as forbidden is kept, the approval
 * dialog opens over the screen, and once a manager signs it off the same command goes again
 * with the approval. Then the screen goes back to the dialog it was in, or, for a command that
 * finished what that dialog was for, to `done`.
 */
export class ApprovalRetryController implements ReactiveController {
  private readonly dialogs: DialogSwitch;
  private pending: { run: ApprovedRun; back: SaleDialog; done: SaleDialog } | null = null;

  constructor(host: ReactiveControllerHost, dialogs: DialogSwitch) {
    this.dialogs = dialogs;
    host.addController(this);
  }

  /** A command kept for approval is not sent once its screen has gone. */
  hostDisconnected(): void {
    this.pending = null;
  }

  /**
   * Runs `command` and hands its answer to `use`; when it is forbidden, asks a manager and runs
   * it again with the approval (back to `back` if cancelled, to `done` once approved). Says
   * whether it went through at once; any other error is thrown.
   */
  async run<T>(
    command: (approval?: Approval) => Promise<T>,
    use: (result: T) => void,
    back: SaleDialog = 'none',
    done: SaleDialog = back,
  ): Promise<boolean> {
    try {
      use(await command());
      return true;
    } catch (error) {
      if (!(error instanceof RequestError && error.code === 'forbidden')) throw error;
      this.ask(async (approval) => use(await command(approval)), back, done);
      return false;
    }
  }

  /** A dialog's own command needs approval: its dialog comes back, unless the command finishes it. */
  readonly needed = (event: ApprovalNeededEvent): void => {
    const here = this.dialogs.current();
    this.ask(event.detail.run, here, event.detail.finishes ? 'none' : here);
  };

  readonly approved = async (event: ApprovedEvent): Promise<void> => {
    const pending = this.pending;
    if (!pending) return;
    try {
      await pending.run({ username: event.detail.username, pin: event.detail.pin });
      this.pending = null;
      this.dialogs.open(pending.done);
      event.detail.done(null);
    } catch (error) {
      event.detail.done(error);
    }
  };

  readonly cancelled = (): void => {
    const back = this.pending?.back ?? 'none';
    this.pending = null;
    this.dialogs.open(back);
  };

  private ask(run: ApprovedRun, back: SaleDialog, done: SaleDialog): void {
    this.pending = { run, back, done };
    this.dialogs.open('approval');
  }
}
