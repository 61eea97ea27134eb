/**
 * Two people typing into the same contract in real Chromium, each in their own browser context
 * (so nothing but the server can carry text between them), and what they see when the server
 * goes away and comes back.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { loadConfig } from '../../server/config.ts'
import { type RunningServer, startServer } from '../../server/main.ts'
import { contractText, readParagraphs, SETTLE, signIn, syncStatus, untilStatus, useBrowser } from '../helpers/browser.ts'
import { DEMO_PASSWORD, startTestServer } from '../helpers/testServer.ts'

/** Where the first test leaves a picture of the page, for a person to look at (not committed). */
const SCREENSHOT_PATH = '/tmp/concordat-e2e.png'

const SAVED = 'Saved'
const RECONNECTING = 'Reconnecting…'

/** A second editor of the test contracts, besides the demo chair. */
const EDITOR = { email: 'eddie.editor@demo.test', name: 'Eddie Editor', password: 'editor password for e2e' }

/** Creates a contract with the chair as owner and Eddie as editor; returns its id. */
async function createSharedContract(server: RunningServer): Promise<string> {
  const { accounts } = server.store
  const contractId = `e2e-${randomUUID().slice(0, 8)}`
  const chair = (await accounts.findUserByEmail('chair@demo.test'))!
  const eddie =
    (await accounts.findUserByEmail(EDITOR.email)) ??
    (await server.accounts.createUser({ email: EDITOR.email, name: EDITOR.name, organisationId: chair.organisationId, password: EDITOR.password }))
  await accounts.createContract({ id: contractId, title: 'Browser test contract', createdBy: chair.id, createdAt: Date.now() })
  await accounts.setRole(contractId, chair.id, 'owner')
  await accounts.setRole(contractId, eddie.id, 'editor')
  return contractId
}

/** A person at a browser: their page, and the uncaught errors it has thrown so far. */
interface Person {
  name: string
  page: Page
  pageErrors: string[]
}

