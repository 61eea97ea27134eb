/**
 * Tracked suggestions in the browser, as the demo's people meet them: the provider (a
 * suggester) types into a clause and deletes a word, and both become their suggestions; the
 * chair (an owner) sees each marked and attributed to the provider and their organisation,
 * accepts one and rejects the other; both pages end with the same text. The provider sees the
 * card of their own suggestion without Accept or Reject. The provider then proposes a whole new
 * clause, which the chair accepts. (What the server lets a suggester
 * write is tested with raw updates in the referee's tests.)
 */
import { describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { SETTLE, locateText, openContractAs, readParagraphs, untilStatus, useBrowser } from '../helpers/browser.ts'
import { DEMO_PASSWORD, startTestServer } from '../helpers/testServer.ts'

const CONTRACT = 'children-homes'
/** Where the test leaves a picture of the chair's suggestion card, for a person to look at (not committed). */
const SCREENSHOT_PATH = '/tmp/concordat-suggestions.png'
const PROVIDER_NAME = 'Priya Provider'
const PROVIDER_ORGANISATION = 'Northern Care Homes Ltd'

/** Clicks just after the last character of `text`, putting the caret there. */
async function clickAfter(page: Page, text: string): Promise<void> {
  const box = await locateText(page, text)
  await page.mouse.click(box.right - 0.5, (box.top + box.bottom) / 2)
}

/** Clicks in the middle of `text`. */
async function clickInside(page: Page, text: string, clicks = 1): Promise<void> {
  const box = await locateText(page, text)
  await page.mouse.click((box.left + box.right) / 2, (box.top + box.bottom) / 2, { clickCount: clicks })
}

/** The text of each element `locator` finds, without other people's caret labels. */
function textsOf(locator: Locator): Promise<string[]> {
  return locator.evaluateAll((elements) =>
    elements.map((element) => {
      const copy = element.cloneNode(true) as HTMLElement
      for (const caret of copy.querySelectorAll('.collaboration-carets__caret')) caret.remove()
      return copy.textContent ?? ''
    }),
  )
}

/** The paragraph of the Duration clause as the page shows it. */
async function duration(page: Page): Promise<string | undefined> {
  return (await readParagraphs(page)).find((paragraph) => paragraph.startsWith('This Contract starts on the Commencement Date'))
}

describe('tracked suggestions in the browser', () => {
  const browsing = useBrowser()
  const { defer } = browsing

  it('a provider suggests an insertion and a deletion; the chair sees them attributed, accepts one and rejects the other', async () => {
    const server = await startTestServer({ members: true })
    defer(() => server.dispose())
    const open = (name: string, email: string) => openContractAs(browsing, { serverUrl: server.url, contractId: CONTRACT, password: DEMO_PASSWORD }, name, email)
    const chair = await open('The chair', 'chair@demo.test')
    const provider = await open('The provider', 'provider@demo.test')

    // The provider is always suggesting, and told so; the chair starts in Editing mode.
    expect(await provider.page.locator('.mode-switch').textContent()).toContain('Suggesting')
    expect(await provider.page.getByRole('note').textContent()).toContain('tracked suggestion')
    expect(await chair.page.getByRole('radio', { name: 'Editing' }).isChecked()).toBe(true)

    // The provider types a word (a space before a space: the new one must be the one marked),
    // then deletes a word.
    await clickAfter(provider.page, 'continues for three')
    await provider.page.keyboard.type(' full')
    await untilStatus(provider, 'Saved')
    await clickInside(provider.page, 'written', 2)
    await provider.page.keyboard.press('Backspace')
    await untilStatus(provider, 'Saved')
    expect(await duration(provider.page)).toContain('continues for three full years')
    expect(await duration(provider.page)).toContain('by written agreement')
    expect((await provider.page.getByRole('alert').allTextContents()).join(' '), 'the server refused nothing').toBe('')

    // The chair sees both, marked: the insertion underlined, the deleted word still there, struck.
    const inserted = chair.page.locator('.contract-text ins[data-suggestion-id]')
    const deleted = chair.page.locator('.contract-text del[data-suggestion-id]')
    await expect.poll(() => textsOf(inserted), SETTLE).toEqual([' full'])
    await expect.poll(() => textsOf(deleted), SETTLE).toEqual(['written'])
    // Hovering says who and when.
    const by = chair.page.locator('.contract-text ins[data-suggestion-id] .suggestion-by')
    await expect.poll(() => by.getAttribute('title'), SETTLE).toMatch(new RegExp(`^Suggested insertion by ${PROVIDER_NAME} \\(${PROVIDER_ORGANISATION}\\), `))

    // The provider's own card shows who and when, but no Accept or Reject.
    await clickInside(provider.page, 'full')
    const providersCard = provider.page.getByRole('complementary', { name: 'Suggestion' })
    await providersCard.waitFor()
    expect(await providersCard.textContent()).toContain(PROVIDER_NAME)
    expect(await providersCard.getByRole('button', { name: 'Accept' }).count()).toBe(0)
    expect(await providersCard.getByRole('button', { name: 'Reject' }).count()).toBe(0)

    // The chair opens the insertion's card: the provider, their organisation, just now; accepts it.
    await clickInside(chair.page, 'full')
    const card = chair.page.getByRole('complementary', { name: 'Suggestion' })
    await card.waitFor()
    await chair.page.screenshot({ path: SCREENSHOT_PATH })
    const said = await card.textContent()
    expect(said).toContain('Insert “full”')
    expect(said).toContain(PROVIDER_NAME)
    expect(said).toContain(PROVIDER_ORGANISATION)
    expect(said).toContain('just now')
    await card.getByRole('button', { name: 'Accept' }).click()
    await expect.poll(() => inserted.count(), SETTLE).toBe(0)

    // … and rejects the deletion: the word stays.
    await clickInside(chair.page, 'written')
    await card.waitFor()
    expect(await card.textContent()).toContain('Delete “written”')
    await card.getByRole('button', { name: 'Reject' }).click()
    await expect.poll(() => deleted.count(), SETTLE).toBe(0)
    await untilStatus(chair, 'Saved')

    // Both pages end with the same text: the words kept, nothing marked.
    const expected = 'continues for three full years, unless ended earlier under clause 20 (Termination). The parties may extend it by written agreement for a further period of up to two years.'
    await expect.poll(async () => (await duration(provider.page))?.endsWith(expected), SETTLE).toBe(true)
    expect(await duration(chair.page)).toBe(await duration(provider.page))
    await expect.poll(() => provider.page.locator('.contract-text ins[data-suggestion-id], .contract-text del[data-suggestion-id]').count(), SETTLE).toBe(0)

    // The chair's review is kept: a fresh page shows the reviewed text.
    await provider.page.reload()
    await untilStatus(provider, 'Saved')
    expect(await duration(provider.page)).toBe(await duration(chair.page))

    // The provider proposes a whole new clause after Duration and writes it; the chair sees it
    // marked as proposed and attributed, and accepts it: it becomes an ordinary clause for both.
    await clickAfter(provider.page, 'up to two years')
    await provider.page.getByRole('button', { name: 'Propose new clause' }).click()
    await provider.page.keyboard.type('Safeguarding audits')
    await provider.page.keyboard.press('Enter')
    await provider.page.keyboard.type('The Provider shall commission an independent safeguarding audit every year.')
    await untilStatus(provider, 'Saved')
    expect((await provider.page.getByRole('alert').allTextContents()).join(' '), 'the server refused nothing').toBe('')
    const proposed = chair.page.locator('.contract-text section.clause[data-suggested-insertion]')
    await expect.poll(() => textsOf(proposed.locator('h2')), SETTLE).toEqual([expect.stringMatching(/Safeguarding audits$/)])
    await clickInside(provider.page, 'independent safeguarding audit')
    await providersCard.waitFor()
    expect(await providersCard.textContent()).toContain('Add a clause: “Safeguarding audits”')
    expect(await providersCard.getByRole('button', { name: 'Accept' }).count(), 'the provider cannot accept').toBe(0)
    await clickInside(chair.page, 'independent safeguarding audit')
    await card.waitFor()
    expect(await card.textContent()).toContain('Add a clause: “Safeguarding audits”')
    expect(await card.textContent()).toContain(PROVIDER_NAME)
    await card.getByRole('button', { name: 'Accept' }).click()
    await expect.poll(() => proposed.count(), SETTLE).toBe(0)
    await expect.poll(() => provider.page.locator('.contract-text section.clause[data-suggested-insertion]').count(), SETTLE).toBe(0)
    await expect.poll(async () => (await readParagraphs(provider.page)).includes('The Provider shall commission an independent safeguarding audit every year.'), SETTLE).toBe(true)
    await untilStatus(chair, 'Saved')

    // The chair switches to Suggesting: only what can be suggested of a clause is offered,
    // typing is a suggestion of the chair's, and the choice is kept for the tab.
    await chair.page.locator('.mode-switch label', { hasText: 'Suggesting' }).click()
    await expect.poll(() => chair.page.getByRole('button', { name: 'Propose new clause' }).count()).toBe(1)
    expect(await chair.page.getByRole('button', { name: 'Move up' }).count()).toBe(0)
    await clickAfter(chair.page, 'up to two years')
    await chair.page.keyboard.type(' only')
    await untilStatus(chair, 'Saved')
    await expect.poll(() => textsOf(provider.page.locator('.contract-text ins[data-suggestion-id]')), SETTLE).toEqual([' only'])
    await expect
      .poll(() => provider.page.locator('.contract-text ins[data-suggestion-id] .suggestion-by').getAttribute('title'), SETTLE)
      .toMatch(/^Suggested insertion by Chris Chair \(National Steering Group\), /)
    await chair.page.reload()
    await untilStatus(chair, 'Saved')
    expect(await chair.page.getByRole('radio', { name: 'Suggesting' }).isChecked()).toBe(true)
  })
})
