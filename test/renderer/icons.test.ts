/**
 * UI chrome draws its icons as SVG (lucide), never as font glyphs: arrows, shapes, dingbats and emoji
 * show as empty boxes on a machine without the fonts that have them. This scans every component's
 * template for such characters, so a new glyph icon fails here instead of on a user's screen.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '../../src-renderer')
const glyphIcon =
  /[\u2190-\u21ff\u2300-\u23ff\u25a0-\u25ff\u2600-\u27bf\u27f0-\u27ff\u2900-\u297f\u2b00-\u2bff\uff00-\uffef]|[\u{1f000}-\u{1faff}]/u

function vueFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? vueFiles(join(dir, entry.name)) : entry.name.endsWith('.vue') ? [join(dir, entry.name)] : [],
  )
}

describe('icons', () => {
  it('no component template uses a font glyph as an icon', () => {
    const files = vueFiles(root)
    expect(files.length).toBeGreaterThan(20)
    const found = files.flatMap((file) => {
      const source = readFileSync(file, 'utf8')
      const template = source.slice(source.indexOf('<template>'), source.lastIndexOf('</template>'))
      return template.split('\n').flatMap((line, i) => (glyphIcon.test(line) ? [`${relative(root, file)}:${i + 1}: ${line.trim()}`] : []))
    })
    expect(found).toEqual([])
  })

  it('the check recognises the glyphs it replaced', () => {
    for (const glyph of ['📁', '🪣', '⟳', '✕', '▾', '⚙', '＋', '☁', '⏸', '▶', '←']) expect(glyphIcon.test(glyph)).toBe(true)
    for (const text of ['—', '·', '…', '한글', 'MiB/s']) expect(glyphIcon.test(text)).toBe(false)
  })
})
