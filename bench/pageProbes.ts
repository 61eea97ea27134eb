/**
 * What the browser scenario measures inside the page, on the page's own clock
 * (`performance.now()`, 0 when the navigation started): when the contract became usable, and
 * how long each keystroke took to reach the screen.
 *
 * The exported functions are serialised by Playwright and run in the page (in a context that
 * has {@link PAGE_FUNCTION_SUPPORT}), so they use nothing but the page's own globals; their results are kept on `window` and read back with
 * {@link readOpenMilestones} and {@link readKeystrokes}.
 */
import type { Page } from 'playwright-core'

/** The editable contract text, as the browser tests find it. */
export const EDITOR_SELECTOR = '[contenteditable="true"][aria-label="Contract text"]'
/** The status pill whose words say whether the work is saved. */
export const STATUS_SELECTOR = '[data-testid="sync-status"]'

/**
 * An init script to add before any of the functions below: tsx compiles the benchmark with
 * esbuild's `keepNames`, which wraps named inner functions in calls to a `__name` helper that
 * exists in Node but not in the page.
 */
export const PAGE_FUNCTION_SUPPORT = { content: 'globalThis.__name ??= (target) => target' }

/** Milestones of one page load, in ms since the navigation started; null until reached. */
export interface OpenMilestones {
  /** The editable contract text is in the page. */
  editor: number | null
  /** All the expected top-level clauses are rendered in it. */
  clauses: number | null
  /** The status pill reads "Saved": synced with the server, nothing unacknowledged. */
  saved: number | null
}

/** What the keystroke probe collected. */
export interface KeystrokeRecord {
  /** Per keystroke: its `keydown` (the event's own timestamp) to the end of the next frame. */
  readonly toPaintMs: number[]
  /** Per keystroke: its `keydown` timestamp to its first handler running (input delay). */
  readonly inputDelayMs: number[]
  /** Chromium's Event Timing: each reported keyboard interaction's duration (≥ 16 ms only). */
  readonly interactionMs: Record<number, number>
  /** Durations of the main thread's long tasks (> 50 ms) since the probe was installed. */
  readonly longTaskMs: number[]
}

interface ProbeWindow {
  __benchOpen?: OpenMilestones
  __benchKeystrokes?: KeystrokeRecord
}

/**
 * An init script (runs before the page's own scripts): on every animation frame until all are
 * reached, notes when the editor, all `expectedClauses` clauses and "Saved" first appear. A
 * frame callback runs just before that frame is drawn, so each time is that of the first frame
 * showing it.
 */
export function recordOpenMilestones({ editorSelector, statusSelector, expectedClauses }: { editorSelector: string; statusSelector: string; expectedClauses: number }): void {
  const milestones: OpenMilestones = { editor: null, clauses: null, saved: null }
  ;(window as unknown as ProbeWindow).__benchOpen = milestones
  const check = () => {
    const now = performance.now()
    const editor = document.querySelector(editorSelector)
    if (editor !== null) {
      milestones.editor ??= now
      if (milestones.clauses === null && editor.querySelectorAll(':scope > section.clause').length >= expectedClauses) milestones.clauses = now
    }
    if (milestones.saved === null && document.querySelector(statusSelector)?.textContent === 'Saved') milestones.saved = now
    if (milestones.editor === null || milestones.clauses === null || milestones.saved === null) requestAnimationFrame(check)
  }
  requestAnimationFrame(check)
}

/** The milestones {@link recordOpenMilestones} has noted so far. */
export function readOpenMilestones(page: Page): Promise<OpenMilestones> {
  return page.evaluate(() => (window as unknown as ProbeWindow).__benchOpen ?? { editor: null, clauses: null, saved: null })
}

/**
 * Installs the keystroke probe. Each `keydown` (seen first, in the capture phase; the text is
 * inserted by the keypress and input events of the same task) waits for the next animation
 * frame, then for whichever comes first: a message posted from that frame's callback, handled
 * as soon as the frame's style, layout and paint are done (the usual estimate of input-to-paint
 * from inside a page), or the following frame, which proves the previous one was drawn when a
 * backlog of other tasks (remote updates) holds the message back. Chromium's own figure, the
 * Event Timing duration of each interaction up to its next presented frame, and the long tasks
 * are recorded beside it.
 */
export function recordKeystrokes(): void {
  const record: KeystrokeRecord = { toPaintMs: [], inputDelayMs: [], interactionMs: {}, longTaskMs: [] }
  ;(window as unknown as ProbeWindow).__benchKeystrokes = record
  addEventListener(
    'keydown',
    (event) => {
      const pressedAt = event.timeStamp
      record.inputDelayMs.push(performance.now() - pressedAt)
      requestAnimationFrame(() => {
        let isPainted = false
        const painted = () => {
          if (isPainted) return
          isPainted = true
          record.toPaintMs.push(performance.now() - pressedAt)
        }
        const channel = new MessageChannel()
        channel.port1.onmessage = () => {
          painted()
          channel.port1.close()
        }
        channel.port2.postMessage(null)
        requestAnimationFrame(painted)
      })
    },
    { capture: true },
  )
  new PerformanceObserver((list) => {
    // interactionId groups the events of one keystroke; TypeScript's DOM types lack it.
    for (const entry of list.getEntries() as Array<PerformanceEventTiming & { interactionId: number }>) {
      if (entry.interactionId > 0) record.interactionMs[entry.interactionId] = Math.max(record.interactionMs[entry.interactionId] ?? 0, entry.duration)
    }
  }).observe({ type: 'event', durationThreshold: 16 } as PerformanceObserverInit)
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) record.longTaskMs.push(entry.duration)
  }).observe({ type: 'longtask' })
}

/** What {@link recordKeystrokes} has collected so far. */
export async function readKeystrokes(page: Page): Promise<KeystrokeRecord> {
  const record = await page.evaluate(() => (window as unknown as ProbeWindow).__benchKeystrokes ?? null)
  if (record === null) throw new Error('the keystroke probe is not installed in this page')
  return record
}
