/** vue-i18n in Composition mode: English and Korean, following the OS locale unless the user chose. */
import { createI18n } from 'vue-i18n'
import en from './en'
import ko from './ko'

export const supportedLocales = ['en', 'ko'] as const
export type Locale = (typeof supportedLocales)[number]

/** Maps an OS locale such as 'ko-KR' onto one we ship, English otherwise. */
export function localeFor(osLocale: string | undefined): Locale {
  return osLocale?.toLowerCase().startsWith('ko') ? 'ko' : 'en'
}

export const i18n = createI18n({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: { en, ko },
  missingWarn: false,
  fallbackWarn: false,
})
