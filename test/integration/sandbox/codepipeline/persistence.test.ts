/**
 * The CodePipeline sandbox keeps its state in a file: a restart continues where it left off (an answered
 * approval stays answered, runs in flight finish as they would have), and an unreadable file is kept aside.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CodePipelineClient,
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
  PutApprovalResultCommand,
} from '@aws-sdk/client-codepipeline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CredentialRegistry, SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../../src-main/sandbox/credentials'
import { PipelineEngine } from '../../../../src-main/sandbox/codepipeline/engine'
import { createCodePipelineEmulator } from '../../../../src-main/sandbox/codepipeline/index'
import { SITE_PIPELINE } from '../../../../src-main/sandbox/codepipeline/seed'
import { NOW } from './harness'

let folder: string
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'haneul-codepipeline-'))
})
afterAll(() => rm(folder, { recursive: true, force: true }))

async function serve(stateFile: string, nowMs: number) {
  const emulator = createCodePipelineEmulator({ credentials: new CredentialRegistry(), nowMs: () => nowMs, speed: 1, stateFile })
  const server = createServer((req, res) => void emulator.handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const client = new CodePipelineClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
  })
  return {
    emulator,
    client,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await emulator.close()
    },
  }
}

describe('CodePipeline sandbox state file', () => {
  it('continues after a restart: the approval stays answered and the release finishes as it would have', async () => {
    const stateFile = join(folder, 'codepipeline.json')
    const first = await serve(stateFile, NOW)
    expect(first.emulator.seedReport).toBeDefined()
    const state = await first.client.send(new GetPipelineStateCommand({ name: SITE_PIPELINE }))
    const approval = state.stageStates!.find((s) => s.stageName === 'Approval')!
    const executionId = approval.latestExecution!.pipelineExecutionId!
    await first.client.send(
      new PutApprovalResultCommand({
        pipelineName: SITE_PIPELINE,
        stageName: 'Approval',
        actionName: 'ReviewStaging',
        token: approval.actionStates![0]!.latestExecution!.token,
        result: { status: 'Approved', summary: 'before the restart' },
      }),
    )
    await first.close()

    // What an engine that never stopped would hold ten minutes later.
    const reference = PipelineEngine.restore(
      { nowMs: () => NOW + 600_000, seed: 20261203 },
      JSON.parse(JSON.stringify(first.emulator.engine.snapshot())),
    )
    reference.sync()

    const second = await serve(stateFile, NOW + 600_000)
    expect(second.emulator.seedReport).toBeUndefined()
    const summaries = await second.client.send(new ListPipelineExecutionsCommand({ pipelineName: SITE_PIPELINE, maxResults: 1 }))
    expect(summaries.pipelineExecutionSummaries?.[0]).toMatchObject({ pipelineExecutionId: executionId, status: 'Succeeded' })
    const after = await second.client.send(new GetPipelineStateCommand({ name: SITE_PIPELINE }))
    expect(after.stageStates!.find((s) => s.stageName === 'Approval')!.actionStates![0]!.latestExecution).toMatchObject({
      status: 'Succeeded',
      summary: 'before the restart',
    })
    expect(JSON.stringify(second.emulator.engine.pipeline(SITE_PIPELINE))).toBe(JSON.stringify(reference.pipeline(SITE_PIPELINE)))
    await second.close()
  })

  it('moves an unreadable state file aside and starts from the seed', async () => {
    const stateFile = join(folder, 'broken.json')
    await writeFile(stateFile, '{"format":1,"pipelines":[')
    const sandbox = await serve(stateFile, NOW)
    expect(sandbox.emulator.seedReport).toBeDefined()
    await sandbox.close()
    const names = await readdir(folder)
    expect(names).toContain('broken.json')
    expect(names).toContain(`broken.json.unreadable-${NOW}`)
  })
})
