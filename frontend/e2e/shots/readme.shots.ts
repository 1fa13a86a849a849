// Writes the README's pictures: docs/browser-<width>-<scheme>.png (the
// timeline of the fixtures' library), then, with the sample data loaded into
// the same library through the served API, docs/view-<name>-<width>-<scheme>.png
// of every view, each at 1920×1080 and 720×900, light and dark. Every shot
// waits for the view's own content (rows, the chosen session, drawn charts)
// and the fonts, never for a fixed time, and fails on an error in the page.
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import type { ContactDetail, ImportReport, SavedView, SessionPage, SessionView } from '../../src/lib/contract.gen'
import { launch } from '../browser'
import { repoRoot, shotDir } from '../env'
import { ROWS } from '../ui'

const sizes = [
  { width: 1920, height: 1080 },
  { width: 720, height: 900 },
]
const schemes = ['light', 'dark'] as const

const { baseURL, emptyURL } = inject('shots')
let b: Awaited<ReturnType<typeof launch>>

beforeAll(async () => {
  b = await launch()
})
afterAll(async () => {
  await b?.close()
})

async function api<T>(service: string, method: string, ...args: unknown[]): Promise<T> {
  const res = await fetch(`${baseURL}/api/${service}/${method}`, { method: 'POST', body: JSON.stringify(args) })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`${service}.${method}: ${res.status} ${text}`)
  return JSON.parse(text) as T
}

/** Fonts (the emoji font too) loaded and two frames painted after the content came. */
async function settled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await document.fonts.ready
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
  })
}

/**
 * Opens url in every size and scheme, waits for ready, and writes
 * docs/<file>-<width>-<scheme>.png. An uncaught error in the page fails the shot.
 */
async function shoot(browser: Browser, file: string, url: string, ready: (page: Page) => Promise<void>): Promise<void> {
  for (const viewport of sizes) {
    for (const colorScheme of schemes) {
      const context = await browser.newContext({ viewport, colorScheme })
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(String(e)))
      try {
        await page.goto(url)
        await ready(page)
        await settled(page)
        await page.screenshot({ path: join(repoRoot, 'docs', `${file}-${viewport.width}-${colorScheme}.png`) })
        expect(errors, `${file} at ${viewport.width} px, ${colorScheme}: an error in the page`).toEqual([])
      } catch (e) {
        // What the page showed instead, for the message's reader.
        await page.screenshot({ path: join(shotDir, `shots-failed-${file}-${viewport.width}-${colorScheme}.png`) }).catch(() => {})
        throw e
      } finally {
        await context.close()
      }
    }
  }
}

test('the timeline in a browser (docs/browser-*)', async () => {
  await shoot(b.browser, 'browser', baseURL + '/', async (page) => {
    await page.locator(ROWS).first().waitFor()
    expect(await page.locator(ROWS).count()).toBeGreaterThan(5)
  })
})

