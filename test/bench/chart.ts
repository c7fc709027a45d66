/** The benchmark's bar chart: an SVG drawn here, rasterised to PNG by headless Chromium (playwright-core). */
import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'

export interface ChartGroup {
  label: string
  bars: Array<{ label: string; value: number }>
}

const COLORS = ['#2f6fde', '#e07b39', '#3aa876', '#8e6bbf']
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;')

export function chartSvg(groups: ChartGroup[], title = 'Throughput (MiB/s, higher is better)'): string {
  const barWidth = 46
  const gap = 10
  const groupGap = 60
  const plotHeight = 320
  const left = 60
  const top = 50
  const max = Math.max(1, ...groups.flatMap((g) => g.bars.map((b) => b.value)))
  const groupWidth = (g: ChartGroup) => g.bars.length * (barWidth + gap) - gap
  const width = left + groups.reduce((sum, g) => sum + groupWidth(g) + groupGap, 0) + 20
  const height = top + plotHeight + 90
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="24" font-size="16" font-weight="bold">${escape(title)}</text>`,
  ]
  parts.push(`<line x1="${left - 5}" y1="${top + plotHeight}" x2="${width - 10}" y2="${top + plotHeight}" stroke="#888"/>`)
  let x = left
  for (const group of groups) {
    group.bars.forEach((bar, index) => {
      const h = (bar.value / max) * plotHeight
      const bx = x + index * (barWidth + gap)
      parts.push(`<rect x="${bx}" y="${top + plotHeight - h}" width="${barWidth}" height="${h}" fill="${COLORS[index % COLORS.length]}"/>`)
      parts.push(`<text x="${bx + barWidth / 2}" y="${top + plotHeight - h - 4}" text-anchor="middle">${bar.value.toFixed(0)}</text>`)
    })
    parts.push(
      `<text x="${x + groupWidth(group) / 2}" y="${top + plotHeight + 20}" text-anchor="middle" font-weight="bold">${escape(group.label)}</text>`,
    )
    x += groupWidth(group) + groupGap
  }
  groups[0]?.bars.forEach((bar, index) => {
    const lx = left + index * 130
    parts.push(
      `<rect x="${lx}" y="${top + plotHeight + 45}" width="12" height="12" fill="${COLORS[index % COLORS.length]}"/>`,
      `<text x="${lx + 18}" y="${top + plotHeight + 56}">${escape(bar.label)}</text>`,
    )
  })
  parts.push('</svg>')
  return parts.join('\n')
}

/** Writes the chart as PNG; returns its path, or undefined when no Chromium is installed. */
export async function renderChart(
  groups: ChartGroup[],
  pngPath: string,
  executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
): Promise<string | undefined> {
  if (!existsSync(executablePath)) return undefined
  const svg = chartSvg(groups)
  const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu'] })
  try {
    const page = await browser.newPage()
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`)
    await page.locator('svg').screenshot({ path: pngPath })
  } finally {
    await browser.close()
  }
  return pngPath
}
