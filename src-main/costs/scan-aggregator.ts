/**
 * Folds a listing scan, one object at a time, into what a prefix costs: bytes, objects and monthly cost
 * per class, objects still inside their minimum storage duration, incomplete uploads, the largest
 * objects and a prefix tree for drill-down. Retained state is bounded by the options (top-N heap,
 * prefix-tree depth and node count, kept uploads), whatever the object count; the optional ObjectTable
 * is the one part that grows with the scan (up to its own `maxRows`).
 */
import type { ObjectTable, TableObject } from './object-table'
import { partsBilledAs, type IntelligentTieringTier, type PriceBook } from './prices'
import {
  addBilling,
  addObject,
  addStorageTypeBytes,
  addUploadStorageTypeBytes,
  averageRates,
  earlyDeletionOf,
  type ObjectBilling,
  monitoringMonthlyUsd,
  newRateVector,
  objectBilling,
  priceRateVector,
  RATE_KEYS,
  type RateKey,
  rateIndex,
  type RateVector,
} from './storage-cost'

export interface ScannedObject extends TableObject {
  versionId?: string
  /** Intelligent-Tiering access tier when known (HeadObject, Inventory); Frequent Access otherwise. */
  itTier?: IntelligentTieringTier
}

export interface ScannedUpload {
  key: string
  uploadId: string
  initiatedMs: number
  storageClass?: string
  /** Sum of the sizes of its uploaded parts. */
  bytes: number
}

export interface ScanAggregatorOptions {
  book: PriceBook
  nowMs: number
  /** The scanned prefix: the tree's root. */
  prefix?: string
  delimiter?: string
  /** Largest objects kept. */
  topN?: number
  /** Prefix-tree levels below the root. */
  maxDepth?: number
  /** Prefix-tree nodes at most; deeper breakdowns stop (and say so) when reached. */
  maxPrefixNodes?: number
  /** Incomplete uploads kept individually (all are counted). */
  maxUploadsKept?: number
  /** Also keep every object in columns for what-if rules. */
  table?: ObjectTable
}

const DAY_MS = 86_400_000

interface ClassStats {
  objects: number
  bytes: number
  billableBytes: number
  monitoredObjects: number
  withinMinimum: { objects: number; bytes: number; earlyDeletionUsd: number }
  noncurrentObjects: number
  noncurrentBytes: number
}

interface PrefixNode {
  prefix: string
  objects: number
  bytes: number
  vector: RateVector
  monitored: number
  children: Map<string, PrefixNode>
  /** Some objects below this node are not broken down further because the node cap was reached. */
  truncated: boolean
}

export interface PrefixCost {
  prefix: string
  objects: number
  bytes: number
  monthlyUsd: number
  truncated: boolean
  children: PrefixCost[]
}

export interface ScanSummary {
  prefix: string
  nowMs: number
  prices: Pick<PriceBook, 'date' | 'sourceUrl' | 'region' | 'pricedAs' | 'estimated' | 'overridden'>
  /** Set by markPartial(): the scan stopped early; figures cover what was listed. */
  partial?: string
  totals: { objects: number; bytes: number; monthlyUsd: number }
  versions: { current: number; noncurrent: number; noncurrentBytes: number; deleteMarkers: number }
  classes: Array<{
    storageClass: string
    objects: number
    bytes: number
    /** Bytes billed, with minimum sizes and archive overheads. */
    billableBytes: number
    /** Storage (at the class's share of the volume tiers) plus Intelligent-Tiering monitoring. */
    monthlyUsd: number | undefined
    monitoredObjects: number
    /** Objects younger than the class's minimum storage duration and what deleting or moving them now costs. */
    withinMinimum: { objects: number; bytes: number; earlyDeletionUsd: number }
    /** Of `objects`, noncurrent versions (versioned listings). */
    noncurrentObjects: number
    noncurrentBytes: number
  }>
  /** BucketSizeBytes per StorageType as CloudWatch would report it for what was scanned (objects and upload parts). */
  storageTypeBytes: Record<string, number>
  /** Intelligent-Tiering objects that pay the monitoring fee (≥ 128 KB). */
  monitoredObjects: number
  incompleteUploads: {
    uploads: number
    bytes: number
    monthlyUsd: number
    oldestInitiatedMs?: number
    kept: ScannedUpload[]
  }
  largest: Array<{
    key: string
    versionId?: string
    size: number
    storageClass: string
    lastModifiedMs: number
    monthlyUsd: number | undefined
  }>
  tree: PrefixCost
  limits: { topN: number; maxDepth: number; maxPrefixNodes: number; maxUploadsKept: number }
}

