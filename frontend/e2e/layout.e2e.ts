// The layout at the widths the issue names (720 and 1920 px), in the light
// and the dark theme the system asks for: nothing runs off the side, the
// rows are readable, the theme follows prefers-color-scheme.
import { describe, expect, test } from 'vitest'
import { useBrowser } from './browser'
import { ACTIVE_NAME, EMOJI } from './chats'
import { readRows, ROWS } from './ui'

const s = useBrowser({ name: 'layout' })

/** Relative luminance (0 black … 1 white) of a CSS rgb()/rgba() colour. */
function luminance(css: string): number {
  const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(css)
  if (!m) throw new Error(`not an rgb colour: ${css}`)
  const [r, g, b] = [m[1], m[2], m[3]].map((v) => {
    const c = Number(v) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

const cases = [
  { width: 720, height: 900, scheme: 'light' },
  { width: 720, height: 900, scheme: 'dark' },
  { width: 1920, height: 1080, scheme: 'light' },
  { width: 1920, height: 1080, scheme: 'dark' },
] as const

describe('layout', () => {
  test.each(cases)('$width px, $scheme', async ({ width, height, scheme }) => {
    await s.page.setViewportSize({ width, height })
    await s.page.emulateMedia({ colorScheme: scheme })
    await s.open()

    const box = await s.page.evaluate((sel) => {
      const row = document.querySelector(sel)!.getBoundingClientRect()
      // The colour behind the rows: the first ancestor of the list that paints one.
      let el: Element | null = document.querySelector(sel)
      let bg = 'rgba(0, 0, 0, 0)'
      while (el && /rgba\(0, 0, 0, 0\)|transparent/.test(bg)) {
        bg = getComputedStyle(el).backgroundColor
        el = el.parentElement
      }
      return {
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        rowLeft: row.left,
        rowRight: row.right,
        theme: document.documentElement.dataset.theme,
        rowBg: bg,
        text: getComputedStyle(document.querySelector(sel)!).color,
      }
    }, ROWS)
    expect(box.scrollWidth, 'the page scrolls sideways').toBeLessThanOrEqual(box.innerWidth)
    expect(box.rowLeft).toBeGreaterThanOrEqual(0)
    expect(box.rowRight).toBeLessThanOrEqual(width)
    // Rows keep a readable width: not squeezed at 720, not one endless line at 1920.
    expect(box.rowRight - box.rowLeft).toBeGreaterThan(360)
    expect(box.rowRight - box.rowLeft).toBeLessThan(1700)
    expect(box.theme).toBe(scheme)
    const bg = luminance(box.rowBg)
    const fg = luminance(box.text)
    if (scheme === 'dark') expect(bg).toBeLessThan(0.2)
    else expect(bg).toBeGreaterThan(0.6)
    // WCAG contrast of the row text on its background.
    const contrast = (Math.max(bg, fg) + 0.05) / (Math.min(bg, fg) + 0.05)
    expect(contrast).toBeGreaterThan(4.5)

    const rows = await readRows(s.page)
    expect(rows.length).toBeGreaterThan(0)
    await expect.poll(() => s.page.locator(ROWS).first().isVisible()).toBe(true)
  })
})

describe('emoji', () => {
  test("an emoji in a chat is drawn in colour with the page's own fonts", async () => {
    await s.open()
    const row = (await readRows(s.page)).find((r) => r.name === ACTIVE_NAME)
    expect(row?.text).toContain(EMOJI)
    // Draw the emoji with the font the row's text uses: without a colour
    // emoji font Chromium draws a grey box or nothing.
    const coloured = await s.page.evaluate(
      ([sel, emoji]) => {
        const font = getComputedStyle(document.querySelector(sel)!).fontFamily
        const c = document.createElement('canvas')
        c.width = c.height = 64
        const g = c.getContext('2d')!
        g.font = `48px ${font}`
        g.textBaseline = 'top'
        g.fillText(emoji, 4, 4)
        const px = g.getImageData(0, 0, 64, 64).data
        let n = 0
        for (let i = 0; i < px.length; i += 4) {
          const [r, gr, b, a] = [px[i], px[i + 1], px[i + 2], px[i + 3]]
          if (a > 128 && Math.max(r, gr, b) - Math.min(r, gr, b) > 60) n++
        }
        return { font, n }
      },
      [ROWS, EMOJI] as const,
    )
    expect(coloured.font).toMatch(/Noto Color Emoji/)
    expect(coloured.n, `coloured pixels of ${EMOJI} drawn in ${coloured.font}`).toBeGreaterThan(100)
  })
})
