// Settings: the preferences as the program keeps them (SettingsService),
// saved one control at a time; a refusal lands beside the control it names
// ("whatsapp_zone: unknown time zone …"). The session gap is previewed
// (how many sessions a re-split would change) before it is applied, an
// older preview never overwriting a newer one. The Ollama test lists the
// server's models. The sample library is loaded and removed from here and
// from the first-run screen.

import * as api from '../api'
import type { GapPreview, OllamaTest, SettingsInput, SettingsView } from '../contract.gen'
import { THEME_KEY } from './theme.svelte'

/** The fields a refusal can name, as the program spells them. */
export type SettingField =
  | 'agents'
  | 'bots'
  | 'session_gap'
  | 'whatsapp_zone'
  | 'ollama_url'
  | 'model'
  | 'watch_folder'
  | 'theme'
  | 'general'

const FIELDS: readonly string[] = ['agents', 'bots', 'session_gap', 'whatsapp_zone', 'ollama_url', 'model', 'watch_folder', 'theme']

/** Splits "field: message" into the field it names and the rest; other errors are "general". */
export function fieldError(err: unknown): { field: SettingField; message: string } {
  const message = api.toError(err).message
  const i = message.indexOf(': ')
  if (i > 0 && FIELDS.includes(message.slice(0, i))) {
    return { field: message.slice(0, i) as SettingField, message: message.slice(i + 2) }
  }
  return { field: 'general', message }
}

export type GapUnit = 'minutes' | 'hours' | 'days'

/** A Go duration ("24h0m0s", "90m") as a number in the largest unit that keeps it whole; null when it is none. */
export function splitGap(d: string): { value: number; unit: GapUnit } | null {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(d.trim())
  if (!m || d.trim() === '') return null
  const minutes = Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) + Math.floor(Number(m[3] ?? 0) / 60)
  if (minutes > 0 && minutes % 1440 === 0) return { value: minutes / 1440, unit: 'days' }
  if (minutes > 0 && minutes % 60 === 0) return { value: minutes / 60, unit: 'hours' }
  return { value: minutes, unit: 'minutes' }
}

