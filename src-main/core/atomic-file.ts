/**
 * Crash-safe file replacement: write a temp file beside the target, fsync it, rename over the target,
 * fsync the folder. A kill at any moment leaves either the old file or the new one, never a torn one.
 */
import { open, rename, mkdir, readFile, rm } from 'node:fs/promises'
import { dirname, basename, join } from 'node:path'
import { randomBytes } from 'node:crypto'

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const folder = dirname(path)
  await mkdir(folder, { recursive: true })
  const temp = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    const handle = await open(temp, 'w', 0o600)
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, path)
  } catch (error) {
    // A full disk or a failed rename must not leave temp files behind.
    await rm(temp, { force: true })
    throw error
  }
  await fsyncFolder(folder)
}

async function fsyncFolder(folder: string): Promise<void> {
  // Windows cannot open folders for fsync; rename there is already durable enough.
  if (process.platform === 'win32') return
  const handle = await open(folder, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Reads a JSON file; a missing file gives undefined, a malformed one throws (callers decide). */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  return JSON.parse(text)
}
