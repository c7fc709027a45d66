/**
 * The publish plan: local files against the bucket's objects below the origin path, compared by content.
 *
 * Never by time: `aws s3 sync` uploads when sizes differ or the local file is newer, so an edit that keeps
 * the size and has an older mtime (a checkout, a copied build) is missed, and a rebuild that rewrites
 * identical files re-uploads all of them. Here, with equal sizes:
 * - a single-part ETag (no "-N") is the object's MD5 (for SSE-S3 and unencrypted objects): compared with
 *   the file's MD5;
 * - a multipart ETag ("…-N") is the MD5 of the parts' MD5s: when the object has a full-object CRC, that is
 *   read with HEAD and compared with the file's; otherwise the part size is inferred from the size and N
 *   (every whole-MiB size that cuts the file into N parts, at most four tried in one read of the file) or,
 *   failing that, read from HEAD ?partNumber=1, and the file's multipart ETag is computed with it.
 *
 * Keys are the folder's paths in NFC (the form browsers send), below the origin path's prefix. Names S3
 * cannot hold, and NFC/NFD twins (two files that would be one key), are problems: nothing is uploaded for
 * them and their keys are never deleted.
 */
import type { PlanItem, ReasonCode } from '../../api/publish'
import type { ChecksumAlgorithm } from '../../transfers/index'
import type { FileHeaders } from './header-rules'
import type { Digest, DigestRequest, LocalFile, LocalProblem } from './local-folder'

const MiB = 1024 * 1024
const MIN_PART_BYTES = 5 * MiB
const MAX_OBJECT_BYTES = 5 * 1024 * 1024 * MiB
const KEY_LIMIT_BYTES = 1024
const MAX_CANDIDATES = 4
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/

export interface RemoteObject {
  key: string
  sizeBytes: number
  /** Unquoted. */
  etag: string
  checksumAlgorithm?: string
  checksumType?: string
}

export interface RemoteHead {
  /** Of the whole object, or of the part asked for. */
  contentLength: number
  checksum?: { algorithm: ChecksumAlgorithm; value: string; type?: string }
}

/** The side effects a plan needs: reading local files, and HEAD on the bucket. */
export interface PlanProbe {
  digest(file: LocalFile, request: DigestRequest): Promise<Digest>
  head(key: string, options: { checksums?: boolean; partNumber?: number }): Promise<RemoteHead>
}

export interface PlanInput {
  files: readonly LocalFile[]
  problems: readonly LocalProblem[]
  remote: readonly RemoteObject[]
  /** "site/" for origin path "/site", "" for none. */
  keyPrefix: string
  deletions: boolean
  headersFor(relativePath: string): FileHeaders
}

/** A plan item with what running it needs (main only). */
export interface PlannedItem extends PlanItem {
  file?: LocalFile
}

const CRCS = new Set(['CRC32', 'CRC32C', 'CRC64NVME'])
const bytes = (n: number) => `${n.toLocaleString('en-US')} bytes`

export const keyPrefixOf = (originPath: string) => {
  const trimmed = originPath.replace(/^\/+/, '').replace(/\/+$/, '')
  return trimmed ? `${trimmed}/` : ''
}

/** Whole-MiB part sizes (≥ 5 MiB) that cut `sizeBytes` into exactly `parts` parts, most common tools' first. */
export function partSizeCandidates(sizeBytes: number, parts: number): number[] {
  if (parts < 2) return []
  const smallest = Math.max(MIN_PART_BYTES, Math.ceil(sizeBytes / parts))
  const largest = Math.floor((sizeBytes - 1) / (parts - 1))
  const out: number[] = []
  for (let p = Math.ceil(smallest / MiB) * MiB; p <= largest && out.length <= MAX_CANDIDATES; p += MiB) out.push(p)
  // The aws CLI's 8 MiB and lib-storage's 5 MiB first, then the rest in order.
  const preferred = [8 * MiB, 5 * MiB, 16 * MiB]
  return [...out.filter((p) => preferred.includes(p)), ...out.filter((p) => !preferred.includes(p))]
}

