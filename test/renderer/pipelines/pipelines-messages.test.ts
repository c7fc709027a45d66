/**
 * Every Pipelines message compiles in both languages (vue-i18n reads `@`, `{` and `|` as syntax: a
 * reason hint with a bare `@` once broke the disable dialog) and says something other than its key.
 */
import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import en from '../../../src-renderer/i18n/en/pipelines'
import ko from '../../../src-renderer/i18n/ko/pipelines'

function leaves(node: unknown, path: string[] = []): string[] {
  if (typeof node === 'string') return [path.join('.')]
  if (Array.isArray(node)) return node.flatMap((item, i) => leaves(item, [...path, String(i)]))
  return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) => leaves(value, [...path, key]))
}

describe('Pipelines messages', () => {
  const keys = leaves(en)
  const params = { n: 2, name: 'site-release', stage: 'Build', action: 'Build', id: 'a4865858', time: '5 min', d: 1, h: 2, m: 3 }

  for (const [locale, messages] of [
    ['en', en],
    ['ko', ko],
  ] as const) {
    it(`compile and resolve in ${locale}`, () => {
      const errors: unknown[] = []
      const i18n = createI18n({ legacy: false, locale, messages: { [locale]: messages }, missingWarn: false, fallbackWarn: false })
      for (const key of keys) {
        let text = ''
        try {
          text = i18n.global.t(key, params, 2)
        } catch (error) {
          errors.push(`${key}: ${String(error)}`)
        }
        expect(text, key).not.toBe(key)
        expect(text, key).not.toBe('')
      }
      expect(errors).toEqual([])
    })
  }

  it('keeps the reason rule’s characters, @ included', () => {
    const i18n = createI18n({ legacy: false, locale: 'en', messages: { en } })
    expect(i18n.global.t('pipelines.disable.reasonHint')).toContain('! @ ( ) . * ? -')
  })
})
