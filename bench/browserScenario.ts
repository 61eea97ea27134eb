/**
 * Scenario 5, in headless Chromium: how fast a signed-in person can work in a 300-clause
 * contract (`contractDocument.ts`, about 0.84 MB of text, 1.07 MB encoded) served by a warm
 * Concordat with the real member policy, and how quickly their typing reaches the screen.
 *
 * - Opening: the contract is opened once, unmeasured, so the server holds the room. Then each
 *   of `settings.pageOpens` opens is a fresh browser context (nothing cached, no local copy)
 *   carrying the session cookie of one earlier sign-in. An open counts as interactive when the
 *   editable text shows all 300 clauses, the status pill reads "Saved", and a character typed
 *   into the first paragraph has appeared on screen; it is timed from the start of
 *   `page.goto`, and also on the page's own clock from the start of navigation.
 * - Typing: in an open contract, a click into a paragraph of clause 150 and then
 *   `settings.typedChars` characters one at a time, one every `settings.typingIntervalMs`
 *   unless the page is still taking the previous one; the page times each keystroke to the
 *   next painted frame (`pageProbes.ts`). Then the same again while a second window (the same
 *   account, in another browser context) types into clause 100 at the same pace.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { CHROMIUM_PATH, ensureClientBuilt, launchChromium, signIn } from '../tests/helpers/browser.ts'
import { ForkedChild } from './ForkedChild.ts'
import { busyPercent, readMachineCpu, waitForQuietMachine } from './machineCpu.ts'
import { EDITOR_SELECTOR, type KeystrokeRecord, PAGE_FUNCTION_SUPPORT, STATUS_SELECTOR, readKeystrokes, readOpenMilestones, recordKeystrokes, recordOpenMilestones } from './pageProbes.ts'
import type { ServerStats } from './serverControl.ts'
import { ServerUnderTest } from './ServerUnderTest.ts'
import type { BenchSettings } from './settings.ts'

const CONTRACT_ID = 'bench-300-clauses'
const CLAUSES = 300
/** The demo chair owns the contract; the demo is seeded with this password. */
const ACCOUNT = { email: 'chair@demo.test', password: 'demo password for the benchmark' }
const VIEWPORT = { width: 1280, height: 800 }
/** How long any one step may take before the run counts as failed. */
const STEP_TIMEOUT_MS = 60_000
/**
 * The longest wait for a quiet machine before an open: the server unloads a room 30 s after its
 * last client leaves, and the opens must find it loaded.
 */
const MAX_QUIET_WAIT_BEFORE_OPEN_MS = 20_000
const ROOT = fileURLToPath(new URL('../', import.meta.url))
const BUILT_INDEX = join(ROOT, 'dist/client/index.html')
const VITE = join(ROOT, 'node_modules/vite/bin/vite.js')

/** A signed-in person's cookies and storage, for new browser contexts. */
type SignedIn = Awaited<ReturnType<BrowserContext['storageState']>>

/** One measured open of the contract. Times in ms. */
export interface PageOpen {
  /** From the start of `page.goto` to the typed character on screen (the benchmark's clock). */
  readonly interactiveMs: number
  /** Page clock, from the start of navigation: the DOM parsed (DOMContentLoaded handled). */
  readonly domReadyMs: number
  /** Page clock: the editable text in the page, all clauses rendered, "Saved", the typed character shown. */
  readonly editorMs: number
  readonly clausesMs: number
  readonly savedMs: number
  readonly typedMs: number
  /** Server CPU from the start of the open until the typed character was saved. */
  readonly serverCpuMs: number
  /** Whether the server held the contract's room when the open began (a warm server). */
  readonly wasRoomLoaded: boolean
  /** The machine's CPU use just before, with the benchmark idle (others' work), % of one core. */
  readonly idleMachinePercent: number
}

