// Writes docs/browser-<width>-<scheme>.png for the README.
import { join } from 'node:path'
import { expect, inject, test } from 'vitest'
import { launch } from '../browser'
import { repoRoot } from '../env'
import { ROWS } from '../ui'

const sizes = [
  { width: 720, height: 900 },
  { width: 1920, height: 1080 },
]

test('README screenshots of the browser page', async () => {
  const { baseURL } = inject('shots')
  const b = await launch()
  try {
    for (const size of sizes) {
      for (const scheme of ['light', 'dark'] as const) {
        const context = await b.browser.newContext({ viewport: size, colorScheme: scheme })
        const page = await context.newPage()
        await page.goto(baseURL + '/')
        await page.locator(ROWS).first().waitFor()
        // Fonts and the emoji font loaded, so the picture is the real one.
        await page.evaluate(() => document.fonts.ready)
        const path = join(repoRoot, 'docs', `browser-${size.width}-${scheme}.png`)
        await page.screenshot({ path })
        expect(await page.locator(ROWS).count()).toBeGreaterThan(5)
        await context.close()
      }
    }
  } finally {
    await b.close()
  }
})
