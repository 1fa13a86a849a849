// The router: which page is shown and with what parameters, kept in the
// URL's hash (#/sessions?status=active&open=12) so that back, forward,
// reload and a bookmark restore the view, in the Wails window (its asset
// server serves one page) as in a browser. Pages change the route only
// through go() (a new history entry) or replace() (the same entry: typing
// in the search box should not fill the history with every letter).

/** The pages of the sidebar, in its order. */
export const NAV_PAGES = ['sessions', 'insights', 'labels', 'settings'] as const
/** Every page a hash can name: the sidebar's, the thread of a session, the first run, a contact and a saved view (#/view/ID). */
export const PAGES = [...NAV_PAGES, 'conversation', 'welcome', 'contact', 'view'] as const
export type PageName = (typeof PAGES)[number]

/** What go() and replace() take: a repeatable parameter (field=a:1&field=b:2) as a list. */
export type Params = Record<string, string | string[] | undefined | null>

export interface Route {
  /** The page; an unknown hash shows the timeline. */
  page: PageName
  /** The hash's query, e.g. { status: 'active' }; a repeated parameter holds its last value. */
  params: Record<string, string>
  /** Every value of the parameters given more than once, in order; absent when none is. */
  lists?: Record<string, string[]>
}

const HOME: PageName = 'sessions'

/** Every value of one parameter of a route, in order. */
export function values(route: Route, key: string): string[] {
  return route.lists?.[key] ?? (route.params[key] ? [route.params[key]] : [])
}

/** The route a hash names ("#/sessions?status=active"). */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '')
  const q = raw.indexOf('?')
  const path = (q < 0 ? raw : raw.slice(0, q)).replace(/\/+$/, '')
  // A saved view's stable URL: #/view/ID.
  const view = /^view\/(\d+)$/.exec(path)
  if (view) return routeOf('view', { id: [view[1]] })
  const page = (PAGES as readonly string[]).includes(path) ? (path as PageName) : HOME
  const all: Record<string, string[]> = {}
  if (q >= 0) for (const [k, v] of new URLSearchParams(raw.slice(q + 1))) if (v !== '') (all[k] ??= []).push(v)
  return routeOf(page, all)
}

/** The hash of a route; empty parameters are left out, the rest sorted so that one view has one URL. */
export function formatHash(route: Route): string {
  if (route.page === 'view') return `#/view/${route.params.id ?? ''}`
  const q = new URLSearchParams()
  for (const k of Object.keys(route.params).sort()) for (const v of values(route, k)) if (v) q.append(k, v)
  const s = q.toString()
  return `#/${route.page}${s ? `?${s}` : ''}`
}

export class Router {
  route = $state<Route>({ page: HOME, params: {} })

  private readonly onHashChange = () => this.read()

  constructor(private readonly win: Window = window) {
    this.read()
  }

  /** Follows the hash from now on; a page opened without one gets the timeline's. Returns the stop. */
  start(): () => void {
    this.win.addEventListener('hashchange', this.onHashChange)
    const want = formatHash(this.route)
    if (this.win.location.hash !== want) this.win.history.replaceState(this.win.history.state, '', want)
    return () => this.win.removeEventListener('hashchange', this.onHashChange)
  }

  /** Shows page with params; a new entry in the history, unless it is the view on screen already. */
  go(page: PageName, params: Params = {}): void {
    const next = routeOf(page, clean(params))
    const hash = formatHash(next)
    if (hash === formatHash(this.route)) return
    this.win.location.hash = hash
    this.moved = true
    // hashchange comes later; the view follows at once.
    this.route = next
  }

  /** Shows page with params in place of the history entry on screen (the search box as the user types). */
  replace(page: PageName, params: Params = {}): void {
    const next = routeOf(page, clean(params))
    const hash = formatHash(next)
    if (hash === formatHash(this.route)) return
    this.win.history.replaceState(this.win.history.state, '', hash)
    this.route = next
  }

  /** Goes back a step when there is one to go back to within the app, else to fallback. */
  back(fallback: () => void): void {
    if (this.win.history.length > 1 && this.moved) this.win.history.back()
    else fallback()
  }

  // Whether this router has added a history entry: back() only leaves
  // through the history the app made itself, never to the page before it.
  private moved = false

  private read(): void {
    const next = parseHash(this.win.location.hash)
    if (formatHash(next) !== formatHash(this.route)) this.route = next
  }
}

function routeOf(page: PageName, all: Record<string, string[]>): Route {
  const params: Record<string, string> = {}
  const lists: Record<string, string[]> = {}
  for (const [k, vs] of Object.entries(all)) {
    if (vs.length === 0) continue
    params[k] = vs[vs.length - 1]
    if (vs.length > 1) lists[k] = vs
  }
  return Object.keys(lists).length > 0 ? { page, params, lists } : { page, params }
}

function clean(params: Params): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [k, v] of Object.entries(params)) {
    const vs = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x !== '')
    if (vs.length > 0) out[k] = vs
  }
  return out
}
