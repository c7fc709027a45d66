/**
 * The contract's app.* operations: facts about the installation for the shell, the price table, and
 * the guarded ways out to the OS (clipboard, browser).
 */
import type { ConnectivitySummary } from '../api/events'
import { storageClassTable } from '../costs/prices'
import { HaneulError } from '../core/errors'
import { isAllowedExternalUrl } from '../core/external-links'
import type { ModuleOf } from '../router'
import type { SandboxState } from '../sandbox/host'

export interface AppModuleDeps {
  appInfo: { version: string; platform: string; osLocale: string }
  sandbox: { readonly state: SandboxState; readonly message: string | undefined }
  connectivity: { summaries(): Record<string, ConnectivitySummary> }
  writeClipboard: (text: string) => Promise<void>
  openExternal: (url: string) => Promise<void>
}

export function createAppModule({ appInfo, sandbox, connectivity, writeClipboard, openExternal }: AppModuleDeps): ModuleOf<'app'> {
  return {
    handlers: {
      info: async () => ({
        ...appInfo,
        sandbox: { state: sandbox.state, ...(sandbox.message ? { message: sandbox.message } : {}) },
        connectivity: connectivity.summaries(),
      }),
      storageClasses: async ({ region }) => storageClassTable(region),
      copyText: async ({ text }) => {
        await writeClipboard(text)
        return { copied: true as const }
      },
      openExternal: async ({ url }) => {
        if (!isAllowedExternalUrl(url)) throw new HaneulError('access-denied', 'Haneul opens only AWS console and documentation links.')
        await openExternal(url)
        return { opened: true as const }
      },
    },
  }
}
