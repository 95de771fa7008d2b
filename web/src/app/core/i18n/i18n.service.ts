import { DOCUMENT, Injectable, inject, signal } from '@angular/core';
import { en } from './en';
import { ru, type MessageKey } from './ru';

export type Lang = 'ru' | 'en';
const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { ru, en };
const STORAGE_KEY = 'messenger.lang';

/**
 * Runtime translations: the language comes from the user's choice, else the browser, and can be
 * switched without a reload (templates read `t()`, which depends on the `lang` signal).
 */
@Injectable({ providedIn: 'root' })
export class I18n {
  private readonly document = inject(DOCUMENT);
  readonly lang = signal<Lang>(this.initial());

  constructor() {
    this.document.documentElement.lang = this.lang();
  }

  t(key: MessageKey, params: Record<string, string | number> = {}): string {
    const template = DICTIONARIES[this.lang()][key];
    return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
  }

  set(lang: Lang): void {
    this.lang.set(lang);
    this.document.documentElement.lang = lang;
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // private mode: the choice lasts for this page only
    }
  }

  toggle(): void {
    this.set(this.lang() === 'ru' ? 'en' : 'ru');
  }

  private initial(): Lang {
    try {
      const saved = localStorage.getItem(STORAGE_KEY);
      if (saved === 'ru' || saved === 'en') return saved;
    } catch {
      // no storage: fall back to the browser
    }
    const browser = this.document.defaultView?.navigator.language ?? 'ru';
    return browser.toLowerCase().startsWith('en') ? 'en' : 'ru';
  }
}
