/**
 * Working offline, as a person would: the chair's browser loses its network (Playwright's
 * `setOffline`), both people keep editing, the chair even reloads the page while offline, and
 * when the network is back everything merges with nothing lost.
 *
 * `setOffline` does not cut an open WebSocket: the page itself must notice (the browser's
 * `offline` event) and stop syncing. The test checks it did: the other person does not see the
 * offline edit until the chair is back online.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { SETTLE, openContractAs, readParagraphs, syncStatus, untilStatus, useBrowser } from '../helpers/browser.ts'
import { DEMO_PASSWORD, startTestServer } from '../helpers/testServer.ts'

const CONTRACT = 'children-homes'
const SECOND_EDITOR = 'second.editor@demo.test'
const OFFLINE = 'Offline — changes kept on this device'

function firstParagraphOf(page: Page, heading: string) {
  return page.locator('.ProseMirror > section.clause', { has: page.locator('h2', { hasText: heading }) }).locator('p').first()
}

describe('offline in the browser', () => {
  const browsing = useBrowser()
  const { defer } = browsing

  it('edits made offline survive a reload and merge with a colleague’s when back online', async () => {
    const server = await startTestServer({ members: true })
    defer(() => server.dispose())
    const steering = (await server.store.accounts.listOrganisations()).find((o) => o.constituency === 'steering')!
    const second = await server.accounts.createUser({ email: SECOND_EDITOR, name: 'Eddie Second', organisationId: steering.id, password: DEMO_PASSWORD })
    await server.store.accounts.setRole(CONTRACT, second.id, 'editor')

    const open = (name: string, email: string) => openContractAs(browsing, { serverUrl: server.url, contractId: CONTRACT, password: DEMO_PASSWORD }, name, email)
    const chair = await open('The chair', 'chair@demo.test')
    const editor = await open('The editor', SECOND_EDITOR)
    // The app is kept on the device once its service worker is running.
    await chair.page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))

    await chair.context.setOffline(true)
    await untilStatus(chair, OFFLINE)

    await firstParagraphOf(chair.page, 'Duration').click()
    await chair.page.keyboard.type(' Written on the train.')
    await firstParagraphOf(editor.page, 'Purpose of this Contract').click()
    await editor.page.keyboard.type(' Agreed at the steering group.')
    await untilStatus(editor, 'Saved')
    expect(await syncStatus(chair.page).textContent()).toBe(OFFLINE)

    // Reloading while offline: the page comes from this device, and so do the edits.
    await chair.page.reload()
    await untilStatus(chair, OFFLINE)
    await expect.poll(async () => (await readParagraphs(chair.page)).some((p) => p.includes(' Written on the train.')), SETTLE).toBe(true)
    expect((await readParagraphs(chair.page)).some((p) => p.includes('Agreed at the steering group.')), 'nothing reached the chair while offline').toBe(false)
    expect((await readParagraphs(editor.page)).some((p) => p.includes('Written on the train.')), 'nothing left the chair’s page while offline').toBe(false)

    await chair.context.setOffline(false)
    await untilStatus(chair, 'Saved')
    for (const person of [chair, editor]) {
      await expect
        .poll(async () => {
          const paragraphs = await readParagraphs(person.page)
          return [paragraphs.some((p) => p.includes(' Written on the train.')), paragraphs.some((p) => p.includes(' Agreed at the steering group.'))]
        }, SETTLE)
        .toEqual([true, true])
    }
    expect(await readParagraphs(chair.page)).toEqual(await readParagraphs(editor.page))
    expect((await chair.page.getByRole('alert').allTextContents()).join(' ')).not.toMatch(/not accepted/)
  })
})
