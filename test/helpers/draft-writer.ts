/**
 * Child process for the draft crash test: saves ever newer versions of one zone's draft as fast as it
 * can, until the parent kills it with SIGKILL. Every edit of a version names that version, so the
 * parent can tell a whole draft from a torn or mixed one.
 */
import { DraftStore } from '../../src-main/route53/drafts'

const dir = process.argv[2]!
const store = new DraftStore({ dir })
for (let version = 1; ; version++) {
  const edits = Array.from({ length: 2_000 }, (_, i) => ({
    kind: 'create' as const,
    after: {
      Name: `v${version}-${i}.haneul-demo.example.`,
      Type: 'TXT' as const,
      TTL: 60,
      ResourceRecords: [{ Value: `"version ${version}"` }],
    },
  }))
  await store.save('sandbox', 'Z0HANEULDEMO0001', edits)
  // Killed from now on, it is always in the middle of replacing a whole draft.
  if (version === 1) process.send?.('started')
}
