/**
 * Moving around the storage browser goes through the router, so the window's one history holds
 * storage places and other sections alike: back and forward (buttons, Alt+←/→) walk it all, and a
 * place opened from another view (a distribution's origin) is one more entry in it.
 */
import { computed } from 'vue'
import { isNavigationFailure, NavigationFailureType, useRouter } from 'vue-router'
import { parentPlace, storageLocation, type AppRouter } from '../router'
import { useStorageStore } from '../stores/storage'

export function useStorageNavigation() {
  const router = useRouter() as AppRouter
  const storage = useStorageStore()
  return {
    /** Opens a folder (or, without a bucket, the bucket list) as a new history entry; the place shown reloads. */
    go: async (bucket?: string, prefix = '') => {
      const failure = await router.push(storageLocation(bucket, prefix))
      if (isNavigationFailure(failure, NavigationFailureType.duplicated)) await storage.refresh()
    },
    /** The folder above, the bucket's top, then the bucket list. */
    up: async () => {
      const parent = parentPlace(storage.bucket, storage.prefix)
      if (parent) await router.push(storageLocation(parent.bucket, parent.prefix))
    },
    back: () => router.back(),
    forward: () => router.forward(),
    canGoBack: computed(() => router.appHistory.canGoBack.value),
    canGoForward: computed(() => router.appHistory.canGoForward.value),
  }
}
