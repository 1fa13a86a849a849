// The saved views of the sidebar: named filter sets of the timeline or the
// insights page, in the user's order. Every change goes to the program
// first; the list shows what it says after, and a refusal (a name taken)
// is kept to be shown where it happened.

import * as api from '../api'
import { ProgramList } from './programList.svelte'
import type { SavedView } from '../api'
import type { PageName, Params, Route } from './router.svelte'

/** The pages a view can be of. */
export type ViewPage = 'sessions' | 'insights'

/** The params of a route as a view keeps them: one string each, a repeated one (field) joined by newlines. */
export function viewParams(route: Route, drop: string[] = ['open']): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(route.params)) {
    if (drop.includes(k) || !v) continue
    out[k] = route.lists?.[k]?.join('\n') ?? v
  }
  return out
}

/** The route params a view opens with (a repeated one split again). */
export function routeParams(view: SavedView): Params {
  const out: Params = {}
  for (const [k, v] of Object.entries(view.params ?? {})) out[k] = v.includes('\n') ? v.split('\n') : v
  return out
}

/** The page a view opens. */
export function viewPage(view: SavedView): PageName {
  return view.page === 'insights' ? 'insights' : 'sessions'
}

export class ViewsStore extends ProgramList<SavedView> {
  constructor() {
    super(() => api.listViews())
  }

  get views(): SavedView[] {
    return this.items
  }

  set views(v: SavedView[]) {
    this.items = v
  }

  find(id: number): SavedView | undefined {
    return this.views.find((v) => v.id === id)
  }

  save(name: string, page: ViewPage, params: Record<string, string>): Promise<SavedView> {
    return this.change(() => api.saveView({ name: name.trim(), page, params }))
  }

  rename(id: number, name: string): Promise<void> {
    return this.change(() => api.renameView(id, name.trim()))
  }

  /** Moves a view up (-1) or down (+1) a place. */
  move(id: number, step: number): Promise<void> {
    const i = this.views.findIndex((v) => v.id === id)
    const to = i + step
    if (i < 0 || to < 0 || to >= this.views.length) return Promise.resolve()
    // Shown at once; the program's order follows.
    const next = [...this.views]
    const [v] = next.splice(i, 1)
    next.splice(to, 0, v)
    this.views = next
    return this.change(() => api.moveView(id, to))
  }

  remove(id: number): Promise<void> {
    return this.change(() => api.deleteView(id))
  }
}
