/** Display formatting shared by views. Sizes use binary units (KiB = 1,024 bytes) and say so. */
const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

export function formatBytes(bytes: number, locale: string): string {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1
  return `${value.toLocaleString(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${units[unit]}`
}

export function formatDate(ms: number | undefined, locale: string): string {
  if (ms === undefined) return '—'
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(ms)
}

/** "3 minutes ago" / "3분 전", from the newest unit that fits. */
export function formatAge(thenMs: number, nowMs: number, locale: string): string {
  // A snapshot saved after the ticking clock's last update is "now", never "in 1 second".
  const seconds = Math.round((Math.min(thenMs, nowMs) - nowMs) / 1000)
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })
  const steps: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ]
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit)
  }
  return format.format(seconds, 'second')
}

export const formatRate = (bytesPerSecond: number, locale: string) => `${formatBytes(bytesPerSecond, locale)}/s`

/** Remaining time as "42s", "3m 05s" or "2h 10m"; a dash when unknown. */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '—'
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}