/** One typing run. Times in ms. */
export interface TypingRun {
  /** Windows typing at once (1: alone; 2: a second window types into another clause). */
  readonly typists: number
  readonly keystrokes: number
  /** The pace asked for, and the one achieved (keystrokes wait for the page to take the last one). */
  readonly intervalMs: number
  readonly achievedIntervalMs: number
  /** Keystroke to the end of the next frame, measured in the page. */
  readonly toPaintP50Ms: number
  readonly toPaintP95Ms: number
  readonly toPaintMaxMs: number
  /** Keystroke to its first handler (how long the main thread kept it waiting). */
  readonly inputDelayP95Ms: number
  /**
   * Chromium's Event Timing over the run: the worst keystroke interaction once the highest
   * one in 50 is set aside (how web-vitals computes INP); null when that one was under 16 ms,
   * below which Chromium does not report.
   */
  readonly interactionP98Ms: number | null
  readonly longTasks: number
  readonly longestTaskMs: number
  /** CPU of the whole machine during the typing, % of one core (200 = both cores busy). */
  readonly machineBusyPercent: number
  readonly idleMachinePercent: number
}

export interface BrowserResult {
  readonly contractId: string
  readonly clauses: number
  /** The contract's size as stored: one Yjs update. */
  readonly contractBytes: number
  /** The built client the pages ran (its entry script), at the start and at the end of the scenario. */
  readonly clientBuild: string
  readonly clientBuildAtEnd: string
  readonly opens: readonly PageOpen[]
  readonly interactiveMedianMs: number
  readonly interactiveMaxMs: number
  readonly typing: readonly TypingRun[]
  /** Uncaught errors the pages threw (none expected). */
  readonly pageErrors: readonly string[]
}

/** Why the scenario cannot run on this machine, or null when it can. */
export function browserUnavailable(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `${CHROMIUM_PATH} is missing (install Debian's chromium: apt-get install -y chromium)`
}

/** Concordat with the member policy, the demo and the 300-clause contract (`browserServer.ts`), in a child process. */
class BrowserServer {
  readonly url: string
  readonly #child: ForkedChild
  readonly #dataDir: string

  private constructor(child: ForkedChild, port: number, dataDir: string) {
    this.#child = child
    this.url = `http://127.0.0.1:${port}`
    this.#dataDir = dataDir
  }

  static async start(): Promise<BrowserServer> {
    const dataDir = mkdtempSync(join(tmpdir(), 'concordat-bench-browser-'))
    const child = new ForkedChild({
      name: 'concordat (members)',
      module: fileURLToPath(new URL('./browserServer.ts', import.meta.url)),
      env: { BENCH_DATA_DIR: dataDir, BENCH_DEMO_PASSWORD: ACCOUNT.password, BENCH_CONTRACT_ID: CONTRACT_ID, BENCH_CONTRACT_OWNER: ACCOUNT.email },
    })
    try {
      const ready = await child.waitForNotice('ready', STEP_TIMEOUT_MS)
      return new BrowserServer(child, ready.port as number, dataDir)
    } catch (error) {
      child.kill()
      rmSync(dataDir, { recursive: true, force: true })
      throw error
    }
  }

  stats(): Promise<ServerStats> {
    return this.#child.request<ServerStats>('stats', {})
  }

  async stop(): Promise<void> {
    await this.#child.stop()
    rmSync(this.#dataDir, { recursive: true, force: true })
  }
}

/** The value below which a fraction `q` of `values` lie (nearest rank). */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** The entry script named in the built client's index.html (its name carries a content hash). */
function clientBuildName(): string {
  const match = /<script[^>]*\ssrc="\/assets\/([^"]+\.js)"/.exec(readFileSync(BUILT_INDEX, 'utf8'))
  if (!match) throw new Error(`${BUILT_INDEX} names no entry script`)
  return match[1]!
}

/**
 * Whether the built client carries React's development build: Vite keeps a NODE_ENV it finds
 * set, and the test runner sets it to "test", so a client built by the browser tests is one.
 * Only React's development JSX runtime defines `jsxDEV`.
 */
function isDevelopmentBuild(): boolean {
  const assets = join(dirname(BUILT_INDEX), 'assets')
  return readdirSync(assets).some((file) => file.endsWith('.js') && readFileSync(join(assets, file), 'utf8').includes('jsxDEV'))
}

/**
 * Makes sure `dist/client` holds a production build of the current sources, and returns the
 * name of its entry script. The server serves whatever is there, so a development build (many
 * times slower to render) would otherwise be measured whenever the browser tests built last.
 */
