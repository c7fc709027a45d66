/**
 * The sandbox's CloudFront (REST-XML, API version 2020-05-31): distributions with ETag/If-Match,
 * invalidations that complete, and monitoring subscriptions (the "additional metrics" the CloudWatch
 * emulator serves). Written from the CloudFront API reference and the SDK model; see README.md.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CredentialRegistry, SandboxCredential } from '../credentials'
import { EmulatedError } from '../framework/emulated-error'
import { restXmlService, type RestXmlReply, type RestXmlRequest, type RestXmlRoute } from '../framework/rest-xml-service'
import { stateSaver } from '../framework/state-saver'
import { checkUpdatedConfig, summaryFields } from './config'
import { loadDistributions, serializeDistributions } from './persistence'
import { createInvalidation, readBatch } from './invalidations'
import { seedDistributions } from './seed-state'
import { CloudFrontState, distributionArn, type DistributionState, type InvalidationState, type XmlTree } from './state'

export interface CloudFrontEmulatorOptions {
  credentials: CredentialRegistry
  nowMs?: () => number
  /** How long a changed distribution stays InProgress. Default 30 s (AWS: minutes). */
  deployDelayMs?: number
  /** How long an invalidation stays InProgress. Default 20 s (AWS: seconds to many minutes). */
  invalidationDelayMs?: number
  /** Initial distributions; default the sandbox's demo story. */
  distributions?: (nowMs: number, invalidationDelayMs: number) => DistributionState[]
  /** Keeps the state in this file across restarts (saved after every change); default: memory only. */
  stateFile?: string
  onSaveError?: (error: Error) => void
}

const XMLNS = 'http://cloudfront.amazonaws.com/doc/2020-05-31/'
const API = '/2020-05-31'
const iso = (ms: number) => new Date(ms).toISOString()

type OperationName =
  | 'ListDistributions'
  | 'GetDistribution'
  | 'GetDistributionConfig'
  | 'UpdateDistribution'
  | 'CreateInvalidation'
  | 'ListInvalidations'
  | 'GetInvalidation'
  | 'GetMonitoringSubscription'
  | 'CreateMonitoringSubscription'
  | 'DeleteMonitoringSubscription'

interface Operation {
  method: RestXmlRoute['method']
  path: string
  /** The IAM action CloudFront authorizes the request against. */
  action: string
  run(request: RestXmlRequest): RestXmlReply
}

/** Marker/MaxItems paging as CloudFront's list operations do it: the marker is the last Id of the previous page. */
function page<T extends { id: string }>(items: T[], query: URLSearchParams, limit: number) {
  const marker = query.get('Marker') ?? ''
  const maxItemsText = query.get('MaxItems')
  const maxItems = maxItemsText === null ? 100 : Number(maxItemsText)
  if (!Number.isInteger(maxItems) || maxItems < 1) throw new EmulatedError('InvalidArgument', 'MaxItems must be a positive integer.', 400)
  let start = 0
  if (marker) {
    const at = items.findIndex((item) => item.id === marker)
    if (at === -1) throw new EmulatedError('InvalidArgument', `The marker ${marker} is not valid.`, 400)
    start = at + 1
  }
  const size = Math.min(maxItems, limit)
  const slice = items.slice(start, start + size)
  const isTruncated = start + size < items.length
  return {
    header: {
      Marker: marker,
      ...(isTruncated ? { NextMarker: slice[slice.length - 1]!.id } : {}),
      MaxItems: maxItems,
      IsTruncated: isTruncated,
    },
    slice,
  }
}

