/** A clock for "5 minutes ago" labels: one shared timer, ticking every 15 seconds while anything uses it. */
import { onScopeDispose, ref, type Ref } from 'vue'

const now = ref(Date.now())
let users = 0
let timer: ReturnType<typeof setInterval> | undefined

export function useNow(): Ref<number> {
  if (users++ === 0) timer = setInterval(() => (now.value = Date.now()), 15_000)
  onScopeDispose(() => {
    if (--users === 0 && timer) clearInterval(timer)
  })
  now.value = Date.now()
  return now
}