function ensureProductionClient(): string {
  ensureClientBuilt()
  if (isDevelopmentBuild()) {
    execFileSync(process.execPath, [VITE, 'build', '--logLevel', 'warn'], { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production' }, stdio: 'inherit' })
  }
  if (isDevelopmentBuild()) throw new Error('the client in dist/client is still a development build after a production build')
  return clientBuildName()
}

/** Waits until the status pill reads "Saved" (the server has stored everything this page sent). */
async function untilSaved(page: Page): Promise<void> {
  await page.waitForFunction((selector) => document.querySelector(selector)?.textContent === 'Saved', STATUS_SELECTOR, { timeout: STEP_TIMEOUT_MS })
}

/**
 * Scrolls the first paragraph of top-level clause `index` (0-based) into view if needed and
 * returns a point inside its first line, where a person would click.
 */
async function paragraphPoint(page: Page, index: number): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ({ editorSelector, index }) => {
      const paragraph = document.querySelector(editorSelector)?.querySelectorAll(':scope > section.clause')[index]?.querySelector(':scope > p')
      if (!paragraph) throw new Error(`clause ${index + 1} has no paragraph`)
      const rect = paragraph.getBoundingClientRect()
      if (rect.top < 0 || rect.bottom > innerHeight) {
        paragraph.scrollIntoView({ block: 'center' })
      }
      const shown = paragraph.getBoundingClientRect()
      return { x: shown.left + Math.min(60, shown.width / 2), y: shown.top + 8 }
    },
    { editorSelector: EDITOR_SELECTOR, index },
  )
}

/** The text of the first paragraph of top-level clause `index`, without other people's caret labels. */
function paragraphText(page: Page, index: number): Promise<string> {
  return page.evaluate(
    ({ editorSelector, index }) => {
      const paragraph = document.querySelector(editorSelector)?.querySelectorAll(':scope > section.clause')[index]?.querySelector(':scope > p')
      const copy = paragraph?.cloneNode(true) as HTMLElement | undefined
      for (const caret of copy?.querySelectorAll('.collaboration-carets__caret') ?? []) caret.remove()
      return copy?.textContent ?? ''
    },
    { editorSelector: EDITOR_SELECTOR, index },
  )
}

/** A fresh browser context with the signed-in person's cookies, and a page in it. */
async function signedInPage(browser: Browser, storageState: SignedIn, pageErrors: string[]): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ storageState, viewport: VIEWPORT })
  await context.addInitScript(PAGE_FUNCTION_SUPPORT)
  await context.addInitScript(recordOpenMilestones, { editorSelector: EDITOR_SELECTOR, statusSelector: STATUS_SELECTOR, expectedClauses: CLAUSES })
  const page = await context.newPage()
  page.on('pageerror', (error) => pageErrors.push(error.message))
  return { context, page }
}

/** Waits until the contract shows all its clauses and reads "Saved"; fails with what the page says if it never does. */
async function untilOpened(page: Page): Promise<void> {
  try {
    await page.waitForFunction(() => {
      const open = (window as { __benchOpen?: { clauses: number | null; saved: number | null } }).__benchOpen
      return open !== undefined && open.clauses !== null && open.saved !== null
    }, null, { timeout: STEP_TIMEOUT_MS, polling: 'raf' })
  } catch (error) {
    const alerts = await page.getByRole('alert').allTextContents().catch(() => [])
    throw new Error(`the contract never opened (${alerts.length ? `the page says: ${alerts.join(' / ')}` : 'no alert on the page'})`, { cause: error })
  }
}

/**
 * Opens the contract in a fresh context and makes it prove it is interactive: a click into
 * the first clause's first paragraph and one typed character, timed until that character is
 * in the page at a frame. Then waits for "Saved" (the server accepted the character).
 */
