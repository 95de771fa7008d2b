import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AVATAR_MAX_BYTES, ERROR_STATUS, isErrorCode, RATE_LIMITS, ROUTES, type RouteContract } from '@messenger/contracts';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack } from '@messenger/kit/testing';
import { RouteTable } from './http/route-table.js';

/**
 * Fuzzing at the edge: every route of the contracts gets bad values in every place a client controls (path
 * parameters, query, body, content type, token), through the real gateway and services. Whatever arrives, the
 * answer comes within the gateway's timeout, is never a 5xx, and an error is JSON with a stable code whose status
 * is the one the contracts give it. What the edge must refuse by itself (a model of its checks below, from the same
 * zod schemas) must be a 4xx; what passes the edge (odd but well-formed: an unknown id, a strange search) may
 * succeed, but must not break a service.
 *
 * A failure prints fast-check's seed; `FC_SEED=<seed> npx vitest run --project system <this file> -t '<route>'`
 * replays it; FC_RUNS=<n> fuzzes longer than the 40 runs per route of a normal run.
 */

const SEED = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS_PER_ROUTE = Number(process.env.FC_RUNS ?? 40);
const MAX_BODY_BYTES = 1024 * 1024; // the gateway's default, kept so the fuzz meets the real limit
const NATS_REQUEST_TIMEOUT_MS = 5_000;
/** The gateway answers 504 after its NATS timeout; anything slower than this is a hang. */
const ANSWER_WITHIN_MS = NATS_REQUEST_TIMEOUT_MS + 3_000;

// ---------------------------------------------------------------------------------------------------------------
// Values that print short in fast-check's report but send big: huge strings and deep nesting.

class Huge {
  constructor(
    readonly unit: string,
    readonly length: number,
  ) {}
  toString() {
    return this.unit.repeat(this.length);
  }
  toJSON() {
    return this.toString();
  }
  [fc.toStringMethod]() {
    return `${JSON.stringify(this.unit)}×${this.length}`;
  }
}
class Nested {
  constructor(readonly depth: number) {}
  toJSON() {
    let value: unknown = { $gt: '' };
    for (let i = 0; i < this.depth; i++) value = [value];
    return value;
  }
  [fc.toStringMethod]() {
    return `[…${this.depth} deep…]`;
  }
}
class Many {
  constructor(
    readonly item: string,
    readonly count: number,
  ) {}
  toJSON() {
    return Array.from({ length: this.count }, () => this.item);
  }
  toString() {
    return this.toJSON().join(',');
  }
  [fc.toStringMethod]() {
    return `${this.count}×[${JSON.stringify(this.item)}]`;
  }
}

/** Own properties even for `__proto__` and `constructor`, so JSON carries them. */
const withField = (target: Record<string, unknown>, key: string, value: unknown) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

const TRICKY = [
  '\u202E', // right-to-left override
  '\u202D',
  '\u2066',
  '\u200F',
  '\u0000',
  '\uD800', // lone surrogates
  '\uDFFF',
  '😀',
  '👨‍👩‍👧',
  '\u200B',
  '\uFEFF',
  'e\u0301',
  '\u2028',
  '\uFFFF',
  '\u007F',
  '\u001B[31m',
  'я',
  '\\',
  '"',
  "'",
  '%00',
  '%',
  '${x}',
  '{{x}}',
  '<script>',
  '../',
  '\n',
  '\t',
  ' ',
  '.*',
  '(a+)+$',
  '[',
];
const unicodeText = fc
  .array(fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: 'binary', maxLength: 4 })), { minLength: 1, maxLength: 10 })
  .map((parts) => parts.join(''));

/** Odd but well-formed text that passes the schemas' text checks, so it reaches the services and the store. */
const ODD = [
  '😀',
  '👨‍👩‍👧',
  'e\u0301',
  '\u200F',
  '\u200B',
  '\u2028',
  'Ω',
  '𝕏',
  'ﷺ',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  'שלום',
  '$where',
  '$gt',
  '{"$gt":""}',
  '.*',
  '(a+)+$',
  '[',
  '\\',
  "'",
  '"',
  '<script>alert(1)</script>',
  '${x}',
  '__proto__',
  'constructor',
  "'; DROP TABLE users; --",
  'null',
  '%00',
  '%',
  'a',
  ' ',
];
const oddText = fc.array(fc.constantFrom(...ODD), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));

/** Just past the schemas' limits (64, 100, 128, 200, 500, 4000 …), far past them, and past the body limit. */
const hugeText = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom('x', 'я', '😀', '\u202E', ' ', 'a,'), fc.constantFrom(65, 101, 129, 201, 501, 1_001, 4_001, 65_536, 300_000))
      .map(([unit, length]) => new Huge(unit, length)),
  },
  { weight: 1, arbitrary: fc.constantFrom('x', 'я').map((unit) => new Huge(unit, 1_100_000)) },
);

