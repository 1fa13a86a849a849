// What the server tells the browser and whom it answers: a strict
// Content-Security-Policy on every response, and requests whose Origin or
// Host is not the served one refused (DNS rebinding), sent from Node.
import { describe, expect, test } from 'vitest'
import { raw } from './api'
import { useBrowser } from './browser'

const s = useBrowser({ name: 'security' })
const LIST = '/api/SessionsService/ListSessions'
const BODY = JSON.stringify([{ status: 'all', limit: 1 }])

function policy(h: Record<string, string | string[] | undefined>): string {
  const v = h['content-security-policy']
  return Array.isArray(v) ? v.join(', ') : (v ?? '')
}

describe('security', () => {
  test('every response carries a strict Content-Security-Policy', async () => {
    const page = await raw(s.ctx, 'GET', '/', { Host: s.ctx.host })
    expect(page.status).toBe(200)
    const csp = policy(page.headers)
    expect(csp).toContain("default-src 'self'")
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/)
    expect(page.headers['x-content-type-options']).toBe('nosniff')

    const script = /<script[^>]+src="([^"]+)"/.exec(page.body)?.[1]
    expect(script, 'index.html loads a script').toBeDefined()
    const asset = await raw(s.ctx, 'GET', new URL(script!, s.ctx.baseURL + '/').pathname, { Host: s.ctx.host })
    expect(asset.status).toBe(200)
    expect(policy(asset.headers)).toBe(csp)

    const api = await raw(s.ctx, 'POST', LIST, { Host: s.ctx.host, 'Content-Type': 'application/json' }, BODY)
    expect(api.status).toBe(200)
    expect(policy(api.headers)).toBe(csp)

    // And the browser finds nothing on the page that breaks it.
    await s.page.addInitScript(() => {
      const w = window as unknown as { __csp: string[] }
      w.__csp = []
      document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`))
    })
    await s.open()
    await s.page.waitForLoadState('networkidle')
    expect(await s.page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([])
  })

  test('a foreign Origin or Host is refused, the served one answered', async () => {
    const json = { 'Content-Type': 'application/json' }
    const own = await raw(s.ctx, 'POST', LIST, { ...json, Host: s.ctx.host, Origin: s.ctx.baseURL }, BODY)
    expect(own.status).toBe(200)
    expect(JSON.parse(own.body).total).toBeGreaterThan(50)

    const cases: [string, Record<string, string>][] = [
      ['a foreign Origin', { Host: s.ctx.host, Origin: 'http://evil.example' }],
      ['the right host on another port as Origin', { Host: s.ctx.host, Origin: 'http://127.0.0.1:1' }],
      ['a rebound Host', { Host: `evil.example:${s.ctx.host.split(':')[1]}` }],
      ['a rebound Host with the own Origin', { Host: 'evil.example', Origin: s.ctx.baseURL }],
    ]
    for (const [what, headers] of cases) {
      const r = await raw(s.ctx, 'POST', LIST, { ...json, ...headers }, BODY)
      expect(r.status, `${what}: ${r.body}`).toBe(403)
      expect(r.body).not.toContain('"sessions"')
    }
    const page = await raw(s.ctx, 'GET', '/', { Host: 'evil.example' })
    expect(page.status, 'the page itself under a rebound Host').toBe(403)

    await s.open()
  })
})