/** A number of minutes, hours or days as a Go duration ("48h", "90m"); "" when it is not a positive number. */
export function joinGap(value: number, unit: GapUnit): string {
  if (!Number.isFinite(value) || value <= 0) return ''
  const minutes = Math.round(value * (unit === 'days' ? 1440 : unit === 'hours' ? 60 : 1))
  if (minutes <= 0) return ''
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`
}

/** How a gap reads to people: "24 hours", "90 minutes", "2 days". */
export function gapText(d: string): string {
  const g = splitGap(d)
  if (!g) return d
  const unit = g.value === 1 ? g.unit.slice(0, -1) : g.unit
  return `${g.value} ${unit}`
}

export class SettingsStore {
  view = $state<SettingsView | null>(null)
  phase = $state<'loading' | 'ready' | 'error'>('loading')
  loadError = $state('')
  /** Refusals and failures by the field they concern. */
  errors = $state<Partial<Record<SettingField, string>>>({})
  /** Fields being saved now. */
  saving = $state<Partial<Record<SettingField, boolean>>>({})
  /** The last "Saved" confirmation, by field, so the page can say it beside the control. */
  saved = $state<Partial<Record<SettingField, boolean>>>({})

  /** The gap being considered (a Go duration), its preview and whether it is being applied. */
  gapDraft = $state('')
  preview = $state<GapPreview | null>(null)
  previewing = $state(false)
  applying = $state(false)
  /** What the last apply did. */
  applied = $state<GapPreview | null>(null)

  ollamaTest = $state<OllamaTest | null>(null)
  testing = $state(false)

  /** null until known. */
  hasSample = $state<boolean | null>(null)
  sampleBusy = $state(false)
  sampleError = $state('')
  /** Sessions removed by the last Remove. */
  sampleRemoved = $state<number | null>(null)

  private previewSeq = 0
  private previewTimer: ReturnType<typeof setTimeout> | null = null
  private stopped = false

  constructor(private readonly previewDelay = 300) {}

  async load(): Promise<void> {
    this.phase = 'loading'
    try {
      const v = await api.call('SettingsService', 'GetSettings')
      if (this.stopped) return
      this.view = normalize(v)
      this.gapDraft = this.view.session_gap
      this.phase = 'ready'
    } catch (e) {
      if (this.stopped) return
      this.loadError = api.toError(e).message
      this.phase = 'error'
    }
    void this.checkSample()
  }

  destroy(): void {
    this.stopped = true
    if (this.previewTimer) clearTimeout(this.previewTimer)
  }

  /**
   * Saves a change of one control (field names where a refusal is shown).
   * Returns whether it was kept.
   */
  async save(field: SettingField, patch: SettingsInput): Promise<boolean> {
    this.saving = { ...this.saving, [field]: true }
    this.saved = { ...this.saved, [field]: false }
    this.errors = { ...this.errors, [field]: undefined }
    try {
      const v = await api.call('SettingsService', 'SaveSettings', patch)
      if (this.stopped) return false
      this.view = { ...normalize(v), session_gap: this.view?.session_gap ?? normalize(v).session_gap }
      this.saved = { ...this.saved, [field]: true }
      return true
    } catch (e) {
      if (this.stopped) return false
      const fe = fieldError(e)
      this.errors = { ...this.errors, [fe.field === 'general' ? field : fe.field]: fe.message }
      return false
    } finally {
      this.saving = { ...this.saving, [field]: false }
    }
  }

  /** Adds a name to the agents or bots; one already there (in any case) is not added twice. */
  addName(kind: 'agents' | 'bots', name: string): Promise<boolean> {
    const n = name.trim()
    const list = this.view?.[kind] ?? []
    if (!n) return Promise.resolve(false)
    if (list.some((x) => x.toLowerCase() === n.toLowerCase())) {
      this.errors = { ...this.errors, [kind]: `${n} is already there` }
      return Promise.resolve(false)
    }
    return this.save(kind, { [kind]: [...list, n] })
  }

  /** Renames one name in place, keeping its position. */
  renameName(kind: 'agents' | 'bots', from: string, to: string): Promise<boolean> {
    const n = to.trim()
    const list = this.view?.[kind] ?? []
    if (!n || n === from) return Promise.resolve(true)
    return this.save(kind, { [kind]: list.map((x) => (x === from ? n : x)) })
  }

  removeName(kind: 'agents' | 'bots', name: string): Promise<boolean> {
    const list = this.view?.[kind] ?? []
    return this.save(kind, { [kind]: list.filter((x) => x !== name) })
  }

  /** The gap typed: its preview follows after a pause; the same gap as now needs none. */
  setGapDraft(gap: string): void {
    this.gapDraft = gap
    this.applied = null
    this.errors = { ...this.errors, session_gap: undefined }
    if (this.previewTimer) clearTimeout(this.previewTimer)
    const seq = ++this.previewSeq
    if (!gap || gap === this.view?.session_gap || sameGap(gap, this.view?.session_gap)) {
      this.preview = null
      this.previewing = false
      if (!gap) this.errors = { ...this.errors, session_gap: 'Enter a gap of at least 1 minute.' }
      return
    }
    this.previewing = true
    this.previewTimer = setTimeout(() => void this.runPreview(gap, seq), this.previewDelay)
  }

  private async runPreview(gap: string, seq: number): Promise<void> {
    try {
      const p = await api.call('SettingsService', 'PreviewGap', gap)
      if (this.stopped || seq !== this.previewSeq) return
      this.preview = p
    } catch (e) {
      if (this.stopped || seq !== this.previewSeq) return
      this.preview = null
      this.errors = { ...this.errors, session_gap: fieldError(e).message }
    } finally {
      if (seq === this.previewSeq) this.previewing = false
    }
  }

  /** Whether Apply can be pressed: a previewed gap other than the current one. */
  get canApply(): boolean {
    return !!this.preview && !this.previewing && !this.applying && !this.errors.session_gap
  }

  /** Re-splits the library with the previewed gap. */
  async applyGap(): Promise<boolean> {
    if (!this.canApply) return false
    const gap = this.gapDraft
    this.applying = true
    try {
      const res = await api.call('SettingsService', 'ApplyGap', gap)
      if (this.stopped) return false
      this.applied = res
      this.preview = null
      const v = await api.call('SettingsService', 'GetSettings')
      if (this.stopped) return true
      this.view = normalize(v)
      this.gapDraft = this.view.session_gap
      return true
    } catch (e) {
      if (!this.stopped) this.errors = { ...this.errors, session_gap: fieldError(e).message }
      return false
    } finally {
      this.applying = false
    }
  }

  /** Puts the current gap back in the editor, dropping the preview. */
  resetGap(): void {
    if (this.view) this.setGapDraft(this.view.session_gap)
  }

  async testOllama(url: string, model: string): Promise<void> {
    this.testing = true
    this.ollamaTest = null
    this.errors = { ...this.errors, ollama_url: undefined }
    try {
      const r = await api.call('SettingsService', 'TestOllama', url, model)
      if (this.stopped) return
      this.ollamaTest = { ok: r.ok, models: r.models ?? [], message: r.message }
    } catch (e) {
      if (this.stopped) return
      const fe = fieldError(e)
      this.errors = { ...this.errors, [fe.field === 'general' ? 'ollama_url' : fe.field]: fe.message }
    } finally {
      this.testing = false
    }
  }

  async checkSample(): Promise<void> {
    try {
      const has = await api.call('SettingsService', 'HasSampleData')
      if (!this.stopped) this.hasSample = has === true
    } catch {
      // the section then offers loading, which says what went wrong
      if (!this.stopped) this.hasSample = false
    }
  }

  /** Loads the sample library; returns its report, or null when it failed (sampleError says why). */
  async loadSample(): Promise<api.Report | null> {
    if (this.sampleBusy) return null
    this.sampleBusy = true
    this.sampleError = ''
    this.sampleRemoved = null
    try {
      const r = api.normalizeReport(await api.call('SettingsService', 'LoadSampleData'))
      if (!this.stopped) this.hasSample = true
      return r
    } catch (e) {
      if (!this.stopped) this.sampleError = api.toError(e).message
      return null
    } finally {
      this.sampleBusy = false
    }
  }

  /** Removes the sample library (none of the user's own data). */
  async removeSample(): Promise<boolean> {
    if (this.sampleBusy) return false
    this.sampleBusy = true
    this.sampleError = ''
    try {
      const n = await api.call('SettingsService', 'RemoveSampleData')
      if (this.stopped) return true
      this.sampleRemoved = typeof n === 'number' ? n : 0
      this.hasSample = false
      return true
    } catch (e) {
      if (!this.stopped) this.sampleError = api.toError(e).message
      return false
    } finally {
      this.sampleBusy = false
    }
  }
}

/**
 * The theme kept in the library, for a browser that has none of its own
 * (a new browser, or serve on another port: another origin's storage):
 * a pick made in this browser wins, since the sidebar's button keeps it
 * only here.
 */
export function libraryTheme(view: SettingsView | null, storage: Pick<Storage, 'getItem'> = localStorage): 'light' | 'dark' | null {
  if (!view || (view.theme !== 'light' && view.theme !== 'dark')) return null
  try {
    return storage.getItem(THEME_KEY) ? null : view.theme
  } catch {
    return view.theme
  }
}

function sameGap(a: string, b: string | undefined): boolean {
  if (!b) return false
  const x = splitGap(a)
  const y = splitGap(b)
  return !!x && !!y && x.value === y.value && x.unit === y.unit
}

/** Lists never null, the theme one of three. */
function normalize(v: SettingsView): SettingsView {
  const theme = v.theme === 'light' || v.theme === 'dark' ? v.theme : 'system'
  return { ...v, agents: v.agents ?? [], bots: v.bots ?? [], theme }
}
