// The timeline's state: the rows the filters select, loaded in pages, the
// cursor of the next page, the number of matches, and whether the list is
// loading, empty or failed. A new filter keeps the old rows on screen until
// its first page arrives (no flicker while typing), and every request
// carries a sequence number so that an answer the user has moved on from
// (another filter, a reload) never overtakes a newer one. After each page is on screen it logs
// "sessions-ui: rendered N rows" (or "empty state", or "error: ..."), which
// build/check-window.sh reads from the window's log.

import { tick } from 'svelte'
import * as api from '../api'
import type { SessionView, StatusFilter } from '../api'
import { queryKey, statusOf, type TimelineQuery } from './filters.svelte'

export { statusOf }

export const PAGE_SIZE = 50

export type Phase = 'loading' | 'ready' | 'empty' | 'error'

export class TimelineStore {
  /** The filters of the rows shown (or on their way). */
  query = $state.raw<TimelineQuery>({ status: 'all' })
  /** The number of sessions matching, in all; null before the first answer. */
  total = $state<number | null>(null)
  /** A first page for new filters is on its way while the old rows stay on screen. */
  pending = $state(false)
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

  /** The status filter of the rows shown. */
  get status(): StatusFilter {
    return statusOf(this.query.status)
  }

  /**
   * Shows the sessions the query selects from the first page (a status alone
   * names a query of that status); the same query again keeps what is
   * loaded. The rows on screen stay until the new page replaces them.
   */
  show(query: TimelineQuery | StatusFilter): Promise<void> {
    const q = typeof query === 'string' ? { status: query } : query
    if (this.started && queryKey(q) === queryKey(this.query)) return Promise.resolve()
    const first = !this.started
    this.started = true
    this.query = q
    if (first) return this.reset()
    this.pending = true
    return this.refresh()
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

  /**
   * Puts a session as it now is in place of its row (an edit in the detail),
   * keeping every page loaded and the user's place in the list.
   */
  patch(s: SessionView & { messages?: unknown; notice_count?: unknown }): void {
    if (!this.rows.some((r) => r.id === s.id)) return
    // The row keeps no messages: a detail's would stay in memory with the list.
    const row: Record<string, unknown> = { ...s }
    delete row.messages
    delete row.notice_count
    this.rows = this.rows.map((r) => (r.id === s.id ? (row as unknown as SessionView) : r))
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
        ...this.query,
        limit: this.pageSize,
        cursor: first ? '' : (this.cursor ?? ''),
      })
      if (gen !== this.generation) return
      this.busy = false
      this.pending = false
      this.total = page.total
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
      // Rows of other filters must not pass for the answer to these.
      const stale = this.pending
      this.busy = false
      this.pending = false
      this.loadingMore = false
      const err = api.toError(e)
      this.error = err
      if (first && (this.rows.length === 0 || stale)) {
        this.rows = []
        this.phase = 'error'
      }
      this.log(`sessions-ui: error: ${err.message}`)
    }
  }
}
