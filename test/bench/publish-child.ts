/**
 * One Haneul publish in its own process (bundled by publish.ts), as the app runs it: the folder's plan
 * (listing + local MD5s), uploads through the transfer engine with its defaults, one invalidation through
 * the CloudFront module, followed to Completed. Prints {"planMs","totalMs","uploaded","invalidated"}.
 */
import http from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { CloudFrontClient } from '@aws-sdk/client-cloudfront'
import { S3Client } from '@aws-sdk/client-s3'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import type { PublishPlan, PublishView } from '../../src-main/api/publish'
import { createCloudFrontModule } from '../../src-main/cloudfront/index'
import { Watchers } from '../../src-main/jobs/watchers'
import { ConnectivityMonitor } from '../../src-main/offline/connectivity'
import { OfflineFirst } from '../../src-main/offline/offline-first'
import { SnapshotStore } from '../../src-main/offline/snapshot-store'
import { createPublishModule } from '../../src-main/site/publish/handlers'
import { TransferEngine } from '../../src-main/transfers/index'

interface PublishJob {
  s3Endpoint: string
  cloudfrontEndpoint: string
  credentials: { accessKeyId: string; secretAccessKey: string }
  bucket: string
  originPath: string
  distributionId: string
  folder: string
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as PublishJob
  const started = performance.now()
  // As the app's AwsClients builds them: keep-alive, 64 sockets per profile.
  const requestHandler = new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }) })
  const common = { region: 'us-east-1', credentials: job.credentials, requestHandler }
  const s3 = new S3Client({ ...common, endpoint: job.s3Endpoint, forcePathStyle: true })
  const cloudfront = new CloudFrontClient({ ...common, endpoint: job.cloudfrontEndpoint })
  const dataDir = await mkdtemp(path.join(tmpdir(), 'haneul-bench-publish-'))
  const snapshots = await SnapshotStore.open({ dir: path.join(dataDir, 'snapshots'), maxBytes: 64 << 20 })
  const connectivity = new ConnectivityMonitor({ probe: async () => 'online', onChange: () => {} })
  const watchers = new Watchers({ emit: () => {} })
  const cf = await createCloudFrontModule({
    clients: { client: (async () => cloudfront) as never },
    offline: new OfflineFirst(snapshots, connectivity, 'cloudfront'),
    cloudwatchOffline: new OfflineFirst(snapshots, connectivity, 'cloudwatch'),
    watchers,
    emit: () => {},
    notify: () => {},
    dataDir,
  })
  const engine = new TransferEngine({ clients: { s3: async () => s3 }, journalDir: path.join(dataDir, 'transfers') })
  let finished: (view: PublishView) => void = () => {}
  const done = new Promise<PublishView>((resolve) => (finished = resolve))
  const publish = await createPublishModule({
    dataDir,
    s3: async () => s3,
    s3Offline: new OfflineFirst(snapshots, connectivity, 's3'),
    engine,
    cloudfront: cf.handlers,
    chooseFiles: async () => [job.folder],
    emit: (event) => {
      if (event.type === 'publish.changed' && ['completed', 'interrupted', 'failed'].includes(event.publish.state)) finished(event.publish)
    },
    notify: () => {},
    // The app's own poll delays (1 s, 2 s, 4 s …): the follow-up requests are the ones the app would send.
  })
  // The app's poll and watch timers do not hold a process open (Electron's main does); this one must wait for them.
  const keepAlive = setInterval(() => {}, 60_000)
  const ctx = { senderUrl: 'bench', signal: new AbortController().signal }
  const { folderId } = await publish.handlers.chooseFolder({}, ctx)
  const plan: PublishPlan = await publish.handlers.plan(
    {
      profileId: 'bench',
      bucket: job.bucket,
      originPath: job.originPath,
      folderId: folderId!,
      distributionId: job.distributionId,
      deletions: false,
    },
    ctx,
  )
  const planMs = performance.now() - started
  await publish.handlers.start({ planId: plan.planId }, ctx)
  const view = await done
  clearInterval(keepAlive)
  const totalMs = performance.now() - started
  if (view.state !== 'completed') throw new Error(`publish ended ${view.state}: ${view.message}`)
  process.stdout.write(
    `${JSON.stringify({ planMs, totalMs, uploaded: view.uploadsDone, invalidated: view.invalidation?.paths ?? [], counts: plan.counts })}\n`,
  )
  await publish.close?.()
  await engine.close()
  await cf.close?.()
  watchers.close()
  connectivity.close()
  await snapshots.flush()
  await rm(dataDir, { recursive: true, force: true })
  process.exit(0)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
