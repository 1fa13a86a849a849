// Chat content is untrusted: a contact named <script>alert(1)</script> and a
// body <img src=x onerror=alert(1)> must show as the text they are, and no
// dialog may open (browser.ts fails the test on any dialog).
import { describe, expect, test } from 'vitest'
import { useBrowser } from './browser'
import { HOSTILE_BODY, HOSTILE_NAME } from './chats'
import { readRows } from './ui'

const s = useBrowser({ name: 'hostile' })

describe('hostile chat content', () => {
  test('the contact name and the body show as text and run nothing', async () => {
    // Were markup to be parsed, the script or the handler would call this.
    await s.page.addInitScript(() => {
      ;(window as unknown as { __ran: string[] }).__ran = []
      const orig = window.alert.bind(window)
      window.alert = (m?: unknown) => {
        ;(window as unknown as { __ran: string[] }).__ran.push(String(m))
        orig(m)
      }
    })
    await s.open()
    const rows = await readRows(s.page)
    const row = rows.find((r) => r.name === HOSTILE_NAME)
    expect(row, `a row named ${HOSTILE_NAME} on the first page`).toBeDefined()
    expect(row!.text).toContain(HOSTILE_BODY)

    await s.page.getByText(HOSTILE_NAME, { exact: true }).first().scrollIntoViewIfNeeded()
    // Give an injected <img src=x> time to fail loading and fire onerror.
    await s.page.waitForLoadState('networkidle')
    const dom = await s.page.evaluate(() => ({
      imgs: document.querySelectorAll('img[src="x"], img[onerror]').length,
      scripts: Array.from(document.scripts).filter((x) => x.textContent?.includes('alert(1)')).length,
      ran: (window as unknown as { __ran: string[] }).__ran,
    }))
    expect(dom).toEqual({ imgs: 0, scripts: 0, ran: [] })
  })
})
