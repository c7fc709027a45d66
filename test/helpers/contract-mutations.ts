/**
 * Odd input for every field of a sample: wrong types, empty, huge, control characters, line breaks, a
 * lone surrogate, NFD Korean, emoji, path tricks, `%` and `+`, bad numbers, unknown and missing fields,
 * long arrays, prototype keys, unknown profiles, missing buckets and keys. Each mutation changes one
 * thing of a valid sample, so whatever answers, it answers about that one thing.
 */

export interface Mutation {
  label: string
  input: unknown
}

/** Strings every string field gets instead of its value. */
const STRINGS: Array<[string, string]> = [
  ['empty', ''],
  ['100 KB', 'x'.repeat(100_000)],
  ['NUL', 'a\u0000b'],
  ['control chars', 'a\u0001\u001b\u007fb'],
  ['CR/LF', 'a\r\nx-injected: 1'],
  ['lone surrogate', 'a\ud800b'],
  ['NFD Korean', '카페/한글.txt'.normalize('NFD')],
  ['emoji', '😀/🎉.txt'],
  ['../', '../../etc/passwd'],
  ['absolute path', '/etc/passwd'],
  ['windows path', 'C:\\Windows\\system.ini'],
  ['percent', '100%25%'],
  ['plus', 'a+b c'],
  ['__proto__', '__proto__'],
]

/** Values of the wrong type, for any field. */
const WRONG_TYPES: Array<[string, unknown]> = [
  ['number instead', 42],
  ['null', null],
  ['object instead', { toString: 'x' }],
]

const NUMBERS: Array<[string, unknown]> = [
  ['negative', -1],
  ['zero', 0],
  ['fraction', 0.5],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['huge', 1e308],
  ['unsafe integer', 2 ** 53 + 1],
  ['numeric string', '5'],
  ['null', null],
]

const BOOLEANS: Array<[string, unknown]> = [
  ['string instead', 'true'],
  ['number instead', 1],
  ['null', null],
]

/** Field-specific values that are well-formed but name nothing. */
function missingThings(field: string): Array<[string, string]> {
  if (field === 'profileId')
    return [
      ['unknown profile', 'no-such-profile'],
      ['unknown aws profile', 'aws:nope'],
      ['unknown app profile', 'app:nope'],
    ]
  if (field === 'bucket') return [['missing bucket', 'no-such-bucket-sweep']]
  if (field === 'key' || field === 'newKey') return [['missing key', 'no-such-key-sweep.txt']]
  return []
}

/** An object carrying "__proto__" as an own key, as JSON.parse (or structured clone) delivers it. */
function withOwnKey(base: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true })
  return copy
}

function valueMutations(field: string, value: unknown, depth: number): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = []
  if (typeof value === 'string') {
    out.push(...STRINGS, ...missingThings(field), ...WRONG_TYPES)
  } else if (typeof value === 'number') {
    out.push(...NUMBERS)
  } else if (typeof value === 'boolean') {
    out.push(...BOOLEANS)
  } else if (Array.isArray(value)) {
    const first: unknown = value[0] ?? 'k'
    out.push(['string instead', 'x'], ['null', null], ['empty array', []], ['100,001 items', Array.from({ length: 100_001 }, () => first)])
    if (depth < 2) for (const [label, v] of valueMutations(field, first, depth + 1)) out.push([`[0] ${label}`, [v, ...value.slice(1)]])
  } else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>
    out.push(['array instead', []], ['null', null], ['string instead', 'x'], ['empty object', {}])
    out.push(['__proto__ key', withOwnKey(record, '__proto__', 'x')], ['constructor key', withOwnKey(record, 'constructor', 'x')])
    out.push(['extra field', { ...record, unexpected: 'x' }])
    // Keys of free-form records (metadata, tags) get the odd strings too.
    out.push(['odd key', { ...record, 'a\r\nb': 'x' }], ['lone surrogate key', { ...record, 'k\udc00': 'x' }])
    if (depth < 2) {
      for (const [name, inner] of Object.entries(record)) {
        for (const [label, v] of valueMutations(name, inner, depth + 1)) out.push([`.${name} ${label}`, { ...record, [name]: v }])
      }
    }
  }
  return out
}

/** Every mutation of one sample input. */
export function mutationsOf(sample: unknown): Mutation[] {
  const out: Mutation[] = [
    { label: 'input null', input: null },
    { label: 'input string', input: 'x' },
    { label: 'input array', input: [] },
    { label: 'input number', input: 7 },
  ]
  if (!sample || typeof sample !== 'object') return out
  const record = sample as Record<string, unknown>
  out.push({ label: 'unknown extra field', input: { ...record, unexpected: 1 } })
  out.push({ label: '__proto__ field', input: withOwnKey(record, '__proto__', { polluted: true }) })
  out.push({ label: 'constructor field', input: withOwnKey(record, 'constructor', { prototype: { polluted: true } }) })
  for (const [field, value] of Object.entries(record)) {
    const { [field]: _omitted, ...without } = record
    out.push({ label: `${field} missing`, input: without })
    for (const [label, v] of valueMutations(field, value, 0)) out.push({ label: `${field} ${label}`, input: { ...record, [field]: v } })
  }
  return out
}

/** Values for a field the sample leaves out (optional ones: page tokens, markers, version ids…). */
const ABSENT_FIELD_VALUES: Array<[string, unknown]> = [
  ['empty', ''],
  ['garbage', 'not-a-token-%2F+/=='],
  ['lone surrogate', 'a\ud800'],
  ['NFD Korean', '한글'.normalize('NFD')],
  ['100 KB', 'x'.repeat(100_000)],
  ['negative', -1],
  ['NaN', Number.NaN],
  ['true', true],
]

/** Mutations that add each field of `fields` the sample does not have. */
export function absentFieldMutations(sample: unknown, fields: readonly string[]): Mutation[] {
  if (!sample || typeof sample !== 'object') return []
  const record = sample as Record<string, unknown>
  return fields
    .filter((field) => !(field in record))
    .flatMap((field) =>
      ABSENT_FIELD_VALUES.map(([label, value]) => ({
        label: `${field} (absent in sample) ${label}`,
        input: { ...record, [field]: value },
      })),
    )
}