/** A min-heap of the N largest objects by size. */
class TopN {
  readonly items: ScannedObject[] = []
  constructor(readonly capacity: number) {}
  offer(item: ScannedObject): void {
    const heap = this.items
    if (heap.length < this.capacity) {
      heap.push(item)
      this.up(heap.length - 1)
    } else if (this.capacity > 0 && item.size > heap[0]!.size) {
      heap[0] = item
      this.down(0)
    }
  }
  private up(i: number): void {
    const heap = this.items
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (heap[parent]!.size <= heap[i]!.size) break
      ;[heap[parent], heap[i]] = [heap[i]!, heap[parent]!]
      i = parent
    }
  }
  private down(i: number): void {
    const heap = this.items
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < heap.length && heap[l]!.size < heap[m]!.size) m = l
      if (r < heap.length && heap[r]!.size < heap[m]!.size) m = r
      if (m === i) return
      ;[heap[m], heap[i]] = [heap[i]!, heap[m]!]
      i = m
    }
  }
}

export class ScanAggregator {
  private readonly book: PriceBook
  private readonly nowMs: number
  private readonly prefix: string
  private readonly delimiter: string
  private readonly maxDepth: number
  private readonly maxPrefixNodes: number
  private readonly maxUploadsKept: number
  private readonly table: ObjectTable | undefined
  private readonly vector = newRateVector()
  private readonly classes = new Map<string, ClassStats>()
  private readonly top: TopN
  private readonly root: PrefixNode
  private nodes = 1
  private objects = 0
  private bytes = 0
  private monitored = 0
  private readonly versions = { current: 0, noncurrent: 0, noncurrentBytes: 0, deleteMarkers: 0 }
  private readonly uploads = { uploads: 0, bytes: 0, oldestInitiatedMs: undefined as number | undefined, kept: [] as ScannedUpload[] }
  private partial: string | undefined

  constructor(options: ScanAggregatorOptions) {
    this.book = options.book
    this.nowMs = options.nowMs
    this.prefix = options.prefix ?? ''
    this.delimiter = options.delimiter ?? '/'
    this.maxDepth = options.maxDepth ?? 4
    this.maxPrefixNodes = options.maxPrefixNodes ?? 5_000
    this.maxUploadsKept = options.maxUploadsKept ?? 1_000
    this.table = options.table
    this.top = new TopN(options.topN ?? 50)
    this.root = this.newNode(this.prefix)
    if (!this.delimiter) throw new RangeError('delimiter must not be empty')
  }

  private newNode(prefix: string): PrefixNode {
    return { prefix, objects: 0, bytes: 0, vector: newRateVector(), monitored: 0, children: new Map(), truncated: false }
  }

  /** Folds one listed object or version in. */
  add(object: ScannedObject): void {
    if (!object.key.startsWith(this.prefix)) throw new RangeError(`object ${object.key} is outside the scanned prefix ${this.prefix}`)
    if (!Number.isFinite(object.size) || object.size < 0) throw new RangeError(`object ${object.key} has an invalid size ${object.size}`)
    this.table?.append(object)
    if (object.deleteMarker) {
      this.versions.deleteMarkers++
      return
    }
    if (object.isLatest === false) {
      this.versions.noncurrent++
      this.versions.noncurrentBytes += object.size
    } else this.versions.current++
    const storageClass = object.storageClass ?? 'STANDARD'
    const billing = objectBilling(this.book, storageClass, object.size, object.itTier)
    addBilling(this.vector, billing)
    addStorageTypeBytes(this.storageTypeBytes, storageClass, object.size, object.itTier)
    this.objects++
    this.bytes += object.size
    if (billing.monitored) this.monitored++
    let stats = this.classes.get(storageClass)
    if (!stats) {
      stats = {
        objects: 0,
        bytes: 0,
        billableBytes: 0,
        monitoredObjects: 0,
        withinMinimum: { objects: 0, bytes: 0, earlyDeletionUsd: 0 },
        noncurrentObjects: 0,
        noncurrentBytes: 0,
      }
      this.classes.set(storageClass, stats)
    }
    stats.objects++
    stats.bytes += object.size
    stats.billableBytes += billing.classBytes + billing.standardBytes
    if (billing.monitored) stats.monitoredObjects++
    if (object.isLatest === false) {
      stats.noncurrentObjects++
      stats.noncurrentBytes += object.size
    }
    const early = earlyDeletionOf(this.book, storageClass, billing, (this.nowMs - object.lastModifiedMs) / DAY_MS)
    if (early.remainingDays > 0) {
      stats.withinMinimum.objects++
      stats.withinMinimum.bytes += object.size
      stats.withinMinimum.earlyDeletionUsd += early.usd
    }
    this.top.offer(object)
    this.addToTree(object, billing)
  }