const OPERATORS: unknown[] = [
  { $gt: '' },
  { $ne: null },
  { $where: 'sleep(5000) || true' },
  { $regex: '.*', $options: 'si' },
  { $in: ['a', 'b'] },
  { $exists: true },
  { $expr: { $eq: [1, 1] } },
  { $function: { body: 'function() { return true }', args: [], lang: 'js' } },
  { $gt: '', $lt: '\uffff' },
  [{ $gt: '' }],
  JSON.parse('{"__proto__":{"isAdmin":true}}'),
  { constructor: { prototype: { isAdmin: true } } },
];
const operator = fc.constantFrom(...OPERATORS);

const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constantFrom(null, [], {}, -1, 0, 1e308, Number.MAX_SAFE_INTEGER + 2, '', ' '),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.integer({ min: 10, max: 3_000 }).map((depth) => new Nested(depth)),
);

const numberish = fc.constantFrom('1e309', '-0', 'NaN', 'Infinity', '0x1F', ' 5 ', '1.5', '-1', '101', '9007199254740993', '1e3', '00');

/** Ids: the fixtures' real ones (so a request can reach a real chat or call), made-up ones, and near misses. */
const idsFrom = (real: string[]) =>
  fc.oneof(
    fc.constantFrom(...real),
    fc.stringMatching(/^[a-f0-9]{24}$/),
    fc.stringMatching(/^c_[A-Za-z0-9_-]{16,40}$/),
    fc.stringMatching(/^([A-F0-9]{24}|[a-f0-9]{23}|[a-f0-9]{25})$/),
  );

// ---------------------------------------------------------------------------------------------------------------
// A probe: what is done to a route's valid baseline request, as data, so a failing case prints readably.

type Auth = 'user' | 'none' | 'forged';
type Mutation =
  | { on: 'param'; name: string; segment: string }
  | { on: 'query'; name: string; value: unknown; keep: boolean }
  | { on: 'query-drop'; name: string }
  | { on: 'query-raw'; raw: string }
  | { on: 'body'; path: string[]; value: unknown }
  | { on: 'body-drop'; path: string[] }
  | { on: 'body-replace'; value: unknown }
  | { on: 'body-raw'; bytes: RawBytes; contentType: string | undefined }
  | { on: 'method'; method: string }
  | { on: 'header'; name: string; value: string };

class RawBytes {
  constructor(
    readonly label: string,
    readonly make: () => Buffer,
  ) {}
  [fc.toStringMethod]() {
    return `<${this.label}>`;
  }
}

interface Probe {
  auth: Auth;
  token: string;
  chunked: boolean;
  mutations: Mutation[];
}

interface Baseline {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
}

/** Percent-encodes UTF-8 bytes (a lone surrogate becomes U+FFFD; the raw `%ED%A0%80` case sends one as bytes). */
const pct = (value: string) =>
  [...Buffer.from(value, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

const badSegment = (ids: fc.Arbitrary<string>) =>
  fc.oneof(
    fc.constantFrom(
      '..',
      '.',
      '%2e%2e',
      '%2F',
      'a%2Fb',
      '%00',
      '%ZZ',
      '%',
      '%ED%A0%80',
      '',
      'me',
      'search',
      'presence',
      'personal',
      'active',
      'avatar',
      'null',
      'undefined',
      '-1',
      '$where',
      '%7B%22%24gt%22%3A%22%22%7D',
      'c_',
      `c_${'a'.repeat(15)}`,
      `c_${'a'.repeat(41)}`,
    ),
    ids.map(pct),
    unicodeText.map(pct),
    fc.constantFrom(256, 1_000, 2_500).map((n) => 'a'.repeat(n)),
  );

const queryValue = (ids: fc.Arbitrary<string>) =>
  fc.oneof(
    unicodeText,
    oddText,
    numberish,
    ids,
    fc.constantFrom('{"$gt":""}', '[$ne]=1', 'a,,b', ',', '', ' '),
    fc.constantFrom(65, 201, 1_000).map((n) => new Huge('x', n)),
    ids.map((id) => new Many(id, 101)),
  );

const badBodyValue = (ids: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 3, arbitrary: wrongType },
    { weight: 3, arbitrary: unicodeText },
    { weight: 3, arbitrary: oddText },
    { weight: 2, arbitrary: hugeText },
    { weight: 3, arbitrary: operator },
    { weight: 2, arbitrary: ids },
    { weight: 1, arbitrary: fc.tuple(ids, fc.constantFrom(101, 1_001, 20_000)).map(([id, n]) => new Many(id, n)) },
    { weight: 1, arbitrary: fc.array(fc.oneof(ids, operator, wrongType), { minLength: 1, maxLength: 4 }) },
  );

const EXTRA_FIELDS = [
  '$where',
  '__proto__',
  'constructor',
  'role',
  'isAdmin',
  'ownerId',
  'id',
  '_id',
  'userId',
  'callerId',
  'refreshToken',
];

const rawJsonBodies = fc.oneof(
  fc
    .constantFrom('', '{', '{"a":', '{"a":1,}', "{'a':1}", 'NaN', 'undefined', '\u0000', '{"a":"\\ud800"}', '{"a":"\\u0000"}', 'null', '[]')
    .map((text) => new RawBytes(JSON.stringify(text), () => Buffer.from(text))),
  fc.constant(
    new RawBytes('invalid UTF-8 in a string', () =>
      Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80]), Buffer.from('"}')]),
    ),
  ),
  fc.constant(new RawBytes('UTF-16 with a BOM', () => Buffer.from('\ufeff{"text":"hi"}', 'utf16le'))),
  fc.constant(new RawBytes('UTF-8 BOM', () => Buffer.from('\ufeff{"text":"hi"}'))),
  fc.constant(new RawBytes('10 000 open brackets', () => Buffer.from('['.repeat(10_000)))),
  fc.constant(new RawBytes('over the body limit', () => Buffer.from(`{"text":"${'x'.repeat(MAX_BODY_BYTES)}"}`))),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonp',
  undefined,
);

