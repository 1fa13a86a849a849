// The Insights page's data: the charts of the sessions of a filter for a
// period, asked of the program when either changes. The last answer stays
// on screen while a newer one is on its way, and an older answer never
// replaces a newer one.

import * as api from '../api'
import type { ContactFilter, InsightsView } from '../api'
import { queryKey } from './filters.svelte'

export type InsightsPeriod = 'day' | 'week' | 'month'

/** The period a URL parameter names; anything else is a day. */
export function periodOf(param: string | undefined): InsightsPeriod {
  return param === 'week' || param === 'month' ? param : 'day'
}

export class InsightsStore {
  view = $state.raw<InsightsView | null>(null)
  /** A request is on its way. */
  loading = $state(false)
  error = $state<Error | null>(null)

  private seq = 0
  private key = ''

  /** Shows the charts of filter by period; the same request as on screen is not asked again. */
  async show(filter: ContactFilter, period: InsightsPeriod, zone = ''): Promise<void> {
    const key = `${queryKey(filter)}|${period}|${zone}`
    if (key === this.key && (this.view || this.loading)) return
    this.key = key
    await this.load(filter, period, zone)
  }

  /** Asks again for the request on screen (Retry, the library changed). */
  async reload(): Promise<void> {
    const last = this.last
    if (last) await this.load(...last)
  }

  private last: [ContactFilter, InsightsPeriod, string] | null = null

  private async load(filter: ContactFilter, period: InsightsPeriod, zone: string): Promise<void> {
    const n = ++this.seq
    this.last = [filter, period, zone]
    this.loading = true
    try {
      const view = await api.insights({ filter: { ...filter, limit: 0, cursor: '' }, period, zone })
      if (n !== this.seq) return
      this.view = view
      this.error = null
    } catch (e) {
      if (n === this.seq) this.error = api.toError(e)
    } finally {
      if (n === this.seq) this.loading = false
    }
  }
}
