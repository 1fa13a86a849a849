// The router: which page is shown and with what parameters, kept in the
// URL's hash (#/sessions?status=active) so that back, forward, reload and a
// bookmark restore the view, in the Wails window (its asset server serves
// one page) as in a browser. Pages change the route only through go().

/** The pages of the sidebar. */
export const PAGES = ['sessions', 'insights', 'labels', 'settings'] as const
export type PageName = (typeof PAGES)[number]

export interface Route {
  /** The page; an unknown hash shows the timeline. */
  page: PageName
  /** The hash's query, e.g. { status: 'active' }. */
  params: Record<string, string>
}

const HOME: PageName = 'sessions'

/** The route a hash names ("#/sessions?status=active"). */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '')
  const q = raw.indexOf('?')
  const path = (q < 0 ? raw : raw.slice(0, q)).replace(/\/+$/, '')
  const page = (PAGES as readonly string[]).includes(path) ? (path as PageName) : HOME
  const params: Record<string, string> = {}
  if (q >= 0) for (const [k, v] of new URLSearchParams(raw.slice(q + 1))) if (v !== '') params[k] = v
  return { page, params }
}

/** The hash of a route; empty parameters are left out, the rest sorted so that one view has one URL. */
export function formatHash(route: Route): string {
  const q = new URLSearchParams()
  for (const k of Object.keys(route.params).sort()) if (route.params[k]) q.set(k, route.params[k])
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
  go(page: PageName, params: Record<string, string> = {}): void {
    const next = { page, params: clean(params) }
    const hash = formatHash(next)
    if (hash === formatHash(this.route)) return
    this.win.location.hash = hash
    // hashchange comes later; the view follows at once.
    this.route = next
  }

  private read(): void {
    const next = parseHash(this.win.location.hash)
    if (formatHash(next) !== formatHash(this.route)) this.route = next
  }
}

function clean(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(params)) if (v) out[k] = v
  return out
}