describe('typing into a contract in the browser', () => {
  const { browser, defer } = useBrowser()

  /** Signs in as `account` in a fresh browser context, opens the contract and waits for the editor. */
  async function openContract(name: string, serverUrl: string, contractId: string, account: { email: string; password: string }): Promise<Person> {
    const context = await browser().newContext({ viewport: { width: 1100, height: 700 } })
    defer(() => context.close())
    const page = await context.newPage()
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    await signIn(page, serverUrl, account.email, account.password)
    await page.goto(`${serverUrl}/contracts/${contractId}`)
    await contractText(page).waitFor({ state: 'visible' })
    return { name, page, pageErrors }
  }


  /** Clicks into the editor, moves to the end of the contract, and types a new paragraph. */
  async function typeParagraph(person: Person, text: string, { isFirst = false } = {}): Promise<void> {
    const { page } = person
    await contractText(page).click()
    await page.keyboard.press('Control+End')
    if (!isFirst) await page.keyboard.press('Enter')
    await page.keyboard.type(text)
  }

  it('a sentence typed by one person appears for the other, both ways, and is saved', async () => {
    const server = await startTestServer({ members: true })
    defer(() => server.dispose())
    const contractId = await createSharedContract(server)
    const alice = await openContract('Alice', server.url, contractId, { email: 'chair@demo.test', password: DEMO_PASSWORD })
    const bob = await openContract('Bob', server.url, contractId, EDITOR)
    await Promise.all([untilStatus(alice, SAVED), untilStatus(bob, SAVED)])

    const first = 'The Supplier shall deliver the Services with reasonable skill and care.'
    await typeParagraph(alice, first, { isFirst: true })
    await expect.poll(() => readParagraphs(bob.page), SETTLE).toEqual([first])

    const second = 'The Customer shall pay each invoice within thirty days.'
    await typeParagraph(bob, second)
    await expect.poll(() => readParagraphs(alice.page), SETTLE).toEqual([first, second])

    // "Saved" is the server's durable acknowledgement of everything this page sent.
    await untilStatus(alice, SAVED)
    await untilStatus(bob, SAVED)
    expect(await readParagraphs(bob.page)).toEqual([first, second])
    // Alice sees who is here, as the server names them: herself and Eddie, with his organisation.
    const present = alice.page.getByRole('list', { name: 'People in this contract' }).getByRole('listitem')
    await expect.poll(() => present.count(), SETTLE).toBe(2)
    expect(await present.evaluateAll((items) => items.map((item) => item.getAttribute('title')))).toContain('Eddie Editor · National Steering Group')
    // Bob's caret carries his name into Alice's page: the two really are separate people.
    await expect.poll(() => alice.page.locator('.collaboration-carets__caret').count(), SETTLE).toBe(1)

    await alice.page.screenshot({ path: SCREENSHOT_PATH, fullPage: true })
    expect(alice.pageErrors).toEqual([])
    expect(bob.pageErrors).toEqual([])
  })

  it('two people typing into the same paragraph at the same time converge, nothing lost', async () => {
    const server = await startTestServer({ members: true })
    defer(() => server.dispose())
    const contractId = await createSharedContract(server)
    const alice = await openContract('Alice', server.url, contractId, { email: 'chair@demo.test', password: DEMO_PASSWORD })
    const bob = await openContract('Bob', server.url, contractId, EDITOR)
    await Promise.all([untilStatus(alice, SAVED), untilStatus(bob, SAVED)])

    const start = 'The Provider shall notify the Council.'
    await typeParagraph(alice, start, { isFirst: true })
    await expect.poll(() => readParagraphs(bob.page), SETTLE).toEqual([start])

    // Alice types at the start of the sentence, Bob at its end, keystroke for keystroke at once.
    await contractText(alice.page).locator('p').first().click()
    await alice.page.keyboard.press('Home')
    await contractText(bob.page).locator('p').first().click()
    await bob.page.keyboard.press('End')
    const aliceWords = 'Promptly and in writing, '
    const bobWords = ' Within one working day.'
    await Promise.all([alice.page.keyboard.type(aliceWords, { delay: 15 }), bob.page.keyboard.type(bobWords, { delay: 15 })])

    const expected = [`${aliceWords}${start}${bobWords}`]
    await expect.poll(() => readParagraphs(alice.page), SETTLE).toEqual(expected)
    await expect.poll(() => readParagraphs(bob.page), SETTLE).toEqual(expected)
    await Promise.all([untilStatus(alice, SAVED), untilStatus(bob, SAVED)])
    expect(alice.pageErrors).toEqual([])
    expect(bob.pageErrors).toEqual([])
  })

  it('text typed while the server is down is kept and reaches the other person once it is back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'concordat-e2e-'))
    const env = { DATA_DIR: dataDir, CONCORDAT_DEMO_PASSWORD: DEMO_PASSWORD }
    let server: RunningServer = await startServer(loadConfig({ ...env, PORT: '0' }), { announce: () => {} })
    defer(async () => {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    })
    const { port } = server
    const contractId = await createSharedContract(server)
    const alice = await openContract('Alice', server.url, contractId, { email: 'chair@demo.test', password: DEMO_PASSWORD })
    const bob = await openContract('Bob', server.url, contractId, EDITOR)
    await Promise.all([untilStatus(alice, SAVED), untilStatus(bob, SAVED)])

    const before = 'This Agreement starts on the Commencement Date.'
    await typeParagraph(alice, before, { isFirst: true })
    await expect.poll(() => readParagraphs(bob.page), SETTLE).toEqual([before])
    await untilStatus(alice, SAVED)

    await server.close()
    await Promise.all([untilStatus(alice, RECONNECTING), untilStatus(bob, RECONNECTING)])
    // The words change as reconnect attempts fail ("restarting", then "interrupted"); both say
    // that the page is trying again.
    await expect.poll(() => alice.page.getByRole('alert').textContent(), SETTLE).toMatch(/Reconnecting…/)

    const during = 'Either party may terminate this Agreement on ninety days’ notice.'
    await typeParagraph(alice, during)
    expect(await readParagraphs(alice.page)).toEqual([before, during])
    expect(await syncStatus(alice.page).textContent()).toBe(RECONNECTING)
    expect(await readParagraphs(bob.page)).toEqual([before])

    // Same data and same port: the pages reconnect to the address they were loaded from.
    server = await startServer(loadConfig({ ...env, PORT: String(port) }), { announce: () => {} })
    expect(server.port).toBe(port)

    await expect.poll(() => readParagraphs(bob.page), SETTLE).toEqual([before, during])
    await Promise.all([untilStatus(alice, SAVED), untilStatus(bob, SAVED)])
    // Syncing again clears the "restarting" message.
    await expect.poll(() => alice.page.getByRole('alert').count(), SETTLE).toBe(0)

    // A third person arriving now gets both paragraphs from the server.
    const carol = await openContract('Carol', server.url, contractId, EDITOR)
    await expect.poll(() => readParagraphs(carol.page), SETTLE).toEqual([before, during])

    expect(alice.pageErrors).toEqual([])
    expect(bob.pageErrors).toEqual([])
    expect(carol.pageErrors).toEqual([])
  })
})
