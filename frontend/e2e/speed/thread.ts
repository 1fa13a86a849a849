// The long thread of the conversation's speed script: one WhatsApp chat of
// 50,000 messages in 500 sessions of 100 (two days apart, so the 24 h gap
// splits them), imported once by the real CLI into a library kept beside
// the big timeline one and reused by later runs.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '../server'

export const THREAD_CUSTOMER = 'Thread Customer'
export const THREAD_AGENT = 'Shop Agent'
export const THREAD_SESSIONS = 500
export const PER_SESSION = 100

const BODIES = [
  'Hi, is the order on its way?',
  'Yes, it left the warehouse this morning and should be with you on Thursday.',
  'ok',
  'Could you check the size? I ordered a medium but the label says large, and the sleeves look long. If it is the wrong one I would like to swap it before the weekend.',
  '<Media omitted>',
  'Thanks! 👍',
  'The tracking link says https://example.com/track/12345 but it does not open.',
  'Let me look into that for you.\nOne moment please.',
]

/** "dd/mm/yyyy, HH:MM - ": an Android WhatsApp line start, in UTC. */
function stamp(t: number): string {
  const d = new Date(t)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}, ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} - `
}

/** The export's text: messages a minute apart, the two sides taking turns (now and then twice in a row). */
export function threadChat(): string {
  const day = 24 * 3600 * 1000
  const start = Date.UTC(2021, 0, 1, 9, 0)
  const out: string[] = []
  for (let s = 0; s < THREAD_SESSIONS; s++) {
    const t0 = start + s * 2 * day
    for (let m = 0; m < PER_SESSION; m++) {
      const customer = m % 2 === 0 || m % 7 === 3
      const body = m === 0 ? `Session ${s + 1}: ${BODIES[0]}` : BODIES[(s * 7 + m) % BODIES.length]
      out.push(`${stamp(t0 + m * 60_000)}${customer ? THREAD_CUSTOMER : THREAD_AGENT}: ${body}\n`)
    }
  }
  return out.join('')
}

/** The kept library at dir, built first when it is not complete. */
export function threadLibrary(dir: string): string {
  if (existsSync(join(dir, 'complete'))) return dir
  const started = Date.now()
  rmSync(dir, { recursive: true, force: true })
  const building = `${dir}.building`
  rmSync(building, { recursive: true, force: true })
  const src = mkdtempSync(join(tmpdir(), 'sessions-thread-'))
  try {
    const file = join(src, `WhatsApp Chat with ${THREAD_CUSTOMER}.txt`)
    writeFileSync(file, threadChat())
    mkdirSync(building, { recursive: true })
    const r = run(['--data', building, 'import', '--tz', 'UTC', '--agent', THREAD_AGENT, file])
    if (r.status !== 0) throw new Error(`importing the 50,000-message thread failed (${r.status}):\n${r.stdout}\n${r.stderr}`)
  } finally {
    rmSync(src, { recursive: true, force: true })
  }
  renameSync(building, dir)
  writeFileSync(join(dir, 'complete'), '')
  console.log(`speed: built the 50,000-message thread library in ${dir} in ${Math.round((Date.now() - started) / 1000)} s`)
  return dir
}