export function createCloudFrontEmulator(options: CloudFrontEmulatorOptions) {
  const nowMs = options.nowMs ?? Date.now
  const state = new CloudFrontState(nowMs, options.deployDelayMs ?? 30_000, options.invalidationDelayMs ?? 20_000)
  const saved = options.stateFile ? loadDistributions(options.stateFile) : undefined
  state.distributions.push(...(saved ?? (options.distributions ?? seedDistributions)(nowMs(), state.invalidationDelayMs)))
  const saver = options.stateFile
    ? stateSaver(options.stateFile, () => serializeDistributions(state.distributions), options.onSaveError ?? (() => {}))
    : undefined
  if (options.stateFile && !saved) saver!.changed()
  /** How many times each operation was called, for tests that assert what the app sent. */
  const calls: Partial<Record<OperationName, number>> = {}
  /** Test hooks for faults only a server can produce: the next `throttle` requests get 400 Throttling. */
  const faults = { throttle: 0 }

  const distributionXml = (d: DistributionState): XmlTree => ({
    Id: d.id,
    ARN: distributionArn(d.id),
    Status: state.status(d),
    LastModifiedTime: iso(d.lastModifiedMs),
    InProgressInvalidationBatches: state.inProgress(d).length,
    DomainName: d.domainName,
    ActiveTrustedSigners: { Enabled: false, Quantity: 0 },
    ActiveTrustedKeyGroups: { Enabled: false, Quantity: 0 },
    DistributionConfig: d.config,
  })

  const invalidationXml = (i: InvalidationState): XmlTree => ({
    Id: i.id,
    Status: state.invalidationStatus(i),
    CreateTime: iso(i.createdMs),
    InvalidationBatch: { Paths: { Quantity: i.paths.length, Items: { Path: i.paths } }, CallerReference: i.callerReference },
  })

  const monitoringXml = (d: DistributionState): XmlTree => {
    if (!d.subscription) {
      throw new EmulatedError(
        'NoSuchMonitoringSubscription',
        'A monitoring subscription does not exist for the specified distribution.',
        404,
      )
    }
    return { MonitoringSubscription: { RealtimeMetricsSubscriptionConfig: { RealtimeMetricsSubscriptionStatus: d.subscription.status } } }
  }

  const OPERATIONS: Record<OperationName, Operation> = {
    ListDistributions: {
      method: 'GET',
      path: `${API}/distribution`,
      action: 'cloudfront:ListDistributions',
      run: ({ query }) => {
        const { header, slice } = page(state.distributions, query, 1000)
        return {
          xml: {
            DistributionList: {
              ...header,
              Quantity: slice.length,
              ...(slice.length
                ? {
                    Items: {
                      DistributionSummary: slice.map((d) => ({
                        Id: d.id,
                        ARN: distributionArn(d.id),
                        ETag: d.etag,
                        Status: state.status(d),
                        LastModifiedTime: iso(d.lastModifiedMs),
                        DomainName: d.domainName,
                        ...summaryFields(d.config),
                      })),
                    },
                  }
                : {}),
            },
          },
        }
      },
    },
    GetDistribution: {
      method: 'GET',
      path: `${API}/distribution/{Id}`,
      action: 'cloudfront:GetDistribution',
      run: ({ params }) => {
        const d = state.find(params.Id!)
        return { headers: { etag: d.etag }, xml: { Distribution: distributionXml(d) } }
      },
    },
    GetDistributionConfig: {
      method: 'GET',
      path: `${API}/distribution/{Id}/config`,
      action: 'cloudfront:GetDistributionConfig',
      run: ({ params }) => {
        const d = state.find(params.Id!)
        return { headers: { etag: d.etag }, xml: { DistributionConfig: d.config } }
      },
    },
    UpdateDistribution: {
      method: 'PUT',
      path: `${API}/distribution/{Id}/config`,
      action: 'cloudfront:UpdateDistribution',
      run: ({ params, headers, body }) => {
        const d = state.find(params.Id!)
        const ifMatch = headers['if-match']
        if (!ifMatch)
          throw new EmulatedError('InvalidIfMatchVersion', 'The If-Match version is missing or not valid for the resource.', 400)
        if (ifMatch !== d.etag) {
          throw new EmulatedError(
            'PreconditionFailed',
            'The precondition given in one or more of the request header fields evaluated to false.',
            412,
          )
        }
        state.update(d, checkUpdatedConfig(body, d, state.distributions))
        return { headers: { etag: d.etag }, xml: { Distribution: distributionXml(d) } }
      },
    },
    CreateInvalidation: {
      method: 'POST',
      path: `${API}/distribution/{Id}/invalidation`,
      action: 'cloudfront:CreateInvalidation',
      run: ({ params, body }) => {
        const d = state.find(params.Id!)
        const { invalidation } = createInvalidation(state, d, readBatch(body), nowMs())
        return {
          status: 201,
          headers: { location: `https://cloudfront.amazonaws.com${API}/distribution/${d.id}/invalidation/${invalidation.id}` },
          xml: { Invalidation: invalidationXml(invalidation) },
        }
      },
    },
    ListInvalidations: {
      method: 'GET',
      path: `${API}/distribution/{Id}/invalidation`,
      action: 'cloudfront:ListInvalidations',
      run: ({ params, query }) => {
        const d = state.find(params.Id!)
        const { header, slice } = page(d.invalidations, query, 100)
        return {
          xml: {
            InvalidationList: {
              ...header,
              Quantity: slice.length,
              ...(slice.length
                ? {
                    Items: {
                      InvalidationSummary: slice.map((i) => ({
                        Id: i.id,
                        CreateTime: iso(i.createdMs),
                        Status: state.invalidationStatus(i),
                      })),
                    },
                  }
                : {}),
            },
          },
        }
      },
    },
    GetInvalidation: {
      method: 'GET',
      path: `${API}/distribution/{DistributionId}/invalidation/{Id}`,
      action: 'cloudfront:GetInvalidation',
      run: ({ params }) => {
        const d = state.find(params.DistributionId!)
        const found = d.invalidations.find((i) => i.id === params.Id)
        if (!found) throw new EmulatedError('NoSuchInvalidation', 'The specified invalidation does not exist.', 404)
        return { xml: { Invalidation: invalidationXml(found) } }
      },
    },
    GetMonitoringSubscription: {
      method: 'GET',
      path: `${API}/distributions/{DistributionId}/monitoring-subscription`,
      action: 'cloudfront:GetMonitoringSubscription',
      run: ({ params }) => ({ xml: monitoringXml(state.find(params.DistributionId!)) }),
    },
    CreateMonitoringSubscription: {
      method: 'POST',
      path: `${API}/distributions/{DistributionId}/monitoring-subscription`,
      action: 'cloudfront:CreateMonitoringSubscription',
      run: ({ params, body }) => {
        const d = state.find(params.DistributionId!)
        const status = ((body?.MonitoringSubscription as XmlTree | undefined)?.RealtimeMetricsSubscriptionConfig as XmlTree | undefined)
          ?.RealtimeMetricsSubscriptionStatus
        if (status !== 'Enabled' && status !== 'Disabled') {
          throw new EmulatedError('InvalidArgument', 'RealtimeMetricsSubscriptionStatus must be Enabled or Disabled.', 400)
        }
        if (d.subscription) {
          throw new EmulatedError(
            'MonitoringSubscriptionAlreadyExists',
            'A monitoring subscription already exists for the specified distribution.',
            409,
          )
        }
        d.subscription = { status, createdMs: nowMs() }
        return { xml: monitoringXml(d) }
      },
    },
    DeleteMonitoringSubscription: {
      method: 'DELETE',
      path: `${API}/distributions/{DistributionId}/monitoring-subscription`,
      action: 'cloudfront:DeleteMonitoringSubscription',
      run: ({ params }) => {
        const d = state.find(params.DistributionId!)
        if (!d.subscription) {
          throw new EmulatedError(
            'NoSuchMonitoringSubscription',
            'A monitoring subscription does not exist for the specified distribution.',
            404,
          )
        }
        delete d.subscription
        return {}
      },
    },
  }

  const routes: RestXmlRoute[] = Object.entries(OPERATIONS).map(([name, operation]) => ({
    method: operation.method,
    path: operation.path,
    handle: (request) => {
      calls[name as OperationName] = (calls[name as OperationName] ?? 0) + 1
      if (faults.throttle > 0) {
        faults.throttle--
        throw new EmulatedError('Throttling', 'Rate exceeded', 400)
      }
      refuseDenied(request.caller, operation.action, request.params)
      const reply = operation.run(request)
      if (operation.method !== 'GET') saver?.changed()
      return reply
    },
  }))
  const handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> = restXmlService(
    routes,
    options.credentials,
    XMLNS,
    'InvalidClientTokenId',
  )

  return {
    handle,
    /** Waits for the last save of the state file. */
    close: async () => saver?.flush(),
    /** Test hooks: the state (move the clock to see deployments and invalidations finish), call counts, faults. */
    state,
    calls,
    faults,
    /** For the CloudWatch emulator: when the distribution's additional metrics were switched on. */
    monitoringSince: (distributionId: string) => state.monitoringSince(distributionId),
  }
}

export type CloudFrontEmulator = ReturnType<typeof createCloudFrontEmulator>

function refuseDenied(caller: SandboxCredential, action: string, params: Record<string, string>): void {
  const denied = (caller.deniedActions ?? []).some(
    (pattern) => pattern === '*' || pattern === action || (pattern.endsWith('*') && action.startsWith(pattern.slice(0, -1))),
  )
  if (!denied) return
  const id = params.DistributionId ?? params.Id
  const resource = id ? distributionArn(id) : '*'
  throw new EmulatedError('AccessDenied', `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource}`, 403)
}

export { seedDistributions, STAGING_DISTRIBUTION_ID } from './seed-state'
export { TrafficModel, type EdgeRequest, type ResultType } from './traffic'
export type { DistributionState, InvalidationState } from './state'
