import { DOCUMENT, Injectable, inject, signal } from '@angular/core';
import { en } from './en';
import { ru, type MessageKey } from './ru';

export type Lang = 'ru' | 'en';
const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { ru, en };
const STORAGE_KEY = 'messenger.lang';
/** The plural categories each language's entries list, in order (Intl.PluralRules names them). */
const PLURAL_FORMS: Record<Lang, Intl.LDMLPluralRule[]> = { ru: ['one', 'few', 'many'], en: ['one', 'other'] };
const startOfDay = (date: Date): number => new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();

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

  /**
   * A count with its word in the right form: the entry holds the forms separated by `|`, in the
   * order of PLURAL_FORMS for the language ("{count} участник|{count} участника|{count} участников").
   */
  plural(key: MessageKey, count: number, params: Record<string, string | number> = {}): string {
    const lang = this.lang();
    const forms = DICTIONARIES[lang][key].split('|');
    const category = new Intl.PluralRules(lang).select(count);
    const index = Math.max(0, PLURAL_FORMS[lang].indexOf(category));
    const template = forms[Math.min(index, forms.length - 1)]!;
    return template.replace(/\{(\w+)\}/g, (_, name: string) => String(name === 'count' ? count : (params[name] ?? `{${name}}`)));
  }

  /** Time of day of a message ("14:05" / "2:05 PM"). */
  time(iso: string): string {
    return new Intl.DateTimeFormat(this.lang(), { hour: 'numeric', minute: '2-digit' }).format(new Date(iso));
  }

  /** A day separator: "Сегодня", "Вчера", or the date, with the year only when it is not this year. */
  day(iso: string, now = new Date()): string {
    const date = new Date(iso);
    const days = Math.round((startOfDay(now) - startOfDay(date)) / 86_400_000);
    if (days === 0) return this.t('date.today');
    if (days === 1) return this.t('date.yesterday');
    const sameYear = date.getFullYear() === now.getFullYear();
    return new Intl.DateTimeFormat(this.lang(), { day: 'numeric', month: 'long', ...(sameYear ? {} : { year: 'numeric' }) }).format(date);
  }

  /** The chat list's stamp: time today, weekday this week, else a short date. */
  stamp(iso: string, now = new Date()): string {
    const date = new Date(iso);
    const days = Math.round((startOfDay(now) - startOfDay(date)) / 86_400_000);
    if (days === 0) return this.time(iso);
    if (days < 7) return new Intl.DateTimeFormat(this.lang(), { weekday: 'short' }).format(date);
    return new Intl.DateTimeFormat(this.lang(), { day: 'numeric', month: 'short' }).format(date);
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
