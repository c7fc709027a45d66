/**
 * The storage browser's state: buckets of the active profile, the open folder's listing, selection,
 * sort and filter. Where to be is the router's business (back and forward are the window's history);
 * the store shows the place it is asked to. Offline-first: the last snapshot shows at once (with its age),
 * then the live listing streams in page by page and replaces it. A generation number tags every request
 * so a late reply for a previous profile or folder is dropped instead of mixing into the current view.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import type { BucketSummary, ObjectSummary } from '../../src-main/api/s3'
import { api, ApiCallError, isCode, messageOf } from '../api'
import { useProfilesStore } from './profiles'
import { arrangeRows, buildRows, compareKeys, firstAfter, folderRow, objectRow, type Row, type Sort } from './rows'

export interface ListingError {
  code: string
  message: string
  retryable: boolean
}

export interface Place {
  bucket?: string
  prefix: string
}

export const toError = (error: unknown): ListingError =>
  error instanceof ApiCallError
    ? { code: error.code, message: error.message, retryable: error.retryable }
    : { code: 'internal', message: messageOf(error), retryable: false }

export const useStorageStore = defineStore('storage', () => {
  /** Buckets of the active profile. */
  const buckets = shallowRef<BucketSummary[]>([])
  const bucketsLoading = ref(false)
  const bucketsError = ref<ListingError | undefined>()
  /** The open bucket, or undefined at the bucket list. */
  const bucket = ref<string | undefined>()
  /** The open folder inside the bucket: '' or a prefix ending in '/'. */
  const prefix = ref('')
  /** Sub-folders (common prefixes) and objects at the open folder, in S3's order. Appended in place. */
  const folders = shallowRef<string[]>([])
  const objects = shallowRef<ObjectSummary[]>([])
  /** The same listing as table rows, built once per page as it arrives. */
  const folderRows = shallowRef<Row[]>([])
  const objectRows = shallowRef<Row[]>([])
  /** True until the last live page of the listing has arrived (or the attempt ended). */
  const listing = ref(false)
  const listingError = ref<ListingError | undefined>()
  /** When what is shown came from the offline snapshot: the time it was saved. Undefined when live. */
  const cachedAtMs = ref<number | undefined>()
  /** The profile is offline and nothing was cached for what the user asked. */
  const offlineEmpty = ref(false)
  /** Time from opening the folder to its first rows and to the last page, for the status line. */
  const timings = ref<{ firstRowsMs?: number; completeMs?: number }>({})

  /** Name filter (this folder's loaded rows) and sort order. */
  const filter = ref('')
  const sort = ref<Sort>({ key: 'name', descending: false })
  /** Selected row ids ('p:' + prefix or 'o:' + key), and the anchor for shift-selection. */
  const selection = ref(new Set<string>())
  const anchor = ref<string | undefined>()

  /** Deep search under the open folder; while set, the table shows its results instead of the folder. */
  const search = ref<{
    query: string
    objects: ObjectSummary[]
    scanned: number
    stoppedAt?: 'max-results' | 'max-scanned'
    running: boolean
  }>()

  /** The profile whose data is shown. */
  let shownFor: string | undefined

  const rows = computed<Row[]>(() =>
    search.value
      ? buildRows([], search.value.objects, prefix.value, filter.value, sort.value)
      : arrangeRows(folderRows.value, objectRows.value, filter.value, sort.value),
  )
  const selectedRows = computed(() => rows.value.filter((row) => selection.value.has(row.id)))

  let generation = 0
  let controller: AbortController | undefined

  /**
   * Starts a new request generation. `keep` is a refresh of what is shown: rows, selection, filter and
   * the snapshot note stay until the new data arrives.
   */
  function begin(keep = false): { current: () => boolean; signal: AbortSignal } {
    const mine = ++generation
    controller?.abort()
    controller = new AbortController()
    const signal = controller.signal
    // Whatever was streaming belongs to the previous view now.
    listing.value = false
    search.value = undefined
    if (!keep) {
      cachedAtMs.value = undefined
      offlineEmpty.value = false
      selection.value = new Set()
      anchor.value = undefined
    }
    return { current: () => mine === generation, signal }
  }

  /** The bucket list: its snapshot at once, then the live list. */
  function loadBuckets(): Promise<void> {
    return listBuckets(false)
  }

  async function listBuckets(keep: boolean): Promise<void> {
    const profileId = useProfilesStore().activeId
    shownFor = profileId
    const { current } = begin(keep)
    bucket.value = undefined
    prefix.value = ''
    bucketsError.value = undefined
    bucketsLoading.value = true
    let cached: Awaited<ReturnType<typeof api.s3.listBuckets>> | undefined
    if (!keep) {
      filter.value = ''
      buckets.value = []
      cached = await api.s3.listBuckets({ profileId, source: 'cache' }).catch(() => undefined)
      if (!current()) return
      if (cached) {
        buckets.value = cached.buckets
        cachedAtMs.value = cached.cachedAtMs
      }
    }
    try {
      const live = await api.s3.listBuckets({ profileId })
      if (!current()) return
      buckets.value = live.buckets
      cachedAtMs.value = live.cachedAtMs
      offlineEmpty.value = false
    } catch (error) {
      if (!current()) return
      // Offline: whatever is shown stays (a snapshot keeps its age note); with nothing shown, say so.
      if (isCode(error, 'offline') && (cached || keep)) return
      if (isCode(error, 'offline')) offlineEmpty.value = true
      else bucketsError.value = toError(error)
    } finally {
      if (current()) bucketsLoading.value = false
    }
  }

  /** Opens a folder: its snapshot at once, then the live listing, one page of up to 1,000 at a time. */
  function open(bucketName: string, folder = ''): Promise<void> {
    return list(bucketName, folder, false)
  }

  /**
   * Shows the place the router names. Coming back to the place already shown (for the same profile)
   * refreshes it in place instead of starting from an empty table.
   */
  function show(place: Place): Promise<void> {
    const here = shownFor === useProfilesStore().activeId && bucket.value === place.bucket && prefix.value === place.prefix
    if (here) return refresh()
    return place.bucket ? open(place.bucket, place.prefix) : loadBuckets()
  }

  /**
   * Lists a folder. A refresh (`keep`) skips the snapshot and keeps the rows on screen: each live page
   * replaces the old rows it covers (S3 lists in key order, so a page covers every name up to its last
   * one) and the old rows after it stay until their page arrives. The table never empties, its length
   * barely moves (so the scroll position holds), and selected rows that still exist stay selected.
   */
  async function list(bucketName: string, folder: string, keep: boolean): Promise<void> {
    const profileId = useProfilesStore().activeId
    shownFor = profileId
    const { current, signal } = begin(keep)
    const started = performance.now()
    bucket.value = bucketName
    prefix.value = folder
    listingError.value = undefined
    timings.value = {}
    listing.value = true
    const old = { folders: folders.value, objects: objects.value, folderRows: folderRows.value, objectRows: objectRows.value }
    if (!keep) {
      filter.value = ''
      folders.value = []
      objects.value = []
      folderRows.value = []
      objectRows.value = []
    }
    const request = { profileId, bucket: bucketName, prefix: folder, delimiter: '/' as const }
    // What the live pages of a refresh have listed so far, and the ids of their rows.
    const fresh = { folders: [] as string[], objects: [] as ObjectSummary[], folderRows: [] as Row[], objectRows: [] as Row[] }
    const freshIds = new Set<string>()
    const firstRows = () => {
      if (timings.value.firstRowsMs === undefined && folders.value.length + objects.value.length > 0) {
        timings.value = { firstRowsMs: performance.now() - started }
      }
    }
    const show = (pageFolders: string[], pageObjects: ObjectSummary[], replace: boolean) => {
      // The folder's own placeholder object ("photos/") is the folder itself, not a child.
      const children = pageObjects.filter((o) => o.key !== folder)
      const newFolderRows = pageFolders.map((p) => folderRow(p, folder))
      const newObjectRows = children.map((o) => objectRow(o, folder))
      if (replace) {
        folders.value = pageFolders.slice()
        objects.value = children
        folderRows.value = newFolderRows
        objectRows.value = newObjectRows
      } else {
        // Append in place: copying 100,000 rows on every page would make streaming quadratic.
        folders.value.push(...pageFolders)
        objects.value.push(...children)
        folderRows.value.push(...newFolderRows)
        objectRows.value.push(...newObjectRows)
        for (const grown of [folders, objects, folderRows, objectRows] as const) triggerRef(grown)
      }
      firstRows()
    }
    /** A refresh's page: fresh rows so far, then the old rows after the last name this page listed. */
    const merge = (pageFolders: string[], pageObjects: ObjectSummary[], last: boolean) => {
      const children = pageObjects.filter((o) => o.key !== folder)
      fresh.folders.push(...pageFolders)
      fresh.objects.push(...children)
      const newFolderRows = pageFolders.map((p) => folderRow(p, folder))
      const newObjectRows = children.map((o) => objectRow(o, folder))
      fresh.folderRows.push(...newFolderRows)
      fresh.objectRows.push(...newObjectRows)
      for (const row of [...newFolderRows, ...newObjectRows]) freshIds.add(row.id)
      const names = [...pageFolders, ...pageObjects.map((o) => o.key)]
      const covered = names.reduce<string | undefined>(
        (max, name) => (max === undefined || compareKeys(name, max) > 0 ? name : max),
        undefined,
      )
      const isCovered = (name: string) => last || (covered !== undefined && compareKeys(name, covered) <= 0)
      const keptFolders = last ? 0 : firstAfter(old.folders, (p) => !isCovered(p))
      const keptObjects = last ? 0 : firstAfter(old.objects, (o) => !isCovered(o.key))
      folders.value = fresh.folders.concat(last ? [] : old.folders.slice(keptFolders))
      objects.value = fresh.objects.concat(last ? [] : old.objects.slice(keptObjects))
      folderRows.value = fresh.folderRows.concat(last ? [] : old.folderRows.slice(keptFolders))
      objectRows.value = fresh.objectRows.concat(last ? [] : old.objectRows.slice(keptObjects))
      // A selected row the listing has passed without seeing it is gone; the others stay selected.
      if (selection.value.size > 0) {
        const nameOf = (id: string) => id.slice(2)
        const kept = [...selection.value].filter((id) => freshIds.has(id) || !isCovered(nameOf(id)))
        if (kept.length !== selection.value.size) {
          selection.value = new Set(kept)
          if (anchor.value && !selection.value.has(anchor.value)) anchor.value = undefined
        }
      }
      firstRows()
    }

    let cached = false
    let token: string | undefined
    if (!keep) {
      do {
        const page = await api.s3.listObjects({ ...request, nextToken: token, source: 'cache' }).catch(() => undefined)
        if (!current()) return
        if (!page) break
        show(page.prefixes, page.objects, !cached)
        cachedAtMs.value ??= page.cachedAtMs
        cached = true
        token = page.nextToken
      } while (token)
    }

    let first = true
    token = undefined
    try {
      do {
        const page = await api.s3.listObjects({ ...request, nextToken: token }, { signal })
        if (!current()) return
        // The first live page replaces the snapshot; later pages append. A refresh merges instead.
        if (keep) merge(page.prefixes, page.objects, !page.nextToken)
        else show(page.prefixes, page.objects, first)
        cachedAtMs.value = page.cachedAtMs
        offlineEmpty.value = false
        first = false
        token = page.nextToken
      } while (token)
      timings.value = { ...timings.value, completeMs: performance.now() - started }
    } catch (error) {
      if (!current() || isCode(error, 'cancelled')) return
      // Offline before any live page: what is shown stays, marked with its age (or nothing was cached).
      if (isCode(error, 'offline') && first) {
        if (!cached && !keep) offlineEmpty.value = true
        return
      }
      // Any other failure, or the network going away partway, says the listing is incomplete.
      listingError.value = toError(error)
    } finally {
      if (current()) listing.value = false
    }
  }

  /** Reloads what is shown, keeping it on screen until the new data arrives (after a job, say). */
  function refresh(): Promise<void> {
    return bucket.value ? list(bucket.value, prefix.value, true) : listBuckets(true)
  }

  /** Click selects one; Ctrl/Cmd toggles; Shift extends from the anchor, as in a file manager. */
  function select(id: string, mode: 'single' | 'toggle' | 'range' = 'single'): void {
    const next = new Set(mode === 'single' ? [] : selection.value)
    if (mode === 'range' && anchor.value) {
      const ids = rows.value.map((row) => row.id)
      const [from, to] = [ids.indexOf(anchor.value), ids.indexOf(id)].sort((a, b) => a - b)
      if (from! >= 0) for (const rowId of ids.slice(from, to! + 1)) next.add(rowId)
    } else if (mode === 'toggle' && next.has(id)) {
      next.delete(id)
    } else {
      next.add(id)
    }
    if (mode !== 'range') anchor.value = id
    selection.value = next
  }

  function selectAll(): void {
    selection.value = new Set(rows.value.map((row) => row.id))
  }

  function clearSelection(): void {
    selection.value = new Set()
  }

  /** Searches keys under the open folder whose name contains the query (bounded; main says where it stopped). */
  async function deepSearch(query: string): Promise<void> {
    if (!bucket.value) return
    const { current, signal } = begin()
    search.value = { query, objects: [], scanned: 0, running: true }
    try {
      const result = await api.s3.searchObjects(
        { profileId: useProfilesStore().activeId, bucket: bucket.value, prefix: prefix.value, query },
        { signal },
      )
      if (current()) search.value = { query, ...result, running: false }
    } catch (error) {
      if (!current()) return
      search.value = undefined
      if (!isCode(error, 'cancelled')) listingError.value = toError(error)
    }
  }

  /** Back to the folder: reloaded, since starting the search stopped its listing. */
  function clearSearch(): Promise<void> {
    return refresh()
  }

  function sortBy(key: Sort['key']): void {
    sort.value = sort.value.key === key ? { key, descending: !sort.value.descending } : { key, descending: false }
  }

  return {
    buckets,
    bucketsLoading,
    bucketsError,
    bucket,
    prefix,
    folders,
    objects,
    listing,
    listingError,
    cachedAtMs,
    offlineEmpty,
    timings,
    filter,
    sort,
    selection,
    rows,
    selectedRows,
    search,
    deepSearch,
    clearSearch,
    loadBuckets,
    open,
    show,
    refresh,
    select,
    selectAll,
    clearSelection,
    sortBy,
  }
})
