// The sidebar's saved views: each a stable #/view/ID link, the one on
// screen marked, renamed, moved and deleted (after asking) from its menu,
// a refusal said where it happened.

import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { afterEach, describe, expect, it } from 'vitest'
import { parseHash } from '../../stores/router.svelte'
import { ViewsStore } from '../../stores/views.svelte'
import { fakeViews, type FakeViews } from '../../testdata/views'
import { fakeWails, settle, type FakeWindow } from '../../testdata/wails'
import ViewsList from './ViewsList.svelte'
import SaveViewButton from './SaveViewButton.svelte'

let w: FakeWindow
let st: FakeViews
afterEach(() => w?.remove())

async function list(hash = '#/sessions') {
  w = fakeWails()
  st = fakeViews(w, [
    { name: 'Refunds', page: 'sessions', params: { label: 'Refund' } },
    { name: 'Weekly WhatsApp', page: 'insights', params: { channel: 'whatsapp', period: 'week' } },
  ])
  const views = new ViewsStore()
  await views.load()
  render(ViewsList, { views, route: parseHash(hash) })
  return views
}

const links = () => within(screen.getByRole('list', { name: 'Saved views' })).getAllByRole('link')
const names = () => links().map((a) => a.textContent?.trim().slice(1))

describe('ViewsList', () => {
  it('links each view by its id and marks the one on screen', async () => {
    await list('#/insights?period=week&channel=whatsapp')
    expect(links().map((a) => a.getAttribute('href'))).toEqual(['#/view/1', '#/view/2'])
    expect(links().map((a) => a.getAttribute('aria-current'))).toEqual([null, 'page'])
  })

  it('does not mark a view whose filters differ from the page', async () => {
    await list('#/insights?period=week&channel=whatsapp&q=late')
    expect(links().map((a) => a.getAttribute('aria-current'))).toEqual([null, null])
  })

  it('renames, moves and deletes from the menu', async () => {
    await list()
    await fireEvent.click(screen.getByRole('button', { name: 'Change view Refunds' }))
    await fireEvent.click(screen.getByRole('button', { name: 'Rename…' }))
    const input = screen.getByLabelText('New name') as HTMLInputElement
    expect(input.value).toBe('Refunds')
    await fireEvent.input(input, { target: { value: 'Money back' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Rename' }))
    await settle()
    expect(st.views[0].name).toBe('Money back')
    expect(names()).toEqual(['Money back', 'Weekly WhatsApp'])

    await fireEvent.click(screen.getByRole('button', { name: 'Change view Money back' }))
    expect((screen.getByRole('button', { name: 'Move up' }) as HTMLButtonElement).disabled).toBe(true)
    await fireEvent.click(screen.getByRole('button', { name: 'Move down' }))
    await settle()
    expect(names()).toEqual(['Weekly WhatsApp', 'Money back'])
    expect(st.views.map((v) => v.name)).toEqual(['Weekly WhatsApp', 'Money back'])

    await fireEvent.click(screen.getByRole('button', { name: 'Delete…' }))
    expect(st.views).toHaveLength(2)
    await fireEvent.click(screen.getByRole('button', { name: 'Delete “Money back”' }))
    await settle()
    expect(st.views.map((v) => v.name)).toEqual(['Weekly WhatsApp'])
    expect(names()).toEqual(['Weekly WhatsApp'])
  })
})

describe('SaveViewButton', () => {
  it('saves the page params under a name, and says why a name is refused', async () => {
    const views = await list()
    const saved: number[] = []
    render(SaveViewButton, { views, page: 'insights', params: () => ({ sentiment: 'negative' }), onsaved: (id: number) => saved.push(id) })
    await fireEvent.click(screen.getByRole('button', { name: 'Save view' }))
    const name = screen.getByLabelText('Name of the view')
    await fireEvent.input(name, { target: { value: 'refunds' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    await settle()
    expect(screen.getByRole('alert').textContent).toContain('a view is called "refunds"')
    await fireEvent.input(name, { target: { value: 'Angry' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    await settle()
    expect(st.views.at(-1)).toMatchObject({ name: 'Angry', page: 'insights', params: { sentiment: 'negative' } })
    expect(saved).toEqual([st.views.at(-1)!.id])
    expect(screen.queryByLabelText('Name of the view')).toBeNull()
  })
})
