/**
 * What AppChart draws, as plain data: named series of [x, y] points over a time or category axis. The
 * CSV export is built from the same data (not scraped from the canvas), so a spreadsheet gets exactly
 * the numbers the chart shows.
 */
import { formatBytes } from '../../format'

/** Colours come from the app's CSS variables, so a chart follows the light and dark themes. */
export type ChartColor = 'accent' | 'ok' | 'warn' | 'danger' | 'muted' | 'violet' | 'teal'

export type ChartUnit = 'count' | 'bytes' | 'percent' | 'milliseconds' | 'money' | 'duration'

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

/**
 * A bar of a Gantt chart (AppChart's `bars`): one row of the category axis from start to end on a time
 * axis. Rows keep their first-seen order; `heading` rows (a stage's span) are drawn bold and lighter.
 */
export interface GanttBar {
  row: string
  /** Rows of one group (a pipeline stage) sit together. */
  group: string
  startMs: number
  endMs: number
  /** Still going: `endMs` is "now". */
  running?: boolean
  color: ChartColor
  /** The status, shown in the tooltip and the CSV. */
  label: string
  /** More tooltip lines (a summary, an error). */
  details: string[]
  heading?: boolean
}

/** Gantt bars as CSV: row, start and end (ISO 8601 UTC), duration in seconds, status. */
export function barsToCsv(bars: readonly GanttBar[]): string {
  const lines = [['row', 'start', 'end', 'seconds', 'status'].join(',')]
  for (const bar of bars) {
    lines.push(
      [
        cell(bar.row),
        cell(new Date(bar.startMs).toISOString()),
        cell(bar.running ? '' : new Date(bar.endMs).toISOString()),
        cell(bar.running ? null : Math.round((bar.endMs - bar.startMs) / 100) / 10),
        cell(bar.label),
      ].join(','),
    )
  }
  return lines.join('\r\n') + '\r\n'
}

/** "48 s", "2 min 05 s", "1 h 03 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`
  const h = Math.floor(m / 60)
  if (h < 24) return `${h} h ${String(m % 60).padStart(2, '0')} min`
  return `${Math.floor(h / 24)} d ${h % 24} h`
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
  if (unit === 'duration') return formatDuration(value)
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