  private addToTree(object: ScannedObject, billing: ObjectBilling): void {
    const rest = object.key.slice(this.prefix.length)
    let node = this.root
    let from = 0
    for (let depth = 0; ; depth++) {
      this.count(node, object.size, billing)
      if (depth === this.maxDepth) return
      const at = rest.indexOf(this.delimiter, from)
      if (at < 0) return
      from = at + this.delimiter.length
      const childPrefix = this.prefix + rest.slice(0, from)
      let child = node.children.get(childPrefix)
      if (!child) {
        if (this.nodes >= this.maxPrefixNodes) {
          node.truncated = true
          return
        }
        child = this.newNode(childPrefix)
        node.children.set(childPrefix, child)
        this.nodes++
      }
      node = child
    }
  }

  private count(node: PrefixNode, size: number, billing: ObjectBilling): void {
    node.objects++
    node.bytes += size
    addBilling(node.vector, billing)
    if (billing.monitored) node.monitored++
  }

  /** Folds one incomplete multipart upload in (its parts' total size): a line of its own, not in the class totals. */
  addUpload(upload: ScannedUpload): void {
    if (!Number.isFinite(upload.bytes) || upload.bytes < 0)
      throw new RangeError(`upload ${upload.uploadId} has an invalid size ${upload.bytes}`)
    this.uploads.uploads++
    this.uploads.bytes += upload.bytes
    if (this.uploads.oldestInitiatedMs === undefined || upload.initiatedMs < this.uploads.oldestInitiatedMs)
      this.uploads.oldestInitiatedMs = upload.initiatedMs
    if (this.uploads.kept.length < this.maxUploadsKept) this.uploads.kept.push(upload)
    this.uploadVector[rateIndexOfParts(upload.storageClass)]! += upload.bytes
    addUploadStorageTypeBytes(this.storageTypeBytes, upload.storageClass, upload.bytes)
  }
  private readonly uploadVector = newRateVector()
  private readonly storageTypeBytes: Record<string, number> = {}

  /** The scan stopped before the end (cancel, network): the summary says so. */
  markPartial(reason: string): void {
    this.partial = reason
  }

  /** Retained state, for the bounded-memory guarantee. */
  retained(): { prefixNodes: number; largest: number; uploadsKept: number } {
    return { prefixNodes: this.nodes, largest: this.top.items.length, uploadsKept: this.uploads.kept.length }
  }