async function openOnce(browser: Browser, server: BrowserServer, storageState: SignedIn, maxQuietWaitMs: number, pageErrors: string[]): Promise<PageOpen> {
  const { context, page } = await signedInPage(browser, storageState, pageErrors)
  try {
    const idleMachinePercent = await waitForQuietMachine(maxQuietWaitMs)
    const before = await server.stats()
    const started = performance.now()
    await page.goto(`${server.url}/contracts/${CONTRACT_ID}`, { waitUntil: 'commit', timeout: STEP_TIMEOUT_MS })
    await untilOpened(page)
    const point = await paragraphPoint(page, 0)
    const length = (await paragraphText(page, 0)).length
    await page.mouse.click(point.x, point.y)
    await page.keyboard.type('x')
    const typedMs = await (
      await page.waitForFunction(
        ({ editorSelector, length }) => {
          const paragraph = document.querySelector(editorSelector)?.querySelector(':scope > section.clause > p')
          return (paragraph?.textContent?.length ?? 0) > length ? performance.now() : null
        },
        { editorSelector: EDITOR_SELECTOR, length },
        { timeout: STEP_TIMEOUT_MS, polling: 'raf' },
      )
    ).jsonValue()
    const interactiveMs = performance.now() - started
    await untilSaved(page)
    const after = await server.stats()
    const milestones = await readOpenMilestones(page)
    const domReadyMs = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.domContentLoadedEventEnd ?? Number.NaN)
    return {
      interactiveMs,
      domReadyMs,
      editorMs: milestones.editor ?? Number.NaN,
      clausesMs: milestones.clauses ?? Number.NaN,
      savedMs: milestones.saved ?? Number.NaN,
      typedMs: typedMs as number,
      serverCpuMs: ServerUnderTest.cpuUsBetween(before, after) / 1000,
      wasRoomLoaded: (before.loadedRooms ?? 0) > 0,
      idleMachinePercent,
    }
  } finally {
    await context.close()
  }
}

/** Words to type: contract prose, repeated to `length` characters. */
function prose(length: number, sentence: string): string {
  return sentence.repeat(Math.ceil(length / sentence.length)).slice(0, length)
}

/**
 * Types `text` one character at a time, starting one every `intervalMs` (a keystroke that is
 * not taken in time delays the next: Playwright waits for the page to take each key).
 */
async function typeSteadily(page: Page, text: string, intervalMs: number): Promise<number> {
  const started = performance.now()
  for (let i = 0; i < text.length; i++) {
    await page.keyboard.type(text[i]!)
    const wait = started + (i + 1) * intervalMs - performance.now()
    if (wait > 0) await sleep(wait)
  }
  return (performance.now() - started) / text.length
}

/** Opens the contract for typing and puts the cursor in the first paragraph of clause `index` (0-based). */
async function openForTyping(browser: Browser, server: BrowserServer, storageState: SignedIn, index: number, pageErrors: string[]): Promise<{ context: BrowserContext; page: Page }> {
  const opened = await signedInPage(browser, storageState, pageErrors)
  await opened.page.goto(`${server.url}/contracts/${CONTRACT_ID}`, { timeout: STEP_TIMEOUT_MS })
  await untilOpened(opened.page)
  const point = await paragraphPoint(opened.page, index)
  await opened.page.mouse.click(point.x, point.y)
  return opened
}

/** Waits until the first paragraph of clause `index` (0-based) is `length` characters long in `page`. */
async function untilTextArrived(page: Page, index: number, length: number): Promise<void> {
  const deadline = performance.now() + STEP_TIMEOUT_MS
  for (;;) {
    const text = await paragraphText(page, index)
    if (text.length === length) return
    if (performance.now() > deadline) throw new Error(`clause ${index + 1}'s paragraph has ${text.length} characters in the measured page, not the ${length} expected after the typing`)
    await sleep(50)
  }
}

/**
 * One typing run: `typists` windows (1 or 2) each type into a clause of their own at the same
 * pace; the first one's keystrokes are measured. Checks that every window's text arrived in
 * the measured page, so the second typist really was sending it updates.
 */
async function typingRun(browser: Browser, server: BrowserServer, storageState: SignedIn, typists: number, settings: BenchSettings, pageErrors: string[]): Promise<TypingRun> {
  const clauses = [149, 99].slice(0, typists)
  const texts = [
    prose(settings.typedChars, ' The Provider shall keep a written record of each review.'),
    prose(settings.typedChars, ' The Purchaser may ask to see those records at any time.'),
  ]
  const windows: Array<{ context: BrowserContext; page: Page }> = []
  try {
    for (const clause of clauses) windows.push(await openForTyping(browser, server, storageState, clause, pageErrors))
    const measured = windows[0]!.page
    const before = clauses.map(() => '')
    for (const [i, clause] of clauses.entries()) before[i] = await paragraphText(measured, clause)
    await measured.evaluate(recordKeystrokes)
    const idleMachinePercent = await waitForQuietMachine(settings.maxQuietWaitMs)
    const cpuBefore = readMachineCpu()
    const paces = await Promise.all(windows.map(({ page }, i) => typeSteadily(page, texts[i]!, settings.typingIntervalMs)))
    for (const [i, clause] of clauses.entries()) await untilTextArrived(measured, clause, before[i]!.length + texts[i]!.length)
    const machineBusy = busyPercent(cpuBefore, readMachineCpu(), cpus().length)
    await Promise.all(windows.map(({ page }) => untilSaved(page)))
    return summariseTyping(await readKeystrokes(measured), typists, settings.typingIntervalMs, paces[0]!, machineBusy, idleMachinePercent)
  } finally {
    for (const { context } of windows) await context.close()
  }
}

