/**
 * Keyboard focus and modal dialogs. The screens' dialogs are plain elements with
 * `role="dialog" aria-modal="true"` inside shadow roots, not `<dialog>`: without help, Tab walks
 * out of an open dialog into the screen behind it. One listener on the page keeps Tab (and
 * Shift+Tab) going round the controls of the open dialog.
 */

const TABBABLE =
  'button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), ' +
  'textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

/** Every element under `root`, shadow roots included, in document order. */
function* deepElements(root: Element | ShadowRoot | Document): Generator<Element> {
  for (const child of root.children) {
    yield child;
    if (child.shadowRoot) yield* deepElements(child.shadowRoot);
    yield* deepElements(child);
  }
}

/** The controls Tab stops at inside `root`, in order (shown ones only, none taken out of the order). */
export function tabbables(root: Element): HTMLElement[] {
  const found: HTMLElement[] = [];
  for (const element of deepElements(root)) {
    if (!(element instanceof HTMLElement) || !element.matches(TABBABLE)) continue;
    if (element.tabIndex < 0 || element.getClientRects().length === 0) continue;
    found.push(element);
  }
  return found;
}

/** The open modal dialog, if one is on the page (the last one, when dialogs stack). */
export function openModal(): Element | null {
  let modal: Element | null = null;
  for (const element of deepElements(document)) {
    if (element.getAttribute('aria-modal') === 'true' && element.getClientRects().length > 0) modal = element;
  }
  return modal;
}

function deepActive(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** Moves the focus to the first control of `dialog` (for a dialog that just opened). */
export function focusFirst(dialog: Element | null): void {
  if (!dialog) return;
  tabbables(dialog)[0]?.focus();
}

function keepTabInModal(event: KeyboardEvent): void {
  if (event.key !== 'Tab' || event.altKey || event.ctrlKey || event.metaKey) return;
  const modal = openModal();
  if (!modal) return;
  const stops = tabbables(modal);
  const first = stops[0];
  const last = stops.at(-1);
  if (!first || !last) {
    event.preventDefault();
    return;
  }
  const index = stops.indexOf(deepActive() as HTMLElement);
  if (index < 0) {
    event.preventDefault();
    (event.shiftKey ? last : first).focus();
  } else if (!event.shiftKey && index === stops.length - 1) {
    event.preventDefault();
    first.focus();
  } else if (event.shiftKey && index === 0) {
    event.preventDefault();
    last.focus();
  }
}

let installed = false;

/** Keeps Tab inside whichever modal dialog is open; once per page, however often it is called. */
export function installModalFocusTrap(): void {
  if (installed || typeof window === 'undefined') return;
  installed = true;
  window.addEventListener('keydown', keepTabInModal, true);
}