interface Why {
  reason: string
  reasonCode: ReasonCode
  reasonParams?: Record<string, string | number>
}
const why = (reasonCode: ReasonCode, reason: string, reasonParams?: Record<string, string | number>): Why => ({
  reason,
  reasonCode,
  ...(reasonParams ? { reasonParams } : {}),
})

/** Why a file's name cannot be a key, or undefined. */
function nameProblem(key: string, file: LocalFile): Why | undefined {
  if (CONTROL.test(file.relativePath))
    return why(
      'control-character',
      'its name holds a control character (a tab, a line break): S3 stores it, but listings and URLs cannot carry it safely; rename it',
    )
  const length = new TextEncoder().encode(key).length
  if (length > KEY_LIMIT_BYTES)
    return why('key-too-long', `its key would be ${length.toLocaleString('en-US')} bytes of UTF-8; S3 allows 1,024`, { bytes: length })
  if (file.sizeBytes > MAX_OBJECT_BYTES) return why('too-large', 'it is larger than 5 TiB, the most S3 can store in one object')
  return undefined
}

/** Compares one file with the object of the same key. */
async function compare(file: LocalFile, remote: RemoteObject, probe: PlanProbe): Promise<{ same: boolean } & Why> {
  if (remote.sizeBytes !== file.sizeBytes)
    return {
      same: false,
      ...why('size', `size ${bytes(remote.sizeBytes)} → ${bytes(file.sizeBytes)}`, { from: remote.sizeBytes, to: file.sizeBytes }),
    }
  const multipart = /^[0-9a-f]{32}-(\d+)$/.exec(remote.etag)
  if (!multipart) {
    const { md5 } = await probe.digest(file, { md5: true })
    return md5 === remote.etag
      ? { same: true, ...why('same-md5', 'same MD5 as the object’s ETag') }
      : { same: false, ...why('md5-differs', 'same size, content differs (MD5 ≠ ETag)') }
  }
  const parts = Number(multipart[1])
  const algorithm = remote.checksumAlgorithm
  if (algorithm && CRCS.has(algorithm) && remote.checksumType === 'FULL_OBJECT') {
    const head = await probe.head(remote.key, { checksums: true })
    if (head.checksum?.type !== 'COMPOSITE' && head.checksum) {
      const { checksum } = await probe.digest(file, { checksum: head.checksum.algorithm })
      return checksum === head.checksum.value
        ? {
            same: true,
            ...why('same-checksum', `same ${head.checksum.algorithm} as the object’s checksum`, { algorithm: head.checksum.algorithm }),
          }
        : {
            same: false,
            ...why('checksum-differs', `same size, content differs (${head.checksum.algorithm} differs)`, {
              algorithm: head.checksum.algorithm,
            }),
          }
    }
  }
  let candidates = partSizeCandidates(file.sizeBytes, parts)
  if (candidates.length > MAX_CANDIDATES) candidates = []
  if (candidates.length) {
    const { multipartEtags } = await probe.digest(file, { partSizes: candidates })
    for (const [size, etag] of multipartEtags)
      if (etag === remote.etag)
        return {
          same: true,
          ...why('same-multipart', `same multipart ETag (${parts} parts of ${size / MiB} MiB)`, { parts, partSize: size }),
        }
  }
  // The part size is not a whole number of MiB, or too many fit: S3 says how long part 1 is.
  const first = await probe.head(remote.key, { partNumber: 1 })
  const partSize = first.contentLength
  const differs = {
    same: false,
    ...why('multipart-differs', `same size, content differs (multipart ETag of ${parts} parts differs)`, { parts }),
  }
  if (candidates.includes(partSize) || partSize <= 0) return differs
  const { multipartEtags } = await probe.digest(file, { partSizes: [partSize] })
  return multipartEtags.get(partSize) === remote.etag
    ? { same: true, ...why('same-multipart', `same multipart ETag (${parts} parts of ${bytes(partSize)})`, { parts, partSize }) }
    : differs
}

