/**
 * The slash menu and splitting a clause in the browser: the chair types "/sub" in a new line of
 * a clause and gets a sub-clause, is asked before "/d" deletes one, then splits another clause
 * from the toolbar; the contract renumbers, the server accepts every change, and a second page
 * sees the same contract.
 */
import { describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { SETTLE, signIn, untilStatus, useBrowser } from '../helpers/browser.ts'
import { DEMO_PASSWORD, startTestServer } from '../helpers/testServer.ts'

/** Every clause's heading as shown, sub-clauses included: "number heading". */
function outline(page: Page): Promise<string[]> {
  return page.locator('.ProseMirror section.clause > h2').evaluateAll((headings) =>
    headings.map((h) => {
      const number = h.querySelector('.clause-number')?.textContent ?? ''
      const text = [...h.childNodes].filter((n) => !(n instanceof HTMLElement && n.matches('.clause-number, .collaboration-carets__caret'))).map((n) => n.textContent).join('')
      return `${number} ${text}`.trim()
    }),
  )
}

/** The top-level clause whose heading is `heading`. */
function clause(page: Page, heading: string): Locator {
  return page.locator('.ProseMirror > section.clause').filter({ has: page.locator(':scope > h2', { hasText: heading }) })
}

/** Clicks just inside the end of `paragraph`'s last line, or the start of its first. */
async function clickIn(paragraph: Locator, where: 'start' | 'end'): Promise<void> {
  const box = (await paragraph.boundingBox())!
  if (where === 'end') await paragraph.click({ position: { x: box.width - 2, y: box.height - 4 } })
  else await paragraph.click({ position: { x: 1, y: 4 } })
}

/** The menu's choices as read out: their labels, without the shortcuts drawn beside them. */
function choices(menu: Locator): Promise<string[]> {
  return menu.getByRole('option').evaluateAll((options) =>
    options.map((option) => [...option.childNodes].filter((n) => !(n instanceof HTMLElement && n.ariaHidden === 'true')).map((n) => n.textContent).join('')),
  )
}

/** Fails when the server refused one of the page's updates. */
async function expectNoRefusal(page: Page): Promise<void> {
  expect((await page.getByRole('alert').allTextContents()).join(' ')).not.toContain('not accepted')
}

describe('the slash menu', () => {
  const { browser, defer } = useBrowser()

  async function openAsChair(server: { url: string }): Promise<Page> {
    const context = await browser().newContext({ viewport: { width: 1100, height: 800 } })
    defer(() => context.close())
    const page = await context.newPage()
    await signIn(page, server.url, 'chair@demo.test', DEMO_PASSWORD)
    await page.goto(`${server.url}/contracts/children-homes`)
    await untilStatus({ name: 'The chair', page }, 'Saved')
    return page
  }

  it('"/sub" then Enter adds a sub-clause; Split clause renumbers the clauses after it', async () => {
    const server = await startTestServer({ members: true })
    defer(() => server.dispose())
    const page = await openAsChair(server)
    expect((await outline(page)).slice(0, 4)).toEqual(['1 Definitions and interpretation', '1.1 Interpretation', '2 Purpose of this Contract', '3 Duration'])

    // A new line at the end of Duration; "/" opens the menu there, Escape closes it and keeps the text.
    await clickIn(clause(page, 'Duration').locator(':scope > p').last(), 'end')
    await page.keyboard.press('End')
    await page.keyboard.press('Enter')
    await page.keyboard.type('/')
    const menu = page.getByRole('listbox', { name: 'Clause commands' })
    await expect.poll(() => choices(menu), SETTLE).toContain('New sub-clause')
    // Drawn just under the caret.
    const [menuTop, caretBottom] = await page.evaluate(() => [
      document.querySelector('[role="listbox"]')!.getBoundingClientRect().top,
      window.getSelection()!.getRangeAt(0).getBoundingClientRect().bottom,
    ])
    expect(menuTop - caretBottom).toBeGreaterThanOrEqual(0)
    expect(menuTop - caretBottom).toBeLessThan(12)
    // Only what applies here: Duration is a top-level clause with no sub-clauses.
    expect(await choices(menu)).not.toContain('Promote')
    // The editor keeps the focus and names the active choice; ↓ moves it.
    const editor = page.locator('[contenteditable="true"][aria-label="Contract text"]')
    const options = menu.getByRole('option')
    expect(await editor.getAttribute('aria-activedescendant')).toBe(await options.nth(0).getAttribute('id'))
    await page.keyboard.press('ArrowDown')
    await expect.poll(() => editor.getAttribute('aria-activedescendant'), SETTLE).toBe(await options.nth(1).getAttribute('id'))
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true')
    await page.keyboard.press('Escape')
    await expect.poll(() => menu.count(), SETTLE).toBe(0)
    expect(await clause(page, 'Duration').locator(':scope > p').last().textContent()).toBe('/')
    await page.keyboard.press('Backspace')

    // Typing after the slash filters the menu; Enter runs the choice in place of the "/sub".
    await page.keyboard.type('/sub')
    await expect.poll(() => choices(menu), SETTLE).toEqual(['New sub-clause'])
    expect(await editor.getAttribute('aria-activedescendant')).toBe(await options.first().getAttribute('id'))
    await page.screenshot({ path: '/tmp/concordat-slash-menu.png' })
    await page.keyboard.press('Enter')
    await expect.poll(() => menu.count(), SETTLE).toBe(0)
    // The cursor waits in the new sub-clause's heading.
    await page.keyboard.type('Extension')
    await expect.poll(async () => (await outline(page)).slice(3, 6), SETTLE).toEqual(['3 Duration', '3.1 Extension', '4 Placement referrals and matching'])
    expect(await clause(page, 'Duration').textContent()).not.toContain('/sub')

    // Delete clause from the menu asks first, as the toolbar does; declining keeps the clause.
    await page.keyboard.press('ArrowDown')
    await page.keyboard.type('/d')
    await expect.poll(() => choices(menu), SETTLE).toEqual(['Delete clause'])
    const question = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => {
        resolve(dialog.message())
        void dialog.dismiss()
      }),
    )
    await page.keyboard.press('Enter')
    expect(await question).toBe('Delete this clause and everything in it?')
    expect((await outline(page)).slice(3, 5)).toEqual(['3 Duration', '3.1 Extension'])

    // Split Purpose before its second paragraph: the new clause 3 takes it, and Duration becomes 4.
    const split = page.getByRole('button', { name: 'Split clause' })
    expect(await split.getAttribute('title')).toBe('Ctrl+Alt+Enter')
    await clickIn(clause(page, 'Purpose of this Contract').locator(':scope > p').nth(1), 'start')
    await page.keyboard.press('Home')
    await split.click()
    await page.keyboard.type('Partnership')
    const expected = ['2 Purpose of this Contract', '3 Partnership', '4 Duration', '4.1 Extension', '5 Placement referrals and matching']
    await expect.poll(async () => (await outline(page)).slice(2, 7), SETTLE).toEqual(expected)
    expect(await clause(page, 'Purpose of this Contract').locator(':scope > p').count()).toBe(1)
    expect(await clause(page, 'Partnership').locator(':scope > p').first().textContent()).toMatch(/^The parties agree to work in partnership/)

    await untilStatus({ name: 'The chair', page }, 'Saved')
    await expectNoRefusal(page)
    // The server kept it all: a page opened now shows the same contract.
    const second = await openAsChair(server)
    expect((await outline(second)).slice(2, 7)).toEqual(expected)
    await expectNoRefusal(page)
  })
})
