/**
 * Breaking and joining paragraphs as suggestions, in the browser: the provider (a suggester)
 * presses Enter in the middle of a paragraph and Backspace at the start of another; both pages
 * show the proposed break as a pilcrow with the rest of the paragraph on a new line, and the
 * proposed join as a struck pilcrow; the chair's review panel lists both in words; the chair
 * accepts the break (the paragraph becomes two) and rejects the join; both pages agree, with no
 * paragraph mark left anywhere.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { SETTLE, locateText, openContractAs, readParagraphs, untilSelectionRead, untilStatus, useBrowser } from '../helpers/browser.ts'
import { DEMO_PASSWORD, startTestServer } from '../helpers/testServer.ts'

const CONTRACT = 'children-homes'
const PARAGRAPH_MARK = '\u2029'
/** Where the test leaves a picture of the chair's page with both proposals, for a person to look at (not committed). */
const SCREENSHOT_PATH = '/tmp/concordat-paragraphs.png'

const PARTNERSHIP = 'The parties agree to work in partnership'
const BREAK_AFTER = 'in the best interests of the Child,'
const FEES = 'The Council will pay the weekly fee'
const REVIEWS = 'Fees are reviewed once a year.'

describe('breaking and joining paragraphs as suggestions', () => {
  const browsing = useBrowser()
  const { defer } = browsing

  it('a provider proposes a break and a join; the chair sees both, accepts the break and rejects the join; both pages agree', async () => {
    const server = await startTestServer({ members: true })
    defer(() => server.dispose())
    const open = (name: string, email: string) =>
      openContractAs(browsing, { serverUrl: server.url, contractId: CONTRACT, password: DEMO_PASSWORD, viewport: { width: 1400, height: 900 } }, name, email)
    const chair = await open('The chair', 'chair@demo.test')
    const provider = await open('The provider', 'provider@demo.test')
    const before = await readParagraphs(chair.page)

    // Enter just after "the Child," breaks the partnership paragraph there …
    const comma = await locateText(provider.page, BREAK_AFTER)
    await provider.page.mouse.click(comma.right - 0.5, (comma.top + comma.bottom) / 2)
    await untilSelectionRead(provider.page)
    await provider.page.keyboard.press('Enter')
    await untilStatus(provider, 'Saved')
    // … and Backspace at the start of the second Fees paragraph proposes joining it to the first.
    const reviews = await locateText(provider.page, REVIEWS, 'Fees')
    await provider.page.mouse.click(reviews.left + 0.5, (reviews.top + reviews.bottom) / 2)
    await untilSelectionRead(provider.page)
    await provider.page.keyboard.press('Backspace')
    await untilStatus(provider, 'Saved')

    // Both pages show the two proposals, each as a paragraph mark; nothing else changed.
    for (const page of [provider.page, chair.page]) {
      await expect.poll(() => paragraphStarting(page, PARTNERSHIP), SETTLE).toContain(`${BREAK_AFTER}${PARAGRAPH_MARK} and to resolve`)
      await expect.poll(() => paragraphStarting(page, FEES), SETTLE).toMatch(new RegExp(`invoice\\.${PARAGRAPH_MARK}$`))
      expect(await page.locator('.contract-text .paragraph-mark').count()).toBe(2)
      expect(await page.locator('.contract-text .paragraph-mark-join').count()).toBe(1)
      // After the proposed break, the rest of the paragraph starts on a new line.
      const [end, next] = [await locateText(page, BREAK_AFTER, 'Child,'), await locateText(page, 'and to resolve', 'and')]
      expect(next.top).toBeGreaterThan(end.bottom - 1)
      expect(next.left).toBeLessThan(end.left)
    }
    expect((await readParagraphs(chair.page)).map(withoutMarks)).toEqual(before)

    // The chair's review panel says what each does.
    const panel = chair.page.getByRole('complementary', { name: 'Review', exact: true })
    await expect.poll(() => panel.getByRole('listitem').count(), SETTLE).toBe(2)
    const entries = await panel.getByRole('listitem').allTextContents()
    expect(entries[0]).toContain('Break the paragraph in two')
    expect(entries[1]).toContain('Join the paragraph with the next')
    await chair.page.screenshot({ path: SCREENSHOT_PATH })

    await panel.getByRole('listitem').filter({ hasText: 'Break the paragraph' }).getByRole('button', { name: 'Accept', exact: true }).click()
    await expect.poll(() => panel.getByRole('listitem').count(), SETTLE).toBe(1)
    await panel.getByRole('listitem').filter({ hasText: 'Join the paragraph' }).getByRole('button', { name: 'Reject', exact: true }).click()
    await expect.poll(() => panel.getByTestId('review-count').textContent(), SETTLE).toBe('0 open suggestions')
    await untilStatus(chair, 'Saved')

    // The partnership paragraph is now two; the Fees paragraphs are as they were; both pages agree.
    const expected = before.flatMap((paragraph) =>
      paragraph.startsWith(PARTNERSHIP) ? [paragraph.slice(0, paragraph.indexOf(BREAK_AFTER) + BREAK_AFTER.length), paragraph.slice(paragraph.indexOf(BREAK_AFTER) + BREAK_AFTER.length)] : [paragraph],
    )
    await expect.poll(() => readParagraphs(chair.page), SETTLE).toEqual(expected)
    await expect.poll(() => readParagraphs(provider.page), SETTLE).toEqual(expected)
    expect(await provider.page.locator('.contract-text .paragraph-mark').count()).toBe(0)
    for (const { page } of [chair, provider]) {
      expect((await page.getByRole('alert').allTextContents()).join(' ')).not.toContain('not accepted')
    }
  })
})

/** The paragraph of `page` starting with `start`. */
async function paragraphStarting(page: Page, start: string): Promise<string | undefined> {
  return (await readParagraphs(page)).find((paragraph) => paragraph.startsWith(start))
}

function withoutMarks(paragraph: string): string {
  return paragraph.split(PARAGRAPH_MARK).join('')
}
