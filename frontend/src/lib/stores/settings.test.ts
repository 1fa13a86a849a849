// The settings store against the fake window: saving one control at a
// time with refusals beside the field they name, the gap previewed (an
// older answer never overwriting a newer one) and applied, the Ollama test
// and the sample data.

import { afterEach, describe, expect, it } from 'vitest'
import { fakeSettings } from '../testdata/settings'
import { fakeWails, settle, type FakeWindow } from '../testdata/wails'
import { fieldError, gapText, joinGap, libraryTheme, SettingsStore, splitGap } from './settings.svelte'
import { settingsView } from '../testdata/settings'

let w: FakeWindow
let s: SettingsStore | undefined
afterEach(() => {
  s?.destroy()
  w?.remove()
})

async function loaded() {
  s = new SettingsStore(0)
  await s.load()
  return s
}

describe('gap helpers', () => {
  it.each([
    ['24h0m0s', { value: 1, unit: 'days' }, '1 day'],
    ['48h', { value: 2, unit: 'days' }, '2 days'],
    ['12h0m0s', { value: 12, unit: 'hours' }, '12 hours'],
    ['1h30m0s', { value: 90, unit: 'minutes' }, '90 minutes'],
    ['0h1m0s', { value: 1, unit: 'minutes' }, '1 minute'],
  ])('%s reads as %o', (d, split, text) => {
    expect(splitGap(d)).toEqual(split)
    expect(gapText(d)).toBe(text)
  })

  it('refuses what is no duration', () => {
    expect(splitGap('a day')).toBeNull()
    expect(splitGap('')).toBeNull()
  })

  it.each([
    [2, 'days', '48h'],
    [90, 'minutes', '90m'],
    [120, 'minutes', '2h'],
    [1.5, 'hours', '90m'],
    [0, 'hours', ''],
    [-1, 'days', ''],
    [Number.NaN, 'hours', ''],
  ] as const)('%d %s is %s', (v, unit, want) => expect(joinGap(v, unit)).toBe(want))
})

describe('fieldError', () => {
  it.each([
    ['whatsapp_zone: unknown time zone "X"', 'whatsapp_zone', 'unknown time zone "X"'],
    ['ollama_url: no host', 'ollama_url', 'no host'],
    ['database is locked: busy', 'general', 'database is locked: busy'],
  ])('%s', (msg, field, message) => expect(fieldError(new Error(msg))).toEqual({ field, message }))
})

describe('libraryTheme', () => {
  const none = { getItem: () => null }
  const picked = { getItem: () => 'light' }
  it.each([
    ['dark kept, nothing picked here', 'dark', none, 'dark'],
    ['a pick made here wins', 'dark', picked, null],
    ['system needs nothing', 'system', none, null],
  ] as const)('%s', (_, theme, storage, want) => expect(libraryTheme(settingsView({ theme }), storage)).toBe(want))
  it('no settings yet', () => expect(libraryTheme(null, none)).toBeNull())
})