/** Files that are not pictures, or pretend to be: what the avatar routes must refuse as 4xx. */
const pngHeader = (width: number, height: number) => {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const type = Buffer.from('IHDR');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([type, ihdr])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from([0, 0, 0, 13]), type, ihdr, crc]);
};
const uploadBodies = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 2_048 }).map((bytes) => new RawBytes(`${bytes.length} random bytes`, () => Buffer.from(bytes))),
  fc.constantFrom(
    new RawBytes('empty', () => Buffer.alloc(0)),
    new RawBytes('PNG header, 100000×100000, no data', () => pngHeader(100_000, 100_000)),
    new RawBytes('PNG header, 16000×16000, no data', () => pngHeader(16_000, 16_000)),
    new RawBytes('PNG header, 0×0', () => pngHeader(0, 0)),
    new RawBytes('GIF header, 65535×65535', () => Buffer.from([...Buffer.from('GIF89a'), 0xff, 0xff, 0xff, 0xff, 0, 0, 0])),
    new RawBytes('JPEG start only', () => Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])),
    new RawBytes('WebP header only', () => Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1')),
    new RawBytes('TIFF header', () => Buffer.from([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0])),
    new RawBytes('SVG', () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1e9" height="1e9"/>')),
    new RawBytes('JSON', () => Buffer.from('{"$gt":""}')),
  ),
  fc.constant(new RawBytes('over the upload limit', () => randomBytes(AVATAR_MAX_BYTES + 1))),
);
const uploadType = fc.constantFrom('image/png', 'image/jpeg', 'image/svg+xml', 'application/json', 'text/plain', undefined);

const RAW_QUERIES = [
  '&&&',
  '=',
  '=x',
  '%',
  '%ZZ',
  'a=%E0%A4%A',
  '?',
  '#x',
  ';',
  '+',
  'q=%00',
  'q',
  'a=1&a=2',
  '__proto__[x]=1',
  'limit[$gt]=',
];

/** Headers the gateway reads besides the token; the refresh cookie goes on to the users service. */
const HEADER_VALUES: Record<string, string[]> = {
  cookie: [
    'refresh_token={"$gt":""}',
    `refresh_token=${'a'.repeat(3_000)}`,
    'refresh_token=%ED%A0%80',
    'refresh_token=',
    'refresh_token=a; refresh_token=b',
    '=;=;',
  ],
  'x-request-id': ['../../etc/passwd', 'a'.repeat(200), 'id with spaces', '{"$gt":""}'],
  traceparent: [
    '00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-ff',
    '00-00000000000000000000000000000000-0000000000000000-01',
    'garbage',
    'ff-' + 'a'.repeat(500),
  ],
  tracestate: ['a=b,' + 'c=d,'.repeat(100), '=,=,='],
  origin: ['null', 'https://evil.example', 'javascript:alert(1)'],
  'x-forwarded-for': ['1.2.3.4, 5.6.7.8', 'not-an-ip', '::1'],
};
const headerText = fc.stringMatching(/^[\x20-\x7e]{0,200}$/);

const forgedToken = fc.constantFrom(
  'Bearer not.a.jwt',
  'Bearer ',
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWEifQ.',
  `Bearer ${'a'.repeat(2_000)}`,
  'Basic YWxpY2U6cGFzcw==',
  'Bearer {"$gt":""}',
);

