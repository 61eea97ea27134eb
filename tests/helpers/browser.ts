/**
 * Driving real Chromium from browser tests: launching Debian's build through playwright-core,
 * making sure the server has a current client to serve, and reading the editor as a person
 * sees it.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, type BrowserContext, type Locator, type Page, chromium } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'

/** Debian's Chromium; playwright-core ships no browser of its own. */
export const CHROMIUM_PATH = '/usr/bin/chromium'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const BUILT_INDEX = join(ROOT, 'dist/client/index.html')
/** What the built client is made from; a change to any of these makes the build stale. */
const CLIENT_SOURCES = ['client', 'shared', 'vite.config.ts', 'package-lock.json']

/**
 * Launches headless Chromium with the flags that keep it quiet and working in a container (no
 * sandbox, no GPU, no background fetches). Throws a message saying how to install it when
 * `/usr/bin/chromium` is missing.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Browser tests need ${CHROMIUM_PATH}: install Debian's chromium: apt-get install -y chromium`)
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/**
 * Builds the client into `dist/client` when it is missing or older than its sources. The
 * server only serves the built files (and decides so when it starts), so call this before
 * starting a test server.
 */
export function ensureClientBuilt(): void {
  if (existsSync(BUILT_INDEX) && statSync(BUILT_INDEX).mtimeMs >= newestModification(CLIENT_SOURCES)) return
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
    // Vitest sets NODE_ENV=test, which would make Vite build React's development bundle and
    // leave out what the production page does (the service worker): build what `npm start` serves.
    env: { ...process.env, NODE_ENV: 'production' },
  })
}

function newestModification(paths: readonly string[]): number {
  let newest = 0
  const visit = (path: string) => {
    if (!existsSync(path)) return
    const stat = statSync(path)
    newest = Math.max(newest, stat.mtimeMs)
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry))
  }
  for (const path of paths) visit(join(ROOT, path))
  return newest
}

/**
 * The contract editor's editable element, found by its accessible name. (By name and not by
 * role: the editor sets no `role="textbox"`, so Chromium exposes it as a generic element.)
 */
export function contractText(page: Page): Locator {
  return page.locator('[contenteditable="true"][aria-label="Contract text"]')
}

/** The status pill that says whether the work is saved. */
export function syncStatus(page: Page): Locator {
  return page.getByTestId('sync-status')
}

/**
 * The editor's paragraphs as text, without the name labels of other people's carets (which
 * sit inside the paragraphs in the DOM but are not part of the contract).
 */
export function readParagraphs(page: Page): Promise<string[]> {
  return contractText(page).evaluate((element) => {
    const copy = element.cloneNode(true) as HTMLElement
    for (const caret of copy.querySelectorAll('.collaboration-carets__caret')) caret.remove()
    return [...copy.querySelectorAll('p')].map((paragraph) => paragraph.textContent ?? '')
  })
}

/** Signs in through the sign-in page as a person would. */
export async function signIn(page: Page, serverUrl: string, email: string, password: string): Promise<void> {
  await page.goto(serverUrl + '/')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Your contracts' }).waitFor()
}

/**
 * The contract editor whatever the person's role: by its role and accessible name, so that it
 * is found when read-only (`contenteditable="false"`), unlike {@link contractText}.
 */
export function contractEditor(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Contract text' })
}

/** {@link readParagraphs} for any role's editor, read-only ones included. */
export function readEditorParagraphs(page: Page): Promise<string[]> {
  return contractEditor(page).evaluate((element) => {
    const copy = element.cloneNode(true) as HTMLElement
    for (const caret of copy.querySelectorAll('.collaboration-carets__caret')) caret.remove()
    return [...copy.querySelectorAll('p')].map((paragraph) => paragraph.textContent ?? '')
  })
}

/**
 * Registers the hooks every browser test file needs: the client built and one Chromium for
 * the file, and cleanups (contexts, servers) run after each test, last registered first.
 */
export function useBrowser(): { browser: () => Browser; defer: (cleanup: () => Promise<void>) => void } {
  let browser: Browser | undefined
  const cleanups: Array<() => Promise<void>> = []
  beforeAll(async () => {
    // The server serves the built client and decides so when it starts.
    ensureClientBuilt()
    browser = await launchChromium()
  })
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })
  afterAll(async () => {
    await browser?.close()
  })
  return {
    browser: () => {
      if (!browser) throw new Error('Chromium is not running yet')
      return browser
    },
    defer: (cleanup) => {
      cleanups.push(cleanup)
    },
  }
}

/**
 * How long browser tests wait for something another page or the server causes: long enough
 * for y-websocket's reconnect backoff (at most 2.5 s) several times over.
 */
export const SETTLE = { timeout: 15_000, interval: 50 }

/**
 * Waits until a person's status pill reads `label`; a failure quotes the page's alert, so a
 * refusal shows up in the test's output.
 */
