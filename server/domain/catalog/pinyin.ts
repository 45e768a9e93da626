import { pinyin } from 'pinyin-pro';

/** Pinyin initials of the Chinese characters in `text`, other letters and digits kept: 连衣裙 → lyq. */
export function pinyinInitials(text: string): string {
  return pinyin(text, { pattern: 'first', toneType: 'none', type: 'array' })
    .join('')
    .replace(/\s+/g, '')
    .toLowerCase();
}

/**
 * The one lower-case text search-as-you-type matches a style against, computed when the
 * style is written: style code, name, pinyin initials and full pinyin (so typing `lyq` or
 * `lianyiqun` finds 连衣裙).
 */
export function searchText(styleCode: string, name: string): string {
  const full = pinyin(name, { toneType: 'none', type: 'array' }).join('').replace(/\s+/g, '');
  return [styleCode, name, pinyinInitials(name), full].join(' ').toLowerCase();
}
