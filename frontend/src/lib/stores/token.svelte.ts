// The token prompt's state: api.ts asks here when a server bound beyond
// loopback answers 401, and waits for what the user types.

import { setTokenAsker, type Unsubscribe } from '../api'

export class TokenStore {
  /** The prompt is open. */
  asking = $state(false)
  /** The last token given was refused. */
  wrong = $state(false)

  private answer: ((token: string | null) => void) | null = null

  /** Answers api.ts's 401s from now on; returns the stop. */
  start(): Unsubscribe {
    return setTokenAsker((wrong) => this.ask(wrong))
  }

  ask(wrong: boolean): Promise<string | null> {
    this.answer?.(null)
    this.wrong = wrong
    this.asking = true
    return new Promise((resolve) => (this.answer = resolve))
  }

  /** The user gave a token: the calls waiting are sent again with it. */
  submit(token: string): void {
    const t = token.trim()
    if (!t) return
    this.close(t)
  }

  cancel(): void {
    this.close(null)
  }

  private close(token: string | null): void {
    const answer = this.answer
    this.answer = null
    this.asking = false
    answer?.(token)
  }
}
