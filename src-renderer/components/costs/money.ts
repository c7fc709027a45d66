/**
 * How Costs shows sums and classes: USD from the price table, or the user's display currency with the
 * USD figure beside it; a storage class by its console name.
 */
import { useI18n } from 'vue-i18n'
import { formatBytes } from '../../format'
import { useCostsStore } from '../../stores/costs'
import { useUiStore } from '../../stores/ui'
import { formatMoney } from '../charts/chart-data'

export function useCostFormat() {
  const costs = useCostsStore()
  const ui = useUiStore()
  const { t, te } = useI18n()
  /** A USD sum as shown: in the display currency when one is set (USD in brackets). */
  const money = (usd: number): string => {
    const display = costs.displayCurrency
    const plain = formatMoney(usd, 'USD', ui.locale)
    return display ? `${formatMoney(usd * display.perUsd, display.currency, ui.locale)} ${t('costs.inUsd', { usd: plain })}` : plain
  }
  const className = (storageClass: string): string =>
    te(`costs.classes.${storageClass}`) ? t(`costs.classes.${storageClass}`) : storageClass
  const bytes = (n: number): string => formatBytes(n, ui.locale)
  const count = (n: number): string => n.toLocaleString(ui.locale)
  return { money, className, bytes, count }
}
