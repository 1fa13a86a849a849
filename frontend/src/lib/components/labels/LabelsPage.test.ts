// The Labels page: labels created, renamed, recoloured and deleted (after
// asking), fields defined by type, renamed, given options and deleted, and
// the program's refusals shown where they happened.

import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { afterEach, describe, expect, it } from 'vitest'
import { fakeLabels, type FakeLabels } from '../../testdata/labels'
import { fakeWails, settle, type FakeWindow } from '../../testdata/wails'
import LabelsPage from './LabelsPage.svelte'

let w: FakeWindow
let st: FakeLabels
afterEach(() => w?.remove())

async function page() {
  w = fakeWails()
  st = fakeLabels(
    w,
    [
      { id: 1, name: 'billing', color: '#e5484d', sessions: 12 },
      { id: 2, name: 'vip', color: '#30a46c', sessions: 0 },
    ],
    [{ id: 1, key: 'tier', name: 'Tier', type: 'choice', choices: ['gold', 'silver'], sessions: 3 }],
  )
  render(LabelsPage)
  await settle()
}

const labelRows = () =>
  within(screen.getByRole('list', { name: 'Labels' }))
    .queryAllByRole('listitem')
    .map((li) => li.querySelector('.lp-name')?.textContent)
const fieldRows = () =>
  within(screen.getByRole('list', { name: 'Custom fields' }))
    .queryAllByRole('listitem')
    .map((li) => li.querySelector('.lp-name')?.textContent)

