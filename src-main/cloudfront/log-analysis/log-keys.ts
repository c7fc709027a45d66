/**
 * Where a distribution's log files are and which hour each holds, from the S3 key alone.
 *
 * Legacy (v1) files are `<prefix><DistributionId>.YYYY-MM-DD-HH.<unique>.gz`, directly under the
 * prefix: the keys of one distribution sort by hour, so a listing can start at the first hour wanted
 * (StartAfter) and stop after the last. The name's hour is when the requests happened, also for a file
 * delivered late. Standard logging v2 to S3 keeps that file name but may put it under partition folders
 * of the user's choosing (`{DistributionId}/{yyyy}/{MM}/{dd}/{HH}/`, Hive-style `year=…/`); such files are
 * found by their file name anywhere below the prefix.
 */

const HOUR_MS = 3600_000

/** `2026-11-03-05` for 05:00 UTC on 3 November 2026. */
export function hourStamp(ms: number): string {
  const iso = new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString()
  return `${iso.slice(0, 10)}-${iso.slice(11, 13)}`
}

/** The key prefix of one distribution's legacy files. */
export function legacyKeyPrefix(prefix: string, distributionId: string): string {
  return `${prefix}${distributionId}.`
}

/**
 * A StartAfter that skips every file of an hour before `fromMs`: keys of that hour are
 * `<…>.<stamp>.<unique>…`, which sort after `<…>.<stamp>` itself; earlier hours sort before it.
 */
export function startAfterFor(prefix: string, distributionId: string, fromMs: number): string {
  return `${legacyKeyPrefix(prefix, distributionId)}${hourStamp(fromMs)}`
}

const FILE_NAME = /^([A-Z0-9]+)\.(\d{4})-(\d{2})-(\d{2})-(\d{2})\.[^/]+$/

/** The hour (start, ms) a log file of `distributionId` holds, from its key; undefined when the key is no such file. */
export function logFileHour(key: string, distributionId: string): number | undefined {
  const name = key.slice(key.lastIndexOf('/') + 1)
  const match = FILE_NAME.exec(name)
  if (!match || match[1] !== distributionId) return undefined
  const [, , year, month, day, hour] = match
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour))
  // Date.UTC rolls 2026-02-30 over to March; a name that does not round-trip is no log file name.
  return hourStamp(ms) === `${year}-${month}-${day}-${hour}` ? ms : undefined
}
