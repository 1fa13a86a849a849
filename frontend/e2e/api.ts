// The server's JSON API called from Node: the oracle the specs compare the
// page against, and the way to send requests no browser would send.
import { request } from 'node:http'
import type { E2EContext } from './env'

export interface ApiSession {
  id: number
  contact: { name: string } | null
  status: 'active' | 'completed'
  started_at: string
}

interface Page {
  sessions: ApiSession[]
  next_cursor: string | null
  total: number
}

/** POST /api/<Struct>/<Method> with the positional arguments, as the page does. */
export async function call<T>(ctx: E2EContext, service: string, method: string, args: unknown[]): Promise<T> {
  const res = await fetch(`${ctx.baseURL}/api/${service}/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`${service}.${method}: ${res.status} ${text}`)
  return JSON.parse(text) as T
}

/** Every session for a status filter, newest first, paged as the page pages. */
export async function listAll(ctx: E2EContext, status: 'all' | 'active' | 'completed' = 'all'): Promise<ApiSession[]> {
  const out: ApiSession[] = []
  let cursor = ''
  for (let i = 0; i < 1000; i++) {
    const page = await call<Page>(ctx, 'SessionsService', 'ListSessions', [{ status, limit: 200, cursor }])
    out.push(...page.sessions)
    if (!page.next_cursor) return out
    cursor = page.next_cursor
  }
  throw new Error('ListSessions never ended')
}

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/**
 * A request with headers fetch will not send as given (Host): node:http to
 * the server's own address, whatever the Host header says.
 */
export function raw(
  ctx: E2EContext,
  method: string,
  path: string,
  headers: Record<string, string>,
  body = '',
): Promise<RawResponse> {
  const [hostname, port] = ctx.host.split(':')
  return new Promise((ok, fail) => {
    const req = request({ hostname, port: Number(port), method, path, headers, setHost: false }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
    })
    req.on('error', fail)
    req.end(body)
  })
}
