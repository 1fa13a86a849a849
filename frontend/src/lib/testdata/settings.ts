// A SettingsService for the fake window: the settings kept in memory, the
// program's refusals ("field: message") for the values specs use, and the
// gap preview, Ollama test and sample data as the program answers them.

import { vi } from 'vitest'
import type { GapPreview, OllamaTest, SettingsInput, SettingsView } from '../contract.gen'
import type { FakeWindow } from './wails'

export function settingsView(over: Partial<SettingsView> = {}): SettingsView {
  return {
    agents: ['Maria Lopez'],
    bots: ['Shop Bot'],
    session_gap: '24h0m0s',
    whatsapp_zone: '',
    ollama_url: '',
    model: '',
    allow_remote_ollama: false,
    watch_folder: '',
    theme: 'system',
    default_ollama_url: 'http://127.0.0.1:11434',
    default_model: 'llama3.2:3b',
    ...over,
  }
}

export interface FakeSettings {
  view: SettingsView
  sample: boolean
  /** Previews asked for, in order; resolve them with answer() when held. */
  previews: string[]
  /** Holds PreviewGap answers until answer() is called, to test their order. */
  hold: boolean
  answer(gap: string, p: GapPreview): void
}

/** Adds SettingsService to a fake window. */
export function fakeSettings(w: FakeWindow, view: SettingsView = settingsView()): FakeSettings {
  const held = new Map<string, (p: GapPreview) => void>()
  const state: FakeSettings = {
    view,
    sample: false,
    previews: [],
    hold: false,
    answer: (gap, p) => held.get(gap)?.(p),
  }
  const preview = (gap: string): GapPreview => {
    const hours = gap.endsWith('h') ? Number(gap.slice(0, -1)) : Number(gap.slice(0, -1)) / 60
    return hours >= 24 ? { sessions_now: 10, sessions_after: 8, changed: 3 } : { sessions_now: 10, sessions_after: 14, changed: 6 }
  }
  Object.assign(w.app.SettingsService, {
    GetSettings: vi.fn(async () => structuredClone(state.view)),
    SaveSettings: vi.fn(async (input: SettingsInput) => {
      if (input.whatsapp_zone?.startsWith('Mars/')) throw new Error(`whatsapp_zone: unknown time zone "${input.whatsapp_zone}"`)
      if (input.ollama_url?.includes('192.0.2.') && !input.allow_remote_ollama)
        throw new Error('ollama_url: the ollama server is not on this machine')
      if (input.agents?.some((a) => a.length > 100)) throw new Error('agents: name is longer than 100 characters')
      const next = { ...state.view }
      for (const [k, v] of Object.entries(input)) if (v !== undefined && v !== null) (next as Record<string, unknown>)[k] = v
      state.view = next
      return structuredClone(next)
    }),
    PreviewGap: vi.fn((gap: string) => {
      state.previews.push(gap)
      if (gap === '30s' || gap === '') return Promise.reject(new Error('session_gap: the session gap must be at least 1m'))
      if (state.hold) return new Promise<GapPreview>((resolve) => held.set(gap, resolve))
      return Promise.resolve(preview(gap))
    }),
    ApplyGap: vi.fn(async (gap: string) => {
      const p = preview(gap)
      state.view = { ...state.view, session_gap: gap.endsWith('h') ? `${gap.slice(0, -1)}h0m0s` : `0h${gap}0s` }
      return p
    }),
    TestOllama: vi.fn(async (url: string, model: string): Promise<OllamaTest> => {
      if (url.includes('down')) return { ok: false, models: [], message: `Ollama at ${url} does not answer (start it with: ollama serve)` }
      const models = ['llama3.2:3b', 'qwen2.5:7b']
      const want = model || 'llama3.2:3b'
      return models.includes(want)
        ? { ok: true, models, message: `Ollama at http://127.0.0.1:11434 answers and has ${want}` }
        : { ok: false, models, message: `Ollama answers, but ${want} is not installed (install it with: ollama pull ${want})` }
    }),
    HasSampleData: vi.fn(async () => state.sample),
    LoadSampleData: vi.fn(async () => {
      if (state.sample) throw new Error('load the sample data: the sample data is already loaded')
      state.sample = true
      return {
        files: [{ path: 'Sample data (fictional)', format: 'sample', status: 'ok', conversations: 16, messages: 791, sessions: 107, duplicates: 0, reread: 0, repaired: 0, broken_threads: 0, skipped_lines: 0, skipped: [], error: null }],
        totals: { conversations: 16, messages: 791, sessions: 107, duplicates: 0, reread: 0, repaired: 0, partial: 0, cancelled: 0, ignored: 0, failed: 0 },
      }
    }),
    RemoveSampleData: vi.fn(async () => {
      const had = state.sample
      state.sample = false
      return had ? 107 : 0
    }),
  })
  return state
}
