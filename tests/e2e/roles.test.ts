/**
 * Roles in the browser, as the demo's people meet them: the chair edits, the observer reads a
 * read-only editor that says why, a wrong password is refused politely, and a member the owner
 * removes loses the open contract at once. Each person has their own browser context, so only
 * the server carries anything between them.
 */
import * as decoding from 'lib0/decoding'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import * as Y from 'yjs'
import { DEMO_CLAUSES, DEMO_TITLE, type DemoClause } from '../../server/seed/demoContract.ts'
import { DEMO_CONTRACT_ID } from '../../server/seed/seedDemo.ts'
import { MessageType, SyncStep } from '../../shared/protocol/messages.ts'
import { getBody } from '../../shared/ydoc/schema.ts'
import { contractEditor, readEditorParagraphs, SETTLE, signIn, syncStatus, untilStatus, useBrowser } from '../helpers/browser.ts'
import { ApiClient } from '../helpers/httpClient.ts'
import { DEMO_PASSWORD, type TestServer, startTestServer } from '../helpers/testServer.ts'

/** Where the first test leaves a picture of the chair's page, for a person to look at (not committed). */
const SCREENSHOT_PATH = '/tmp/concordat-roles.png'

const SAVED = 'Saved'

const CHAIR = { email: 'chair@demo.test', password: DEMO_PASSWORD, badge: 'Owner', signature: 'Chris Chair · National Steering Group' }
const OBSERVER = { email: 'observer@demo.test', password: DEMO_PASSWORD, badge: 'Viewer' }

/** The demo's clause numbers in document order (1, 1.1, 2, …), worked out from the seed's outline. */
function expectedClauseNumbers(clauses: readonly DemoClause[], prefix = ''): string[] {
  return clauses.flatMap((clause, index) => {
    const number = prefix ? `${prefix}.${index + 1}` : String(index + 1)
    return [number, ...expectedClauseNumbers(clause.subclauses ?? [], number)]
  })
}

/** The demo's paragraphs in document order, each clause's before its sub-clauses'. */
function expectedParagraphs(clauses: readonly DemoClause[]): string[] {
  return clauses.flatMap((clause) => [...clause.paragraphs, ...expectedParagraphs(clause.subclauses ?? [])])
}

/**
 * The top-level elements of the contract's body as the server has stored it durably (node
 * names: `clause`, `paragraph`, …), read from the store and not from anyone's page.
 */
async function storedBodyOutline(server: TestServer): Promise<string[]> {
  const stored = await server.store.loadDocument(DEMO_CONTRACT_ID)
  const doc = new Y.Doc()
  try {
    if (stored.snapshot !== null) Y.applyUpdate(doc, stored.snapshot)
    for (const { data } of stored.updates) Y.applyUpdate(doc, data)
    return getBody(doc)
      .toArray()
      .map((node) => (node instanceof Y.XmlElement ? node.nodeName : '#text'))
  } finally {
    doc.destroy()
  }
}

/**
 * Whether a frame sent on the sync socket changes the document: a sync step 2 or update whose
 * Yjs update holds any insertion or deletion (a fresh client's empty step 2 does not count).
 */
function isChangeFrame(payload: string | Buffer): boolean {
  if (typeof payload === 'string') return false
  const decoder = decoding.createDecoder(new Uint8Array(payload))
  if (decoding.readVarUint(decoder) !== MessageType.sync) return false
  const step = decoding.readVarUint(decoder)
  if (step !== SyncStep.step2 && step !== SyncStep.update) return false
  const { structs, ds } = Y.decodeUpdate(decoding.readVarUint8Array(decoder))
  return structs.length > 0 || ds.clients.size > 0
}

/** A person at a browser: their page, the errors it has thrown, and the changes it has sent. */
interface Person {
  name: string
  page: Page
  pageErrors: string[]
  /** Sync frames that change the document which this page has sent, counted across sockets. */
  changeFramesSent: number
}