/** Dotted paths into the baseline body, nested objects included, plus the schema's own field names. */
const bodyPaths = (route: RouteContract, body: Record<string, unknown> | undefined): string[][] => {
  const paths: string[][] = [];
  const walk = (value: unknown, at: string[]) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    for (const [key, inner] of Object.entries(value)) {
      paths.push([...at, key]);
      walk(inner, [...at, key]);
    }
  };
  walk(body, []);
  const shape = (route.body as { shape?: Record<string, unknown> } | undefined)?.shape;
  for (const key of Object.keys(shape ?? {})) if (!paths.some((p) => p.length === 1 && p[0] === key)) paths.push([key]);
  return paths;
};

const probeFor = (route: RouteContract, base: Baseline, ids: fc.Arbitrary<string>): fc.Arbitrary<Probe> => {
  const params = Object.keys(base.params ?? {});
  const queryNames = [...new Set([...Object.keys(base.query ?? {}), ...Object.keys(route.query?.shape ?? {})])];
  const paths = bodyPaths(route, base.body);
  const name = (known: string[]) =>
    fc.oneof(...(known.length ? [{ weight: 4, arbitrary: fc.constantFrom(...known) }] : []), {
      weight: 1,
      arbitrary: fc.oneof(fc.constantFrom(...EXTRA_FIELDS), fc.string({ maxLength: 8 })),
    });
  // Weighted: most probes change what the route reads (params, query, body); fewer change the method or a header.
  const mutations: fc.WeightedArbitrary<Mutation>[] = [
    // Another method on the same path: 405, or another route's checks. Never DELETE, which would take the fixtures.
    { weight: 1, arbitrary: fc.record({ on: fc.constant('method' as const), method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH') }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...Object.keys(HEADER_VALUES)).chain((header) =>
        fc.record({
          on: fc.constant('header' as const),
          name: fc.constant(header),
          value: fc.oneof(fc.constantFrom(...HEADER_VALUES[header]!), headerText),
        }),
      ),
    },
    {
      weight: 3,
      arbitrary: fc.record({ on: fc.constant('query' as const), name: name(queryNames), value: queryValue(ids), keep: fc.boolean() }),
    },
    { weight: 1, arbitrary: fc.record({ on: fc.constant('query-raw' as const), raw: fc.constantFrom(...RAW_QUERIES) }) },
  ];
  if (queryNames.length)
    mutations.push({ weight: 1, arbitrary: fc.record({ on: fc.constant('query-drop' as const), name: fc.constantFrom(...queryNames) }) });
  if (params.length)
    mutations.push({
      weight: 4,
      arbitrary: fc.record({ on: fc.constant('param' as const), name: fc.constantFrom(...params), segment: badSegment(ids) }),
    });
  if (route.upload) {
    mutations.push({
      weight: 6,
      arbitrary: fc.record({ on: fc.constant('body-raw' as const), bytes: uploadBodies, contentType: uploadType }),
    });
  } else if (route.body) {
    const path = fc.oneof(...(paths.length ? [{ weight: 4, arbitrary: fc.constantFrom(...paths) }] : []), {
      weight: 1,
      arbitrary: fc.oneof(fc.constantFrom(...EXTRA_FIELDS), fc.string({ maxLength: 8 })).map((key) => [key]),
    });
    mutations.push(
      { weight: 6, arbitrary: fc.record({ on: fc.constant('body' as const), path, value: badBodyValue(ids) }) },
      { weight: 2, arbitrary: fc.record({ on: fc.constant('body-drop' as const), path }) },
      {
        weight: 2,
        arbitrary: fc.record({
          on: fc.constant('body-replace' as const),
          value: fc.oneof(badBodyValue(ids), fc.dictionary(fc.string({ maxLength: 6 }), badBodyValue(ids), { maxKeys: 3 })),
        }),
      },
      { weight: 2, arbitrary: fc.record({ on: fc.constant('body-raw' as const), bytes: rawJsonBodies, contentType }) },
    );
  } else {
    // A body where none belongs: the gateway does not read it, and must not choke on it.
    mutations.push({ weight: 1, arbitrary: fc.record({ on: fc.constant('body-raw' as const), bytes: rawJsonBodies, contentType }) });
  }
  return fc.record({
    auth: fc.oneof({ weight: 6, arbitrary: fc.constant<Auth>('user') }, { weight: 1, arbitrary: fc.constantFrom<Auth>('none', 'forged') }),
    token: forgedToken,
    chunked: fc.boolean(),
    mutations: fc.array(fc.oneof(...mutations), { minLength: 1, maxLength: 3 }),
  });
};

// ---------------------------------------------------------------------------------------------------------------
// From a probe to bytes on the wire.

interface Wire {
  method: string;
  path: string;
  query: string;
  auth: Auth;
  headers: Record<string, string>;
  body: Buffer | undefined;
  contentType: string | undefined;
  chunked: boolean;
}

const setAt = (target: unknown, path: string[], value: unknown | typeof DROP) => {
  let node = target as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    const next = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
    if (next === null || typeof next !== 'object' || Array.isArray(next)) withField(node, key, {});
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === DROP) delete node[last];
  else withField(node, last, value);
};
const DROP = Symbol('drop');
/** A copy as it will be sent: later mutations must not change fast-check's values (or the shared constants). */
const asJson = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

