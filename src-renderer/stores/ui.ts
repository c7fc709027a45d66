/** Look and language: preferences that belong to this machine's renderer, kept in localStorage. */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { i18n, localeFor, type Locale } from '../i18n'

export type Theme = 'system' | 'light' | 'dark'
export type LocalePreference = 'system' | Locale

function saved<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
  const value = localStorage.getItem(key)
  return allowed.includes(value as T) ? (value as T) : fallback
}

export const useUiStore = defineStore('ui', () => {
  /** The chosen theme; 'system' follows the OS. */
  const theme = ref<Theme>(saved('haneul.theme', ['system', 'light', 'dark'], 'system'))
  /** The chosen language; 'system' follows the OS locale main reports. */
  const localePreference = ref<LocalePreference>(saved('haneul.locale', ['system', 'en', 'ko'], 'system'))
  /** The OS locale, from main (the renderer's navigator.language may differ in the sandboxed page). */
  const osLocale = ref<string>(navigator.language)
  /** The transfers panel was opened from the status bar (it also opens by itself when transfers start). */
  const transfersPanel = ref(false)

  const locale = computed<Locale>(() => (localePreference.value === 'system' ? localeFor(osLocale.value) : localePreference.value))

  /** The OS's preference, followed live for the 'system' theme. */
  const darkQuery = window.matchMedia('(prefers-color-scheme: dark)')
  const osDark = ref(darkQuery.matches)
  darkQuery.addEventListener('change', (event) => (osDark.value = event.matches))
  /** What the page actually shows. */
  const resolvedTheme = computed<'light' | 'dark'>(() => (theme.value === 'system' ? (osDark.value ? 'dark' : 'light') : theme.value))

  watch(theme, (value) => localStorage.setItem('haneul.theme', value))
  watch(resolvedTheme, (value) => (document.documentElement.dataset.theme = value), { immediate: true })

  watch(localePreference, (value) => localStorage.setItem('haneul.locale', value))

  watch(
    locale,
    (value) => {
      i18n.global.locale.value = value
      document.documentElement.lang = value
    },
    { immediate: true },
  )

  return { theme, resolvedTheme, localePreference, osLocale, transfersPanel, locale }
})
