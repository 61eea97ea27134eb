/**
 * Reordering clauses from the outline in the browser: the chair (an owner) drags an entry or
 * moves it with the keyboard, and everyone's document follows; a move into the clause itself is
 * refused; the observer (a viewer) can navigate the outline but not reorder it.
 */
import { describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { SETTLE, signIn, untilStatus, useBrowser } from '../helpers/browser.ts'
import { DEMO_PASSWORD, startTestServer } from '../helpers/testServer.ts'

const CONTRACT = 'children-homes'

/** The top-level clauses' headings in the document, without numbers or carets. */
function headings(page: Page): Promise<string[]> {
  return page.locator('.ProseMirror > section.clause > h2').evaluateAll((list) =>
    list.map((h) => [...h.childNodes].filter((n) => !(n instanceof HTMLElement && n.matches('.clause-number, .collaboration-carets__caret'))).map((n) => n.textContent).join('')),
  )
}

function outline(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Outline' })
}

/** An outline entry's button, by its accessible name: number and heading. */
function entry(page: Page, name: string): Locator {
  return outline(page).getByRole('button', { name, exact: true })
}

/** The polite live region in which the outline announces moves. */
function announcements(page: Page): Locator {
  return outline(page).locator('[aria-live="polite"]')
}

/** The text of the focused element (for an outline entry, its accessible name). */
function focusedText(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.textContent ?? null)
}

/** Fails when the server refused one of the page's updates. */
async function expectNoRefusal(page: Page): Promise<void> {
  expect((await page.getByRole('alert').allTextContents()).join(' ')).not.toContain('not accepted')
}

