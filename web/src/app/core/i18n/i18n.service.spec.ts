import { TestBed } from '@angular/core/testing';
import { en } from './en';
import { I18n } from './i18n.service';
import { ru } from './ru';

describe('I18n', () => {
  beforeEach(() => localStorage.clear());

  it('has every key in both languages', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ru).sort());
  });

  it('switches at runtime, fills parameters and remembers the choice', () => {
    const i18n = TestBed.inject(I18n);
    i18n.set('ru');
    expect(i18n.t('composer.placeholder', { name: 'Анна' })).toBe('Написать Анна');
    i18n.toggle();
    expect(i18n.t('composer.placeholder', { name: 'Anna' })).toBe('Message Anna');
    expect(document.documentElement.lang).toBe('en');
    expect(localStorage.getItem('messenger.lang')).toBe('en');
  });

  it('words counts by each language\'s plural rules', () => {
    const i18n = TestBed.inject(I18n);
    i18n.set('ru');
    expect([1, 3, 5, 11, 21, 22, 25].map((n) => i18n.plural('chat.members', n))).toEqual([
      '1 участник',
      '3 участника',
      '5 участников',
      '11 участников',
      '21 участник',
      '22 участника',
      '25 участников',
    ]);
    i18n.set('en');
    expect([1, 3].map((n) => i18n.plural('chat.members', n))).toEqual(['1 member', '3 members']);
  });

  it('names today and yesterday, and dates otherwise, in the chosen language', () => {
    const i18n = TestBed.inject(I18n);
    const now = new Date(2026, 10, 25, 15, 0);
    i18n.set('ru');
    expect(i18n.day(new Date(2026, 10, 25, 9, 0).toISOString(), now)).toBe('Сегодня');
    expect(i18n.day(new Date(2026, 10, 24, 23, 59).toISOString(), now)).toBe('Вчера');
    expect(i18n.day(new Date(2026, 10, 2, 12, 0).toISOString(), now)).toBe('2 ноября');
    i18n.set('en');
    expect(i18n.day(new Date(2025, 0, 5, 12, 0).toISOString(), now)).toBe('January 5, 2025');
  });
});
