/** The invalidation a publish sends: exact paths through the origin path, index.html as its folder, folding. */
import { describe, expect, it } from 'vitest'
import { exactPathsOf, foldPaths } from '../../../../src-main/site/publish/invalidation'

describe('exactPathsOf', () => {
  it('maps keys through the origin path, encodes them, and adds the folder of every index.html', () => {
    const { paths, problems } = exactPathsOf(
      ['site/index.html', 'site/docs/index.html', 'site/a b.css', 'site/문서.html', 'other/x.html'],
      '/site',
    )
    expect(paths).toEqual(['/index.html', '/', '/docs/index.html', '/docs/', '/a%20b.css', '/%EB%AC%B8%EC%84%9C.html'])
    expect(problems).toEqual([{ key: 'other/x.html', problem: expect.stringMatching(/Not served by this distribution/) }])
  })

  it('keeps NFD keys byte for byte', () => {
    const nfd = '한'.normalize('NFD')
    expect(exactPathsOf([`${nfd}.html`], '').paths).toEqual(['/%E1%84%92%E1%85%A1%E1%86%AB.html'])
  })
})

describe('foldPaths', () => {
  const many = (n: number, folder: string) => Array.from({ length: n }, (_, i) => `${folder}${i}.html`)

  it('keeps the exact paths while they are free and fit one batch', () => {
    const exact = [...many(40, '/a/'), '/index.html']
    expect(foldPaths(exact, 900)).toEqual({ paths: exact })
  })

  it('folds the folder that saves most when the free paths left are fewer', () => {
    const exact = [...many(30, '/assets/'), ...many(3, '/docs/'), '/index.html']
    const folded = foldPaths(exact, 990) // 10 free left
    expect(folded.paths.sort()).toEqual(['/assets/*', ...many(3, '/docs/'), '/index.html'].sort())
    expect(folded.reason).toMatch(/34 changed paths are more than the 10 free paths left this month/)
  })

  it('folds down to one wildcard when nothing is free', () => {
    const folded = foldPaths([...many(5, '/a/'), ...many(5, '/b/')], 1000)
    expect(folded.paths).toEqual(['/*'])
    expect(folded.reason).toMatch(/free paths of this month are used up/)
  })

  it('folds over 3,000 paths even when free paths would not matter', () => {
    const exact = [...many(2000, '/x/'), ...many(1500, '/y/')]
    const folded = foldPaths(exact, 0)
    expect(folded.paths.length).toBeLessThanOrEqual(1000)
    expect(folded.paths.filter((p) => p.endsWith('*')).length).toBeLessThanOrEqual(15)
    for (const path of exact)
      expect(folded.paths.some((p) => p === path || (p.endsWith('*') && path.startsWith(p.slice(0, -1))))).toBe(true)
  })
})
