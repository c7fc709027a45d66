/**
 * The window's sections, in navigation order (Alt+1 … Alt+6). A section whose issue has not landed
 * shows its "coming" view, which says what it will show.
 */
import type { Component } from 'vue'
import { AppWindow, Coins, Globe, HardDrive, Signpost, Workflow } from '@lucide/vue'

export type SectionId = 'storage' | 'costs' | 'cloudfront' | 'dns' | 'pipelines' | 'site'

export interface Section {
  id: SectionId
  icon: Component
  /** The route its navigation entry opens. */
  route: string
  /** Built and working; the others show what they will do. */
  ready: boolean
}

export const sections: readonly Section[] = [
  { id: 'storage', icon: HardDrive, route: '/storage', ready: true },
  { id: 'costs', icon: Coins, route: '/costs', ready: false },
  { id: 'cloudfront', icon: Globe, route: '/cloudfront', ready: true },
  { id: 'dns', icon: Signpost, route: '/dns', ready: true },
  { id: 'pipelines', icon: Workflow, route: '/pipelines', ready: true },
  { id: 'site', icon: AppWindow, route: '/site', ready: false },
]