const toWire = (route: RouteContract, base: Baseline, probe: Probe, accessToken: string): Wire => {
  const segments: Record<string, string> = Object.fromEntries(Object.entries(base.params ?? {}).map(([k, v]) => [k, pct(v)]));
  // Raw `key=value` pieces, joined with `&`: a raw piece may be anything (`%ZZ`, `=`, `a=1&a=2`).
  let query = Object.entries(base.query ?? {}).map(([k, v]) => `${pct(k)}=${pct(v)}`);
  const without = (key: string) => query.filter((piece) => piece.split('=')[0] !== key);
  let method: string = route.method;
  const extraHeaders: Record<string, string> = {};
  let body: { json: unknown } | { raw: Buffer; contentType: string | undefined } | undefined =
    base.body === undefined ? undefined : { json: structuredClone(base.body) };
  for (const m of probe.mutations) {
    switch (m.on) {
      case 'param':
        segments[m.name] = m.segment;
        break;
      case 'query':
        // `keep`: the key appears twice (the gateway, like URLSearchParams, takes the last).
        if (!m.keep) query = without(pct(m.name));
        query.push(`${pct(m.name)}=${pct(String(m.value))}`);
        break;
      case 'query-drop':
        query = without(pct(m.name));
        break;
      case 'query-raw':
        query.push(m.raw);
        break;
      case 'body':
      case 'body-drop':
        if (!body || !('json' in body) || body.json === null || typeof body.json !== 'object' || Array.isArray(body.json))
          body = { json: {} };
        setAt(body.json, m.path, m.on === 'body' ? asJson(m.value) : DROP);
        break;
      case 'body-replace':
        body = { json: asJson(m.value) };
        break;
      case 'body-raw':
        body = { raw: m.bytes.make(), contentType: m.contentType };
        break;
      case 'method':
        method = m.method;
        break;
      case 'header':
        extraHeaders[m.name] = m.value;
        break;
    }
  }
  const path = route.path.replace(/:(\w+)/g, (_, name: string) => segments[name] ?? '');
  const headers: Record<string, string> = { ...extraHeaders };
  if (probe.auth === 'user') headers.authorization = `Bearer ${accessToken}`;
  if (probe.auth === 'forged') headers.authorization = probe.token;
  let bytes: Buffer | undefined;
  let type: string | undefined;
  if (body && 'json' in body) {
    bytes = Buffer.from(JSON.stringify(body.json) ?? '');
    type = 'application/json';
  } else if (body) {
    bytes = body.raw;
    type = body.contentType;
  }
  if (type !== undefined) headers['content-type'] = type;
  return {
    method,
    path,
    query: query.join('&'),
    auth: probe.auth,
    headers,
    body: bytes,
    contentType: type,
    chunked: probe.chunked,
  };
};

const describeWire = (wire: Wire) =>
  [
    `${wire.method} ${truncate(wire.path + (wire.query ? `?${wire.query}` : ''), 400)}`,
    `auth=${wire.auth}${wire.headers['content-type'] ? ` content-type=${wire.headers['content-type']}` : ''}${wire.chunked ? ' chunked' : ''}`,
    wire.body ? `body (${wire.body.length} bytes): ${truncate(wire.body.toString('utf8'), 400)}` : 'no body',
  ].join('\n');
const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

// ---------------------------------------------------------------------------------------------------------------
// The edge's own checks, restated from the contracts: a probe any of them refuses must get a 4xx from the gateway.

