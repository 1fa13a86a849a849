// The real `sessions serve` as a child process: started on a free loopback
// port, waited for, and stopped the way a person stops it (SIGINT), with its
// exit checked. Shared by the e2e setup and the speed script.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { repoRoot } from './env'

/** The binary under test: build/bin/sessions (make builds it), or SESSIONS_BIN. */
export const bin = resolve(process.env.SESSIONS_BIN ?? join(repoRoot, 'build', 'bin', 'sessions'))

export function requireBin(): void {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build it first (make build; make e2e does it)`)
}

/** Runs the CLI to the end. */
export function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 300_000 })
  if (r.error) throw new Error(`running ${bin} ${args.join(' ')}: ${r.error.message}`)
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer()
    srv.once('error', fail)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => ok(port))
    })
  })
}

export function tail(path: string, lines = 30): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

function gone(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (gone(child)) return Promise.resolve(true)
  return new Promise((ok) => {
    const t = setTimeout(() => ok(false), ms)
    child.once('exit', () => {
      clearTimeout(t)
      ok(true)
    })
  })
}

export interface Server {
  /** http://127.0.0.1:PORT */
  baseURL: string
  /** 127.0.0.1:PORT */
  host: string
  logPath: string
  pid: number
  /** SIGINT, then waits for a clean exit; throws with the log's tail when it was not one. */
  stop(): Promise<void>
}

/** How the server ended, as written to the exit file. */
export interface Exit {
  code: number | null
  signal: string | null
}

/**
 * Starts `sessions --data DATA serve --addr 127.0.0.1:PORT` and waits until
 * GET / answers 200. When exitFile is given, how the process ended is written
 * there as JSON (an Exit), so a test in another process can check it.
 */
export async function startServe(
  data: string,
  logPath: string,
  readyWithin = 60_000,
  exitFile = '',
  /** The address to bind: loopback, or 0.0.0.0 to test the token (still reached over loopback). */
  bindHost = '127.0.0.1',
): Promise<Server> {
  requireBin()
  const port = await freePort()
  const host = `127.0.0.1:${port}`
  const baseURL = `http://${host}`
  const log = createWriteStream(logPath)
  const child = spawn(bin, ['--data', data, 'serve', '--addr', `${bindHost}:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout?.pipe(log)
  child.stderr?.pipe(log)
  if (exitFile) {
    // After its output is closed and on disk, so the log is whole when read.
    child.once('close', (code, signal) =>
      log.end(() => {
        try {
          writeFileSync(exitFile, JSON.stringify({ code, signal } satisfies Exit))
        } catch {
          // the teardown removed the folder: nobody is waiting for it
        }
      }),
    )
  }

  const deadline = Date.now() + readyWithin
  let last = ''
  for (;;) {
    if (gone(child)) {
      await new Promise((r) => setTimeout(r, 300)) // its last words reach the log
      throw new Error(`sessions serve exited (${child.exitCode ?? child.signalCode}) before answering:\n${tail(logPath)}`)
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`sessions serve did not answer ${baseURL}/ within ${readyWithin / 1000}s (${last}):\n${tail(logPath)}`)
    }
    try {
      const res = await fetch(baseURL + '/')
      if (res.status === 200) break
      last = `status ${res.status}`
    } catch (e) {
      last = String(e)
    }
    await new Promise((r) => setTimeout(r, 200))
  }

  return {
    baseURL,
    host,
    logPath,
    pid: child.pid ?? 0,
    async stop() {
      let problem = ''
      if (gone(child)) {
        // Stopped already (the e2e run's shutdown spec does it and checks it).
      } else {
        child.kill('SIGINT')
        if (!(await exited(child, 20_000))) {
          child.kill('SIGKILL')
          await exited(child, 5_000)
          problem = 'sessions serve did not exit within 20s of SIGINT'
        } else if (child.exitCode !== 0) {
          problem = `sessions serve exited with ${child.exitCode ?? child.signalCode} after SIGINT, want 0`
        }
      }
      await new Promise<void>((r) => log.end(r))
      if (problem) throw new Error(`${problem}:\n${tail(logPath)}`)
    },
  }
}
