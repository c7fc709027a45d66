/**
 * What AppChart draws, as plain data: named series of [x, y] points over a time or category axis. The
 * CSV export is built from the same data (not scraped from the canvas), so a spreadsheet gets exactly
 * the numbers the chart shows.
 */
import { formatBytes } from '../../format'

/** Colours come from the app's CSS variables, so a chart follows the light and dark themes. */
export type ChartColor = 'accent' | 'ok' | 'warn' | 'danger' | 'muted' | 'violet' | 'teal'

export type ChartUnit = 'count' | 'bytes' | 'percent' | 'milliseconds' | 'money'

export interface ChartSeries {
  /** Shown in the legend, the tooltip and as the CSV column header. */
  name: string
  /** [x, y] in x order: x is epoch ms on a time axis, a category name on a category axis; null is a gap. */
  points: Array<[number | string, number | null]>
  /** How it is drawn; 'area' is a filled line. */
  draw?: 'line' | 'bar' | 'area'
  /** Series with the same stack name are stacked. */
  stack?: string
  color?: ChartColor
  /** Which value axis (0 = left, 1 = right). */
  axis?: 0 | 1
}

export interface ChartAxis {
  unit: ChartUnit
  /** A label for the axis ("Requests"). */
  name?: string
  max?: number
  /** For 'money': the ISO 4217 currency of the values (default USD). */
  currency?: string
}

/** One rectangle of a treemap: its value sets its area; `id` is what a click selects. */
export interface ChartTreeNode {
  id: string
  name: string
  value: number
  /** What the tooltip says under the value ("1,234 objects · 5 GiB"). */
  detail?: string
}

/** A spreadsheet cell that starts like a formula would run in Excel or LibreOffice; prefix it so it stays text. */
const formulaStart = /^[=+\-@\t\r]/

function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  const text = formulaStart.test(value) ? `'${value}` : value
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * The series as CSV: one row per x value (the union over all series, in time order for a time axis,
 * first-seen order for categories), one column per series, an empty cell where a series has no point.
 * Time is written as ISO 8601 UTC. Lines end with CRLF (RFC 4180).
 */
export function seriesToCsv(series: readonly ChartSeries[], options: { xLabel: string; xAxis: 'time' | 'category' }): string {
  const xs: Array<number | string> = []
  const seen = new Set<number | string>()
  const columns = series.map((s) => {
    const byX = new Map<number | string, number | null>()
    for (const [x, y] of s.points) {
      byX.set(x, y)
      if (!seen.has(x)) {
        seen.add(x)
        xs.push(x)
      }
    }
    return byX
  })
  if (options.xAxis === 'time') xs.sort((a, b) => Number(a) - Number(b))
  const header = [options.xLabel, ...series.map((s) => s.name)].map(cell).join(',')
  const rows = xs.map((x) => {
    const label = options.xAxis === 'time' ? new Date(Number(x)).toISOString() : String(x)
    return [cell(label), ...columns.map((byX) => cell(byX.get(x)))].join(',')
  })
  return [header, ...rows].join('\r\n') + '\r\n'
}

/** A file name for an export: the title's letters and digits (any script), dashes between. */
export function exportFileName(title: string, extension: 'png' | 'csv'): string {
  const base = title
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
  return `${base || 'chart'}.${extension}`
}

/** A value as the axis and tooltip show it: bytes in binary units, percentages, milliseconds, compact counts. */
export function formatValue(value: number, unit: ChartUnit, locale: string, currency = 'USD'): string {
  if (unit === 'money') return formatMoney(value, currency, locale)
  if (unit === 'bytes') return formatBytes(value, locale)
  if (unit === 'percent') return `${value.toLocaleString(locale, { maximumFractionDigits: 1 })}%`
  if (unit === 'milliseconds') return `${value.toLocaleString(locale, { maximumFractionDigits: 0 })} ms`
  return value.toLocaleString(locale, { notation: Math.abs(value) >= 10_000 ? 'compact' : 'standard', maximumFractionDigits: 1 })
}

/** A sum of money: cents for ordinary sums, four significant digits for fractions of a cent. */
export function formatMoney(value: number, currency: string, locale: string): string {
  const small = value !== 0 && Math.abs(value) < 0.01
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    ...(small ? { maximumSignificantDigits: 4 } : {}),
  }).format(value)
}
