/**
 * The demo story's pipelines: `site-release` (V2, SUPERSEDED) ships the `haneul-demo.example` site, and
 * `docs-build` (V1) publishes its docs. Their 30 days of history are not written by hand: commits are
 * pushed into the repositories, scripted reviewers and operators answer approvals, stop and retry runs,
 * and the real engine runs it all on simulated time. So the history, the action executions and the
 * current state agree by construction, and the same seed gives the same sandbox on every machine.
 */
import { createHash } from 'node:crypto'
import { SANDBOX_ACCOUNT_ID } from '../credentials'
import { DEMO_DISTRIBUTION_ID, SITE_BUCKET } from '../seed'
import type { PipelineEngine } from './engine'
import type { PipelineDeclaration, SourceRevisionRecord } from './model'

export const SITE_PIPELINE = 'site-release'
export const DOCS_PIPELINE = 'docs-build'
export const SITE_REPOSITORY = 'haneul-demo/haneul-demo-site'
export const CONNECTION_ARN = `arn:aws:codestar-connections:us-east-1:${SANDBOX_ACCOUNT_ID}:connection/4f0c2a71-9d3e-4b8a-a6c1-2e57d9b0c8f3`
const REVIEWER_ARN = `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:user/seo-yeon.lee`
const OPERATOR_ARN = `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:user/min-jun.choi`
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const sourceAction = (provider: 'CodeStarSourceConnection' | 'S3') => ({
  category: 'Source' as const,
  owner: 'AWS' as const,
  provider,
  version: '1',
})

export const siteReleaseDeclaration: PipelineDeclaration = {
  name: SITE_PIPELINE,
  roleArn: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/service-role/AWSCodePipelineServiceRole-us-east-1-site-release`,
  artifactStore: { type: 'S3', location: `codepipeline-us-east-1-${SANDBOX_ACCOUNT_ID}` },
  version: 3,
  pipelineType: 'V2',
  executionMode: 'SUPERSEDED',
  variables: [{ name: 'RELEASE_CHANNEL', defaultValue: 'stable', description: 'Release channel the build stamps into the site footer' }],
  triggers: [
    {
      providerType: 'CodeStarSourceConnection',
      gitConfiguration: { sourceActionName: 'Source', push: [{ branches: { includes: ['main'] } }] },
    },
  ],
  stages: [
    {
      name: 'Source',
      actions: [
        {
          name: 'Source',
          actionTypeId: sourceAction('CodeStarSourceConnection'),
          runOrder: 1,
          configuration: {
            ConnectionArn: CONNECTION_ARN,
            FullRepositoryId: SITE_REPOSITORY,
            BranchName: 'main',
            OutputArtifactFormat: 'CODE_ZIP',
            DetectChanges: 'false',
          },
          outputArtifacts: [{ name: 'SourceArtifact' }],
          namespace: 'SourceVariables',
          region: 'us-east-1',
        },
      ],
    },
    {
      name: 'Build',
      actions: [
        {
          name: 'Build',
          actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
          runOrder: 1,
          configuration: {
            ProjectName: 'haneul-site-build',
            EnvironmentVariables: '[{"name":"RELEASE_CHANNEL","value":"#{variables.RELEASE_CHANNEL}","type":"PLAINTEXT"}]',
          },
          inputArtifacts: [{ name: 'SourceArtifact' }],
          outputArtifacts: [{ name: 'BuildArtifact' }],
          namespace: 'BuildVariables',
          region: 'us-east-1',
        },
      ],
    },
    {
      name: 'Staging',
      actions: [
        {
          name: 'DeployToStaging',
          actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'S3', version: '1' },
          runOrder: 1,
          configuration: { BucketName: SITE_BUCKET, Extract: 'true', ObjectKey: 'staging', CacheControl: 'max-age=60' },
          inputArtifacts: [{ name: 'BuildArtifact' }],
          region: 'us-east-1',
        },
      ],
    },
    {
      name: 'Approval',
      actions: [
        {
          name: 'ReviewStaging',
          actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
          runOrder: 1,
          configuration: {
            CustomData: 'Check the staging site (staging/ in the site bucket) before it goes live.',
            ExternalEntityLink: 'https://staging.haneul-demo.example/',
          },
        },
      ],
    },
    {
      name: 'Production',
      actions: [
        {
          name: 'DeployToSite',
          actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'S3', version: '1' },
          runOrder: 1,
          configuration: { BucketName: SITE_BUCKET, Extract: 'true', CacheControl: 'max-age=300' },
          inputArtifacts: [{ name: 'BuildArtifact' }],
          region: 'us-east-1',
        },
        {
          name: 'InvalidateCache',
          actionTypeId: { category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' },
          runOrder: 2,
          configuration: {
            FunctionName: 'haneul-invalidate-distribution',
            UserParameters: JSON.stringify({ distributionId: DEMO_DISTRIBUTION_ID, paths: ['/*'] }),
          },
          region: 'us-east-1',
        },
      ],
    },
  ],
}

export const docsBuildDeclaration: PipelineDeclaration = {
  name: DOCS_PIPELINE,
  roleArn: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/service-role/AWSCodePipelineServiceRole-us-east-1-docs-build`,
  artifactStore: { type: 'S3', location: `codepipeline-us-east-1-${SANDBOX_ACCOUNT_ID}` },
  version: 1,
  pipelineType: 'V1',
  executionMode: 'SUPERSEDED',
  stages: [
    {
      name: 'Source',
      actions: [
        {
          name: 'DocsSource',
          actionTypeId: sourceAction('S3'),
          runOrder: 1,
          configuration: { S3Bucket: SITE_BUCKET, S3ObjectKey: 'source/docs.zip', PollForSourceChanges: 'false' },
          outputArtifacts: [{ name: 'DocsSource' }],
        },
      ],
    },
    {
      name: 'Build',
      actions: [
        {
          name: 'BuildDocs',
          actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
          runOrder: 1,
          configuration: { ProjectName: 'haneul-docs-build' },
          inputArtifacts: [{ name: 'DocsSource' }],
          outputArtifacts: [{ name: 'DocsSite' }],
        },
      ],
    },
    {
      name: 'Deploy',
      actions: [
        {
          name: 'PublishDocs',
          actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'S3', version: '1' },
          runOrder: 1,
          configuration: { BucketName: SITE_BUCKET, Extract: 'true', ObjectKey: 'docs' },
          inputArtifacts: [{ name: 'DocsSite' }],
        },
      ],
    },
  ],
}

