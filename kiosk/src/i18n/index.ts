import i18next from 'i18next';
import type { MessageKey } from './catalogue.js';
import { en } from './en.js';
import { zhCN } from './zh-CN.js';

export type { MessageKey } from './catalogue.js';

/** The languages the screens speak, the shop's own first. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

/** Where the chosen language is remembered, per browser (each terminal keeps its own). */
export const LANGUAGE_STORAGE_KEY = 'hanger.language';

function isLanguage(value: unknown): value is Language {
  return LANGUAGES.some((language) => language === value);
}

function storedLanguage(): Language {
  try {
    const value = globalThis.localStorage?.getItem(LANGUAGE_STORAGE_KEY);
    return isLanguage(value) ? value : DEFAULT_LANGUAGE;
  } catch {
    // Storage can be switched off; the screen still works in the default language.
    return DEFAULT_LANGUAGE;
  }
}

const i18n = i18next.createInstance();
void i18n.init({
  lng: storedLanguage(),
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: [...LANGUAGES],
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  // The catalogues are bundled, so there is nothing to wait for.
  initAsync: false,
  // Lit escapes text when it renders it.
  interpolation: { escapeValue: false },
  showSupportNotice: false,
});

function markDocument(language: Language): void {
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}
markDocument(currentLanguage());

/** The language the screens speak now. */
export function currentLanguage(): Language {
  const language = i18n.language;
  return isLanguage(language) ? language : DEFAULT_LANGUAGE;
}

/** The language shown second, beside the current one, on bilingual lines. */
export function secondLanguage(): Language {
  return currentLanguage() === 'zh-CN' ? 'en' : 'zh-CN';
}

/** Values for the `{{name}}` placeholders of a message, and the language to use instead of the current one. */
export interface MessageOptions {
  lng?: Language;
  [placeholder: string]: string | number | undefined;
}

/**
 * A line a screen keeps to show later ("已保存", what was typed wrong): its key and values, not its
 * text, so it is said in the language shown when it is shown, also after a language switch.
 */
export interface Said {
  key: MessageKey;
  options?: MessageOptions;
}

/** The text for `key` in the current language, or in `options.lng`. */
export function t(key: MessageKey, options: MessageOptions = {}): string {
  return i18n.t(key, options);
}

/** Switches every screen element to `language` and remembers it in this browser. */
export async function setLanguage(language: Language): Promise<void> {
  try {
    globalThis.localStorage?.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Not remembered, but still switched for this page.
  }
  markDocument(language);
  await i18n.changeLanguage(language);
}

/** Calls `listener` after each language switch; returns the function that stops it. */
export function onLanguageChanged(listener: (language: Language) => void): () => void {
  const handler = (): void => listener(currentLanguage());
  i18n.on('languageChanged', handler);
  return () => i18n.off('languageChanged', handler);
}

/** Whether the catalogue has `key` (for keys made from what the server sent, such as a field name). */
export function hasMessage(key: string): key is MessageKey {
  return i18n.exists(key);
}
