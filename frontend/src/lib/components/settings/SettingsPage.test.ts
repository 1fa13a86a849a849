// The settings page against the fake window: every control, the gap's
// preview before Apply, the zone search, Test connection and the theme.

import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { afterEach, describe, expect, it } from 'vitest'
import { SettingsStore } from '../../stores/settings.svelte'
import { ThemeStore } from '../../stores/theme.svelte'
import { fakeSettings, settingsView } from '../../testdata/settings'
import { fakeWails, settle, type FakeWindow } from '../../testdata/wails'
import SettingsPage from './SettingsPage.svelte'

let w: FakeWindow
afterEach(() => {
  w?.remove()
  localStorage.clear()
})

async function page(opts: { dialogs?: boolean; view?: Parameters<typeof settingsView>[0] } = {}) {
  w = fakeWails({ info: { dialogs: opts.dialogs ?? true, transport: opts.dialogs === false ? 'serve' : 'desktop' }, watchFolder: '' })
  const f = fakeSettings(w, settingsView(opts.view))
  const settings = new SettingsStore(0)
  const theme = new ThemeStore()
  const r = render(SettingsPage, { settings, theme })
  await settle()
  return { f, settings, theme, ...r }
}

const save = () => w.app.SettingsService.SaveSettings

describe('SettingsPage', () => {
  it('renders without props, as the router mounts it', async () => {
    w = fakeWails()
    fakeSettings(w)
    render(SettingsPage)
    await settle()
    expect(screen.getByRole('heading', { level: 1, name: 'Settings' })).toBeTruthy()
    for (const name of ['People', 'Sessions', 'Imports', 'Summaries', 'Appearance', 'Try it out'])
      expect(screen.getByRole('heading', { level: 2, name })).toBeTruthy()
  })

  it('says when the settings cannot be read, and tries again', async () => {
    w = fakeWails()
    fakeSettings(w)
    w.app.SettingsService.GetSettings.mockRejectedValueOnce(new Error('<b>locked</b>'))
    render(SettingsPage, { settings: new SettingsStore(0) })
    await settle()
    expect(screen.getByText('<b>locked</b>')).toBeTruthy()
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }))
    await settle()
    expect(screen.getByRole('heading', { level: 2, name: 'People' })).toBeTruthy()
  })

  it('edits agent names as chips: add with Enter, rename in place, remove', async () => {
    await page()
    const list = screen.getByRole('list', { name: 'Current agent names' })
    expect(within(list).getByRole('button', { name: 'Maria Lopez' })).toBeTruthy()
    const input = screen.getByLabelText('Agent names') as HTMLInputElement
    await fireEvent.input(input, { target: { value: 'Jonas, Eve' } })
    await fireEvent.keyDown(input, { key: 'Enter' })
    await settle()
    expect(within(list).getAllByRole('button', { name: /^(Maria Lopez|Jonas|Eve)$/ }).map((b) => b.textContent)).toEqual([
      'Maria Lopez',
      'Jonas',
      'Eve',
    ])
    expect(input.value).toBe('')

    await fireEvent.click(within(list).getByRole('button', { name: 'Jonas' }))
    const edit = screen.getByLabelText('Rename Jonas') as HTMLInputElement
    expect(document.activeElement).toBe(edit)
    await fireEvent.input(edit, { target: { value: 'Jonas Brandt' } })
    await fireEvent.keyDown(edit, { key: 'Enter' })
    await settle()
    expect(save()).toHaveBeenLastCalledWith({ agents: ['Maria Lopez', 'Jonas Brandt', 'Eve'] })

    await fireEvent.click(screen.getByRole('button', { name: 'Remove Eve' }))
    await settle()
    expect(save()).toHaveBeenLastCalledWith({ agents: ['Maria Lopez', 'Jonas Brandt'] })
    expect(within(list).queryByRole('button', { name: 'Eve' })).toBeNull()
  })

  it('shows a refused name beside its field', async () => {
    await page()
    const input = screen.getByLabelText('AI agent (bot) names')
    await fireEvent.input(input, { target: { value: 'shop bot' } })
    await fireEvent.keyDown(input, { key: 'Enter' })
    await settle()
    expect(screen.getByRole('alert').textContent).toBe('shop bot is already there')
    expect(input.getAttribute('aria-invalid')).toBe('true')
  })

  it('says how many sessions a new gap would change before it is applied', async () => {
    await page()
    const value = screen.getByLabelText('Session gap') as HTMLInputElement
    expect(value.value).toBe('1')
    expect((screen.getByLabelText('Gap unit') as HTMLSelectElement).value).toBe('days')
    await fireEvent.input(value, { target: { value: '2' } })
    await settle()
    expect(screen.getByText('3 sessions would change')).toBeTruthy()
    expect(screen.getByText(/10 → 8 sessions/)).toBeTruthy()
    expect(w.app.SettingsService.ApplyGap).not.toHaveBeenCalled()
    await fireEvent.click(screen.getByRole('button', { name: 'Apply 2 days' }))
    await settle()
    expect(w.app.SettingsService.ApplyGap).toHaveBeenCalledWith('48h')
    expect(screen.getByRole('status').textContent).toContain('3 sessions changed, 8 sessions now')
    expect(screen.getByText(/Now 2 days/)).toBeTruthy()
  })

  it('cancels a gap change, and refuses a gap under a minute', async () => {
    await page()
    const value = screen.getByLabelText('Session gap') as HTMLInputElement
    await fireEvent.change(screen.getByLabelText('Gap unit'), { target: { value: 'hours' } })
    await settle()
    expect(screen.getByText('6 sessions would change')).toBeTruthy()
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    await settle()
    expect(value.value).toBe('1')
    expect(screen.queryByText(/would change/)).toBeNull()
    await fireEvent.input(value, { target: { value: '0' } })
    await settle()
    expect(screen.getByRole('alert').textContent).toBe('Enter a gap of at least 1 minute.')
  })

  it('finds a zone by typing and saves the one picked with Enter', async () => {
    await page()
    const box = screen.getByRole('combobox', { name: "Phone's time zone (WhatsApp)" }) as HTMLInputElement
    expect(box.value).toBe("This computer's zone")
    await fireEvent.focus(box)
    await fireEvent.input(box, { target: { value: 'new york' } })
    const options = within(screen.getByRole('listbox')).getAllByRole('option')
    expect(options.map((o) => o.textContent?.trim())).toEqual(["This computer's zone", 'America / New York'])
    expect(box.getAttribute('aria-activedescendant')).toBe('zone-opt-1')
    await fireEvent.keyDown(box, { key: 'ArrowDown' })
    expect(box.getAttribute('aria-activedescendant')).toBe('zone-opt-0')
    await fireEvent.keyDown(box, { key: 'ArrowUp' })
    await fireEvent.keyDown(box, { key: 'Enter' })
    await settle()
    expect(save()).toHaveBeenLastCalledWith({ whatsapp_zone: 'America/New_York' })
    expect(screen.queryByRole('listbox')).toBeNull()
    expect(box.value).toBe('America / New York')
  })

  it('closes the zone list with Escape, keeping the zone', async () => {
    await page({ view: { whatsapp_zone: 'Europe/Berlin' } })
    const box = screen.getByRole('combobox', { name: "Phone's time zone (WhatsApp)" }) as HTMLInputElement
    expect(box.value).toBe('Europe / Berlin')
    await fireEvent.focus(box)
    expect(within(screen.getByRole('listbox')).getByRole('option', { name: 'Europe / Berlin' }).getAttribute('aria-selected')).toBe('true')
    await fireEvent.input(box, { target: { value: 'zzz' } })
    expect(screen.getByText('No zone matches “zzz”')).toBeTruthy()
    await fireEvent.keyDown(box, { key: 'Escape' })
    expect(screen.queryByRole('listbox')).toBeNull()
    expect(box.value).toBe('Europe / Berlin')
    expect(save()).not.toHaveBeenCalled()
  })

  it('tests the Ollama connection and picks a listed model', async () => {
    await page()
    await fireEvent.click(screen.getByRole('button', { name: 'Test connection' }))
    await settle()
    expect(screen.getByText('Ollama at http://127.0.0.1:11434 answers and has llama3.2:3b')).toBeTruthy()
    const models = screen.getByRole('list', { name: 'Models on the server' })
    await fireEvent.click(within(models).getByRole('button', { name: 'qwen2.5:7b' }))
    expect((screen.getByLabelText('Model') as HTMLInputElement).value).toBe('qwen2.5:7b')
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    await settle()
    expect(save()).toHaveBeenLastCalledWith({ ollama_url: '', model: 'qwen2.5:7b', allow_remote_ollama: false })
  })

  it('refuses another machine until it is allowed', async () => {
    await page()
    await fireEvent.input(screen.getByLabelText('Address'), { target: { value: 'http://192.0.2.7:11434' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    await settle()
    expect(screen.getByRole('alert').textContent).toBe('the ollama server is not on this machine')
    await fireEvent.click(screen.getByRole('checkbox', { name: /Allow another machine/ }))
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    await settle()
    expect(screen.queryByRole('alert')).toBeNull()
    expect(save()).toHaveBeenLastCalledWith({ ollama_url: 'http://192.0.2.7:11434', model: '', allow_remote_ollama: true })
  })

  it('switches the theme at once and keeps it', async () => {
    const { theme } = await page()
    const group = screen.getByRole('radiogroup', { name: 'Theme' })
    expect(within(group).getByRole('radio', { name: 'System' }).getAttribute('aria-checked')).toBe('true')
    await fireEvent.click(within(group).getByRole('radio', { name: 'Dark' }))
    await settle()
    expect(document.documentElement.dataset.theme).toBe('dark')
    expect(theme.choice).toBe('dark')
    expect(save()).toHaveBeenLastCalledWith({ theme: 'dark' })
    expect(within(group).getByRole('radio', { name: 'Dark' }).getAttribute('aria-checked')).toBe('true')
  })

  it('takes the theme kept in the library when this browser has none of its own', async () => {
    localStorage.clear()
    const { theme } = await page({ view: { theme: 'dark' } })
    expect(theme.choice).toBe('dark')
    expect(document.documentElement.dataset.theme).toBe('dark')
  })

  it('keeps the theme picked in this browser', async () => {
    localStorage.setItem('sessions.theme', 'light')
    const { theme } = await page({ view: { theme: 'dark' } })
    expect(theme.choice).toBe('light')
  })

  it('in a browser takes the watched folder as a typed path', async () => {
    await page({ dialogs: false })
    const input = screen.getByLabelText(/Folder to watch/)
    await fireEvent.input(input, { target: { value: '/home/me/exports' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Watch' }))
    await settle()
    expect(save()).toHaveBeenLastCalledWith({ watch_folder: '/home/me/exports' })
    expect(screen.getByText('/home/me/exports')).toBeTruthy()
    await fireEvent.click(screen.getByRole('button', { name: 'Stop watching' }))
    await settle()
    expect(save()).toHaveBeenLastCalledWith({ watch_folder: '' })
    expect(screen.getByText('Not watching a folder.')).toBeTruthy()
  })

  it('in the window uses the folder dialog', async () => {
    await page({ dialogs: true })
    expect(screen.getByRole('group', { name: 'Watched folder' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Choose folder…' })).toBeTruthy()
    expect(screen.queryByLabelText(/Folder to watch/)).toBeNull()
  })

  it('loads and removes the sample data', async () => {
    const { f } = await page()
    await fireEvent.click(screen.getByRole('button', { name: 'Load sample data' }))
    await settle()
    expect(f.sample).toBe(true)
    await fireEvent.click(screen.getByRole('button', { name: 'Remove sample data' }))
    await settle()
    expect(f.sample).toBe(false)
    expect(screen.getByText('Removed 107 sample sessions.')).toBeTruthy()
  })

  it('shows chat-like text as text', async () => {
    await page({ view: { agents: ['<img src=x onerror=alert(1)>'] } })
    expect(screen.getByRole('button', { name: '<img src=x onerror=alert(1)>' })).toBeTruthy()
    expect(document.querySelector('img')).toBeNull()
  })
})