describe('SettingsStore', () => {
  it('loads the settings and whether the sample is there', async () => {
    w = fakeWails()
    const f = fakeSettings(w)
    f.sample = true
    const st = await loaded()
    await settle()
    expect(st.phase).toBe('ready')
    expect(st.view?.agents).toEqual(['Maria Lopez'])
    expect(st.gapDraft).toBe('24h0m0s')
    expect(st.hasSample).toBe(true)
  })

  it('says why the settings could not be read', async () => {
    w = fakeWails()
    fakeSettings(w)
    w.app.SettingsService.GetSettings.mockRejectedValueOnce(new Error('database is locked'))
    const st = await loaded()
    expect(st.phase).toBe('error')
    expect(st.loadError).toBe('database is locked')
  })

  it('adds, renames and removes names, once each in any case', async () => {
    w = fakeWails()
    fakeSettings(w)
    const st = await loaded()
    expect(await st.addName('agents', '  Jonas ')).toBe(true)
    expect(st.view?.agents).toEqual(['Maria Lopez', 'Jonas'])
    expect(await st.addName('agents', 'maria lopez')).toBe(false)
    expect(st.errors.agents).toBe('maria lopez is already there')
    expect(await st.renameName('agents', 'Jonas', 'Jonas Brandt')).toBe(true)
    expect(st.view?.agents).toEqual(['Maria Lopez', 'Jonas Brandt'])
    expect(await st.removeName('agents', 'Maria Lopez')).toBe(true)
    expect(st.view?.agents).toEqual(['Jonas Brandt'])
    expect(w.app.SettingsService.SaveSettings).toHaveBeenLastCalledWith({ agents: ['Jonas Brandt'] })
  })

  it('puts a refusal beside the field the program names', async () => {
    w = fakeWails()
    fakeSettings(w)
    const st = await loaded()
    expect(await st.save('whatsapp_zone', { whatsapp_zone: 'Mars/Olympus' })).toBe(false)
    expect(st.errors.whatsapp_zone).toBe('unknown time zone "Mars/Olympus"')
    expect(st.view?.whatsapp_zone).toBe('')
    expect(await st.save('whatsapp_zone', { whatsapp_zone: 'Europe/Berlin' })).toBe(true)
    expect(st.errors.whatsapp_zone).toBeUndefined()
    expect(st.saved.whatsapp_zone).toBe(true)
    w.app.SettingsService.SaveSettings.mockRejectedValueOnce(new Error('disk full'))
    expect(await st.save('theme', { theme: 'dark' })).toBe(false)
    expect(st.errors.theme).toBe('disk full')
  })

  it('previews a new gap, drops an older answer that comes late, and applies it', async () => {
    w = fakeWails()
    const f = fakeSettings(w)
    const st = await loaded()
    f.hold = true
    st.setGapDraft('12h')
    await settle()
    st.setGapDraft('48h')
    await settle()
    expect(f.previews).toEqual(['12h', '48h'])
    f.answer('48h', { sessions_now: 10, sessions_after: 8, changed: 3 })
    await settle()
    f.answer('12h', { sessions_now: 10, sessions_after: 14, changed: 6 })
    await settle()
    expect(st.preview).toEqual({ sessions_now: 10, sessions_after: 8, changed: 3 })
    expect(st.canApply).toBe(true)
    expect(await st.applyGap()).toBe(true)
    expect(w.app.SettingsService.ApplyGap).toHaveBeenCalledWith('48h')
    expect(st.applied?.changed).toBe(3)
    expect(st.view?.session_gap).toBe('48h0m0s')
    expect(st.preview).toBeNull()
  })

  it('asks nothing for the gap in use, and says what a bad one is', async () => {
    w = fakeWails()
    const f = fakeSettings(w)
    const st = await loaded()
    st.setGapDraft('24h')
    await settle()
    expect(f.previews).toEqual([])
    expect(st.canApply).toBe(false)
    st.setGapDraft('30s')
    await settle()
    expect(st.errors.session_gap).toBe('the session gap must be at least 1m')
    expect(st.canApply).toBe(false)
    st.setGapDraft('')
    expect(st.errors.session_gap).toBe('Enter a gap of at least 1 minute.')
  })

  it('tests Ollama and lists its models', async () => {
    w = fakeWails()
    fakeSettings(w)
    const st = await loaded()
    await st.testOllama('', 'mistral')
    expect(st.ollamaTest).toEqual({
      ok: false,
      models: ['llama3.2:3b', 'qwen2.5:7b'],
      message: 'Ollama answers, but mistral is not installed (install it with: ollama pull mistral)',
    })
    w.app.SettingsService.TestOllama.mockRejectedValueOnce(new Error('ollama_url: scheme must be http or https'))
    await st.testOllama('ftp://x', '')
    expect(st.errors.ollama_url).toBe('scheme must be http or https')
    expect(st.testing).toBe(false)
  })

  it('loads and removes the sample data', async () => {
    w = fakeWails()
    fakeSettings(w)
    const st = await loaded()
    await settle()
    expect(st.hasSample).toBe(false)
    const r = await st.loadSample()
    expect(r?.totals.sessions).toBe(107)
    expect(st.hasSample).toBe(true)
    expect(await st.loadSample()).toBeNull()
    expect(st.sampleError).toContain('already loaded')
    expect(await st.removeSample()).toBe(true)
    expect(st.sampleRemoved).toBe(107)
    expect(st.hasSample).toBe(false)
  })
})
