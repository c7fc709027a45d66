/**
 * A grid's rows virtualized in their scroller (only the rows in view, plus a margin, exist in the DOM,
 * so 100,000 rows scroll like 100) with one focused row that the navigation keys move: arrows,
 * PageUp/PageDown (a screenful), Home/End. The grid adds its own keys and what a row does.
 */
import { useVirtualizer, type VirtualItem } from '@tanstack/vue-virtual'
import { computed, ref, watch } from 'vue'

export function useVirtualRows<Row>(options: {
  rows: () => readonly Row[]
  /** Keeps a row's DOM node while rows are added or removed around it. */
  key: (row: Row) => string
  /** Every row's height in pixels (the grid's CSS says the same). */
  rowHeight: number
}) {
  const { rows, key, rowHeight } = options
  const scroller = ref<HTMLElement>()
  const focused = ref(0)

  const virtualizer = useVirtualizer(
    computed(() => ({
      count: rows().length,
      getScrollElement: () => scroller.value ?? null,
      estimateSize: () => rowHeight,
      overscan: 12,
      getItemKey: (index: number) => {
        const row = rows()[index]
        return row ? key(row) : index
      },
    })),
  )
  /** The rows in view (plus overscan), each with its virtual position. */
  const visible = computed(() =>
    virtualizer.value.getVirtualItems().flatMap((item): Array<{ item: VirtualItem; row: Row }> => {
      const row = rows()[item.index]
      return row ? [{ item, row }] : []
    }),
  )
  const totalHeight = computed(() => virtualizer.value.getTotalSize())

  // Fewer rows than before: the focus stays on the last one.
  watch(rows, () => {
    if (focused.value >= rows().length) focused.value = Math.max(0, rows().length - 1)
  })

  /** Focus on the first row, scrolled to the top (another zone, another folder). */
  function toTop(): void {
    focused.value = 0
    scroller.value?.scrollTo({ top: 0 })
  }

  /** Focuses the row at `to` (kept within the rows) and scrolls it into view; returns it, or nothing when there are no rows. */
  function focusRow(to: number): Row | undefined {
    const index = Math.min(Math.max(to, 0), rows().length - 1)
    const row = rows()[index]
    if (!row) return undefined
    focused.value = index
    virtualizer.value.scrollToIndex(index, { align: 'auto' })
    return row
  }

  /** Where a navigation key moves the focus; undefined for any other key. */
  function targetOf(event: KeyboardEvent): number | undefined {
    const page = Math.max(1, Math.floor((scroller.value?.clientHeight ?? 300) / rowHeight) - 1)
    if (event.key === 'ArrowDown') return focused.value + 1
    if (event.key === 'ArrowUp') return focused.value - 1
    if (event.key === 'PageDown') return focused.value + page
    if (event.key === 'PageUp') return focused.value - page
    if (event.key === 'Home') return 0
    if (event.key === 'End') return rows().length - 1
    return undefined
  }

  return { scroller, focused, visible, totalHeight, toTop, focusRow, targetOf }
}
