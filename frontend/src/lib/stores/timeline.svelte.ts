// The timeline's state: the rows of the status shown, loaded in pages, the
// cursor of the next page, and whether the list is loading, empty or failed.
// Answers to a request the user has moved on from (another status, a
// reload) are dropped. After each page is on screen it logs
// "sessions-ui: rendered N rows" (or "empty state", or "error: ..."), which
// build/check-window.sh reads from the window's log.

import { tick } from 'svelte'
import * as api from '../api'
import type { SessionView, StatusFilter } from '../api'

export const PAGE_SIZE = 50

/** The status filter a route parameter names; anything else is all. */
export function statusOf(param: string | undefined): StatusFilter {
  return param === 'active' || param === 'completed' ? param : 'all'
}

export type Phase = 'loading' | 'ready' | 'empty' | 'error'

export class TimelineStore {
  status = $state<StatusFilter>('all')
  rows = $state.raw<SessionView[]>([])
  /** The next page's cursor; null at the end. */
  cursor = $state<string | null>(null)
  phase = $state<Phase>('loading')
  /** A page after the first is on its way. */
  loadingMore = $state(false)
  /** Why the first page failed (phase error) or why the last Load More did. */
  error = $state<Error | null>(null)

  /** Pages on screen: a summary run refreshes the list only while it is 1. */
  private pages = 0
  private busy = false
  private started = false
  // Bumped on every reset so that answers to an older request are dropped.
  private generation = 0

  constructor(
    private readonly pageSize = PAGE_SIZE,
    private readonly log: (message: string) => void = api.logInfo,
  ) {}

  /** Whether there is a next page. */
  get hasMore(): boolean {
    return this.cursor !== null
  }

  /** Shows sessions with this status from the first page; the same status again keeps what is loaded. */
  show(status: StatusFilter): Promise<void> {
    if (this.started && status === this.status) return Promise.resolve()
    this.started = true
    this.status = status
    return this.reset()
  }

  /** Loads the first page again from scratch (the Try again of a failed first page). */
  reset(): Promise<void> {
    this.generation++
    this.cursor = null
    this.pages = 0
    this.busy = false
    this.loadingMore = false
    this.error = null
    this.rows = []
    this.phase = 'loading'
    return this.load(this.generation, true)
  }

  /** Loads the first page again, keeping the rows on screen until it arrives (after an import). */
  refresh(): Promise<void> {
    this.generation++
    this.cursor = null
    this.pages = 0
    this.busy = false
    this.loadingMore = false
    return this.load(this.generation, true)
  }

  /**
   * Loads the first page again so that new summaries show, while only the
   * first page is on screen: with more loaded, the user's place is kept.
   */
  refreshFirstPage(): Promise<void> {
    if (this.busy || this.pages !== 1) return Promise.resolve()
    return this.refresh()
  }

  /** Appends the next page. */
  loadMore(): Promise<void> {
    if (this.busy || this.cursor === null) return Promise.resolve()
    return this.load(this.generation, false)
  }

  /** Drops answers still on their way. */
  destroy(): void {
    this.generation++
  }

  private async load(gen: number, first: boolean): Promise<void> {
    this.busy = true
    if (!first) {
      this.loadingMore = true
      this.error = null
    }
    try {
      const page = await api.listSessions({
        status: this.status,
        limit: this.pageSize,
        cursor: first ? '' : (this.cursor ?? ''),
      })
      if (gen !== this.generation) return
      this.busy = false
      this.loadingMore = false
      this.cursor = page.next_cursor
      this.error = null
      if (first && page.sessions.length === 0) {
        this.rows = []
        this.phase = 'empty'
        await tick()
        this.log('sessions-ui: empty state')
        return
      }
      this.rows = first ? page.sessions : [...this.rows, ...page.sessions]
      this.pages++
      this.phase = 'ready'
      await tick()
      if (gen === this.generation) this.log(`sessions-ui: rendered ${this.rows.length} rows`)
    } catch (e) {
      if (gen !== this.generation) return
      this.busy = false
      this.loadingMore = false
      const err = api.toError(e)
      this.error = err
      if (first && this.rows.length === 0) this.phase = 'error'
      this.log(`sessions-ui: error: ${err.message}`)
    }
  }
}
