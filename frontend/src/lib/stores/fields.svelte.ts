// The custom fields defined: their keys, names, types and options, loaded
// once and again after every change, shared by the rows (a field's name),
// the filter bar, the detail's editors and the Labels page.

import * as api from '../api'
import { ProgramList } from './programList.svelte'
import type { FieldView } from '../api'

export const FIELD_TYPES = [
  ['text', 'Text'],
  ['number', 'Number'],
  ['date', 'Date'],
  ['choice', 'Choice'],
] as const

export class FieldsStore extends ProgramList<FieldView> {
  constructor() {
    super(() => api.listFields())
  }

  get fields(): FieldView[] {
    return this.items
  }

  set fields(v: FieldView[]) {
    this.items = v
  }

  /** A field's name by its key; the key when it is not defined (any more). */
  name = (key: string): string => this.fields.find((f) => f.key === key)?.name || key

  get(key: string): FieldView | undefined {
    return this.fields.find((f) => f.key === key)
  }

  define(input: { key: string; name: string; type: string; choices?: string[] }): Promise<FieldView> {
    return this.change(() => api.defineField(input))
  }

  rename(key: string, name: string): Promise<FieldView> {
    return this.change(() => api.updateField(key, { name: name.trim() }))
  }

  setChoices(key: string, choices: string[]): Promise<FieldView> {
    return this.change(() => api.updateField(key, { choices }))
  }

  remove(key: string): Promise<void> {
    return this.change(() => api.deleteField(key))
  }
}

/** A key made from a field's name ("Customer tier" → "customer_tier"). */
export function keyOf(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
}
