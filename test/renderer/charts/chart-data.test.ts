/** The chart's CSV export and file names: what a spreadsheet receives must be the chart's own numbers. */
import { describe, expect, it } from 'vitest'
import { exportFileName, formatValue, seriesToCsv } from '../../../src-renderer/components/charts/chart-data'

const h = (iso: string) => Date.parse(iso)

describe('seriesToCsv', () => {
  it('writes one row per time (the union of all series, in time order) and blanks where a series has no point', () => {
    const csv = seriesToCsv(
      [
        {
          name: 'Requests',
          points: [
            [h('2026-12-01T01:00:00Z'), 10],
            [h('2026-12-01T00:00:00Z'), 5],
          ],
        },
        {
          name: 'Errors',
          points: [
            [h('2026-12-01T02:00:00Z'), 1],
            [h('2026-12-01T00:00:00Z'), null],
          ],
        },
      ],
      { xLabel: 'time', xAxis: 'time' },
    )
    expect(csv.split('\r\n')).toEqual([
      'time,Requests,Errors',
      '2026-12-01T00:00:00.000Z,5,',
      '2026-12-01T01:00:00.000Z,10,',
      '2026-12-01T02:00:00.000Z,,1',
      '',
    ])
  })

  it('keeps categories in first-seen order and quotes commas, quotes and line breaks', () => {
    const csv = seriesToCsv(
      [
        {
          name: 'Requests, all',
          points: [
            ['/문서/a b.html', 3],
            ['/say "hi"', 2],
            ['/two\nlines', 1],
          ],
        },
        { name: 'Bytes', points: [['/say "hi"', 20]] },
      ],
      { xLabel: 'path', xAxis: 'category' },
    )
    expect(csv).toBe('path,"Requests, all",Bytes\r\n/문서/a b.html,3,\r\n"/say ""hi""",2,20\r\n"/two\nlines",1,\r\n')
  })

  it('turns text that a spreadsheet would run as a formula into plain text, but leaves negative numbers alone', () => {
    const csv = seriesToCsv(
      [
        {
          name: '=SUM(A1)',
          points: [
            ['@cmd', -4],
            ['+1', 0],
          ],
        },
      ],
      { xLabel: 'x', xAxis: 'category' },
    )
    expect(csv).toBe("x,'=SUM(A1)\r\n'@cmd,-4\r\n'+1,0\r\n")
  })

  it('writes only a header for no data', () => {
    expect(seriesToCsv([], { xLabel: 'time', xAxis: 'time' })).toBe('time\r\n')
  })
})

describe('exportFileName', () => {
  it('keeps letters and digits of any script and joins the rest with dashes', () => {
    expect(exportFileName('Requests · E2HANEULDEMO01 (24 h)', 'png')).toBe('Requests-E2HANEULDEMO01-24-h.png')
    expect(exportFileName('적중률 / 시간', 'csv')).toBe('적중률-시간.csv')
    expect(exportFileName('***', 'csv')).toBe('chart.csv')
  })
})

describe('formatValue', () => {
  it('formats by unit', () => {
    expect(formatValue(1536, 'bytes', 'en')).toBe('1.5 KiB')
    expect(formatValue(87.26, 'percent', 'en')).toBe('87.3%')
    expect(formatValue(41.6, 'milliseconds', 'en')).toBe('42 ms')
    expect(formatValue(1234, 'count', 'en')).toBe('1,234')
    expect(formatValue(123_456, 'count', 'en')).toBe('123.5K')
  })
})
