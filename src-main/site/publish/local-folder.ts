/**
 * The local side of a publish: the folder's files with their names as keys, and their digests.
 *
 * Names come from readdir as bytes, so a name that is not UTF-8 (possible on Linux) is reported instead of
 * silently becoming U+FFFD, which would name another key. Links to files are followed; links to folders
 * are not (a loop would never end) and are reported.
 */
import { createReadStream } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { ReasonCode } from '../../api/publish'
import { createHasher, type ChecksumAlgorithm, type Hasher } from '../../transfers/index'

export interface LocalFile {
  /** Absolute path (stays in main). */
  path: string
  /** Path in the folder with "/" separators, exactly as the file system spells it. */
  relativePath: string
  sizeBytes: number
  mtimeMs: number
}

export interface LocalProblem {
  name: string
  reason: string
  reasonCode: ReasonCode
  reasonParams?: Record<string, string | number>
}

function unreadable(name: string, error: unknown): LocalProblem {
  const code = (error as NodeJS.ErrnoException).code ?? 'error'
  return { name, reason: `cannot be read (${code})`, reasonCode: 'unreadable', reasonParams: { code } }
}

const utf8 = new TextDecoder('utf-8', { fatal: true })
const lossy = new TextDecoder('utf-8')

/** Every file below `root`, sorted by relative path, and what could not be read. */
export async function walkFolder(root: string, signal?: AbortSignal): Promise<{ files: LocalFile[]; problems: LocalProblem[] }> {
  const files: LocalFile[] = []
  const problems: LocalProblem[] = []
  const visit = async (dir: string, relative: string): Promise<void> => {
    signal?.throwIfAborted()
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' })
    } catch (error) {
      problems.push(unreadable(relative || '.', error))
      return
    }
    for (const entry of entries) {
      let name: string
      try {
        name = utf8.decode(entry.name)
      } catch {
        problems.push({
          name: relative + lossy.decode(entry.name),
          reason: 'its name is not valid UTF-8, so it has no S3 key; rename it',
          reasonCode: 'not-utf8',
        })
        continue
      }
      const path = join(dir, name)
      const relativePath = relative + name
      let isDirectory = entry.isDirectory()
      let isFile = entry.isFile()
      if (entry.isSymbolicLink()) {
        const target = await stat(path).catch(() => undefined)
        if (!target) {
          problems.push({ name: relativePath, reason: 'a link whose target is missing', reasonCode: 'dangling-link' })
          continue
        }
        if (target.isDirectory()) {
          problems.push({
            name: `${relativePath}/`,
            reason: 'a link to a folder is not followed; publish the folder itself',
            reasonCode: 'folder-link',
          })
          continue
        }
        isFile = target.isFile()
        isDirectory = false
      }
      if (isDirectory) await visit(path, `${relativePath}/`)
      else if (isFile) {
        try {
          const stats = await stat(path)
          files.push({ path, relativePath, sizeBytes: stats.size, mtimeMs: stats.mtimeMs })
        } catch (error) {
          problems.push(unreadable(relativePath, error))
        }
      } else problems.push({ name: relativePath, reason: 'not a regular file (a device, socket or pipe)', reasonCode: 'not-regular' })
    }
  }
  await visit(root, '')
  files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0))
  return { files, problems }
}

export interface DigestRequest {
  md5?: boolean
  /** Multipart ETags for these part sizes (md5 of the parts' md5s + "-N"). */
  partSizes?: readonly number[]
  /** A full-object checksum (base64). */
  checksum?: ChecksumAlgorithm
}

export interface Digest {
  md5?: string
  multipartEtags: Map<number, string>
  checksum?: string
}

/** Below this a file is read whole: a stream's 1 MiB buffer per small file costs more than the file. */
const WHOLE_READ_BYTES = 4 * 1024 * 1024

/** The file's bytes in chunks: whole when small, streamed in 1 MiB chunks when large. */
async function* chunksOf(path: string, sizeBytes: number | undefined, signal?: AbortSignal): AsyncIterable<Buffer> {
  if (sizeBytes !== undefined && sizeBytes <= WHOLE_READ_BYTES) {
    yield await readFile(path, { signal })
    return
  }
  yield* createReadStream(path, { highWaterMark: 1024 * 1024, signal }) as AsyncIterable<Buffer>
}

/** One read of the file for everything asked: MD5, multipart ETags for several part sizes, a checksum. */
export async function digestFile(path: string, request: DigestRequest, signal?: AbortSignal, sizeBytes?: number): Promise<Digest> {
  const whole = request.md5 ? createHasher('MD5') : undefined
  const checksum = request.checksum ? createHasher(request.checksum) : undefined
  const multipart = (request.partSizes ?? []).map((partSizeBytes) => ({
    partSizeBytes,
    filled: 0,
    part: createHasher('MD5'),
    parts: [] as Buffer[],
  }))
  for await (const chunk of chunksOf(path, sizeBytes, signal)) {
    whole?.update(chunk)
    checksum?.update(chunk)
    for (const m of multipart) {
      let offset = 0
      while (offset < chunk.length) {
        const take = Math.min(m.partSizeBytes - m.filled, chunk.length - offset)
        m.part.update(chunk.subarray(offset, offset + take))
        m.filled += take
        offset += take
        if (m.filled === m.partSizeBytes) {
          m.parts.push(await m.part.digest())
          m.part = createHasher('MD5')
          m.filled = 0
        }
      }
    }
  }
  const multipartEtags = new Map<number, string>()
  for (const m of multipart) {
    if (m.filled > 0) m.parts.push(await m.part.digest())
    multipartEtags.set(m.partSizeBytes, await etagOfParts(m.parts))
  }
  return {
    ...(whole ? { md5: (await whole.digest()).toString('hex') } : {}),
    multipartEtags,
    ...(checksum ? { checksum: (await checksum.digest()).toString('base64') } : {}),
  }
}

async function etagOfParts(parts: readonly Buffer[]): Promise<string> {
  const hasher: Hasher = createHasher('MD5')
  for (const part of parts) hasher.update(part)
  return `${(await hasher.digest()).toString('hex')}-${parts.length}`
}
