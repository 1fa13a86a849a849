// The detail store against the fake window: opening (and dropping the
// answer for a session left), messages per side, the contact's recent
// sessions, and the edits with the list told after each.

import { afterEach, describe, expect, it } from 'vitest'
import { contactOf, detailOf, message } from '../testdata/detail'
import { fakeLabels } from '../testdata/labels'
import { fakeWails, type FakeWindow } from '../testdata/wails'
import { DetailStore, sideCounts } from './detail.svelte'

let w: FakeWindow
afterEach(() => w?.remove())

function setup() {
  w = fakeWails({ summary: { source: 'ollama:llama3.2' } })
  const st = fakeLabels(w, [{ name: 'billing' }], [{ key: 'tier', name: 'Tier', type: 'choice', choices: ['gold', 'silver'] }, { key: 'orders', name: 'Orders', type: 'number' }])
  w.app.SessionsService.GetSession.mockImplementation(async (id: number) => {
    const s = st.onSession.get(id)
    return detailOf({
      id,
      labels: (s?.labels ?? ['billing']).map((name) => ({ name, color: '#e5484d' })),
      fields: s?.fields ?? { tier: 'gold' },
    })
  })
  w.app.SessionsService.ContactSessions.mockResolvedValue(contactOf())
  let changed = 0
  const d = new DetailStore((s) => {
    if (s) changed++
  })
  return { d, st, changed: () => changed }
}

describe('sideCounts', () => {
  it.each([
    ['none', [], { customer: 0, agent: 0, bot: 0 }],
    ['each side, system lines left out', ['customer', 'bot', 'agent', 'system', 'customer'], { customer: 2, agent: 1, bot: 1 }],
  ])('%s', (_, roles, want) => {
    expect(sideCounts({ messages: roles.map((r) => message(r)) })).toEqual(want)
  })
})

describe('DetailStore', () => {
  it('opens a session with its contact, their other recent sessions and the summarizer', async () => {
    const { d } = setup()
    await d.open(1)
    expect(d.phase).toBe('ready')
    expect(d.session?.id).toBe(1)
    expect(d.contact?.phone).toBe('+49 30 1234567')
    expect(d.recent.map((s) => s.id)).toEqual([8, 5])
    expect(d.summarizer).toBe('ollama:llama3.2')
    expect(w.app.SessionsService.ContactSessions).toHaveBeenCalledWith({ id: 7, limit: 6 })
  })

  it('drops the answer for a session the user has left', async () => {
    const { d } = setup()
    let release: () => void = () => {}
    w.app.SessionsService.GetSession.mockImplementationOnce(
      () => new Promise((r) => (release = () => r(detailOf({ id: 1, summary: 'stale' })))),
    )
    const first = d.open(1)
    await d.open(2)
    release()
    await first
    expect(d.session?.id).toBe(2)
    expect(d.session?.summary).not.toBe('stale')
  })

  it('closes with null', async () => {
    const { d } = setup()
    await d.open(1)
    await d.open(null)
    expect(d.session).toBeNull()
    expect(d.phase).toBe('idle')
  })

  it('says why a session could not be opened, and tries again', async () => {
    const { d } = setup()
    w.app.SessionsService.GetSession.mockRejectedValueOnce('get session 1: not found')
    await d.open(1)
    expect(d.phase).toBe('error')
    expect(d.error?.message).toBe('get session 1: not found')
    await d.reload()
    expect(d.phase).toBe('ready')
  })

  it('adds and removes labels, reloads, and tells the list', async () => {
    const { d, changed } = setup()
    await d.open(1)
    expect(await d.addLabel(' vip ')).toBe(true)
    expect(w.app.LabelsService.AddSessionLabel).toHaveBeenCalledWith(1, 'vip')
    expect(d.session?.labels?.map((l) => l.name)).toEqual(['vip'])
    expect(await d.removeLabel('vip')).toBe(true)
    expect(d.session?.labels).toEqual([])
    expect(changed()).toBe(2)
  })

  it('sets a field, and keeps the refusal with the field it was about', async () => {
    const { d, changed } = setup()
    await d.open(1)
    expect(await d.setField('orders', '12')).toBe(true)
    expect(w.app.FieldsService.SetSessionField).toHaveBeenCalledWith(1, 'orders', '12')
    expect(await d.setField('orders', 'twelve')).toBe(false)
    expect(d.editError).toEqual({ what: 'field:orders', message: 'set field orders: "twelve" is not a number' })
    expect(changed()).toBe(1)
    // The same value as stored is no change.
    expect(await d.setField('orders', '12')).toBe(true)
    expect(w.app.FieldsService.SetSessionField).toHaveBeenCalledTimes(2)
  })

  it('asks for a new summary and waits for it', async () => {
    const { d } = setup()
    await d.open(1)
    expect(await d.resummarize()).toBe(true)
    expect(w.app.SummariesService.Resummarize).toHaveBeenCalledWith(1)
    expect(d.resummarizing).toBe(true)
    w.app.SessionsService.GetSession.mockResolvedValueOnce(detailOf({ id: 1, summary: 'A better summary.' }))
    await d.reload()
    expect(d.resummarizing).toBe(false)
    expect(d.session?.summary).toBe('A better summary.')
  })
})
