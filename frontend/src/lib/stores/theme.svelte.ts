// Light or dark: the system's preference (prefers-color-scheme) unless the
// user picked one, which is kept in localStorage. The choice lands on
// <html data-theme="light|dark">, which the stylesheet's colours key on.

export type ThemeChoice = 'system' | 'light' | 'dark'

export const THEME_KEY = 'sessions.theme'
const QUERY = '(prefers-color-scheme: dark)'

export class ThemeStore {
  choice = $state<ThemeChoice>('system')
  /** What the system prefers now. */
  systemDark = $state(false)
  /** The theme shown. */
  resolved = $derived<'light' | 'dark'>(this.choice === 'system' ? (this.systemDark ? 'dark' : 'light') : this.choice)

  private media: MediaQueryList | null = null
  private readonly onChange = (e: MediaQueryListEvent) => {
    this.systemDark = e.matches
    this.apply()
  }

  constructor(private readonly root: HTMLElement = document.documentElement) {
    const stored = read()
    if (stored) this.choice = stored
    this.media = typeof matchMedia === 'function' ? matchMedia(QUERY) : null
    this.systemDark = this.media?.matches ?? false
  }

  /** Applies the theme and follows the system's changes; returns the stop. */
  start(): () => void {
    this.apply()
    this.media?.addEventListener('change', this.onChange)
    return () => this.media?.removeEventListener('change', this.onChange)
  }

  /** Picks a theme, kept for the next visit; "system" forgets the pick. */
  set(choice: ThemeChoice): void {
    this.choice = choice
    try {
      if (choice === 'system') localStorage.removeItem(THEME_KEY)
      else localStorage.setItem(THEME_KEY, choice)
    } catch {
      // storage refused: the pick lasts this page only
    }
    this.apply()
  }

  /** Light, dark, system, light…: what the sidebar's button does. */
  cycle(): void {
    const order: ThemeChoice[] = ['system', 'light', 'dark']
    this.set(order[(order.indexOf(this.choice) + 1) % order.length])
  }

  private apply(): void {
    this.root.dataset.theme = this.resolved
    this.root.style.colorScheme = this.resolved
  }
}

function read(): ThemeChoice | null {
  try {
    const v = localStorage.getItem(THEME_KEY)
    return v === 'light' || v === 'dark' ? v : null
  } catch {
    return null
  }
}
