/** The window's sections, in navigation order (Alt+1 … Alt+6). */
import type { Component } from 'vue'
import { AppWindow, Coins, Globe, HardDrive, Signpost, Workflow } from '@lucide/vue'

export type SectionId = 'storage' | 'costs' | 'cloudfront' | 'dns' | 'pipelines' | 'site'

export interface Section {
  id: SectionId
  icon: Component
  /** The route its navigation entry opens. */
  route: string
}

export const sections: readonly Section[] = [
  { id: 'storage', icon: HardDrive, route: '/storage' },
  { id: 'costs', icon: Coins, route: '/costs' },
  { id: 'cloudfront', icon: Globe, route: '/cloudfront' },
  { id: 'dns', icon: Signpost, route: '/dns' },
  { id: 'pipelines', icon: Workflow, route: '/pipelines' },
  { id: 'site', icon: AppWindow, route: '/site' },
]
