import { createCanvas, loadImage } from '@napi-rs/canvas';
import { ApiError } from '../../errors.js';
import type { ReceiptLogo } from '../../protocol/receipt.js';

/** 58 mm paper prints 384 dots a line: a logo that fits it fits every receipt printer. */
export const LOGO_MAX_WIDTH = 384;
/** About 2 cm of paper: a logo, not a poster. */
export const LOGO_MAX_HEIGHT = 160;

/**
 * An uploaded image (JPEG, PNG, WebP) as a printer takes it: scaled down to fit 384 × 160 dots,
 * laid on white (a transparent PNG's background prints as paper), and made 1-bit by a
 * threshold on its lightness — a thermal printer has no grey. The width is padded to whole
 * bytes with white.
 */
export async function logoFromImage(bytes: Buffer): Promise<ReceiptLogo> {
  let image: Awaited<ReturnType<typeof loadImage>>;
  try {
    image = await loadImage(bytes);
  } catch {
    throw new ApiError('validation_failed', 'This image cannot be read.', { body: 'not a readable image' });
  }
  const scale = Math.min(1, LOGO_MAX_WIDTH / image.width, LOGO_MAX_HEIGHT / image.height);
  const drawnWidth = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const width = Math.ceil(drawnWidth / 8) * 8;
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, width, height);
  g.drawImage(image, 0, 0, drawnWidth, height);
  const pixels = g.getImageData(0, 0, width, height).data;
  const bytesPerRow = width / 8;
  const bits = Buffer.alloc(bytesPerRow * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4;
      const light =
        0.299 * (pixels[at] ?? 255) + 0.587 * (pixels[at + 1] ?? 255) + 0.114 * (pixels[at + 2] ?? 255);
      const index = y * bytesPerRow + (x >> 3);
      if (light < 128) bits[index] = (bits[index] ?? 0) | (0x80 >> (x & 7));
    }
  }
  return { width, height, bits: bits.toString('base64') };
}