describe('every view, with the sample data (docs/view-*)', () => {
  /** A sample session with labels, fields and a bot that handed off to a person. */
  let chosen: SessionView
  let contact: ContactDetail
  let view: SavedView
  /** The first day of the sample data: the insights show its year, a week a bar. */
  let sampleFrom = ''

  beforeAll(async () => {
    const report = await api<ImportReport>('SettingsService', 'LoadSampleData')
    expect(report.totals.sessions).toBeGreaterThan(20)
    const all: SessionView[] = []
    let cursor = ''
    for (;;) {
      const p = await api<SessionPage>('SessionsService', 'ListSessions', { limit: 500, cursor })
      all.push(...(p.sessions ?? []))
      if (!p.next_cursor) break
      cursor = p.next_cursor
    }
    const handedOff = all.filter(
      (s) => (s.labels ?? []).length > 0 && Object.keys(s.fields ?? {}).length > 0 && s.handoff.bot && s.handoff.agent && s.summary,
    )
    expect(handedOff.length, 'a sample session with labels, fields and a handoff').toBeGreaterThan(0)
    // The fullest one: most labels and fields, then the newest.
    chosen = handedOff.reduce((a, s) =>
      (s.labels ?? []).length + Object.keys(s.fields ?? {}).length > (a.labels ?? []).length + Object.keys(a.fields ?? {}).length ? s : a,
    )

    // The sample contact on the most channels, then with the most sessions, but few enough
    // that the charts below their sessions are on screen.
    const sampled = all.filter((s) => Object.keys(s.fields ?? {}).length > 0)
    sampleFrom = sampled.map((s) => s.started_at).sort()[0].slice(0, 10)
    const ids = [...new Set(sampled.map((s) => s.contact?.id).filter((id): id is number => !!id))]
    const contacts = (await Promise.all(ids.map((id) => api<ContactDetail>('SessionsService', 'ContactSessions', { id, limit: 1 })))).filter(
      (c) => c.total <= 10,
    )
    const rank = (c: ContactDetail) => (c.channels ?? []).length * 1000 + c.total
    contact = contacts.reduce((a, c) => (rank(c) > rank(a) ? c : a))
    expect(contact.total).toBeGreaterThan(1)

    view = await api<SavedView>('ViewsService', 'SaveView', {
      name: 'Refunds on WhatsApp',
      page: 'sessions',
      params: { channel: 'whatsapp', label: 'Refund' },
    })
  })

  test('timeline with two filter chips', async () => {
    await shoot(b.browser, 'view-timeline', `${baseURL}/#/sessions?channel=whatsapp,instagram&label=Delivery`, async (page) => {
      await page.locator(ROWS).first().waitFor()
      await expect.poll(() => page.locator('ul[aria-label="Filters"] > li').count()).toBe(2)
    })
  })

  test('session detail beside the list', async () => {
    await shoot(b.browser, 'view-detail', `${baseURL}/#/sessions?open=${chosen.id}`, async (page) => {
      await page.locator('#detail-title').filter({ hasText: chosen.contact.name }).waitFor()
      await page.locator('article.detail[aria-busy="false"]').waitFor()
      await page.locator('#d-ai').waitFor()
      await page.locator('article.detail').getByText(chosen.labels![0].name).first().waitFor()
    })
  })

  test('its conversation, the session highlighted', async () => {
    const url = `${baseURL}/#/conversation?id=${chosen.conversation_id}&session=${chosen.id}`
    await shoot(b.browser, 'view-conversation', url, async (page) => {
      await page.locator(`[role="group"][aria-label="Session ${chosen.id} (chosen)"]`).waitFor()
    })
  })

  test('labels and fields', async () => {
    await shoot(b.browser, 'view-labels', `${baseURL}/#/labels`, async (page) => {
      await page.locator('ul[aria-label="Labels"] > li').first().waitFor()
      await page.locator('ul[aria-label="Custom fields"] > li').first().waitFor()
    })
  })

  test('settings', async () => {
    await shoot(b.browser, 'view-settings', `${baseURL}/#/settings`, async (page) => {
      await page.locator('#s-people').waitFor()
      await page.getByRole('button', { name: 'Remove sample data' }).waitFor()
    })
  })

  test('first run (an empty library)', async () => {
    await shoot(b.browser, 'view-first-run', emptyURL + '/', async (page) => {
      await page.getByRole('button', { name: 'Try with sample data' }).waitFor()
    })
  })

  /** Every chart of the page drawn: a canvas of its size in each chart box. */
  async function chartsDrawn(page: Page): Promise<void> {
    await page.getByRole('heading', { name: 'Sessions by channel' }).waitFor()
    await page.waitForFunction(() => {
      const boxes = [...document.querySelectorAll<HTMLElement>('[role="img"][aria-label$=" chart"]')].filter((el) => !el.hidden)
      return boxes.length > 0 && boxes.every((el) => (el.querySelector('canvas')?.width ?? 0) > 0)
    })
  }

  test('insights', async () => {
    await shoot(b.browser, 'view-insights', `${baseURL}/#/insights?from=${sampleFrom}&period=week`, chartsDrawn)
  })

  test('a contact', async () => {
    await shoot(b.browser, 'view-contact', `${baseURL}/#/contact?id=${contact.id}`, async (page) => {
      await page.locator('ol[aria-label^="Sessions of"] > li').first().waitFor()
      await page.getByRole('heading', { name: 'Insights of this contact' }).waitFor()
      await chartsDrawn(page)
    })
  })

  test('the sidebar with a saved view', async () => {
    await shoot(b.browser, 'view-saved-view', `${baseURL}/#/view/${view.id}`, async (page) => {
      await page.getByRole('list', { name: 'Saved views' }).getByRole('link', { name: view.name }).and(page.locator('[aria-current="page"]')).waitFor()
      await page.locator(ROWS).first().waitFor()
      await expect.poll(() => page.locator('ul[aria-label="Filters"] > li').count()).toBe(2)
    })
  })
})