export async function untilStatus(person: { name: string; page: Page }, label: string): Promise<void> {
  try {
    await expect.poll(() => syncStatus(person.page).textContent(), SETTLE).toBe(label)
  } catch (error) {
    const alerts = await person.page.getByRole('alert').allTextContents()
    const said = alerts.length > 0 ? `the page says: ${alerts.join(' / ')}` : 'no alert on the page'
    throw new Error(`${person.name}'s status pill never read "${label}" (${said})`, { cause: error })
  }
}

/** Where a piece of the contract's text is on screen. */
export interface TextPlace {
  /** The left edge of its first line box, the right edge and top and bottom of its last. */
  readonly left: number
  readonly right: number
  readonly top: number
  readonly bottom: number
  /** The caret positions at its start and its end (x, and y in the middle of the line). */
  readonly start: { readonly x: number; readonly y: number }
  readonly end: { readonly x: number; readonly y: number }
}

/**
 * Waits until the editor has read the page's selection (after a click, say). Chromium reports
 * a new selection in a task of its own, and a key pressed before it runs would act where the
 * caret was before: people are never that quick, scripted input is.
 */
export async function untilSelectionRead(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    type View = { state: { selection: { anchor: number; head: number } }; posAtDOM: (node: Node, offset: number) => number }
    const view = (document.querySelector('.contract-text .tiptap') as (HTMLElement & { editor?: { view: View } }) | null)?.editor?.view
    const selection = document.getSelection()
    if (!view || !selection?.anchorNode || !selection.focusNode) return false
    try {
      const { anchor, head } = view.state.selection
      return view.posAtDOM(selection.anchorNode, selection.anchorOffset) === anchor && view.posAtDOM(selection.focusNode, selection.focusOffset) === head
    } catch {
      return false
    }
  })
}

/**
 * Where the first occurrence of `text` in the contract's text (any role's editor) is on
 * screen — or of `part` of it, when given — scrolled into view; read across text nodes and
 * around other people's carets, which split the text in the page.
 */
export async function locateText(page: Page, text: string, part = text): Promise<TextPlace> {
  const place = await contractEditor(page).evaluate((element, [wanted, within]) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => (node.parentElement?.closest('.collaboration-carets__caret') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    })
    const nodes: Text[] = []
    let whole = ''
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      nodes.push(node as Text)
      whole += node.textContent ?? ''
    }
    if (!whole.includes(wanted) || !wanted.includes(within)) return null
    const at = whole.indexOf(wanted) + wanted.indexOf(within)
    const locate = (offset: number, isEnd: boolean): [Text, number] => {
      let start = 0
      for (const node of nodes) {
        if (offset < start + node.length || (isEnd && offset === start + node.length)) return [node, offset - start]
        start += node.length
      }
      return [nodes[nodes.length - 1]!, nodes[nodes.length - 1]!.length]
    }
    const [startNode, startOffset] = locate(at, false)
    const [endNode, endOffset] = locate(at + within.length, true)
    startNode.parentElement!.scrollIntoView({ block: 'center' })
    const caret = (node: Text, offset: number) => {
      const range = document.createRange()
      range.setStart(node, offset)
      range.setEnd(node, offset)
      const rect = range.getClientRects()[0] ?? range.getBoundingClientRect()
      return { x: rect.left, y: (rect.top + rect.bottom) / 2 }
    }
    const range = document.createRange()
    range.setStart(startNode, startOffset)
    range.setEnd(endNode, endOffset)
    const rects = [...range.getClientRects()].filter((rect) => rect.width > 0)
    const first = rects[0]!
    const last = rects[rects.length - 1]!
    return { left: first.left, right: last.right, top: last.top, bottom: last.bottom, start: caret(startNode, startOffset), end: caret(endNode, endOffset) }
  }, [text, part] as const)
  if (place === null) throw new Error(`"${part}" of "${text}" is not in the contract`)
  return place
}

/** Someone at the contract page in a browser context of their own. */
export interface PersonAtContract {
  readonly name: string
  readonly page: Page
  readonly context: BrowserContext
}

/** Where {@link openContractAs} opens a contract, and in how wide a window. */
export interface ContractPlace {
  readonly serverUrl: string
  readonly contractId: string
  readonly password: string
  readonly viewport?: { readonly width: number; readonly height: number }
}

/**
 * Signs `email` in, in a new browser context (closed after the test), and opens the contract,
 * returning once its status says Saved.
 */
export async function openContractAs(
  { browser, defer }: ReturnType<typeof useBrowser>,
  { serverUrl, contractId, password, viewport = { width: 1100, height: 800 } }: ContractPlace,
  name: string,
  email: string,
): Promise<PersonAtContract> {
  const context = await browser().newContext({ viewport })
  defer(() => context.close())
  const page = await context.newPage()
  await signIn(page, serverUrl, email, password)
  await page.goto(`${serverUrl}/contracts/${contractId}`)
  await untilStatus({ name, page }, 'Saved')
  return { name, page, context }
}