function summariseTyping(record: KeystrokeRecord, typists: number, intervalMs: number, achievedIntervalMs: number, machineBusyPercent: number, idleMachinePercent: number): TypingRun {
  const keystrokes = record.toPaintMs.length
  // INP as web-vitals computes it: skip the highest interaction in every 50.
  const interactions = Object.values(record.interactionMs).sort((a, b) => b - a)
  const skipped = Math.floor(keystrokes / 50)
  return {
    typists,
    keystrokes,
    intervalMs,
    achievedIntervalMs,
    toPaintP50Ms: percentile(record.toPaintMs, 0.5),
    toPaintP95Ms: percentile(record.toPaintMs, 0.95),
    toPaintMaxMs: Math.max(...record.toPaintMs),
    inputDelayP95Ms: percentile(record.inputDelayMs, 0.95),
    interactionP98Ms: interactions[skipped] ?? null,
    longTasks: record.longTaskMs.length,
    longestTaskMs: Math.max(0, ...record.longTaskMs),
    machineBusyPercent,
    idleMachinePercent,
  }
}

/**
 * Runs scenario 5: builds the client if it is stale, starts the server, signs in once, warms
 * the room with one unmeasured open, measures the opens, then the two typing runs.
 */
export async function runBrowser(settings: BenchSettings, log: (line: string) => void): Promise<BrowserResult> {
  const clientBuild = ensureProductionClient()
  const server = await BrowserServer.start()
  let browser: Browser | null = null
  const pageErrors: string[] = []
  try {
    browser = await launchChromium()
    const signInContext = await browser.newContext({ viewport: VIEWPORT })
    await signIn(await signInContext.newPage(), server.url, ACCOUNT.email, ACCOUNT.password)
    const storageState = await signInContext.storageState()
    await signInContext.close()

    const contractBytes = Number((await server.stats()).extra?.contractBytes)
    const warmUp = await openOnce(browser, server, storageState, 0, pageErrors)
    log(`browser: warm-up open interactive in ${warmUp.interactiveMs.toFixed(0)} ms (not counted)`)
    const opens: PageOpen[] = []
    for (let i = 0; i < settings.pageOpens; i++) {
      const open = await openOnce(browser, server, storageState, Math.min(settings.maxQuietWaitMs, MAX_QUIET_WAIT_BEFORE_OPEN_MS), pageErrors)
      opens.push(open)
      log(`browser: open ${i + 1}/${settings.pageOpens} interactive in ${open.interactiveMs.toFixed(0)} ms (page clock ${open.typedMs.toFixed(0)} ms)`)
    }
    const typing: TypingRun[] = []
    for (const typists of [1, 2]) {
      const run = await typingRun(browser, server, storageState, typists, settings, pageErrors)
      typing.push(run)
      log(`browser: typing with ${typists} typist(s): p50 ${run.toPaintP50Ms.toFixed(1)} ms, p95 ${run.toPaintP95Ms.toFixed(1)} ms, max ${run.toPaintMaxMs.toFixed(1)} ms to paint`)
    }
    const interactive = opens.map((o) => o.interactiveMs)
    return {
      contractId: CONTRACT_ID,
      clauses: CLAUSES,
      contractBytes,
      clientBuild,
      // Someone else's build may replace the client during the run; the report then says so.
      clientBuildAtEnd: clientBuildName(),
      opens,
      interactiveMedianMs: percentile(interactive, 0.5),
      interactiveMaxMs: Math.max(...interactive),
      typing,
      pageErrors,
    }
  } finally {
    await browser?.close()
    await server.stop()
  }
}
