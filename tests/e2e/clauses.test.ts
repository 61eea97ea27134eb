/**
 * Clause commands in the browser, as two people would see them: a clause inserted, moved and
 * deleted by one person renumbers the contract live on both pages.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { SETTLE, signIn, untilStatus, useBrowser } from '../helpers/browser.ts'
import { DEMO_PASSWORD, startTestServer } from '../helpers/testServer.ts'


/** The headings of the top-level clauses as shown: "number heading". */
function outline(page: Page): Promise<string[]> {
  return page.locator('.ProseMirror > section.clause > h2').evaluateAll((headings) =>
    headings.map((h) => {
      const number = h.querySelector('.clause-number')?.textContent ?? ''
      const text = [...h.childNodes].filter((n) => !(n instanceof HTMLElement && n.matches('.clause-number, .collaboration-carets__caret'))).map((n) => n.textContent).join('')
      return `${number} ${text}`.trim()
    }),
  )
}

describe('clauses in the browser', () => {
  const { browser, defer } = useBrowser()

  it('inserting, moving and deleting a clause renumbers the contract for everyone', async () => {
    const server = await startTestServer({ members: true })
    defer(() => server.dispose())
    const open = async () => {
      const context = await browser().newContext({ viewport: { width: 1100, height: 800 } })
      defer(() => context.close())
      const page = await context.newPage()
      await signIn(page, server.url, 'chair@demo.test', DEMO_PASSWORD)
      await page.goto(`${server.url}/contracts/children-homes`)
      await untilStatus({ name: 'A chair page', page }, 'Saved')
      return page
    }
    const author = await open()
    const reader = await open()
    const before = await outline(reader)
    expect(before.slice(0, 3)).toEqual(['1 Definitions and interpretation', '2 Purpose of this Contract', '3 Duration'])

    await author.locator('section.clause > h2', { hasText: 'Purpose of this Contract' }).click()
    await author.keyboard.press('End')
    await author.getByRole('button', { name: 'New clause', exact: true }).click()
    await author.keyboard.type('Safeguarding audits')
    await expect.poll(async () => (await outline(reader)).slice(1, 4), SETTLE).toEqual(['2 Purpose of this Contract', '3 Safeguarding audits', '4 Duration'])

    // The outline follows, with each clause's status.
    const readerOutline = reader.getByRole('navigation', { name: 'Outline' })
    await expect.poll(() => readerOutline.getByRole('listitem').nth(3).textContent(), SETTLE).toMatch(/^3 Safeguarding auditsDrafting/)

    await author.getByRole('button', { name: 'Move up' }).click()
    await expect.poll(async () => (await outline(reader)).slice(1, 4), SETTLE).toEqual(['2 Safeguarding audits', '3 Purpose of this Contract', '4 Duration'])
    expect((await outline(author)).slice(1, 4)).toEqual(['2 Safeguarding audits', '3 Purpose of this Contract', '4 Duration'])

    // Jumping from the outline puts the cursor in that clause's heading.
    await author.getByRole('navigation', { name: 'Outline' }).getByRole('button', { name: /^4 Duration$/ }).click()
    await author.keyboard.press('End')
    await author.keyboard.type(' of this Contract')
    await expect.poll(async () => (await outline(reader))[3], SETTLE).toBe('4 Duration of this Contract')
    await author.getByRole('navigation', { name: 'Outline' }).getByRole('button', { name: /Safeguarding audits$/ }).click()

    author.once('dialog', (dialog) => void dialog.accept())
    await author.getByRole('button', { name: 'Delete clause' }).click()
    await expect.poll(() => outline(reader), SETTLE).toEqual(before.map((entry) => (entry === '3 Duration' ? '3 Duration of this Contract' : entry)))
    await author.screenshot({ path: '/tmp/concordat-clauses.png' })
    await untilStatus({ name: 'The author', page: author }, 'Saved')
  })
})
