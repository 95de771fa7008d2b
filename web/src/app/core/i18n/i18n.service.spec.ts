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
    expect(i18n.t('home.greeting', { name: 'Анна' })).toBe('Привет, Анна!');
    i18n.toggle();
    expect(i18n.t('home.greeting', { name: 'Anna' })).toBe('Hi, Anna!');
    expect(document.documentElement.lang).toBe('en');
    expect(localStorage.getItem('messenger.lang')).toBe('en');
  });
});
