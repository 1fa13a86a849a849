// The timeline page: status switch, import controls, the status line of
// background work, the report of the last import, rows in pages, empty and
// error states.

import * as api from './api'
import type { AppInfo, ImportReport, ListRequest, SessionPage, StatusFilter } from './api'
import { ImportControls, type ImportDeps } from './importbar'
import { renderProblem, renderReport } from './report'
import { BackgroundStatus, type BackgroundDeps } from './status'
import { h, renderEmpty, renderError, renderFooter, renderRow } from './view'

/** What the page needs from the program; api.ts in the app, fakes in tests. */
export interface TimelineDeps extends ImportDeps, BackgroundDeps {
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
  /** Pages on screen: a summary run refreshes the list only while it is 1. */
  private pages = 0
  private loading = false
  // Bumped on every reset so that answers to an older request are dropped.
  private generation = 0

  private readonly switchButtons = new Map<StatusFilter, HTMLButtonElement>()
  /** Null where the program cannot import (the UI served to a browser). */
  private readonly imports: ImportControls | null
  private readonly background: BackgroundStatus
  private readonly notice = h('div', 'notice')
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
    this.imports = deps.canImport()
      ? new ImportControls(deps, {
          report: (r) => this.showReport(r),
          problem: (title, err) => this.showNotice(renderProblem(title, err, () => this.dismissNotice())),
        })
      : null
    this.background = new BackgroundStatus(deps, {
      summariesDone: () => void this.refreshFirstPage(),
      log: (m) => deps.logInfo(m),
    })
    if (this.imports) {
      inner.append(this.imports.actions)
      const sub = h('div', 'topbar-sub')
      sub.append(this.imports.watchBar, this.imports.progress)
      header.append(sub)
    }
    // The last row of the header, shown only while there is something to tell.
    header.append(this.background.el)
    const main = h('main', 'content')
    main.append(this.notice, this.state, this.list, this.footer)
    this.root.replaceChildren(header, main)
    if (this.imports) this.root.append(this.imports.dropHint)
    this.markStatus()
  }

  /** Listens to imports and background work, and loads the first page. */
  start(): Promise<void> {
    void this.imports?.start()
    void this.background.start()
    return this.reset()
  }

  /** Stops listening to imports and background work, and drops answers still on their way. */
  destroy(): void {
    this.generation++
    this.imports?.destroy()
    this.background.destroy()
  }

  /**
   * Loads the first page again so that new summaries show, while only the
   * first page is on screen: with more loaded, the user's place is kept.
   */
  refreshFirstPage(): Promise<void> {
    if (this.loading || this.pages !== 1) return Promise.resolve()
    return this.refresh()
  }

  /** Shows the report of an import on top of the list and reloads the list from the first page. */
  showReport(report: ImportReport): Promise<void> {
    this.showNotice(renderReport(report, () => this.dismissNotice()))
    this.deps.logInfo(`sessions-ui: import report: ${report.files.length} files, ${report.totals.failed} failed`)
    return this.refresh()
  }

  private showNotice(el: HTMLElement): void {
    this.notice.replaceChildren(el)
    document.documentElement.scrollTop = 0
  }

  private dismissNotice(): void {
    this.notice.replaceChildren()
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
    this.pages = 0
    this.loading = false
    this.list.replaceChildren()
    this.footer.replaceChildren()
    this.state.replaceChildren(h('p', 'loading', 'Loading sessions…'))
    return this.load(this.generation)
  }

  /** Loads the first page again, keeping the rows on screen until it arrives. */
  private refresh(): Promise<void> {
    this.generation++
    this.cursor = null
    this.rows = 0
    this.pages = 0
    this.loading = false
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
        this.list.replaceChildren()
        await this.showEmpty(gen)
        return
      }
      this.state.replaceChildren()
      if (first) this.list.replaceChildren(...page.sessions.map(renderRow))
      else this.list.append(...page.sessions.map(renderRow))
      this.rows += page.sessions.length
      this.pages++
      this.renderFooter()
      this.deps.logInfo(`sessions-ui: rendered ${this.rows} rows`)
    } catch (e) {
      if (gen !== this.generation) return
      this.loading = false
      const err = api.toError(e)
      this.deps.logInfo(`sessions-ui: error: ${err.message}`)
      const retry = () => void (first ? this.reset() : this.load(this.generation))
      if (first) {
        this.list.replaceChildren()
        this.footer.replaceChildren()
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
    this.state.replaceChildren(renderEmpty(this.status, info, this.imports !== null))
    this.footer.replaceChildren()
    this.deps.logInfo('sessions-ui: empty state')
  }

  private renderFooter(): void {
    this.footer.replaceChildren(renderFooter(this.cursor !== null, this.loading, () => void this.loadMore()))
  }
}