/** Runs `work` over items with at most `limit` at once, keeping order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const lane = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await work(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
  return out
}

export async function buildPublishPlan(input: PlanInput, probe: PlanProbe): Promise<PlannedItem[]> {
  const { keyPrefix } = input
  const remoteByKey = new Map(input.remote.map((object) => [object.key, object]))
  // Keys in the bucket in another Unicode form than NFC, by their NFC form: they explain a "new" file.
  const otherForms = new Map<string, string>()
  for (const object of input.remote) {
    const nfc = object.key.normalize('NFC')
    if (nfc !== object.key) otherForms.set(nfc, object.key)
  }
  const items: PlannedItem[] = input.problems.map((p) => ({ ...p, action: 'problem', sizeBytes: 0 }))
  const byKey = new Map<string, LocalFile[]>()
  for (const file of input.files) {
    const key = keyPrefix + file.relativePath.normalize('NFC')
    byKey.set(key, [...(byKey.get(key) ?? []), file])
  }
  /** Keys a local file speaks for: never deleted, even when the file is a problem. */
  const claimed = new Set<string>()
  const toCompare: Array<{ key: string; file: LocalFile }> = []
  for (const [key, files] of byKey) {
    claimed.add(key)
    for (const file of files) claimed.add(keyPrefix + file.relativePath)
    if (files.length > 1) {
      const formOf = (f: LocalFile) => (f.relativePath === f.relativePath.normalize('NFC') ? 'NFC' : 'NFD')
      for (const file of files) {
        const others = [...new Set(files.filter((f) => f !== file).map(formOf))].join(' and ')
        items.push({
          name: file.relativePath,
          key,
          action: 'problem',
          ...why(
            'twins',
            `${formOf(file)} form of a name another file here has in ${others}: one name in two Unicode forms would be one key. Rename one; neither is uploaded.`,
            { form: formOf(file), others },
          ),
          sizeBytes: file.sizeBytes,
        })
      }
      continue
    }
    const file = files[0]!
    const problem = nameProblem(key, file)
    if (problem) items.push({ name: file.relativePath, action: 'problem', ...problem, sizeBytes: file.sizeBytes })
    else toCompare.push({ key, file })
  }
  const compared = await mapLimited(toCompare, 8, async ({ key, file }): Promise<PlannedItem> => {
    const headers = input.headersFor(file.relativePath)
    const base = { name: file.relativePath, key, sizeBytes: file.sizeBytes, file, ...headers }
    const remote = remoteByKey.get(key)
    if (!remote) {
      const other = otherForms.get(key)
      return {
        ...base,
        action: 'new',
        ...(other
          ? why('not-in-bucket-other-form', 'not in the bucket as NFC (the bucket has this name in another Unicode form, as another key)')
          : why('not-in-bucket', 'not in the bucket')),
      }
    }
    const { same, ...reason } = await compare(file, remote, probe)
    return { ...base, action: same ? 'unchanged' : 'changed', ...reason }
  })
  items.push(...compared)
  if (input.deletions) {
    for (const object of input.remote) {
      if (claimed.has(object.key)) continue
      // A zero-byte "folder/" marker is how consoles show empty folders, not a page.
      if (object.key.endsWith('/') && object.sizeBytes === 0) continue
      items.push({
        name: object.key.slice(keyPrefix.length),
        key: object.key,
        action: 'delete',
        ...(object.key !== object.key.normalize('NFC') && claimed.has(object.key.normalize('NFC'))
          ? why('not-in-folder-nfc', 'not in the folder (the folder has this name in NFC, uploaded as its own key)')
          : why('not-in-folder', 'not in the folder')),
        sizeBytes: object.sizeBytes,
      })
    }
  }
  return items
}
