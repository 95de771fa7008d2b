import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack } from '@messenger/kit/testing';

type Case = [field: string, label: string, value: unknown];

/** Bad values every text field must refuse, by kind. */
const textCases = (field: string, max: number): Case[] => [
  [field, 'a number', 42],
  [field, 'an object', { $gt: '' }],
  [field, 'null', null],
  [field, 'an array', ['a']],
  [field, `longer than ${max}`, 'я'.repeat(max + 1)],
  [field, 'a lone surrogate', 'ok\ud800'],
  [field, 'a NUL character', 'a\u0000b'],
];

const VALID = { username: 'valid_name', name: 'Валид', password: 'long enough pw' };

/** Each row: route, a valid body, and the bad values of each field, which must get 422 naming that field. */
const TABLE: { method: string; path: string; valid: Record<string, unknown>; cases: Case[] }[] = [
  {
    method: 'POST',
    path: '/api/auth/register',
    valid: VALID,
    cases: [
      ['username', 'missing', undefined],
      ['username', 'empty', ''],
      ['username', 'too short', 'ab'],
      ['username', 'upper case', 'Anna'],
      ['username', 'Cyrillic', 'анна'],
      ['username', 'an emoji', 'ann😀'],
      ['username', 'a space', 'ann a'],
      ...textCases('username', 32),
      ['name', 'missing', undefined],
      ['name', 'empty', ''],
      ['name', 'only spaces', '    '],
      ['name', 'a line break', 'a\nb'],
      ...textCases('name', 64),
      ['password', 'missing', undefined],
      ['password', 'too short', 'short'],
      ['password', 'a number', 12345678],
      ['password', 'longer than 128', 'p'.repeat(129)],
    ],
  },
  {
    method: 'POST',
    path: '/api/auth/login',
    valid: { username: 'x', password: 'y' },
    cases: [
      ['username', 'missing', undefined],
      ['username', 'empty', ''],
      ['username', 'a number', 1],
      ['password', 'missing', undefined],
      ['password', 'an object', { $ne: null }],
    ],
  },
  {
    method: 'PATCH',
    path: '/api/users/me',
    valid: { name: 'Новое имя' },
    cases: [['name', 'only spaces', '   '], ...textCases('name', 64), ...textCases('bio', 200).filter(([, label]) => label !== 'null')],
  },
];

describe('every users request field refuses bad input with 422 naming it', () => {
  let stack: Stack;
  let me: ApiClient;

  beforeAll(async () => {
    stack = await startTestStack('validation', { replicas: { groups: 0, calls: 0 } });
    me = new ApiClient(stack.gatewayUrl());
    await me.register(`val_${randomBytes(4).toString('hex')}`, 'Validator');
  });
  afterAll(async () => stack?.stop());

  const rows = TABLE.flatMap(({ method, path, valid, cases }) =>
    cases.map(([field, label, value]) => ({ method, path, valid, field, label, value })),
  );

  it.each(rows)('$method $path: $field $label', async ({ method, path, valid, field, value }) => {
    const body: Record<string, unknown> = { ...valid };
    if (value === undefined) delete body[field];
    else body[field] = value;
    const response = await me.call<{ error: { code: string; details: { fields: { path: string; location: string }[] } } }>(
      method,
      path,
      body,
    );
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details.fields.map((f) => f.path)).toContain(field);
  });

  it('refuses unknown fields and an empty edit', async () => {
    const unknown = await me.call<{ error: { details: { fields: { path: string }[] } } }>('PATCH', '/api/users/me', {
      name: 'A',
      role: 'admin',
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details.fields[0]?.path).toBe('(root)');
    expect((await me.call('PATCH', '/api/users/me', {})).status).toBe(422);
  });

  it('accepts the edge of each limit', async () => {
    const edit = await me.call<{ name: string; bio: string }>('PATCH', '/api/users/me', {
      name: 'я'.repeat(64),
      bio: `${'б'.repeat(190)}\nвторая`,
    });
    expect(edit.status).toBe(200);
    expect(edit.body.name).toHaveLength(64);
  });
});
