/**
 * The architecture's import boundaries are lint rules; this proves they catch what they are for, so
 * loosening eslint.config.js by accident fails a test, not a review.
 */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

// The snippets are not files on disk, so they cannot be type-checked: lint them with the type-aware
// rules off (the boundaries are plain import rules).
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-misused-promises': 'off',
      '@typescript-eslint/switch-exhaustiveness-check': 'off',
    },
  },
})
async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message)
}

describe('import boundaries', () => {
  it('only src-main/electron may import electron', async () => {
    expect(await problems('src-main/s3/example.ts', "import { app } from 'electron'\nexport const x = app\n")).toEqual([
      expect.stringMatching(/Only src-main\/electron may import 'electron'/),
    ])
    expect(await problems('src-main/electron/example.ts', "import { app } from 'electron'\nexport const x = app\n")).toEqual([])
  })

  it('the renderer imports no Node module, no AWS SDK, and from src-main only types of the contract', async () => {
    const file = 'src-renderer/stores/example.ts'
    expect(await problems(file, "import { readFileSync } from 'node:fs'\nexport const x = readFileSync\n")).toEqual([
      expect.stringMatching(/sandboxed web page/),
    ])
    expect(await problems(file, "import { readFileSync } from 'fs'\nexport const x = readFileSync\n")).toEqual([
      expect.stringMatching(/sandboxed web page/),
    ])
    expect(await problems(file, "import { S3Client } from '@aws-sdk/client-s3'\nexport const x = S3Client\n")).toEqual([
      expect.stringMatching(/never talks to AWS/),
    ])
    expect(await problems(file, "import { contract } from '../../src-main/api/index'\nexport const x = contract\n")).toEqual([
      expect.stringMatching(/import type/),
    ])
    expect(await problems(file, "import type { Router } from '../../src-main/router'\nexport type X = Router\n")).toEqual([
      expect.stringMatching(/only `import type` from src-main\/api/),
    ])
    expect(await problems(file, "import type { Contract } from '../../src-main/api/index'\nexport type X = Contract\n")).toEqual([])
  })

  it('the contract, shared with the renderer, imports neither Node nor Electron', async () => {
    expect(await problems('src-main/api/example.ts', "import { join } from 'node:path'\nexport const x = join\n")).toEqual([
      expect.stringMatching(/keep Node out of it/),
    ])
  })

  // Building the type-checked program of src-main takes seconds, more on a loaded machine: a long timeout.
  it('type-aware rules catch a floating promise and a promise handed where void is expected', async () => {
    // Linted as the text of a real file of the project, so the type checker sees it.
    const typed = new ESLint({ cwd: process.cwd() })
    const code = 'export async function save(): Promise<void> {}\nsave()\nexport const onClick: () => void = async () => {}\n'
    const [result] = await typed.lintText(code, { filePath: 'src-main/core/origin.ts' })
    expect(result?.messages.map((m) => m.ruleId)).toEqual([
      '@typescript-eslint/no-floating-promises',
      '@typescript-eslint/no-misused-promises',
    ])
  }, 120_000)

  it('a service folder uses another service only through its index.ts', async () => {
    const file = 'src-main/cloudfront/origins.ts'
    expect(await problems(file, "import { listing } from '../s3/listing'\nexport const x = listing\n")).toEqual([
      expect.stringMatching(/only through its index\.ts/),
    ])
    expect(
      await problems('src-main/transfers/deep/x.ts', "import type { S3Config } from '../../s3/config'\nexport type X = S3Config\n"),
    ).toEqual([expect.stringMatching(/only through its index\.ts/)])
    expect(await problems(file, "import { presignGet } from '../s3/index'\nexport const x = presignGet\n")).toEqual([])
    // Its own files, the contract and the shared platform folders are fine.
    expect(
      await problems(
        file,
        "import { x } from './cache'\nimport { contract } from '../api/index'\nimport { OfflineFirst } from '../offline/offline-first'\nexport const y = [x, contract, OfflineFirst]\n",
      ),
    ).toEqual([])
    // The electron rule still holds inside service folders.
    expect(await problems(file, "import { app } from 'electron'\nexport const x = app\n")).toEqual([
      expect.stringMatching(/Only src-main\/electron/),
    ])
  })

  it('main reaches the sandbox only through host, endpoints and credentials', async () => {
    const message = /only through sandbox\/host, sandbox\/endpoints and sandbox\/credentials/
    expect(await problems('src-main/s3/x.ts', "import { S3Store } from '../sandbox/s3/store'\nexport const x = S3Store\n")).toEqual([
      expect.stringMatching(message),
    ])
    expect(
      await problems('src-main/profiles/x.ts', "import { emulators } from '../sandbox/registry'\nexport const x = emulators\n"),
    ).toEqual([expect.stringMatching(message)])
    expect(await problems('src-main/x.ts', "import { startSandbox } from './sandbox/servers'\nexport const x = startSandbox\n")).toEqual([
      expect.stringMatching(message),
    ])
    expect(
      await problems('src-main/profiles/x.ts', "import { SANDBOX_REGION } from '../sandbox/endpoints'\nexport const x = SANDBOX_REGION\n"),
    ).toEqual([])
  })

  it('an emulator uses another emulator only through its index.ts, and main code not at all', async () => {
    const file = 'src-main/sandbox/cloudwatch/metrics.ts'
    expect(await problems(file, "import { S3Store } from '../s3/store'\nexport const x = S3Store\n")).toEqual([
      expect.stringMatching(/another emulator only through its index\.ts/),
    ])
    expect(await problems(file, "import type { S3Emulator } from '../s3/index'\nexport type X = S3Emulator\n")).toEqual([])
    expect(await problems(file, "import { AwsClients } from '../../profiles/clients'\nexport const x = AwsClients\n")).toEqual([
      expect.stringMatching(/Emulators are the sandbox's own/),
    ])
    expect(
      await problems(
        file,
        "import { awsServices } from '../../api/services'\nimport { EmulatedError } from '../framework/emulated-error'\nexport const x = [awsServices, EmulatedError]\n",
      ),
    ).toEqual([])
  })
})
