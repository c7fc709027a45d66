/**
 * Display of USD amounts, optionally converted with a user-set exchange rate (e.g. KRW per USD). Prices
 * and every computed figure stay in USD; conversion happens only here, at display.
 */

export interface DisplayCurrency {
  /** ISO 4217 code, e.g. 'KRW'. */
  currency: string
  /** Units of `currency` per 1 USD, as the user set it. */
  perUsd: number
}

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'))

/** Cost figures are small (fractions of a cent per object): show enough digits to be non-zero. */
function fractionDigits(amount: number, currencyDigits: number): number {
  const magnitude = Math.abs(amount)
  if (magnitude === 0 || magnitude >= 1) return currencyDigits
  return Math.min(6, Math.max(currencyDigits, 1 - Math.floor(Math.log10(magnitude)) + 1))
}

/**
 * `usd` as text in `locale`, in USD or converted with `display`. Throws a RangeError naming the bad
 * input for a non-finite amount, an unknown currency code or a rate that is not a positive number.
 */
export function formatMoney(usd: number, options: { locale?: string; display?: DisplayCurrency } = {}): string {
  if (!Number.isFinite(usd)) throw new RangeError(`amount must be a finite number, got ${usd}`)
  const { display, locale = 'en-US' } = options
  if (display && !(Number.isFinite(display.perUsd) && display.perUsd > 0))
    throw new RangeError(
      `exchange rate for ${display.currency} must be a positive number of ${display.currency} per USD, got ${display.perUsd}`,
    )
  const currency = display?.currency ?? 'USD'
  const amount = display ? usd * display.perUsd : usd
  if (!KNOWN_CURRENCIES.has(currency)) throw new RangeError(`${currency} is not an ISO 4217 currency code`)
  const currencyDigits = new Intl.NumberFormat(locale, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  const digits = fractionDigits(amount, currencyDigits)
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: currencyDigits,
    maximumFractionDigits: digits,
  }).format(amount)
}
