/**
 * The sandbox's emulation framework with the real SDK clients of the services later screens emulate:
 * a JSON 1.1 service (CodePipeline), a REST-XML one (Route 53) and the Query protocol (STS). Each is
 * checked for a successful call, the service's error shape surfacing as the SDK's typed error, and
 * the credential check every AWS endpoint does first.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CodePipelineClient, ListPipelinesCommand, GetPipelineCommand, PipelineNotFoundException } from '@aws-sdk/client-codepipeline'
import { GetHostedZoneCommand, ListHostedZonesCommand, NoSuchHostedZone, Route53Client } from '@aws-sdk/client-route-53'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { afterAll, describe, expect, it } from 'vitest'
import { CredentialRegistry, SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../src-main/sandbox/credentials'
import { EmulatedError } from '../../../src-main/sandbox/framework/emulated-error'
import { jsonService } from '../../../src-main/sandbox/framework/json-service'
import { restXmlService } from '../../../src-main/sandbox/framework/rest-xml-service'
import { createStsEmulator } from '../../../src-main/sandbox/sts'

const credentials = new CredentialRegistry()
const good = { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY }
const bad = { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' }
const servers: Server[] = []

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>

async function serve(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((error: unknown) => res.writeHead(500).end(String(error)))
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))))

describe('sandbox emulation framework', () => {
  it('JSON 1.1: dispatches on X-Amz-Target and maps errors to the SDK’s typed exceptions', async () => {
    const endpoint = await serve(
      jsonService({
        targetPrefix: 'CodePipeline_20150709',
        version: '1.1',
        credentials,
        operations: {
          ListPipelines: () => ({ pipelines: [{ name: 'site-release', version: 3, created: 1_700_000_000 }] }),
          GetPipeline: (input) => {
            throw new EmulatedError('PipelineNotFoundException', `Account does not have a pipeline with name '${String(input.name)}'`)
          },
        },
      }),
    )
    const client = new CodePipelineClient({ endpoint, region: 'us-east-1', credentials: good })
    const listed = await client.send(new ListPipelinesCommand({}))
    expect(listed.pipelines?.map((p) => [p.name, p.version, p.created?.getTime()])).toEqual([['site-release', 3, 1_700_000_000_000]])
    const missing = await client.send(new GetPipelineCommand({ name: 'nope' })).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(PipelineNotFoundException)
    expect((missing as Error).message).toContain("pipeline with name 'nope'")
    const denied = await new CodePipelineClient({ endpoint, region: 'us-east-1', credentials: bad })
      .send(new ListPipelinesCommand({}))
      .catch((e: unknown) => e)
    expect((denied as Error).name).toBe('UnrecognizedClientException')
  })

  it('REST-XML: routes method + path templates and returns AWS’s ErrorResponse shape', async () => {
    const endpoint = await serve(
      restXmlService(
        [
          {
            method: 'GET',
            path: '/2013-04-01/hostedzone',
            handle: () => ({
              xml: {
                ListHostedZonesResponse: {
                  HostedZones: {
                    HostedZone: [
                      { Id: '/hostedzone/Z0HANEULDEMO', Name: 'haneul-demo.example.', CallerReference: 'seed', ResourceRecordSetCount: 4 },
                    ],
                  },
                  IsTruncated: false,
                  MaxItems: 100,
                },
              },
            }),
          },
          {
            method: 'GET',
            path: '/2013-04-01/hostedzone/{Id}',
            handle: ({ params }) => {
              throw new EmulatedError('NoSuchHostedZone', `No hosted zone found with ID: ${params.Id}`, 404)
            },
          },
        ],
        credentials,
        'https://route53.amazonaws.com/doc/2013-04-01/',
      ),
    )
    const client = new Route53Client({ endpoint, region: 'us-east-1', credentials: good })
    const zones = await client.send(new ListHostedZonesCommand({}))
    expect(zones.HostedZones?.map((z) => [z.Id, z.Name, z.ResourceRecordSetCount])).toEqual([
      ['/hostedzone/Z0HANEULDEMO', 'haneul-demo.example.', 4],
    ])
    expect(zones.IsTruncated).toBe(false)
    const missing = await client.send(new GetHostedZoneCommand({ Id: 'ZMISSING' })).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(NoSuchHostedZone)
    expect((missing as Error).message).toBe('No hosted zone found with ID: ZMISSING')
  })

  it('Query (STS): GetCallerIdentity names the caller; unknown keys are refused', async () => {
    const sts = createStsEmulator({ credentials, roles: [], mfaCode: '123456' })
    const endpoint = await serve(sts.handle)
    const me = await new STSClient({ endpoint, region: 'us-east-1', credentials: good }).send(new GetCallerIdentityCommand({}))
    expect(me).toMatchObject({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/sandbox' })
    const denied = await new STSClient({ endpoint, region: 'us-east-1', credentials: bad })
      .send(new GetCallerIdentityCommand({}))
      .catch((e: unknown) => e)
    expect((denied as Error).name).toBe('InvalidClientTokenId')
    // The refused call never reached the operation.
    expect(sts.calls.GetCallerIdentity).toBe(1)
  })

  it('every protocol recomputes the SigV4 signature: a wrong secret or a body changed after signing is refused', async () => {
    const wrongSecret = { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: 'not-the-sandbox-secret' }
    let reached = 0
    const pipelines = await serve(
      jsonService({
        targetPrefix: 'CodePipeline_20150709',
        version: '1.1',
        credentials,
        operations: {
          GetPipeline: (input) => ({ pipeline: { name: String(input.name), roleArn: 'r', stages: [], version: (reached += 1) } }),
        },
      }),
    )
    const signedRight = new CodePipelineClient({ endpoint: pipelines, region: 'us-east-1', credentials: good })
    expect((await signedRight.send(new GetPipelineCommand({ name: '사이트+release' }))).pipeline?.name).toBe('사이트+release')
    const wrong = await new CodePipelineClient({ endpoint: pipelines, region: 'us-east-1', credentials: wrongSecret })
      .send(new GetPipelineCommand({ name: 'site-release' }))
      .catch((e: unknown) => e)
    expect((wrong as Error).name).toBe('InvalidSignatureException')
    expect((wrong as Error).message).toMatch(/^The request signature we calculated does not match the signature you provided/)

    // A proxy that rewrites the body after the client signed it: deserialize-step middleware runs after signing.
    const tampered = new CodePipelineClient({ endpoint: pipelines, region: 'us-east-1', credentials: good })
    tampered.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body: Uint8Array }
        // Same length, so content-length still holds.
        request.body = Buffer.from(Buffer.from(request.body).toString('utf8').replace('site-release', 'site-rel3ase'))
        return next(args)
      },
      { step: 'deserialize' },
    )
    const changed = await tampered.send(new GetPipelineCommand({ name: 'site-release' })).catch((e: unknown) => e)
    expect((changed as Error).name).toBe('InvalidSignatureException')
    expect(reached).toBe(1)

    const zones = await serve(
      restXmlService(
        [
          {
            method: 'GET',
            path: '/2013-04-01/hostedzone',
            handle: () => ({ xml: { ListHostedZonesResponse: { HostedZones: {}, IsTruncated: false, MaxItems: 100 } } }),
          },
        ],
        credentials,
        'https://route53.amazonaws.com/doc/2013-04-01/',
      ),
    )
    // A query with characters SigV4 must encode (`+`, space, Korean) still verifies when signed right.
    const listed = await new Route53Client({ endpoint: zones, region: 'us-east-1', credentials: good }).send(
      new ListHostedZonesCommand({ Marker: '하늘 +%/x', MaxItems: 10 }),
    )
    expect(listed.IsTruncated).toBe(false)
    const xmlWrong = await new Route53Client({ endpoint: zones, region: 'us-east-1', credentials: wrongSecret })
      .send(new ListHostedZonesCommand({}))
      .catch((e: unknown) => e)
    expect((xmlWrong as Error).name).toBe('SignatureDoesNotMatch')

    const sts = await serve(createStsEmulator({ credentials, roles: [], mfaCode: '123456' }).handle)
    const queryWrong = await new STSClient({ endpoint: sts, region: 'us-east-1', credentials: wrongSecret })
      .send(new GetCallerIdentityCommand({}))
      .catch((e: unknown) => e)
    expect((queryWrong as Error).name).toBe('SignatureDoesNotMatch')
  })
})
