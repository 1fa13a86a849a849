// The saved views store against the fake window: saved, renamed, moved and
// deleted as the program says, a taken name refused, and a view's params
// going back to the route they came from.

import { afterEach, describe, expect, it } from 'vitest'
import { fakeViews } from '../testdata/views'
import { fakeWails, type FakeWindow } from '../testdata/wails'
import { parseHash } from './router.svelte'
import { routeParams, viewPage, viewParams, ViewsStore } from './views.svelte'

let w: FakeWindow
afterEach(() => w?.remove())

const names = (s: ViewsStore) => s.views.map((v) => v.name)

describe('viewParams', () => {
  it('keeps a route params without the open session, a repeated one through the round trip', () => {
    const route = parseHash('#/sessions?channel=whatsapp,webchat&field=city:Berlin&field=tier:gold&open=12&q=refund')
    const p = viewParams(route)
    expect(p).toEqual({ channel: 'whatsapp,webchat', field: 'city:Berlin\ntier:gold', q: 'refund' })
    const back = routeParams({ id: 1, name: 'x', page: 'sessions', params: p, position: 0 })
    expect(back).toEqual({ channel: 'whatsapp,webchat', field: ['city:Berlin', 'tier:gold'], q: 'refund' })
    expect(viewPage({ id: 1, name: 'x', page: 'insights', params: {}, position: 0 })).toBe('insights')
    expect(viewPage({ id: 1, name: 'x', page: 'nonsense', params: {}, position: 0 })).toBe('sessions')
  })
})

describe('ViewsStore', () => {
  it('saves, renames, moves and deletes, the list as the program has it after each', async () => {
    w = fakeWails()
    const st = fakeViews(w, [{ name: 'Open WhatsApp' }])
    const s = new ViewsStore()
    await s.load()
    expect(names(s)).toEqual(['Open WhatsApp'])
    const v = await s.save('  Angry customers ', 'insights', { sentiment: 'negative', period: 'week' })
    expect(v).toMatchObject({ name: 'Angry customers', page: 'insights', params: { sentiment: 'negative', period: 'week' } })
    expect(names(s)).toEqual(['Open WhatsApp', 'Angry customers'])
    await s.move(v.id, -1)
    expect(names(s)).toEqual(['Angry customers', 'Open WhatsApp'])
    expect(st.views.map((x) => x.name)).toEqual(['Angry customers', 'Open WhatsApp'])
    await s.move(v.id, -1) // already first: nothing asked
    expect(w.app.ViewsService.MoveView).toHaveBeenCalledTimes(1)
    await s.rename(v.id, 'Unhappy')
    expect(s.find(v.id)?.name).toBe('Unhappy')
    await s.remove(v.id)
    expect(names(s)).toEqual(['Open WhatsApp'])
  })

  it('throws a refusal on, the list kept', async () => {
    w = fakeWails()
    fakeViews(w, [{ name: 'Mine' }])
    const s = new ViewsStore()
    await s.load()
    await expect(s.save('mine', 'sessions', {})).rejects.toThrow('a view is called "mine"')
    expect(names(s)).toEqual(['Mine'])
  })
})