const table = new RouteTable(ROUTES);
const refusedAtEdge = (wire: Wire): string | null => {
  const found = table.lookup(wire.method, wire.path);
  if (found.kind !== 'found') return found.kind;
  const { route, params } = found.match;
  if (route.auth === 'required' && wire.auth !== 'user') return 'no valid token';
  let body: unknown;
  if (route.upload) {
    if (!wire.body?.length) return 'empty upload';
    if (wire.body.length > route.upload.maxBytes) return 'upload too large';
  } else if (route.body) {
    if (!/^application\/json\b/i.test(wire.contentType ?? '')) return 'not JSON';
    if ((wire.body?.length ?? 0) > MAX_BODY_BYTES) return 'body too large';
    try {
      body = JSON.parse((wire.body ?? Buffer.alloc(0)).toString('utf8'));
    } catch {
      return 'invalid JSON';
    }
  }
  if (route.params && !route.params.safeParse(params).success) return 'params';
  const query = route.query ?? (wire.query ? z.strictObject({}) : undefined);
  if (query && !query.safeParse(Object.fromEntries(new URLSearchParams(wire.query))).success) return 'query';
  if (route.body && !route.upload && !route.body.safeParse(body).success) return 'body';
  return null;
};

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** Sends exactly these bytes (no URL normalisation, as fetch would do to `..`); a whole answer within ANSWER_WITHIN_MS. */
const send = (base: URL, wire: Wire): Promise<Answer> =>
  new Promise((resolve, reject) => {
    let answered = false;
    // Keep-alive, as browsers send: with `Connection: close` the gateway closes as soon as it has answered, and an
    // early answer (401, 413) to a body still being sent is lost in the reset. One connection per probe all the same.
    const headers: Record<string, string> = { ...wire.headers, connection: 'keep-alive' };
    // Node frames a GET or DELETE body only when told to; unframed bytes would be a second, garbage request.
    if (wire.body) headers[wire.chunked ? 'transfer-encoding' : 'content-length'] = wire.chunked ? 'chunked' : String(wire.body.length);
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        method: wire.method,
        path: wire.path + (wire.query ? `?${wire.query}` : ''),
        headers,
        agent: false,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(deadline);
          req.destroy(); // one probe, one connection
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    const deadline = setTimeout(() => {
      reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`));
      req.destroy();
    }, ANSWER_WITHIN_MS);
    req.on('error', (error) => {
      // The gateway may answer (401, 413) before it has read all of a body: an error sending the rest changes nothing.
      if (answered) return;
      clearTimeout(deadline);
      reject(error);
    });
    if (!wire.body) return void req.end();
    if (!wire.chunked) return void req.end(wire.body);
    for (let at = 0; at < wire.body.length; at += 64 * 1024) req.write(wire.body.subarray(at, at + 64 * 1024));
    req.end();
  });

// ---------------------------------------------------------------------------------------------------------------

describe('fuzzing every route at the edge', () => {
  let stack: Stack;
  let base: URL;
  let alice: ApiClient;
  const errorLines: { at: number; line: string }[] = [];
  const tally = new Map<string, Record<string, number>>();
  let probes = 0;
  let baselines: Record<string, Baseline>;
  let realIds: string[];

  beforeAll(async () => {
    const generous = Object.keys(RATE_LIMITS)
      .map((name) => `${name}=1000000/1`)
      .join(',');
    stack = await startTestStack('edge-fuzz', {
      withLiveKit: true,
      env: { RATE_LIMITS: generous, CALL_STARTS_PER_MINUTE: '100000', LOG_LEVEL: 'warn' },
      log: (source, line) => {
        if (/"level":"(error|fatal)"|\b(Unhandled|uncaught)\b/i.test(line)) errorLines.push({ at: Date.now(), line: `${source}: ${line}` });
      },
    });
    base = new URL(stack.gatewayUrl());
    alice = new ApiClient(stack.gatewayUrl());
    const bob = new ApiClient(stack.gatewayUrl());
    const carol = new ApiClient(stack.gatewayUrl());
    const tag = randomBytes(3).toString('hex');
    const aliceUser = await alice.register(`fz_alice_${tag}`, 'Alice');
    const bobId = (await bob.register(`fz_bob_${tag}`, 'Bob')).id;
    const carolId = (await carol.register(`fz_carol_${tag}`, 'Carol')).id;
    const group = async (name: string) =>
      (await alice.call<{ id: string }>('POST', '/api/chats', { type: 'group', name, memberIds: [bobId, carolId] })).body.id;
    const chatId = await group('Fuzz');
    // Chats that the destructive routes (delete, leave, hand over) may really change without spoiling the rest.
    const spareChatId = await group('Spare');
    const sent = await alice.call<{ id: string }>('POST', `/api/chats/${chatId}/messages`, { text: 'hello', clientId: `fz-${tag}` });
    const spare = await alice.call<{ id: string }>('POST', `/api/chats/${chatId}/messages`, {
      text: 'to delete',
      clientId: `fz-spare-${tag}`,
    });
    const started = await alice.call<{ call: { id: string } }>('POST', '/api/calls', { chatId, type: 'audio' });
    if (started.status !== 201) throw new Error(`start a call: ${started.status} ${JSON.stringify(started.body)}`);
    const callId = started.body.call.id;
    realIds = [aliceUser.id, bobId, carolId, chatId, spareChatId, sent.body.id, callId];

    baselines = {
      'POST /api/auth/register': { body: { username: `fz_new_${tag}`, name: 'New', password: 'correct horse battery' } },
      'POST /api/auth/login': { body: { username: aliceUser.username, password: 'correct horse battery' } },
      'POST /api/auth/refresh': {},
      'POST /api/auth/logout': {},
      'GET /api/users/me': {},
      'PATCH /api/users/me': { body: { name: 'Alice', bio: 'about me' } },
      'PUT /api/users/me/avatar': {},
      'GET /api/users/search': { query: { q: 'fz', limit: '5' } },
      'GET /api/users/presence': { query: { ids: `${bobId},${carolId}` } },
      'GET /api/users/:id/avatar': { params: { id: aliceUser.id }, query: { v: '1' } },
      'GET /api/users/:id': { params: { id: bobId } },
      'GET /api/chats': {},
      'POST /api/chats/personal': { body: { userId: bobId } },
      'POST /api/chats': { body: { type: 'group', name: 'Fuzzed', description: 'about', memberIds: [bobId] } },
      'GET /api/chats/:chatId': { params: { chatId } },
      'PATCH /api/chats/:chatId': {
        params: { chatId },
        body: { name: 'Fuzz', description: 'about', callSettings: { muteAll: false, onlyAdminsCanSpeak: false, ring: 'everyone' } },
      },
      'DELETE /api/chats/:chatId': { params: { chatId: spareChatId } },
      'PUT /api/chats/:chatId/avatar': { params: { chatId } },
      'GET /api/chats/:chatId/avatar': { params: { chatId }, query: { v: '1', exp: '4102444800', sig: 'AAAAAAAAAAAAAAAAAAAAAA' } },
      'POST /api/chats/:chatId/members': { params: { chatId }, body: { userIds: [carolId] } },
      'DELETE /api/chats/:chatId/members/:userId': { params: { chatId: spareChatId, userId: carolId } },
      'PATCH /api/chats/:chatId/members/:userId': {
        params: { chatId, userId: bobId },
        body: { role: 'member', permissions: { canAddMembers: false, canStartCall: true }, ringMuted: false },
      },
      'POST /api/chats/:chatId/owner': { params: { chatId: spareChatId }, body: { userId: bobId } },
      'GET /api/chats/:chatId/messages': { params: { chatId }, query: { before: '10', after: '0', limit: '20' } },
      'POST /api/chats/:chatId/messages': { params: { chatId }, body: { text: 'hello again', clientId: 'fz-1' } },
      'POST /api/chats/:chatId/read': { params: { chatId }, body: { messageId: sent.body.id } },
      'GET /api/chats/:chatId/messages/search': { params: { chatId }, query: { q: 'hello', limit: '5' } },
      'PATCH /api/chats/:chatId/messages/:messageId': { params: { chatId, messageId: sent.body.id }, body: { text: 'hello, edited' } },
      'DELETE /api/chats/:chatId/messages/:messageId': { params: { chatId, messageId: spare.body.id } },
      'PUT /api/chats/:chatId/messages/:messageId/reactions/:emoji': { params: { chatId, messageId: sent.body.id, emoji: '👍' } },
      'DELETE /api/chats/:chatId/messages/:messageId/reactions/:emoji': { params: { chatId, messageId: sent.body.id, emoji: '👍' } },
      'POST /api/chats/:chatId/attachments': { params: { chatId }, query: { filename: 'notes.txt' } },
      'GET /api/chats/:chatId/attachments/:attachmentId': {
        params: { chatId, attachmentId: sent.body.id },
        query: { exp: '4102444800', sig: 'AAAAAAAAAAAAAAAAAAAAAA' },
      },
      'GET /api/chats/:chatId/attachments/:attachmentId/thumbnail': {
        params: { chatId, attachmentId: sent.body.id },
        query: { exp: '4102444800', sig: 'AAAAAAAAAAAAAAAAAAAAAA' },
      },
      'POST /api/calls': { body: { chatId, type: 'audio' } },
      'GET /api/calls/active': {},
      'POST /api/calls/:callId/join': { params: { callId } },
      'POST /api/calls/:callId/decline': { params: { callId } },
      'POST /api/calls/:callId/leave': { params: { callId } },
      'POST /api/calls/:callId/end': { params: { callId } },
      'POST /api/calls/:callId/participants/:userId/mute': { params: { callId, userId: bobId } },
      'DELETE /api/calls/:callId/participants/:userId': { params: { callId, userId: bobId } },
      'PUT /api/calls/:callId/hand': { params: { callId } },
      'DELETE /api/calls/:callId/hand': { params: { callId } },
      'POST /api/calls/:callId/participants/:userId/ring': { params: { callId, userId: carolId } },
      'DELETE /api/calls/:callId/participants/:userId/hand': { params: { callId, userId: bobId } },
      'GET /api/chats/:chatId/calls': { params: { chatId }, query: { limit: '10' } },
    };
  });

  afterAll(async () => {
    const lines = [...tally].map(([route, counts]) => `${route}: ${JSON.stringify(counts)}`);
    console.info(`edge fuzz (FC_SEED=${SEED}), answers by route:\n${lines.join('\n')}`);
    if (errorLines.length) console.info(`server error lines:\n${errorLines.map((e) => truncate(e.line, 1_000)).join('\n')}`);
    await stack?.stop();
  });

  it('has a baseline request for every route in the contracts', () => {
    expect(Object.keys(baselines).sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  // Routes that change what other routes rely on go last, and act on the spare chat in their baselines.
  const destructive = (route: RouteContract) => route.method === 'DELETE' || route.path.endsWith('/owner') || route.path.endsWith('/end');
  const ordered = [...ROUTES.filter((r) => !destructive(r)), ...ROUTES.filter(destructive)];

  it.each(ordered.map((route) => ({ route, name: `${route.method} ${route.path}` })))('$name', async ({ route, name }) => {
    const counts: Record<string, number> = {};
    tally.set(name, counts);
    const baseline = baselines[name]!;
    await fc.assert(
      fc.asyncProperty(probeFor(route, baseline, idsFrom(realIds)), async (probe) => {
        const wire = toWire(route, baseline, probe, alice.accessToken!);
        // The services log the gateway's request id: it picks out a failing probe's server lines.
        const requestId = `fuzz-probe-${++probes}`;
        wire.headers['x-request-id'] ??= requestId;
        const refusal = refusedAtEdge(wire);
        const since = Date.now();
        let answer: Answer;
        try {
          answer = await send(base, wire);
        } catch (error) {
          throw new Error(`no answer: ${(error as Error).message}\n${describeWire(wire)}`);
        }
        if (answer.status >= 500) await new Promise((resolve) => setTimeout(resolve, 300)); // let the log lines arrive
        const ours = errorLines.filter((e) => e.line.includes(`"${requestId}"`));
        const logged = (ours.length ? ours : errorLines.filter((e) => e.at >= since)).map((e) => truncate(e.line, 2_000));
        const context = `${describeWire(wire)}\nexpected: ${refusal ? `refused at the edge (${refusal})` : 'may pass the edge'}\nanswer: ${answer.status} ${answer.contentType} ${truncate(answer.text, 600)}\nserver errors: ${logged.join('\n') || 'none'}`;
        const key = `${refusal ? 'refused' : 'passed'} ${answer.status}`;
        counts[key] = (counts[key] ?? 0) + 1;
        expect(answer.status, context).toBeLessThan(500);
        expect(answer.status, context).toBeGreaterThanOrEqual(200);
        if (refusal) expect(answer.status, context).toBeGreaterThanOrEqual(400);
        if (answer.status >= 400) {
          expect(answer.contentType, context).toMatch(/^application\/json/);
          const body = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } };
          expect(isErrorCode(body.error?.code), context).toBe(true);
          expect(ERROR_STATUS[body.error!.code as keyof typeof ERROR_STATUS], context).toBe(answer.status);
          expect(typeof body.error?.message, context).toBe('string');
        }
      }),
      // Shrinking re-sends smaller cases; the time limit stops it (or a route gone slow: that fails too) before the
      // test's own timeout, so the seed and the case found so far are still reported.
      { numRuns: RUNS_PER_ROUTE, seed: SEED, interruptAfterTimeLimit: 90_000, markInterruptAsFailure: true },
    );
  });

  it('drops a request line too long to read (300 kB) at once, and goes on serving', async () => {
    const wire: Wire = {
      method: 'GET',
      path: `/api/users/${'a'.repeat(300_000)}`,
      query: '',
      auth: 'user',
      headers: { authorization: `Bearer ${alice.accessToken}` },
      body: undefined,
      contentType: undefined,
      chunked: false,
    };
    // uWS closes the connection without an answer; a 4xx would do as well. What must not happen is a wait.
    const outcome = await send(base, wire).catch((error: Error) => error);
    if (outcome instanceof Error) expect(outcome.message).not.toMatch(/no answer within/);
    else
      expect([outcome.status, outcome.text]).toEqual([
        expect.toSatisfy((s: number) => s >= 400 && s < 500),
        expect.stringContaining('"code"'),
      ]);
    expect((await alice.call('GET', '/api/users/me')).status).toBe(200);
  });

  it('leaves every service and gateway process running', () => {
    const processes = [...stack.gateways, ...Object.values(stack.services).flat()];
    for (const proc of processes) expect(() => process.kill(proc.pid(), 0), proc.name).not.toThrow();
  });
});
