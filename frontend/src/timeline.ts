// The timeline page: status switch, rows in pages, empty and error states.

import * as api from './api'
import type { AppInfo, ListRequest, SessionPage, StatusFilter } from './api'
import { h, renderEmpty, renderError, renderFooter, renderRow } from './view'

/** What the page needs from the program; api.ts in the app, fakes in tests. */
export interface TimelineDeps {
  listSessions(req: ListRequest): Promise<SessionPage>
  appInfo(): Promise<AppInfo>
  logInfo(message: string): void
}

const statuses: [StatusFilter, string][] = [
  ['all', 'All'],
  ['active', 'Active'],
  ['completed', 'Completed'],
]

export class Timeline {
  private status: StatusFilter = 'all'
  private cursor: string | null = null
  private rows = 0
  private loading = false
  // Bumped on every reset so that answers to an older request are dropped.
  private generation = 0

  private readonly switchButtons = new Map<StatusFilter, HTMLButtonElement>()
  private readonly state = h('div', 'state')
  private readonly list = h('ol', 'timeline')
  private readonly footer = h('div')

  constructor(
    private readonly root: HTMLElement,
    private readonly deps: TimelineDeps = api,
    private readonly pageSize = 50,
  ) {
    this.list.setAttribute('aria-label', 'Sessions')
    const header = h('header', 'topbar')
    const inner = h('div', 'topbar-inner')
    const nav = h('div', 'switch')
    nav.setAttribute('role', 'group')
    nav.setAttribute('aria-label', 'Status')
    for (const [value, label] of statuses) {
      const b = h('button', 'switch-option', label)
      b.type = 'button'
      b.addEventListener('click', () => this.setStatus(value))
      this.switchButtons.set(value, b)
      nav.append(b)
    }
    inner.append(h('h1', '', 'Sessions'), nav)
    header.append(inner)
    const main = h('main', 'content')
    main.append(this.state, this.list, this.footer)
    this.root.replaceChildren(header, main)
    this.markStatus()
  }

  /** Loads the first page. */
  start(): Promise<void> {
    return this.reset()
  }

  /** Shows only sessions with this status, from the first page. */
  setStatus(status: StatusFilter): Promise<void> {
    if (status === this.status) return Promise.resolve()
    this.status = status
    this.markStatus()
    document.documentElement.scrollTop = 0
    return this.reset()
  }

  /** Appends the next page. */
  async loadMore(): Promise<void> {
    if (this.loading || this.cursor === null) return
    await this.load(this.generation)
  }

  private markStatus(): void {
    for (const [value, b] of this.switchButtons) b.setAttribute('aria-pressed', String(value === this.status))
  }

  private reset(): Promise<void> {
    this.generation++
    this.cursor = null
    this.rows = 0
    this.loading = false
    this.list.replaceChildren()
    this.footer.replaceChildren()
    this.state.replaceChildren(h('p', 'loading', 'Loading sessions…'))
    return this.load(this.generation)
  }

  private async load(gen: number): Promise<void> {
    const first = this.rows === 0
    this.loading = true
    if (!first) this.renderFooter()
    try {
      const page = await this.deps.listSessions({
        status: this.status,
        limit: this.pageSize,
        cursor: this.cursor ?? '',
      })
      if (gen !== this.generation) return
      this.loading = false
      this.cursor = page.next_cursor
      if (first && page.sessions.length === 0) {
        await this.showEmpty(gen)
        return
      }
      this.state.replaceChildren()
      this.list.append(...page.sessions.map(renderRow))
      this.rows += page.sessions.length
      this.renderFooter()
      this.deps.logInfo(`sessions-ui: rendered ${this.rows} rows`)
    } catch (e) {
      if (gen !== this.generation) return
      this.loading = false
      const err = api.toError(e)
      this.deps.logInfo(`sessions-ui: error: ${err.message}`)
      const retry = () => void (first ? this.reset() : this.load(this.generation))
      if (first) {
        this.state.replaceChildren(renderError(err, retry))
      } else {
        this.footer.replaceChildren(renderError(err, retry))
      }
    }
  }

  private async showEmpty(gen: number): Promise<void> {
    let info: AppInfo | null = null
    if (this.status === 'all') {
      info = await this.deps.appInfo().catch(() => null)
      if (gen !== this.generation) return
    }
    this.state.replaceChildren(renderEmpty(this.status, info))
    this.footer.replaceChildren()
    this.deps.logInfo('sessions-ui: empty state')
  }

  private renderFooter(): void {
    this.footer.replaceChildren(renderFooter(this.cursor !== null, this.loading, () => void this.loadMore()))
  }
}