describe('LabelsPage', () => {
  it('lists labels with their counts, each opening the timeline filtered by it', async () => {
    await page()
    expect(labelRows()).toEqual(['billing', 'vip'])
    const link = screen.getByRole('link', { name: '12 sessions' })
    expect(link.getAttribute('href')).toBe('#/sessions?label=billing')
  })

  it('creates a label in the colour picked', async () => {
    await page()
    await fireEvent.input(screen.getByLabelText('New label name'), { target: { value: ' refund ' } })
    await fireEvent.input(screen.getByLabelText('Colour of the new label'), { target: { value: '#8e4ec6' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Create label' }))
    await settle()
    expect(w.app.LabelsService.CreateLabel).toHaveBeenCalledWith({ name: 'refund', color: '#8e4ec6' })
    expect(labelRows()).toEqual(['billing', 'vip', 'refund'])
    expect(screen.getByLabelText<HTMLInputElement>('New label name').value).toBe('')
  })

  it('shows why a label was refused', async () => {
    await page()
    await fireEvent.input(screen.getByLabelText('New label name'), { target: { value: 'VIP' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Create label' }))
    await settle()
    expect(screen.getByRole('alert').textContent).toBe('create label: "VIP" exists')
  })

  it('renames a label in place with Enter, and Esc leaves it', async () => {
    await page()
    await fireEvent.click(screen.getByRole('button', { name: 'Rename vip' }))
    await settle()
    const box = screen.getByLabelText<HTMLInputElement>('New name for vip')
    expect(document.activeElement).toBe(box)
    await fireEvent.input(box, { target: { value: 'VIP customer' } })
    await fireEvent.keyDown(box, { key: 'Enter' })
    await settle()
    expect(w.app.LabelsService.UpdateLabel).toHaveBeenCalledWith(2, { name: 'VIP customer' })
    expect(labelRows()).toEqual(['billing', 'VIP customer'])
    await fireEvent.click(screen.getByRole('button', { name: 'Rename billing' }))
    await settle()
    await fireEvent.keyDown(screen.getByLabelText('New name for billing'), { key: 'Escape' })
    expect(labelRows()).toEqual(['billing', 'VIP customer'])
    expect(w.app.LabelsService.UpdateLabel).toHaveBeenCalledTimes(1)
  })

  it('recolours a label', async () => {
    await page()
    await fireEvent.change(screen.getByLabelText('Colour of billing'), { target: { value: '#12a594' } })
    await settle()
    expect(w.app.LabelsService.UpdateLabel).toHaveBeenCalledWith(1, { color: '#12a594' })
    expect(st.labels[0].color).toBe('#12a594')
  })

  it('deletes a label only after asking, saying how many sessions lose it', async () => {
    await page()
    await fireEvent.click(screen.getByRole('button', { name: 'Delete billing' }))
    const ask = screen.getByRole('group', { name: 'Delete billing?' })
    expect(ask.textContent).toMatch(/from 12 sessions/)
    await fireEvent.click(within(ask).getByRole('button', { name: 'Keep' }))
    expect(w.app.LabelsService.DeleteLabel).not.toHaveBeenCalled()
    await fireEvent.click(screen.getByRole('button', { name: 'Delete billing' }))
    await fireEvent.click(within(screen.getByRole('group', { name: 'Delete billing?' })).getByRole('button', { name: 'Delete' }))
    await settle()
    expect(w.app.LabelsService.DeleteLabel).toHaveBeenCalledWith(1)
    expect(labelRows()).toEqual(['vip'])
  })

  it.each([
    ['Text', 'text', 'Order number', 'order_number', []],
    ['Number', 'number', 'Orders', 'orders', []],
    ['Date', 'date', 'Renewal date', 'renewal_date', []],
    ['Choice', 'choice', 'Größe', 'grosse', ['S', 'M', 'L']],
  ])('defines a %s field with a key made from its name', async (_, type, name, key, choices) => {
    await page()
    await fireEvent.input(screen.getByLabelText('New field name'), { target: { value: name } })
    await fireEvent.change(screen.getByLabelText('Type of the new field'), { target: { value: type } })
    if (type === 'choice') {
      expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Define field' }).disabled).toBe(true)
      await fireEvent.input(screen.getByLabelText('Options, separated by commas'), { target: { value: 'S, M,,L, M' } })
    }
    await fireEvent.click(screen.getByRole('button', { name: 'Define field' }))
    await settle()
    expect(w.app.FieldsService.DefineField).toHaveBeenCalledWith({ key, name, type, choices })
    expect(fieldRows()).toEqual(['Tier', name])
  })

  it('renames a field, changes its options and deletes it after asking', async () => {
    await page()
    await fireEvent.click(screen.getByRole('button', { name: 'Rename Tier' }))
    await settle()
    const box = screen.getByLabelText('New name for Tier')
    await fireEvent.input(box, { target: { value: 'Customer tier' } })
    await fireEvent.keyDown(box, { key: 'Enter' })
    await settle()
    expect(w.app.FieldsService.UpdateField).toHaveBeenCalledWith('tier', { name: 'Customer tier' })
    await fireEvent.click(screen.getByRole('button', { name: 'Options of Customer tier' }))
    const form = screen.getByRole('form', { name: 'Options of Customer tier' })
    await fireEvent.input(within(form).getByLabelText('Options, separated by commas'), { target: { value: 'gold, silver, bronze' } })
    await fireEvent.click(within(form).getByRole('button', { name: 'Save' }))
    await settle()
    expect(w.app.FieldsService.UpdateField).toHaveBeenLastCalledWith('tier', { choices: ['gold', 'silver', 'bronze'] })
    expect(screen.getByText('gold · silver · bronze')).toBeTruthy()
    await fireEvent.click(screen.getByRole('button', { name: 'Delete Customer tier' }))
    const ask = screen.getByRole('group', { name: 'Delete Customer tier?' })
    expect(ask.textContent).toMatch(/values on 3 sessions/)
    await fireEvent.click(within(ask).getByRole('button', { name: 'Delete' }))
    await settle()
    expect(w.app.FieldsService.DeleteField).toHaveBeenCalledWith('tier')
    expect(screen.getByText('No custom fields yet.')).toBeTruthy()
  })
})
