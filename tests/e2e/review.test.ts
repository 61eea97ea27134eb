/**
 * Reviewing suggestions from the review panel, as the demo's people would: the provider (a
 * suggester) proposes three changes in two clauses and says why for one; the chair (an owner)
 * finds them listed in document order with the provider's name and organisation, narrows the
 * list to one clause, accepts all of that clause's at once and rejects the last from the panel;
 * the provider's page ends with the same text, and their panel never offers Accept.
 */
import { describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { SETTLE, locateText, openContractAs, readParagraphs, untilStatus, useBrowser } from '../helpers/browser.ts'
import { DEMO_PASSWORD, startTestServer } from '../helpers/testServer.ts'

const CONTRACT = 'children-homes'
/** Where the test leaves a picture of the chair's review panel, for a person to look at (not committed). */
const SCREENSHOT_PATH = '/tmp/concordat-review.png'
const PROVIDER_NAME = 'Priya Provider'
const PROVIDER_ORGANISATION = 'Northern Care Homes Ltd'
const REASON = 'Providers need paying sooner: <b>cash flow</b> matters.'

/**
 * Clicks `clicks` times in the middle of `part` of the first occurrence of `text` in the
 * editor's text (scrolled into view), read across text nodes and around other people's carets.
 * (In the middle of a word, not at its edge: where a line wraps, the edge of its last word and
 * the space after it are at the same place on screen.)
 */
async function clickText(page: Page, text: string, { part = text, clicks = 1 }: { part?: string; clicks?: number } = {}): Promise<void> {
  const box = await locateText(page, text, part)
  await page.mouse.click((box.left + box.right) / 2, (box.top + box.bottom) / 2, { clickCount: clicks })
}

/** The paragraph starting with `start`, as the page shows it. */
async function paragraph(page: Page, start: string): Promise<string | undefined> {
  return (await readParagraphs(page)).find((each) => each.startsWith(start))
}

const DURATION = 'This Contract starts on the Commencement Date'
const FEES = 'The Council will pay the weekly fee'

/** The review panel of a page. */
function reviewPanel(page: Page): Locator {
  return page.getByRole('complementary', { name: 'Review', exact: true })
}

/** The text of each entry of a review panel. */
function entriesOf(panel: Locator): Promise<string[]> {
  return panel.getByRole('listitem').allTextContents()
}

describe('the review panel', () => {
  const browsing = useBrowser()
  const { defer } = browsing

  it('lists a provider’s suggestions in order for the chair, who accepts a clause’s at once and rejects the last; both pages agree', async () => {
    const server = await startTestServer({ members: true })
    defer(() => server.dispose())
    const open = (name: string, email: string) => openContractAs(browsing, { serverUrl: server.url, contractId: CONTRACT, password: DEMO_PASSWORD, viewport: { width: 1400, height: 900 } }, name, email)
    const chair = await open('The chair', 'chair@demo.test')
    const provider = await open('The provider', 'provider@demo.test')
    const chairPanel = reviewPanel(chair.page)
    const providerPanel = reviewPanel(provider.page)
    await expect.poll(() => chairPanel.getByTestId('review-count').textContent(), SETTLE).toBe('0 open suggestions')

    // The provider suggests, out of document order: a replacement in Fees and payment, then a
    // deletion and an insertion in Duration. (Typing at once over the word just selected by a
    // double click: the page may report the selection only after the first key.)
    await clickText(provider.page, 'within 30 days', { part: '30', clicks: 2 })
    await provider.page.keyboard.type('14')
    await untilStatus(provider, 'Saved')
    await clickText(provider.page, 'written', { clicks: 2 })
    await provider.page.keyboard.press('Backspace')
    await untilStatus(provider, 'Saved')
    await clickText(provider.page, 'continues for three years', { part: 'three', clicks: 2 })
    await provider.page.keyboard.press('ArrowRight')
    await provider.page.keyboard.type(' full')
    await untilStatus(provider, 'Saved')
    expect(await paragraph(provider.page, FEES)).toContain('within 3014 days')
    expect(await paragraph(provider.page, DURATION)).toContain('continues for three full years')

    // … and says why they propose the replacement, on its card.
    await clickText(provider.page, '3014')
    const card = provider.page.getByRole('complementary', { name: 'Suggestion' })
    await card.waitFor()
    expect(await card.textContent()).toContain('Replace “30” with “14”')
    await card.getByRole('button', { name: 'Add a reason' }).click()
    await card.getByLabel('Why this amendment?').fill(REASON)
    await card.getByRole('button', { name: 'Save reason' }).click()
    await expect.poll(() => card.locator('.suggestion-card-reason').textContent(), SETTLE).toBe(REASON)
    await untilStatus(provider, 'Saved')

    // The provider's own panel lists them too, with nothing to accept or reject.
    await expect.poll(() => providerPanel.getByRole('listitem').count(), SETTLE).toBe(3)
    expect(await providerPanel.getByRole('button', { name: 'Accept' }).count()).toBe(0)
    expect(await providerPanel.getByRole('button', { name: 'Reject' }).count()).toBe(0)

    // The chair's panel: in document order, each with the clause, what it does, the provider and
    // their organisation; the reason as the provider typed it (as text, not markup).
    await expect.poll(() => chairPanel.getByRole('listitem').count(), SETTLE).toBe(3)
    await expect.poll(async () => (await entriesOf(chairPanel))[2], SETTLE).toContain(REASON)
    const entries = await entriesOf(chairPanel)
    expect(entries[0]).toContain('3 Duration')
    expect(entries[0]).toContain('Insert “full”')
    expect(entries[1]).toContain('3 Duration')
    expect(entries[1]).toContain('Delete “written”')
    expect(entries[2]).toContain('Fees and payment')
    expect(entries[2]).toContain('Replace “30” with “14”')
    for (const entry of entries) {
      expect(entry).toContain(PROVIDER_NAME)
      expect(entry).toContain(PROVIDER_ORGANISATION)
      expect(entry).toContain('just now')
    }
    expect(await chairPanel.locator('b').count(), 'the reason is not markup').toBe(0)
    expect(await chairPanel.getByTestId('review-count').textContent()).toBe('3 open suggestions')
    await chair.page.screenshot({ path: SCREENSHOT_PATH })

    // Clicking an entry selects its suggestion in the text: its card opens there.
    await chairPanel.getByRole('button', { name: /Replace “30” with “14”/ }).click()
    const chairsCard = chair.page.getByRole('complementary', { name: 'Suggestion' })
    await chairsCard.waitFor()
    expect(await chairsCard.textContent()).toContain('Replace “30” with “14”')

    // Narrowed to Duration: its two suggestions; Accept all accepts those two and no other.
    await chairPanel.getByLabel('Clause').selectOption({ label: '3 Duration' })
    await expect.poll(() => chairPanel.getByRole('listitem').count(), SETTLE).toBe(2)
    expect(await chairPanel.getByTestId('review-count').textContent()).toBe('2 of 3 open suggestions')
    await chairPanel.getByRole('button', { name: 'Accept all', exact: true }).click()
    await expect.poll(() => paragraph(chair.page, DURATION), SETTLE).toContain('continues for three full years')
    expect(await paragraph(chair.page, DURATION)).toContain('extend it by agreement')
    expect(await paragraph(chair.page, FEES)).toContain('within 3014 days')

    // With no suggestion left in Duration the panel shows the rest: the chair rejects it there.
    await expect.poll(() => entriesOf(chairPanel), SETTLE).toHaveLength(1)
    expect((await entriesOf(chairPanel))[0]).toContain('Replace “30” with “14”')
    await chairPanel.getByRole('listitem').getByRole('button', { name: 'Reject', exact: true }).click()
    await expect.poll(() => chairPanel.getByTestId('review-count').textContent(), SETTLE).toBe('0 open suggestions')
    expect(await paragraph(chair.page, FEES)).toContain('within 30 days')
    await untilStatus(chair, 'Saved')

    // The provider's page converges on the same text, with nothing left marked or listed.
    for (const start of [DURATION, FEES]) {
      await expect.poll(() => paragraph(provider.page, start), SETTLE).toBe(await paragraph(chair.page, start))
    }
    await expect.poll(() => provider.page.locator('.contract-text ins[data-suggestion-id], .contract-text del[data-suggestion-id]').count(), SETTLE).toBe(0)
    await expect.poll(() => providerPanel.getByTestId('review-count').textContent(), SETTLE).toBe('0 open suggestions')

    // Nobody was told that a change of theirs was refused.
    for (const { page } of [chair, provider]) {
      expect((await page.getByRole('alert').allTextContents()).join(' ')).not.toContain('not accepted')
    }
  })
})