const AUTHORS = ['Kim Ha-neul', 'Park Ji-woo', 'Lee Seo-yeon', 'Choi Min-jun', 'Jung Da-eun', 'Alex Morgan']
const MESSAGES = [
  'Fix broken link in the pipelines post',
  '소개 페이지 번역 수정',
  'Tighten Cache-Control on HTML pages',
  'Add the March blog posts',
  'Compress hero images (WebP)',
  'Update footer copyright',
  'Add Open Graph tags to posts',
  '검색 페이지 오타 수정',
  'Move fonts to the assets/ prefix',
  'Bump the build image to Node 24',
  'Add the storage-classes explainer',
  'Fix dark-mode contrast on code blocks',
  'Redirect /blog/feed to /feed.xml',
  'Lazy-load post thumbnails',
  '메인 화면 문구 다듬기',
  'Add sitemap.xml generation',
  'Remove the old analytics snippet',
  'Add 404 page illustrations',
  'Fix NFD file names in the gallery',
  'Split CSS per page',
]

/** A small seeded generator (mulberry32), independent of the engine's. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex')

interface PlannedCommit extends SourceRevisionRecord {
  /** What the on-call does with this run, if anything. */
  operator?: 'stop' | 'abandon'
}

/** About 60 commits over 30 days, some in quick bursts; the last one 40 minutes ago. */
function siteCommits(nowMs: number, rand: () => number): PlannedCommit[] {
  const commits: PlannedCommit[] = []
  // Relative to now, not to calendar days, so the story is the same whenever the sandbox starts.
  const firstDay = nowMs - 30 * DAY
  let index = 0
  for (let day = 0; day < 30; day++) {
    const count = [1, 1, 2, 3, 3][Math.floor(rand() * 5)]!
    let atMs = firstDay + day * DAY + rand() * 3 * HOUR
    for (let n = 0; n < count; n++) {
      // Three-commit days come in a burst: the follow-ups land while the first waits for review, and
      // the third overtakes the second (SUPERSEDED). Other days spread out.
      atMs += n === 0 ? 0 : count === 3 ? (12 + rand() * 15) * MINUTE : (2 + rand() * 4) * HOUR
      if (atMs > nowMs - 20 * HOUR) break
      index++
      const id = sha1(`haneul-site:${index}`)
      const roll = rand()
      commits.push({
        revisionId: id,
        message: MESSAGES[Math.floor(rand() * MESSAGES.length)]!,
        author: AUTHORS[Math.floor(rand() * AUTHORS.length)]!,
        createdMs: Math.round(atMs),
        url: `https://github.com/${SITE_REPOSITORY}/commit/${id}`,
        operator: roll < 0.05 ? 'stop' : roll < 0.09 ? 'abandon' : undefined,
      })
    }
  }
  const last = sha1('haneul-site:last')
  commits.push({
    revisionId: last,
    message: 'Add the pipelines timeline post',
    author: 'Kim Ha-neul',
    createdMs: nowMs - 40 * MINUTE,
    url: `https://github.com/${SITE_REPOSITORY}/commit/${last}`,
  })
  return commits
}

export interface SeedReport {
  executions: Record<string, number>
  statuses: Record<string, Record<string, number>>
  actionRuns: number
}

/**
 * Adds both pipelines to a fresh engine whose clock starts 31 days before `nowMs`, runs their history up to
 * `nowMs`, then switches to `liveSpeed`. Leaves one `site-release` execution waiting at Approval.
 */
