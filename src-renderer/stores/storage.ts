/**
 * The storage browser's state: buckets of the active profile and the listing of one bucket prefix.
 * Offline-first: the last snapshot shows at once (marked with its age), then the live listing streams in
 * page by page and replaces it. A generation number tags every request so a late reply for a previous
 * profile or folder is dropped instead of mixing into the current view.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { BucketSummary, ObjectSummary } from '../../src-main/api/s3'
import { api, ApiCallError } from '../api'
import { useProfilesStore } from './profiles'

export interface ListingError {
  code: string
  message: string
  retryable: boolean
}

const toError = (error: unknown): ListingError =>
  error instanceof ApiCallError
    ? { code: error.code, message: error.message, retryable: error.retryable }
    : { code: 'internal', message: String(error), retryable: false }

const isCode = (error: unknown, code: string) => error instanceof ApiCallError && error.code === code

export const useStorageStore = defineStore('storage', () => {
  /** Buckets of the active profile. */
  const buckets = shallowRef<BucketSummary[]>([])
  const bucketsLoading = ref(false)
  const bucketsError = ref<ListingError | undefined>()
  /** The open bucket, or undefined at the bucket list. */
  const bucket = ref<string | undefined>()
  /** The open folder inside the bucket: '' or a prefix ending in '/'. */
  const prefix = ref('')
  /** Sub-folders (common prefixes) and objects at the open folder, in S3's order. */
  const folders = shallowRef<string[]>([])
  const objects = shallowRef<ObjectSummary[]>([])
  /** True until the last live page of the listing has arrived (or the attempt ended). */
  const listing = ref(false)
  const listingError = ref<ListingError | undefined>()
  /** When what is shown came from the offline snapshot: the time it was saved. Undefined when live. */
  const cachedAtMs = ref<number | undefined>()
  /** The profile is offline and nothing was cached for what the user asked. */
  const offlineEmpty = ref(false)

  let generation = 0
  let controller: AbortController | undefined

  function begin(): { mine: number; current: () => boolean; signal: AbortSignal } {
    const mine = ++generation
    controller?.abort()
    controller = new AbortController()
    const signal = controller.signal
    cachedAtMs.value = undefined
    offlineEmpty.value = false
    // Whatever was streaming belongs to the previous view now.
    listing.value = false
    return { mine, current: () => mine === generation, signal }
  }

  async function loadBuckets(): Promise<void> {
    const profileId = useProfilesStore().activeId
    const { current } = begin()
    bucket.value = undefined
    buckets.value = []
    bucketsError.value = undefined
    bucketsLoading.value = true
    const cached = await api.s3.listBuckets({ profileId, source: 'cache' }).catch(() => undefined)
    if (!current()) return
    if (cached) {
      buckets.value = cached.buckets
      cachedAtMs.value = cached.cachedAtMs
    }
    try {
      const live = await api.s3.listBuckets({ profileId })
      if (!current()) return
      buckets.value = live.buckets
      cachedAtMs.value = live.cachedAtMs
    } catch (error) {
      if (!current()) return
      if (isCode(error, 'offline') && cached) return // keep showing the snapshot, marked with its age
      if (isCode(error, 'offline')) offlineEmpty.value = true
      else bucketsError.value = toError(error)
    } finally {
      if (current()) bucketsLoading.value = false
    }
  }

  /** Opens a folder: its snapshot at once, then the live listing, one page of up to 1,000 at a time. */
  async function open(bucketName: string, folder = ''): Promise<void> {
    const profileId = useProfilesStore().activeId
    const { current, signal } = begin()
    bucket.value = bucketName
    prefix.value = folder
    folders.value = []
    objects.value = []
    listingError.value = undefined
    listing.value = true
    const request = { profileId, bucket: bucketName, prefix: folder, delimiter: '/' as const }
    const show = (pageFolders: string[], pageObjects: ObjectSummary[], replace: boolean) => {
      // The folder's own placeholder object ("photos/") is the folder itself, not a child.
      const children = pageObjects.filter((o) => o.key !== folder)
      folders.value = replace ? pageFolders : folders.value.concat(pageFolders)
      objects.value = replace ? children : objects.value.concat(children)
    }

    let cached = false
    let token: string | undefined
    do {
      const page = await api.s3.listObjects({ ...request, nextToken: token, source: 'cache' }).catch(() => undefined)
      if (!current()) return
      if (!page) break
      show(page.prefixes, page.objects, false)
      cachedAtMs.value ??= page.cachedAtMs
      cached = true
      token = page.nextToken
    } while (token)

    let first = true
    token = undefined
    try {
      do {
        const page = await api.s3.listObjects({ ...request, nextToken: token }, { signal })
        if (!current()) return
        // The first live page replaces the snapshot; later pages append.
        show(page.prefixes, page.objects, first)
        cachedAtMs.value = page.cachedAtMs
        first = false
        token = page.nextToken
      } while (token)
    } catch (error) {
      if (!current() || isCode(error, 'cancelled')) return
      if (isCode(error, 'offline') && cached) return
      if (isCode(error, 'offline') && first) offlineEmpty.value = true
      else listingError.value = toError(error)
    } finally {
      if (current()) listing.value = false
    }
  }

  function up(): Promise<void> {
    if (!bucket.value) return Promise.resolve()
    if (!prefix.value) return loadBuckets()
    const parts = prefix.value.slice(0, -1).split('/')
    parts.pop()
    return open(bucket.value, parts.length ? `${parts.join('/')}/` : '')
  }

  function refresh(): Promise<void> {
    return bucket.value ? open(bucket.value, prefix.value) : loadBuckets()
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
    loadBuckets,
    open,
    up,
    refresh,
  }
})
