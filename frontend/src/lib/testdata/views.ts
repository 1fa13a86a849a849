// Saved views, insights and the export for the fake window: ViewsService,
// InsightsService and ExportService as the program answers them, over
// state the spec can read, installed beside the services fakeWails binds.

import { vi } from 'vitest'
import type { InsightsView, SavedView } from '../api'
import type { InsightsRequest, ListRequest } from '../contract.gen'
import { sampleInsights } from './insights'
import type { FakeWindow } from './wails'

export interface FakeViews {
  views: SavedView[]
  /** The requests Insights got. */
  insights: InsightsRequest[]
  /** The requests ExportCSV got. */
  exports: Partial<ListRequest>[]
}

/** Binds ViewsService, InsightsService (answering view, or the sample) and ExportService in w. */
export function fakeViews(w: FakeWindow, views: Partial<SavedView>[] = [], view?: (req: InsightsRequest) => InsightsView): FakeViews {
  let nextId = 100
  const st: FakeViews = {
    views: views.map((v, i) => ({ id: i + 1, name: `view ${i + 1}`, page: 'sessions', params: {}, position: i, ...v })),
    insights: [],
    exports: [],
  }
  const renumber = () => st.views.forEach((v, i) => (v.position = i))
  const byId = (id: number) => {
    const v = st.views.find((x) => x.id === id)
    if (!v) throw `view ${id}: not found`
    return v
  }
  w.app.ViewsService = {
    ListViews: vi.fn(async () => st.views.map((v) => ({ ...v, params: { ...v.params } }))),
    SaveView: vi.fn(async (input: { name?: string; page?: string; params?: Record<string, string> }) => {
      const name = (input.name ?? '').trim()
      if (!name) throw 'save view: name: empty'
      if (st.views.some((v) => v.name.toLowerCase() === name.toLowerCase())) throw `save view: a view is called "${name}"`
      const v: SavedView = { id: nextId++, name, page: input.page ?? 'sessions', params: { ...input.params }, position: st.views.length }
      st.views.push(v)
      return v
    }),
    RenameView: vi.fn(async (id: number, name: string) => {
      if (!name.trim()) throw 'rename view: name: empty'
      byId(id).name = name
    }),
    MoveView: vi.fn(async (id: number, position: number) => {
      const v = byId(id)
      st.views.splice(st.views.indexOf(v), 1)
      st.views.splice(Math.min(position, st.views.length), 0, v)
      renumber()
    }),
    DeleteView: vi.fn(async (id: number) => {
      st.views.splice(st.views.indexOf(byId(id)), 1)
      renumber()
    }),
  }
  w.app.InsightsService = {
    InsightCSV: vi.fn(async (_req: InsightsRequest, chart: string) => `chart,${chart}\r\n`),
    Insights: vi.fn(async (req: InsightsRequest) => {
      st.insights.push(req)
      return view ? view(req) : sampleInsights({ period: req.period ?? 'day' })
    }),
  }
  w.app.ExportService = {
    ExportCSV: vi.fn(async (req: Partial<ListRequest>) => {
      st.exports.push(req)
      return { path: '/home/me/sessions.csv', rows: 4, cancelled: false }
    }),
  }
  return st
}