export function seedPipelines(engine: PipelineEngine, nowMs: number, liveSpeed: number): SeedReport {
  const rand = random(20261203)
  engine.speed = 1
  const commits = siteCommits(nowMs, rand)
  engine.addPipeline(siteReleaseDeclaration, { Source: commits })
  const docsVersions: SourceRevisionRecord[] = []
  for (let n = 0; n < 14; n++) {
    const atMs = nowMs - (29 - n * 2 - rand()) * DAY
    docsVersions.push({
      revisionId: sha1(`haneul-docs:${n}`).slice(0, 32),
      message: `Uploaded by ${AUTHORS[n % AUTHORS.length]}: docs.zip`,
      author: AUTHORS[n % AUTHORS.length]!,
      createdMs: Math.round(atMs),
    })
  }
  engine.addPipeline(docsBuildDeclaration, { DocsSource: docsVersions })

  const plans = new Map(commits.map((c) => [c.revisionId, c]))
  engine.onApprovalWaiting = (pipeline, run) => {
    if (pipeline.declaration.name !== SITE_PIPELINE || run.startMs > nowMs - 6 * HOUR) return
    const delayMs = (20 + rand() * 220) * MINUTE
    const reject = rand() < 0.12
    const token = run.token!
    engine.at(run.startMs + delayMs, () => {
      engine.putApprovalResult(
        SITE_PIPELINE,
        run.stageName,
        run.actionName,
        token,
        reject
          ? { status: 'Rejected', summary: 'Staging shows the old navigation; please rebase on main.' }
          : { status: 'Approved', summary: 'Looks good on staging.' },
        REVIEWER_ARN,
      )
    })
  }
  engine.onExecutionStarted = (pipeline, execution) => {
    const plan = plans.get(execution.sourceRequests.Source ?? '')
    if (pipeline.declaration.name !== SITE_PIPELINE || !plan) return
    if (plan.operator) {
      engine.at(execution.startMs + 90_000, () => {
        if (execution.status !== 'InProgress') return
        engine.stop(SITE_PIPELINE, execution.pipelineExecutionId, {
          abandon: plan.operator === 'abandon',
          reason: plan.operator === 'abandon' ? 'Wrong branch merged; abandoning the build.' : 'Holding releases during the CDN migration.',
        })
      })
    }
    // A flaky build is retried once by the on-call, half an hour later, if nothing newer got there first.
    engine.at(execution.startMs + 30 * MINUTE, () => {
      if (execution.status !== 'Failed' || execution.stages.Build?.status !== 'Failed' || rand() < 0.5) return
      try {
        engine.retry(SITE_PIPELINE, 'Build', execution.pipelineExecutionId, 'FAILED_ACTIONS')
      } catch {
        // NotLatest or not retryable: the on-call lets it be.
      }
    })
  }

  for (const commit of commits) {
    engine.at(commit.createdMs + 20_000, () =>
      engine.start(SITE_PIPELINE, {
        trigger: { triggerType: 'WebhookV2', triggerDetail: CONNECTION_ARN },
        sourceRevisions: { Source: commit.revisionId },
      }),
    )
  }
  for (const version of docsVersions) {
    engine.at(version.createdMs + 60_000, () =>
      engine.start(DOCS_PIPELINE, {
        trigger: {
          triggerType: 'CloudWatchEvent',
          triggerDetail: `arn:aws:events:us-east-1:${SANDBOX_ACCOUNT_ID}:rule/codepipeline-docs-build-rule`,
        },
        sourceRevisions: { DocsSource: version.revisionId },
      }),
    )
  }
  // A bad release went out 8 days ago: the on-call rolled Production back to the release before it.
  engine.at(nowMs - 8 * DAY, () => {
    const deployed = engine.pipeline(SITE_PIPELINE).executions.filter((e) => e.stages.Production?.status === 'Succeeded')
    const target = deployed.at(-2)
    if (!target) return
    try {
      engine.rollback(SITE_PIPELINE, 'Production', target.pipelineExecutionId, {
        triggerType: 'ManualRollback',
        triggerDetail: OPERATOR_ARN,
      })
    } catch {
      // Production busy at that moment: no rollback in this story.
    }
  })
  engine.at(nowMs - 10 * DAY, () =>
    engine.setTransition(DOCS_PIPELINE, 'Deploy', 'Inbound', false, OPERATOR_ARN, 'Docs freeze until the v2 launch'),
  )

  engine.runUntil(nowMs)
  engine.onApprovalWaiting = undefined
  engine.onExecutionStarted = undefined
  engine.speed = liveSpeed

  const report: SeedReport = { executions: {}, statuses: {}, actionRuns: 0 }
  for (const [name, pipeline] of engine.pipelines) {
    report.executions[name] = pipeline.executions.length
    report.actionRuns += pipeline.actionRuns.length
    const statuses: Record<string, number> = {}
    for (const e of pipeline.executions) statuses[e.status] = (statuses[e.status] ?? 0) + 1
    report.statuses[name] = statuses
  }
  return report
}
