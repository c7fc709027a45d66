/**
 * The contract's codepipeline.* operations. Listings (pipelines, a pipeline's state, history, a
 * timeline) go through OfflineFirst so they are served from snapshots offline; actions go straight to
 * CodePipeline and its refusals are explained (errors.ts). Approval tokens stay in main: answering
 * fetches the current one. The approval watcher (approvals.ts) is started from here.
 */
import {
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
  GetPipelineCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  PutApprovalResultCommand,
  RetryStageExecutionCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  type ActionExecutionDetail,
  type CodePipelineClient,
  type PipelineExecutionSummary,
} from '@aws-sdk/client-codepipeline'
import { randomUUID } from 'node:crypto'
import type { PendingApproval } from '../api/codepipeline'
import type { AppEvent } from '../api/events'
import { HaneulError } from '../core/errors'
import type { OfflineFirst } from '../offline/offline-first'
import type { ModuleOf } from '../router'
import { ApprovalWatcher, type WatchedPipelines } from './approvals'
import { rethrowExplained } from './errors'
import { buildTimeline } from './timeline'
import { executionSummary, pendingApprovals, pipelineDetails } from './views'

export interface CodePipelineClientSource {
  client(profileId: string, service: 'codepipeline'): Promise<CodePipelineClient>
}

export interface CodePipelineModuleDeps {
  clients: CodePipelineClientSource
  offline: OfflineFirst
  /** The approval watcher keeps its state in `<dataDir>/codepipeline`. */
  dataDir: string
  notify: (title: string, body: string, route?: string) => void
  emit: (event: AppEvent) => void
  log: (message: string) => void
  /** The watcher's timers (tests fire them by hand). */
  setTimer?: (fn: () => void, ms: number) => { cancel(): void }
  /** How often the watcher looks (default 30 s). */
  approvalPollMs?: number
}

const HISTORY_PAGE = 25