describe('roles in the browser', () => {
  const { browser, defer } = useBrowser()

  async function startDemoServer(): Promise<TestServer> {
    const server = await startTestServer({ members: true })
    defer(() => server.dispose())
    return server
  }

  /** A fresh browser context and page for one person, watching its errors and sync frames. */
  async function arrive(name: string): Promise<Person> {
    const context = await browser().newContext({ viewport: { width: 1100, height: 700 } })
    defer(() => context.close())
    const page = await context.newPage()
    const person: Person = { name, page, pageErrors: [], changeFramesSent: 0 }
    page.on('pageerror', (error) => person.pageErrors.push(error.message))
    page.on('websocket', (socket) => {
      socket.on('framesent', ({ payload }) => {
        if (isChangeFrame(payload)) person.changeFramesSent += 1
      })
    })
    return person
  }

  /**
   * Signs in, finds the demo contract in "Your contracts" with `badge` beside it, and opens it
   * by its link, as a person would; waits for the editor and the "Saved" pill.
   */
  async function openDemoFromList(person: Person, serverUrl: string, account: { email: string; password: string; badge: string }): Promise<void> {
    const { page } = person
    await signIn(page, serverUrl, account.email, account.password)
    const link = page.getByRole('link', { name: DEMO_TITLE })
    const item = page.getByRole('listitem').filter({ has: link })
    await item.waitFor()
    expect(await item.locator('.role-badge').textContent()).toBe(account.badge)
    await link.click()
    await contractEditor(page).waitFor({ state: 'visible' })
    expect(new URL(page.url()).pathname).toBe(`/contracts/${DEMO_CONTRACT_ID}`)
    await untilStatus(person, SAVED)
  }


  /** The first clause's first paragraph, where people click to type. */
  function firstParagraph(page: Page) {
    return contractEditor(page).locator('section.clause p').first()
  }

  /** Clicks just after the last character of the first clause's first paragraph. */
  async function clickAtEndOfFirstParagraph(page: Page): Promise<void> {
    const paragraph = firstParagraph(page)
    await paragraph.scrollIntoViewIfNeeded()
    const point = await paragraph.evaluate((element) => {
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT)
      let last: Text | null = null
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        if ((node.textContent ?? '').length > 0) last = node as Text
      }
      if (last === null) throw new Error('The first paragraph has no text')
      const range = document.createRange()
      range.setStart(last, last.length - 1)
      range.setEnd(last, last.length)
      const rect = range.getBoundingClientRect()
      // The right edge of the last character: the caret lands after it.
      return { x: rect.right - 1, y: rect.top + rect.height / 2 }
    })
    await page.mouse.click(point.x, point.y)
  }

  /** Clicks into the text and does what would change it: type, split, delete, cut. */
  async function tryToChange(page: Page): Promise<void> {
    await clickAtEndOfFirstParagraph(page)
    await page.keyboard.type(' Someone rewrites this.')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Backspace')
    await page.keyboard.press('Control+a')
    await page.keyboard.press('Control+x')
  }

  it('the chair and the observer open the demo contract; the observer’s editor is read-only and says so', async () => {
    const server = await startDemoServer()
    const chair = await arrive('the chair')
    const observer = await arrive('the observer')
    // The observer first: their page is open when the chair's page arrives (and shows its caret).
    await openDemoFromList(observer, server.url, OBSERVER)
    await openDemoFromList(chair, server.url, CHAIR)

    // The observer is told why, and the editor is read-only to the browser and to assistive technology.
    const banner = observer.page.getByRole('note')
    expect(await banner.getAttribute('class')).toContain('read-only-banner')
    expect(await banner.textContent()).toMatch(/You are a Viewer on this contract: .*not change/)
    const observersEditor = contractEditor(observer.page)
    expect(await observersEditor.getAttribute('aria-readonly')).toBe('true')
    expect(await observersEditor.getAttribute('contenteditable')).toBe('false')
    // The chair sees no banner and may type.
    expect(await chair.page.locator('.read-only-banner').count()).toBe(0)
    expect(await contractEditor(chair.page).getAttribute('aria-readonly')).toBe('false')
    expect(await contractEditor(chair.page).getAttribute('contenteditable')).toBe('true')

    // Clauses are numbered from their position, sub-clauses under their parent, on both pages.
    const numbers = expectedClauseNumbers(DEMO_CLAUSES)
    expect(numbers.slice(0, 4)).toEqual(['1', '1.1', '2', '3'])
    for (const person of [chair, observer]) {
      await expect.poll(() => person.page.locator('.clause-number').allTextContents(), SETTLE).toEqual(numbers)
      const firstHeading = contractEditor(person.page).locator('section.clause h2').first()
      await expect.poll(() => firstHeading.textContent(), SETTLE).toBe(`1${DEMO_CLAUSES[0]!.heading}`)
    }
    expect(DEMO_CLAUSES.length).toBe(25)
    expect(await chair.page.locator('.tiptap > section.clause').count()).toBe(25)

    // The observer clicks into the text and types, before anyone else has: nothing changes.
    const original = DEMO_CLAUSES[0]!.paragraphs[0]!
    const untouched = await readEditorParagraphs(observer.page)
    expect(untouched[0]).toBe(original)
    await tryToChange(observer.page)
    expect(await readEditorParagraphs(observer.page)).toEqual(untouched)

    // The chair adds a sentence at the end of clause 1's first paragraph; the observer sees it.
    const added = ' The parties may agree further definitions in writing.'
    await clickAtEndOfFirstParagraph(chair.page)
    await chair.page.keyboard.type(added)
    await expect.poll(() => readEditorParagraphs(observer.page).then((p) => p[0]), SETTLE).toBe(original + added)
    await untilStatus(chair, SAVED)
    await chair.page.screenshot({ path: SCREENSHOT_PATH, fullPage: true })

    // The observer tries again, now on text that came from someone else.
    const before = await readEditorParagraphs(observer.page)
    await tryToChange(observer.page)
    expect(await readEditorParagraphs(observer.page)).toEqual(before)

    // A round trip through the server after the attempts: had the observer sent anything, it
    // would have been refused (an alert) or have reached the chair by now.
    const later = ' Notices are given in writing.'
    await clickAtEndOfFirstParagraph(chair.page)
    await chair.page.keyboard.type(later)
    await expect.poll(() => readEditorParagraphs(observer.page).then((p) => p[0]), SETTLE).toBe(original + added + later)
    await untilStatus(chair, SAVED)

    // Not one change left the observer's page, from opening the contract until now, so nothing
    // was refused either.
    expect(await observer.page.getByRole('alert').allTextContents()).toEqual([])
    expect(observer.changeFramesSent).toBe(0)
    expect(await chair.page.getByRole('alert').allTextContents()).toEqual([])
    expect(await syncStatus(observer.page).textContent()).toBe(SAVED)
    // Exactly the seed's clauses and paragraphs with the chair's two sentences: nothing else was
    // added, not even an empty paragraph, by anyone's clicking or typing; first as the server
    // stored it, then as both people see it.
    expect(await storedBodyOutline(server)).toEqual(DEMO_CLAUSES.map(() => 'clause'))
    const expected = [original + added + later, ...expectedParagraphs(DEMO_CLAUSES).slice(1)]
    expect(untouched).toEqual(expectedParagraphs(DEMO_CLAUSES))
    expect(await readEditorParagraphs(chair.page)).toEqual(expected)
    expect(await readEditorParagraphs(observer.page)).toEqual(expected)

    expect(chair.pageErrors).toEqual([])
    expect(observer.pageErrors).toEqual([])
  })

  it('a wrong password gets a polite refusal and no session', async () => {
    const server = await startDemoServer()
    const chair = await arrive('the chair')
    const { page } = chair
    const sessionStatus = async () => (await page.request.get(`${server.url}/api/session`)).status()

    await page.goto(server.url + '/')
    await page.getByLabel('Email').fill(CHAIR.email)
    await page.getByLabel('Password').fill('not the demo password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    const refusal = page.getByRole('alert')
    await refusal.waitFor()
    expect(await refusal.textContent()).toContain('not right')
    expect(await page.getByRole('heading', { name: 'Sign in to Concordat' }).count()).toBe(1)
    expect(await page.getByRole('heading', { name: 'Your contracts' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0)
    // The browser holds no session: the API (with this context's cookies) does not know them.
    // (Only asked while signed out: asking `GET /api/session` hands out a new CSRF token.)
    expect(await sessionStatus()).toBe(401)

    // The right password, on the same page, signs in.
    await page.getByLabel('Password').fill(CHAIR.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Your contracts' }).waitFor()
    expect(await page.getByRole('navigation', { name: 'Account' }).locator('.who').textContent()).toBe(CHAIR.signature)
    // The list arrives after the heading.
    await page.getByRole('link', { name: DEMO_TITLE }).waitFor()
    expect(await page.getByRole('alert').count()).toBe(0)

    // "Sign out" returns to the sign-in page, and the session is gone for good (a reload agrees).
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('heading', { name: 'Sign in to Concordat' }).waitFor()
    expect(await page.getByRole('heading', { name: 'Your contracts' }).count()).toBe(0)
    expect(await sessionStatus()).toBe(401)
    await page.reload()
    await page.getByRole('heading', { name: 'Sign in to Concordat' }).waitFor()

    expect(chair.pageErrors).toEqual([])
  })

  it('signing out in one tab ends the session even when another tab was opened since', async () => {
    const server = await startDemoServer()
    const chair = await arrive('the chair')
    const firstTab = chair.page
    await signIn(firstTab, server.url, CHAIR.email, CHAIR.password)
    // A second tab of the same browser: loading the app asks the server for the session.
    const secondTab = await firstTab.context().newPage()
    await secondTab.goto(server.url + '/')
    await secondTab.getByRole('heading', { name: 'Your contracts' }).waitFor()

    const signOut = firstTab.waitForResponse((response) => response.url().endsWith('/api/session') && response.request().method() === 'DELETE')
    await firstTab.getByRole('button', { name: 'Sign out' }).click()
    const answer = await signOut
    await firstTab.getByRole('heading', { name: 'Sign in to Concordat' }).waitFor()
    // A 204 has no body to read; a refusal's body says why.
    const refusal = answer.status() === 204 ? '' : await answer.text()
    expect(answer.status(), `sign-out was answered ${answer.status()} ${refusal}`).toBe(204)
    // Signed out means signed out: neither tab gets the contracts back by reloading.
    for (const tab of [firstTab, secondTab]) {
      await tab.reload()
      await tab.getByRole('heading', { name: 'Sign in to Concordat' }).waitFor({ timeout: 5_000 })
    }
    expect(chair.pageErrors).toEqual([])
  })

  it('a member removed by the owner is disconnected at once', async () => {
    const server = await startDemoServer()
    const observer = await arrive('the observer')
    await openDemoFromList(observer, server.url, OBSERVER)

    // The owner removes the observer through the API, as the owner's own client would.
    const owner = new ApiClient(server.url)
    expect((await owner.signIn(CHAIR.email, CHAIR.password)).status).toBe(200)
    const members = await owner.request<Array<{ id: string; email: string; role: string }>>('GET', `/api/contracts/${DEMO_CONTRACT_ID}/members`)
    expect(members.status).toBe(200)
    const member = members.body.find((m) => m.email === OBSERVER.email)
    expect(member?.role).toBe('viewer')
    const removal = await owner.request('DELETE', `/api/contracts/${DEMO_CONTRACT_ID}/members/${member!.id}`)
    expect(removal.status).toBe(204)

    // The open page is told at once, and goes offline for good instead of retrying.
    const alert = observer.page.getByRole('alert')
    await expect.poll(() => alert.textContent().catch(() => null), SETTLE).toMatch(/You do not have access to this contract/)
    await untilStatus(observer, 'Offline — changes kept on this device')
    // The text already shown stays readable.
    expect((await readEditorParagraphs(observer.page))[0]).toBe(DEMO_CLAUSES[0]!.paragraphs[0])

    // Opening the contract again is refused, and it has left the observer's list.
    await observer.page.reload()
    await observer.page.getByRole('heading', { name: 'No such contract' }).waitFor()
    await observer.page.getByRole('link', { name: 'See your contracts' }).click()
    await observer.page.getByRole('heading', { name: 'Your contracts' }).waitFor()
    await observer.page.getByText('You are not a member of any contract yet.').waitFor()
    expect(await observer.page.getByRole('link', { name: DEMO_TITLE }).count()).toBe(0)

    expect(observer.pageErrors).toEqual([])
  })
})
