/** One download batch planned as a whole: picked keys and folders' keys checked against each other. */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DownloadPlan } from '../../../src-main/transfers/download-plan'
import { numberedPath } from '../../../src-main/transfers/local-paths'

const root = path.resolve('/downloads')

/** Disk holds `onDisk`; the numbering is the engine's ("name (n).ext"). */
function planFor(platform: NodeJS.Platform, onDisk: string[] = []) {
  return new DownloadPlan({
    withinDir: root,
    platform,
    freeLocalPath: async (destination, planned) => {
      const taken = (p: string) => planned(p) || onDisk.includes(p)
      if (!taken(destination)) return destination
      for (let n = 1; ; n++) if (!taken(numberedPath(destination, n))) return numberedPath(destination, n)
    },
  })
}

describe('DownloadPlan', () => {
  it('refuses a folder key that would land inside a picked file of the same batch, naming the file', async () => {
    const plan = planFor('linux')
    await plan.add('photos', root, 'photos')
    await plan.add('photos/a.jpg', path.join(root, 'photos'), 'a.jpg')
    expect(plan.take()).toEqual([{ key: 'photos', destinationPath: path.join(root, 'photos') }])
    expect(plan.refused).toEqual([{ key: 'photos/a.jpg', reason: 'it would land on the same path as photos' }])
  })

  it('refuses a file that would land where other keys need a folder', async () => {
    const plan = planFor('linux')
    await plan.add('docs/a.txt', root, 'docs/a.txt')
    await plan.add('docs', root, 'docs')
    expect(plan.refused).toEqual([{ key: 'docs', reason: 'it would land on the same path as a folder of other keys' }])
  })

  it('keeps both of two keys that one file system folds together, and counts the renamed one', async () => {
    const nfd = '카페.txt'.normalize('NFD')
    const nfc = '카페.txt'.normalize('NFC')
    const mac = planFor('darwin')
    await mac.add(nfd, root, nfd)
    await mac.add(nfc, root, nfc)
    expect(mac.take().map((d) => d.destinationPath)).toEqual([path.join(root, nfd), path.join(root, `${'카페 (1)'.normalize('NFC')}.txt`)])
    expect(mac.renamed).toBe(1)
    const linux = planFor('linux')
    await linux.add(nfd, root, nfd)
    await linux.add(nfc, root, nfc)
    expect(linux.renamed).toBe(0)
  })

  it('never plans over a file on disk, downloads a key listed twice once, and refuses escapes', async () => {
    const plan = planFor('linux', [path.join(root, 'index.html')])
    await plan.add('index.html', root, 'index.html')
    await plan.add('index.html', root, 'index.html')
    await plan.add('../etc/passwd', root, '../etc/passwd')
    expect(plan.take()).toEqual([{ key: 'index.html', destinationPath: path.join(root, 'index (1).html') }])
    expect(plan.refused.map((r) => r.key)).toEqual(['../etc/passwd'])
    expect(plan.take()).toEqual([])
  })
})