export async function createCodePipelineModule(deps: CodePipelineModuleDeps): Promise<ModuleOf<'codepipeline'>> {
  const { clients, offline } = deps
  const call = <T>(profileId: string, work: (client: CodePipelineClient) => Promise<T>): Promise<T> =>
    offline.network(profileId, async () => {
      const client = await clients.client(profileId, 'codepipeline')
      try {
        return await work(client)
      } catch (error) {
        return rethrowExplained(error)
      }
    })

  async function listNames(client: CodePipelineClient, signal?: AbortSignal) {
    const pipelines: Array<{ name: string; version: number; pipelineType: string; executionMode: string; updatedMs?: number }> = []
    let nextToken: string | undefined
    do {
      const page = await client.send(new ListPipelinesCommand({ nextToken, maxResults: 1000 }), { abortSignal: signal })
      for (const p of page.pipelines ?? []) {
        pipelines.push({
          name: p.name ?? '',
          version: p.version ?? 1,
          pipelineType: p.pipelineType ?? 'V1',
          executionMode: p.executionMode ?? 'SUPERSEDED',
          ...(p.updated ? { updatedMs: p.updated.getTime() } : {}),
        })
      }
      nextToken = page.nextToken
    } while (nextToken)
    return pipelines
  }

  async function declarationAndState(client: CodePipelineClient, pipeline: string, signal?: AbortSignal) {
    const [declared, state] = await Promise.all([
      client.send(new GetPipelineCommand({ name: pipeline }), { abortSignal: signal }),
      client.send(new GetPipelineStateCommand({ name: pipeline }), { abortSignal: signal }),
    ])
    if (!declared.pipeline) throw new HaneulError('not-found', `CodePipeline has no pipeline ${pipeline}.`)
    return { declaration: declared.pipeline, state }
  }

  async function actionRuns(client: CodePipelineClient, pipeline: string, executionId: string, signal?: AbortSignal) {
    const pages: ActionExecutionDetail[][] = []
    let nextToken: string | undefined
    do {
      const page = await client.send(
        new ListActionExecutionsCommand({
          pipelineName: pipeline,
          filter: { pipelineExecutionId: executionId },
          nextToken,
          maxResults: 100,
        }),
        { abortSignal: signal },
      )
      pages.push(page.actionExecutionDetails ?? [])
      nextToken = page.nextToken
    } while (nextToken)
    return pages
  }

  async function pendingFor(profileId: string, pipelines: WatchedPipelines, signal: AbortSignal): Promise<PendingApproval[]> {
    return call(profileId, async (client) => {
      const names = (await listNames(client, signal)).map((p) => p.name).filter((name) => pipelines === 'all' || pipelines.includes(name))
      const pending: PendingApproval[] = []
      for (const name of names) {
        const { declaration, state } = await declarationAndState(client, name, signal)
        pending.push(...pendingApprovals(profileId, declaration, state))
      }
      return pending
    })
  }

  const approvals = new ApprovalWatcher({
    dataDir: deps.dataDir,
    check: pendingFor,
    notify: deps.notify,
    emit: deps.emit,
    log: deps.log,
    setTimer: deps.setTimer,
    intervalMs: deps.approvalPollMs,
  })
  await approvals.load()

  return {
    handlers: {
      listPipelines: async ({ profileId, source }, { signal }) => {
        const listed = await offline.listing(profileId, 'pipelines', source, () =>
          call(profileId, async (client) => {
            const pipelines = []
            for (const summary of await listNames(client, signal)) {
              const { declaration, state } = await declarationAndState(client, summary.name, signal)
              pipelines.push({
                ...summary,
                stages: (state.stageStates ?? []).map((stage) => ({
                  name: stage.stageName ?? '',
                  ...(stage.latestExecution?.status ? { status: stage.latestExecution.status } : {}),
                  ...(stage.latestExecution?.pipelineExecutionId ? { executionId: stage.latestExecution.pipelineExecutionId } : {}),
                })),
                waitingApprovals: pendingApprovals(profileId, declaration, state).length,
              })
            }
            return { pipelines }
          }),
        )
        approvals.watchByDefault(profileId)
        return listed
      },

      pipeline: async ({ profileId, pipeline, source }, { signal }) =>
        offline.listing(profileId, `pipeline\n${pipeline}`, source, () =>
          call(profileId, async (client) => {
            const { declaration, state } = await declarationAndState(client, pipeline, signal)
            const listed = await client.send(new ListPipelineExecutionsCommand({ pipelineName: pipeline, maxResults: HISTORY_PAGE }), {
              abortSignal: signal,
            })
            const executions = listed.pipelineExecutionSummaries ?? []
            // Source runs of the executions the stages carry, for the commit authors.
            const inStages = [
              ...new Set((state.stageStates ?? []).map((s) => s.latestExecution?.pipelineExecutionId).filter(Boolean)),
            ] as string[]
            const details = (await Promise.all(inStages.map((id) => actionRuns(client, pipeline, id, signal)))).flat(2)
            const mode = declaration.executionMode ?? 'SUPERSEDED'
            return pipelineDetails(profileId, declaration, mode, state, executions, details)
          }),
        ),

      executions: async ({ profileId, pipeline, nextToken, status, trigger, source }, { signal }) =>
        offline.listing(profileId, `executions\n${pipeline}\n${nextToken ?? ''}\n${status ?? ''}\n${trigger ?? ''}`, source, () =>
          call(profileId, async (client) => {
            const page = await client.send(
              new ListPipelineExecutionsCommand({ pipelineName: pipeline, nextToken, maxResults: HISTORY_PAGE }),
              {
                abortSignal: signal,
              },
            )
            const executions = (page.pipelineExecutionSummaries ?? [])
              .filter((e) => (!status || e.status === status) && (!trigger || e.trigger?.triggerType === trigger))
              .map(executionSummary)
            return { executions, ...(page.nextToken ? { nextToken: page.nextToken } : {}) }
          }),
        ),

      timeline: async ({ profileId, pipeline, executionId, source }, { signal }) =>
        offline.listing(profileId, `timeline\n${pipeline}\n${executionId}`, source, () =>
          call(profileId, async (client) => {
            const declared = await client.send(new GetPipelineCommand({ name: pipeline }), { abortSignal: signal })
            const stageOrder = (declared.pipeline?.stages ?? []).map((s) => s.name ?? '')
            const timeline = buildTimeline(await actionRuns(client, pipeline, executionId, signal), executionId, stageOrder)
            if (!timeline) return {}
            const { pipelineExecutionId, ...rest } = timeline
            return {
              timeline: {
                executionId: pipelineExecutionId,
                ...rest,
                stages: rest.stages.map((stage) => ({
                  ...stage,
                  actions: stage.actions.map(({ outputVariables: _unused, ...action }) => action),
                })),
              },
            }
          }),
        ),

      stageDurations: async ({ profileId, pipeline, runs }, { signal }) =>
        call(profileId, async (client) => {
          const executions: PipelineExecutionSummary[] = []
          let nextToken: string | undefined
          do {
            const page = await client.send(
              new ListPipelineExecutionsCommand({ pipelineName: pipeline, nextToken, maxResults: Math.min(100, runs) }),
              {
                abortSignal: signal,
              },
            )
            executions.push(...(page.pipelineExecutionSummaries ?? []))
            nextToken = page.nextToken
          } while (nextToken && executions.length < runs)
          const result = []
          for (const execution of executions.slice(0, runs)) {
            const id = execution.pipelineExecutionId ?? ''
            const timeline = buildTimeline(await actionRuns(client, pipeline, id, signal), id)
            const stages: Record<string, number> = {}
            for (const stage of timeline?.stages ?? []) if (stage.endMs !== undefined) stages[stage.stageName] = stage.endMs - stage.startMs
            result.push({ executionId: id, startMs: execution.startTime?.getTime() ?? 0, status: execution.status ?? '', stages })
          }
          return { runs: result }
        }),

      start: async ({ profileId, pipeline, sourceRevision }) =>
        call(profileId, async (client) => {
          const out = await client.send(
            new StartPipelineExecutionCommand({
              name: pipeline,
              clientRequestToken: randomUUID(),
              ...(sourceRevision ? { sourceRevisions: [sourceRevision] } : {}),
            }),
          )
          return { executionId: out.pipelineExecutionId ?? '' }
        }),

      stop: async ({ profileId, pipeline, executionId, abandon, reason }) =>
        call(profileId, async (client) => {
          const out = await client.send(
            new StopPipelineExecutionCommand({ pipelineName: pipeline, pipelineExecutionId: executionId, abandon, reason }),
          )
          return { executionId: out.pipelineExecutionId ?? executionId }
        }),

      retryStage: async ({ profileId, pipeline, stage, executionId, mode }) =>
        call(profileId, async (client) => {
          const out = await client.send(
            new RetryStageExecutionCommand({ pipelineName: pipeline, stageName: stage, pipelineExecutionId: executionId, retryMode: mode }),
          )
          return { executionId: out.pipelineExecutionId ?? executionId }
        }),

      setTransition: async (input) =>
        call(input.profileId, async (client) => {
          if (input.enabled) {
            await client.send(
              new EnableStageTransitionCommand({ pipelineName: input.pipeline, stageName: input.stage, transitionType: 'Inbound' }),
            )
          } else {
            await client.send(
              new DisableStageTransitionCommand({
                pipelineName: input.pipeline,
                stageName: input.stage,
                transitionType: 'Inbound',
                reason: input.reason,
              }),
            )
          }
          return { enabled: input.enabled }
        }),

      answerApproval: async ({ profileId, pipeline, stage, action, approve, comment }) => {
        const out = await call(profileId, async (client) => {
          // The token of the approval waiting now; an answered or expired one has none.
          const state = await client.send(new GetPipelineStateCommand({ name: pipeline }))
          const latest = state.stageStates
            ?.find((s) => s.stageName === stage)
            ?.actionStates?.find((a) => a.actionName === action)?.latestExecution
          if (!latest?.token || latest.status !== 'InProgress') {
            throw new HaneulError(
              'conflict',
              `${stage} / ${action} is not waiting for an answer any more (it is ${latest?.status ?? 'not running'}): it was answered, expired or stopped. Reload the pipeline.`,
            )
          }
          return client.send(
            new PutApprovalResultCommand({
              pipelineName: pipeline,
              stageName: stage,
              actionName: action,
              token: latest.token,
              result: { status: approve ? 'Approved' : 'Rejected', summary: comment },
            }),
          )
        })
        approvals.refresh(profileId)
        return out.approvedAt ? { approvedAtMs: out.approvedAt.getTime() } : {}
      },

      pendingApprovals: async () => ({ approvals: approvals.pending() }),

      watchApprovals: async ({ profileId, pipelines, enabled }) => {
        approvals.set(profileId, pipelines, enabled)
        return { watching: enabled }
      },
    },
    close: () => approvals.close(),
  }
}