  summary(): ScanSummary {
    const book = this.book
    const rates = averageRates(book, this.vector)
    const costOf = (vector: RateVector, monitored: number) =>
      vector.reduce((sum, bytes, i) => sum + bytes * rates[i]!, 0) + monitoringMonthlyUsd(book, monitored)
    const storage = priceRateVector(book, this.vector)
    const totalUsd = storage.totalUsd + monitoringMonthlyUsd(book, this.monitored)
    // A class's cost: its bytes at the average rates (so the classes add up to the total).
    const byClass = [...this.classes.entries()].map(([storageClass, stats]) => {
      let monthlyUsd: number | undefined
      const billing = objectBilling(book, storageClass, 0)
      if (billing.priced) {
        const classSlot = rateIndex(billing.rateKey!)
        const standardBytes = billing.standardBytes * stats.objects
        const classBytes = stats.billableBytes - standardBytes
        monthlyUsd =
          classBytes * rates[classSlot]! +
          standardBytes * rates[rateIndex('STANDARD')]! +
          monitoringMonthlyUsd(book, stats.monitoredObjects)
      }
      return {
        storageClass,
        noncurrentObjects: stats.noncurrentObjects,
        noncurrentBytes: stats.noncurrentBytes,
        objects: stats.objects,
        bytes: stats.bytes,
        billableBytes: stats.billableBytes,
        monthlyUsd,
        monitoredObjects: stats.monitoredObjects,
        withinMinimum: { ...stats.withinMinimum },
      }
    })
    byClass.sort((a, b) => (b.monthlyUsd ?? -1) - (a.monthlyUsd ?? -1) || b.bytes - a.bytes)
    const tree = (node: PrefixNode): PrefixCost => ({
      prefix: node.prefix,
      objects: node.objects,
      bytes: node.bytes,
      monthlyUsd: costOf(node.vector, node.monitored),
      truncated: node.truncated,
      children: [...node.children.values()].map(tree).sort((a, b) => b.monthlyUsd - a.monthlyUsd || (a.prefix < b.prefix ? -1 : 1)),
    })
    const largest = [...this.top.items]
      .sort((a, b) => b.size - a.size || (a.key < b.key ? -1 : 1))
      .map((o) => {
        const storageClass = o.storageClass ?? 'STANDARD'
        const v = newRateVector()
        const billing = addObject(book, v, storageClass, o.size, 1, o.itTier)
        return {
          key: o.key,
          ...(o.versionId ? { versionId: o.versionId } : {}),
          size: o.size,
          storageClass,
          lastModifiedMs: o.lastModifiedMs,
          monthlyUsd: billing.priced ? costOf(v, billing.monitored ? 1 : 0) : undefined,
        }
      })
    const uploadsUsd = priceRateVector(book, this.uploadVector).totalUsd
    return {
      prefix: this.prefix,
      nowMs: this.nowMs,
      prices: {
        date: book.date,
        sourceUrl: book.sourceUrl,
        region: book.region,
        pricedAs: book.pricedAs,
        ...(book.estimated ? { estimated: book.estimated } : {}),
        overridden: book.overridden,
      },
      ...(this.partial ? { partial: this.partial } : {}),
      totals: { objects: this.objects, bytes: this.bytes, monthlyUsd: totalUsd },
      versions: { ...this.versions },
      classes: byClass,
      incompleteUploads: {
        uploads: this.uploads.uploads,
        bytes: this.uploads.bytes,
        monthlyUsd: uploadsUsd,
        ...(this.uploads.oldestInitiatedMs === undefined ? {} : { oldestInitiatedMs: this.uploads.oldestInitiatedMs }),
        kept: [...this.uploads.kept],
      },
      storageTypeBytes: { ...this.storageTypeBytes },
      monitoredObjects: this.monitored,
      largest,
      tree: tree(this.root),
      limits: {
        topN: this.top.capacity,
        maxDepth: this.maxDepth,
        maxPrefixNodes: this.maxPrefixNodes,
        maxUploadsKept: this.maxUploadsKept,
      },
    }
  }
}

/** Parts are billed at their class's rate (STANDARD for archive and Intelligent-Tiering uploads, and for unpriced classes). */
function rateIndexOfParts(storageClass = 'STANDARD'): number {
  const billedAs = partsBilledAs(storageClass)
  return (RATE_KEYS as readonly string[]).includes(billedAs) ? rateIndex(billedAs as RateKey) : rateIndex('STANDARD')
}

/** The node for `prefix` in a summary's tree (drill-down), or undefined when the tree does not reach it. */
export function findPrefix(tree: PrefixCost, prefix: string): PrefixCost | undefined {
  if (tree.prefix === prefix) return tree
  for (const child of tree.children) if (prefix.startsWith(child.prefix)) return findPrefix(child, prefix)
  return undefined
}

/** The `n` most expensive prefixes `levels` below the tree's root (1 = its children), for the "where the money goes" list. */
export function topPrefixes(tree: PrefixCost, n: number, levels = 1): PrefixCost[] {
  let level = [tree]
  for (let l = 0; l < levels; l++) level = level.flatMap((node) => node.children)
  return [...level].sort((a, b) => b.monthlyUsd - a.monthlyUsd || (a.prefix < b.prefix ? -1 : 1)).slice(0, n)
}
