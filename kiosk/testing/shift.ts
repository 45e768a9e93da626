import type { Page } from 'playwright-core';

/**
 * Opens a shift on the signed-in till through its shift dialog (F7), with no float, unless one
 * is open already: a till sells only while a shift is open on it.
 */
export async function openShift(page: Page): Promise<void> {
  await page.keyboard.press('F7');
  const dialog = page.locator('hg-checkout-shift');
  const cash = dialog.locator('input[name="cash"]');
  await cash.waitFor();
  if ((await dialog.locator('[data-shift="open"]').count()) === 0) {
    await cash.fill('0');
    await cash.press('Enter');
    await dialog.locator('[data-shift="open"]').waitFor();
  }
  await cash.press('Escape');
  await dialog.waitFor({ state: 'detached' });
}
