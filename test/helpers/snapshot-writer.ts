/**
 * Child process for the snapshot crash test: writes ever newer versions of a few large snapshots as fast
 * as it can, until the parent kills it with SIGKILL. Each value carries its version and a checksum-like
 * payload so the parent can tell a whole snapshot from a torn one.
 */
import { SnapshotStore } from '../../src-main/offline/snapshot-store'

const dir = process.argv[2]!
const store = await SnapshotStore.open({ dir, maxBytes: 1024 * 1024 * 1024 })
process.send?.('started')
for (let version = 1; ; version++) {
  const items = Array.from({ length: 5_000 }, (_, i) => `object-${version}-${i}`)
  await Promise.all(['buckets', 'objects\nsite\n', 'objects\nsite\nblog/'].map((key) => store.put('sandbox', key, { version, items })))
}
