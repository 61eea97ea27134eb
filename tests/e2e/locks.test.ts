/**
 * Clause status and locking in the browser: the chair (an owner) locks a clause from its
 * status menu; another editor sees it locked and cannot change it, but can still move the
 * clause next to it and type elsewhere; only the owner can unlock it, after which the editor's
 * typing reaches the chair. (The server's refusal of forged updates to a locked clause is
 * tested with raw frames in tests/integration/referee.roles.test.ts.)
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { SETTLE, openContractAs, readParagraphs, untilStatus, useBrowser } from '../helpers/browser.ts'
import { DEMO_PASSWORD, startTestServer } from '../helpers/testServer.ts'

const CONTRACT = 'children-homes'
const SECOND_EDITOR = 'second.editor@demo.test'
const DURATION_TEXT = 'This Contract starts on the Commencement Date'

/** The top-level clauses' headings as shown, without numbers or carets. */
function headings(page: Page): Promise<string[]> {
  return page.locator('.ProseMirror > section.clause > h2').evaluateAll((list) =>
    list.map((h) => [...h.childNodes].filter((n) => !(n instanceof HTMLElement && n.matches('.clause-number, .collaboration-carets__caret'))).map((n) => n.textContent).join('')),
  )
}

function clause(page: Page, heading: string) {
  return page.locator('.ProseMirror > section.clause', { has: page.locator('h2', { hasText: heading }) })
}

describe('locked clauses in the browser', () => {
  const browsing = useBrowser()
  const { defer } = browsing

  it('an owner locks a clause; an editor cannot change it until the owner unlocks it', async () => {
    const server = await startTestServer({ members: true })
    defer(() => server.dispose())
    const steering = (await server.store.accounts.listOrganisations()).find((o) => o.constituency === 'steering')!
    const second = await server.accounts.createUser({ email: SECOND_EDITOR, name: 'Eddie Second', organisationId: steering.id, password: DEMO_PASSWORD })
    await server.store.accounts.setRole(CONTRACT, second.id, 'editor')

    const open = (name: string, email: string) => openContractAs(browsing, { serverUrl: server.url, contractId: CONTRACT, password: DEMO_PASSWORD }, name, email)
    const chair = await open('The chair', 'chair@demo.test')
    const editor = await open('The editor', SECOND_EDITOR)

    // The chair locks "Duration" from its status menu, with the keyboard.
    await clause(chair.page, 'Duration').locator('p').first().click()
    const menu = chair.page.getByRole('button', { name: 'Clause status: Drafting' })
    await menu.focus()
    await chair.page.keyboard.press('Enter')
    await expect.poll(() => chair.page.getByRole('menuitemradio', { checked: true }).textContent()).toContain('Drafting')
    await chair.page.keyboard.press('End')
    await chair.page.keyboard.press('Enter')
    await untilStatus(chair, 'Saved')
    await expect.poll(() => clause(editor.page, 'Duration').getAttribute('data-status'), SETTLE).toBe('locked')
    const outline = editor.page.getByRole('navigation', { name: 'Outline' })
    await expect.poll(() => outline.getByRole('listitem').filter({ hasText: 'Duration' }).textContent(), SETTLE).toContain('Locked')

    // The editor cannot type into it, and is told why.
    const before = await readParagraphs(editor.page)
    await clause(editor.page, 'Duration').locator('p').first().click()
    await editor.page.keyboard.type('Never ')
    await editor.page.keyboard.press('Backspace')
    expect(await readParagraphs(editor.page)).toEqual(before)
    await expect.poll(() => editor.page.getByRole('alert').textContent(), SETTLE).toContain('This clause is locked')

    // … nor unlock it: the menu offers the other statuses disabled.
    await editor.page.getByRole('button', { name: 'Clause status: Locked' }).click()
    const unlock = editor.page.getByRole('menuitemradio', { name: /Unlock as agreed/ })
    expect(await unlock.getAttribute('aria-disabled')).toBe('true')
    await unlock.click({ force: true })
    expect(await clause(editor.page, 'Duration').getAttribute('data-status')).toBe('locked')
    await editor.page.keyboard.press('Escape')

    // Moving the next clause above the locked one is fine: the locked clause is left as it is.
    await clause(editor.page, 'Placement referrals and matching').locator('h2').click()
    await editor.page.getByRole('button', { name: 'Move up' }).click()
    await untilStatus(editor, 'Saved')
    const moved = ['Definitions and interpretation', 'Purpose of this Contract', 'Placement referrals and matching', 'Duration']
    await expect.poll(async () => (await headings(chair.page)).slice(0, 4), SETTLE).toEqual(moved)
    expect((await editor.page.getByRole('alert').allTextContents()).join(' '), 'the server refused nothing').not.toMatch(/not accepted/)

    // The chair unlocks it as agreed; now the editor's change reaches the chair.
    await clause(chair.page, 'Duration').locator('p').first().click()
    await chair.page.getByRole('button', { name: 'Clause status: Locked' }).click()
    await chair.page.getByRole('menuitemradio', { name: 'Unlock as agreed' }).click()
    await expect.poll(() => clause(editor.page, 'Duration').getAttribute('data-status'), SETTLE).toBe('agreed')
    await clause(editor.page, 'Duration').locator('p').first().click()
    await editor.page.keyboard.type('(subject to clause 20) ')
    await expect.poll(async () => (await readParagraphs(chair.page)).find((p) => p.includes(DURATION_TEXT)), SETTLE).toContain('(subject to clause 20) ')
    await untilStatus(editor, 'Saved')

    // The status is kept: a fresh page shows it.
    await chair.page.reload()
    await untilStatus(chair, 'Saved')
    await expect.poll(() => clause(chair.page, 'Duration').getAttribute('data-status'), SETTLE).toBe('agreed')
  })
})