describe('reordering clauses in the outline', () => {
  const { browser, defer } = useBrowser()

  async function openAs(server: { url: string }, name: string, email: string) {
    const context = await browser().newContext({ viewport: { width: 1100, height: 800 } })
    defer(() => context.close())
    const page = await context.newPage()
    await signIn(page, server.url, email, DEMO_PASSWORD)
    await page.goto(`${server.url}/contracts/${CONTRACT}`)
    await untilStatus({ name, page }, 'Saved')
    return { name, page }
  }

  it('the chair drags a clause above another; the observer sees the new order and cannot reorder', async () => {
    const server = await startTestServer({ members: true })
    defer(() => server.dispose())
    const chair = await openAs(server, 'The chair', 'chair@demo.test')
    const observer = await openAs(server, 'The observer', 'observer@demo.test')
    expect((await headings(observer.page)).slice(0, 3)).toEqual(['Definitions and interpretation', 'Purpose of this Contract', 'Duration'])

    // Over the top half of another entry, a line shows where the clause would go.
    const duration = entry(chair.page, '3 Duration')
    await duration.hover()
    await chair.page.mouse.down()
    const purpose = entry(chair.page, '2 Purpose of this Contract')
    const box = (await purpose.boundingBox())!
    await chair.page.mouse.move(box.x + box.width / 2, box.y + 3, { steps: 5 })
    await expect.poll(() => outline(chair.page).locator('li.outline-drop-before').textContent(), SETTLE).toContain('Purpose of this Contract')
    await chair.page.mouse.up()
    await expect.poll(async () => (await headings(chair.page)).slice(0, 3), SETTLE).toEqual(['Definitions and interpretation', 'Duration', 'Purpose of this Contract'])

    // The observer's document and outline follow, renumbered.
    await expect.poll(async () => (await headings(observer.page)).slice(0, 3), SETTLE).toEqual(['Definitions and interpretation', 'Duration', 'Purpose of this Contract'])
    await expect.poll(() => entry(observer.page, '2 Duration').count(), SETTLE).toBe(1)
    expect(await entry(observer.page, '3 Purpose of this Contract').count()).toBe(1)

    // A clause cannot go into its own sub-clauses: the line shown elsewhere goes, and nothing moves.
    const dropLines = outline(chair.page).locator('li.outline-drop-before, li.outline-drop-after')
    await entry(chair.page, '1 Definitions and interpretation').hover()
    await chair.page.mouse.down()
    const elsewhere = (await entry(chair.page, '3 Purpose of this Contract').boundingBox())!
    await chair.page.mouse.move(elsewhere.x + 10, elsewhere.y + 3, { steps: 5 })
    await expect.poll(() => dropLines.count(), SETTLE).toBe(1)
    await chair.page.screenshot({ path: '/tmp/concordat-outline-drag.png' })
    const ownSubClause = (await entry(chair.page, '1.1 Interpretation').boundingBox())!
    await chair.page.mouse.move(ownSubClause.x + 10, ownSubClause.y + 3, { steps: 5 })
    await expect.poll(() => dropLines.count(), SETTLE).toBe(0)
    await chair.page.mouse.up()
    expect((await headings(chair.page)).slice(0, 3)).toEqual(['Definitions and interpretation', 'Duration', 'Purpose of this Contract'])

    // Playwright's own drag, onto the bottom half: after that entry.
    const purposeNow = entry(chair.page, '3 Purpose of this Contract')
    const purposeBox = (await purposeNow.boundingBox())!
    await entry(chair.page, '2 Duration').dragTo(purposeNow, { targetPosition: { x: 10, y: purposeBox.height - 3 } })
    await expect.poll(async () => (await headings(observer.page)).slice(0, 4), SETTLE).toEqual(['Definitions and interpretation', 'Purpose of this Contract', 'Duration', 'Placement referrals and matching'])

    // The observer's outline offers no reordering: entries are not draggable, the shortcut does nothing.
    expect(await outline(observer.page).locator('li[draggable="true"]').count()).toBe(0)
    await entry(observer.page, '3 Duration').focus()
    await observer.page.keyboard.press('Alt+Shift+ArrowUp')
    await observer.page.keyboard.press('ArrowDown')
    expect(await focusedText(observer.page)).toBe('4 Placement referrals and matching')
    expect((await headings(observer.page)).slice(0, 3)).toEqual(['Definitions and interpretation', 'Purpose of this Contract', 'Duration'])
    expect(await announcements(observer.page).textContent()).toBe('')
    await entry(observer.page, '3 Duration').dragTo(entry(observer.page, '2 Purpose of this Contract'), { targetPosition: { x: 10, y: 3 } })
    expect((await headings(observer.page)).slice(0, 3)).toEqual(['Definitions and interpretation', 'Purpose of this Contract', 'Duration'])

    await untilStatus(chair, 'Saved')
    await expectNoRefusal(chair.page)
    await expectNoRefusal(observer.page)
  })

  it('the outline is one tab stop; arrows move between entries and Alt+Shift+Up moves a clause, announced', async () => {
    const server = await startTestServer({ members: true })
    defer(() => server.dispose())
    const chair = await openAs(server, 'The chair', 'chair@demo.test')
    const observer = await openAs(server, 'The observer', 'observer@demo.test')

    // One tab stop for the whole list.
    expect(await outline(chair.page).locator('button[tabindex="0"]').count()).toBe(1)
    await entry(chair.page, '1 Definitions and interpretation').focus()
    await chair.page.keyboard.press('End')
    expect(await focusedText(chair.page)).toBe(await outline(chair.page).getByRole('button').last().textContent())
    await chair.page.keyboard.press('Home')
    expect(await focusedText(chair.page)).toBe('1 Definitions and interpretation')
    for (let i = 0; i < 3; i++) await chair.page.keyboard.press('ArrowDown')
    expect(await focusedText(chair.page)).toBe('3 Duration')
    expect(await outline(chair.page).locator('button[tabindex="0"]').textContent()).toBe('3 Duration')

    // The move keeps focus on the moved entry and is announced.
    await chair.page.keyboard.press('Alt+Shift+ArrowUp')
    await expect.poll(() => focusedText(chair.page), SETTLE).toBe('2 Duration')
    await expect.poll(() => announcements(chair.page).textContent(), SETTLE).toBe('Clause 3 Duration moved to 2')
    await expect.poll(async () => (await headings(observer.page)).slice(0, 3), SETTLE).toEqual(['Definitions and interpretation', 'Duration', 'Purpose of this Contract'])

    // Down again puts it back; at the top of its siblings it cannot go further up.
    await chair.page.keyboard.press('Alt+Shift+ArrowDown')
    await expect.poll(() => announcements(chair.page).textContent(), SETTLE).toBe('Clause 2 Duration moved to 3')
    expect(await focusedText(chair.page)).toBe('3 Duration')
    await chair.page.keyboard.press('Home')
    await chair.page.keyboard.press('Alt+Shift+ArrowUp')
    await expect.poll(() => announcements(chair.page).textContent(), SETTLE).toBe('Clause 1 Definitions and interpretation cannot move up')

    // Enter jumps to the clause, as a click does.
    await chair.page.keyboard.press('ArrowDown')
    await chair.page.keyboard.press('ArrowDown')
    await chair.page.keyboard.press('ArrowDown')
    await chair.page.keyboard.press('Enter')
    // The editor takes focus on the next frame.
    await expect.poll(() => chair.page.evaluate(() => document.activeElement?.getAttribute('aria-label')), SETTLE).toBe('Contract text')
    await chair.page.keyboard.press('End')
    await chair.page.keyboard.type(' and extension')
    await expect.poll(async () => (await headings(observer.page))[2], SETTLE).toBe('Duration and extension')

    await untilStatus(chair, 'Saved')
    await expectNoRefusal(chair.page)
    await expectNoRefusal(observer.page)
  })
})
