// Labels and custom fields for the fake window: LabelsService and
// FieldsService as the program answers them, over lists the spec can read,
// installed beside the services fakeWails binds.

import { vi } from 'vitest'
import type { FieldView, LabelView } from '../api'
import type { FakeWindow } from './wails'

export interface FakeLabels {
  labels: LabelView[]
  fields: FieldView[]
  /** Labels and field values per session id, as the calls left them. */
  onSession: Map<number, { labels: string[]; fields: Record<string, string> }>
}

/** Binds LabelsService and FieldsService in w; each change is kept in the lists returned. */
export function fakeLabels(w: FakeWindow, labels: Partial<LabelView>[] = [], fields: Partial<FieldView>[] = []): FakeLabels {
  let nextId = 100
  const st: FakeLabels = {
    labels: labels.map((l, i) => ({ id: i + 1, name: `label ${i + 1}`, color: '#3e63dd', sessions: 0, ...l })),
    fields: fields.map((f, i) => ({ id: i + 1, key: `f${i + 1}`, name: `Field ${i + 1}`, type: 'text', choices: [], sessions: 0, ...f })),
    onSession: new Map(),
  }
  const of = (id: number) => {
    let s = st.onSession.get(id)
    if (!s) st.onSession.set(id, (s = { labels: [], fields: {} }))
    return s
  }
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
  w.app.LabelsService = {
    ListLabels: vi.fn(async () => st.labels.map((l) => ({ ...l }))),
    CreateLabel: vi.fn(async (input: { name?: string; color?: string }) => {
      const name = (input.name ?? '').trim()
      if (!name) throw 'create label: name: empty'
      if (st.labels.some((l) => same(l.name, name))) throw `create label: "${name}" exists`
      const l = { id: nextId++, name, color: input.color || '#30a46c', sessions: 0 }
      st.labels.push(l)
      return l
    }),
    UpdateLabel: vi.fn(async (id: number, input: { name?: string; color?: string }) => {
      const l = st.labels.find((x) => x.id === id)
      if (!l) throw 'update label: not found'
      if (input.name) l.name = input.name
      if (input.color) l.color = input.color
      return { ...l }
    }),
    DeleteLabel: vi.fn(async (id: number) => {
      st.labels = st.labels.filter((l) => l.id !== id)
    }),
    AddSessionLabel: vi.fn(async (sid: number, name: string) => {
      if (!st.labels.some((l) => same(l.name, name))) st.labels.push({ id: nextId++, name, color: '#e5484d', sessions: 0 })
      const s = of(sid)
      if (!s.labels.includes(name)) s.labels.push(name)
    }),
    RemoveSessionLabel: vi.fn(async (sid: number, name: string) => {
      const s = of(sid)
      s.labels = s.labels.filter((l) => l !== name)
    }),
  }
  w.app.FieldsService = {
    ListFields: vi.fn(async () => st.fields.map((f) => ({ ...f }))),
    DefineField: vi.fn(async (input: { key?: string; name?: string; type?: string; choices?: string[] }) => {
      if (!input.key) throw 'define field: key: empty'
      if (st.fields.some((f) => f.key === input.key)) throw `define field: key "${input.key}" exists`
      const f = { id: nextId++, key: input.key, name: input.name ?? input.key, type: input.type ?? 'text', choices: input.choices ?? [], sessions: 0 }
      st.fields.push(f)
      return f
    }),
    UpdateField: vi.fn(async (key: string, input: { name?: string; choices?: string[] }) => {
      const f = st.fields.find((x) => x.key === key)
      if (!f) throw 'update field: not found'
      if (input.name) f.name = input.name
      if (input.choices) f.choices = input.choices
      return { ...f }
    }),
    DeleteField: vi.fn(async (key: string) => {
      st.fields = st.fields.filter((f) => f.key !== key)
    }),
    SetSessionField: vi.fn(async (sid: number, key: string, value: string) => {
      const f = st.fields.find((x) => x.key === key)
      if (!f) throw `set field: no field "${key}"`
      if (f.type === 'number' && value !== '' && Number.isNaN(Number(value))) throw `set field ${key}: "${value}" is not a number`
      const s = of(sid)
      if (value === '') delete s.fields[key]
      else s.fields[key] = value
    }),
  }
  return st
}
