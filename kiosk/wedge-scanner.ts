import type { Page } from 'playwright-core';

/**
 * A keyboard-wedge scanner for the browser tests. The screens tell a scanner from a person by
 * the time between keys (`hg-scan-input`, 50 ms at most), so a scan typed with Playwright's
 * `keyboard.type` is missed whenever the machine is busy enough to space two of its key events
 * further apart — the suite runs twice on two cores in CI. Both helpers here give the screen a
 * scan whose keys are close together whatever the load.
 */

/** One key of a scan as a US keyboard sends it: what it types, its key, code and key code. */
interface Key {
  text: string;
  key: string;
  code: string;
  keyCode: number;
  which: number;
}

/** The keys a scanner sends for `code`: each character, then Enter. */
function keysOf(code: string): Key[] {
  return [...code, 'Enter'].map((key) => {
    if (key === 'Enter') return { text: '\r', key, code: 'Enter', keyCode: 13, which: 13 };
    const upper = key.toUpperCase();
    const digit = /^[0-9]$/.test(key);
    const letter = /^[A-Z]$/.test(upper);
    const keyCode = digit || letter ? upper.charCodeAt(0) : key.charCodeAt(0);
    return {
      text: key,
      key,
      code: digit ? `Digit${key}` : letter ? `Key${upper}` : '',
      keyCode,
      which: keyCode,
    };
  });
}

/**
 * The scanner's keys dispatched inside the page in one synchronous run, so nothing can come
 * between them: for each character `keydown`, `keypress`, the text going into a field that has
 * the focus (`beforeinput`, the value, `input`, as the browser's default action would — unless
 * a listener took the key), `keyup`; then Enter the same way. Each event goes to the element
 * with the focus (inside shadow roots), bubbling and composed, with the key, code and key code a
 * real keyboard gives. Enter's other default actions (submitting a form) do not happen: on a
 * scan the scanner field takes the Enter, and that is what these tests check.
 */
export async function scan(page: Page, code: string): Promise<void> {
  await page.evaluate((keys) => {
    for (const shape of keys) {
      let target: Element = document.activeElement ?? document.body;
      while (target.shadowRoot?.activeElement) target = target.shadowRoot.activeElement;
      const event = { ...shape, bubbles: true, cancelable: true, composed: true, view: window };
      if (target.dispatchEvent(new KeyboardEvent('keydown', { ...event, charCode: 0 }))) {
        const pressed = target.dispatchEvent(
          new KeyboardEvent('keypress', { ...event, charCode: shape.text.charCodeAt(0) }),
        );
        const field =
          (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) &&
          !target.readOnly &&
          !target.disabled
            ? target
            : null;
        if (pressed && field && shape.key !== 'Enter') {
          const insert = { inputType: 'insertText', data: shape.text, bubbles: true, composed: true };
          if (field.dispatchEvent(new InputEvent('beforeinput', { ...insert, cancelable: true }))) {
            try {
              const end = field.value.length;
              field.setRangeText(shape.text, field.selectionStart ?? end, field.selectionEnd ?? end, 'end');
            } catch {
              // A field without a text selection (type=number): the key goes at the end.
              field.value += shape.text;
            }
            field.dispatchEvent(new InputEvent('input', insert));
          }
        }
      }
      target.dispatchEvent(new KeyboardEvent('keyup', { ...event, charCode: 0 }));
    }
  }, keysOf(code));
}

/** How far apart a scanner's keys come, in ms (a real one sends a key every 2–10 ms). */
const SCANNER_KEY_MS = 5;

/**
 * The same scan as real keystrokes: trusted key events through Chromium's input pipeline, as
 * Playwright's keyboard sends them (DevTools `Input.dispatchKeyEvent`), but each stamped with
 * the time a scanner would have sent it, 5 ms apart. A page reads a key's time from
 * `event.timeStamp`, which is the time the key came in, not the time the page got round to it:
 * this is a loaded till that handles a burst of queued scanner keys late, and the scan must
 * still count. The gaps the page sees are exactly 5 ms however long each round trip takes.
 * Answers the wall-clock time (ms) at which the Enter was sent, for timing what follows it.
 */
export async function scanByKeyboard(page: Page, code: string): Promise<number> {
  const session = await page.context().newCDPSession(page);
  let enterSentAt = 0;
  try {
    const start = Date.now() / 1000;
    for (const [i, { text, key, code: physical, keyCode }] of keysOf(code).entries()) {
      const at = start + (i * SCANNER_KEY_MS) / 1000;
      const shape = { key, code: physical, windowsVirtualKeyCode: keyCode, nativeVirtualKeyCode: keyCode };
      if (key === 'Enter') enterSentAt = Date.now();
      await session.send('Input.dispatchKeyEvent', {
        type: 'keyDown',
        ...shape,
        text,
        unmodifiedText: text,
        timestamp: at,
      });
      await session.send('Input.dispatchKeyEvent', { type: 'keyUp', ...shape, timestamp: at + 0.002 });
    }
    // The stamps may run ahead of the clock on a fast machine: a key the test presses next
    // must not look like more of the same burst, so wait until the burst is well over.
    const over = start * 1000 + keysOf(code).length * SCANNER_KEY_MS + BURST_OVER_MS - Date.now();
    if (over > 0) await new Promise((resolve) => setTimeout(resolve, over));
  } finally {
    await session.detach();
  }
  return enterSentAt;
}

/** Longer than the scanner detector's longest gap between two keys of one scan. */
const BURST_OVER_MS = 150;
