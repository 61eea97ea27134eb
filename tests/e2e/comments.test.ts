/**
 * Comment threads in the browser, as the demo's people use them: the purchaser (a commenter)
 * selects a passage of the fees clause and comments on it; the provider (another browser) sees
 * the thread arrive live, with the passage highlighted, and replies mentioning the chair through
 * the @ completion; the chair's inbox bell counts the mention, its item opens the thread, and the
 * chair resolves it — which the purchaser sees. The provider then starts a providers-only thread:
 * neither the purchaser nor the chair ever sees it, live or after reloading. Offline, the
 * purchaser still reads the comments as last received.
 *
 * Then the chair's own threads through the text's changes: a comment edited and a reply
 * deleted; a whole-clause thread started from the outline (and one begun from the clause's status
 * menu); the commented passage deleted (the
 * thread stays, marked, with its quote) and the clause deleted (the thread moves to "Comments on
 * removed clauses") — as the purchaser sees it too; and a refusal by the server shown in its words.
 */
import { describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { SETTLE, locateText, openContractAs, untilStatus, useBrowser } from '../helpers/browser.ts'
import { DEMO_PASSWORD, startTestServer } from '../helpers/testServer.ts'

const CONTRACT = 'children-homes'
/** Where the test leaves a picture of the provider's comments panel (not committed). */
const SCREENSHOT_PATH = '/tmp/concordat-comments.png'
const FEES_PASSAGE = 'weekly fee stated in the Individual Placement Agreement'
const DURATION_PASSAGE = 'continues for three years'
const QUESTION = 'Why 30 days? Our finance team works to https://example.org/terms <b>please</b>'
const SECRET = 'Providers only: hold firm on the three years'
const PUBLIC_AFTER = 'A note for everyone on the term'

/** Selects `text` in the contract's text by dragging across it, as a person would. */
async function selectText(page: Page, text: string): Promise<void> {
  const box = await locateText(page, text)
  await page.mouse.move(box.start.x + 0.5, box.start.y)
  await page.mouse.down()
  await page.mouse.move((box.start.x + box.end.x) / 2, (box.start.y + box.end.y) / 2, { steps: 4 })
  await page.mouse.move(box.end.x - 0.5, box.end.y, { steps: 4 })
  await page.mouse.up()
}

/** The comments tab's panel, opened. */
async function commentsPanel(page: Page): Promise<Locator> {
  await page.getByRole('tab', { name: /^Comments/ }).click()
  return page.getByRole('region', { name: 'Comments' })
}

/** The texts highlighted as commented in the contract's text. */
function highlights(page: Page): Promise<string[]> {
  return page.locator('.contract-text .comment-highlight').allTextContents()
}

/** The thread card whose text includes `text`. */
function threadCard(panel: Locator, text: string): Locator {
  return panel.locator('.thread-card').filter({ hasText: text })
}

describe('comment threads', () => {
  const browsing = useBrowser()
  const { defer } = browsing

  it('purchaser comments on a passage; provider replies mentioning the chair; the chair, told in the inbox, resolves; a providers-only thread stays with providers', async () => {
    const server = await startTestServer({ members: true })
    defer(() => server.dispose())
    const open = (name: string, email: string) => openContractAs(browsing, { serverUrl: server.url, contractId: CONTRACT, password: DEMO_PASSWORD, viewport: { width: 1400, height: 900 } }, name, email)
    const purchaser = await open('The purchaser', 'purchaser@demo.test')
    const provider = await open('The provider', 'provider@demo.test')
    const chair = await open('The chair', 'chair@demo.test')

    // The purchaser selects a passage of the fees clause and comments on it.
    const purchaserPanel = await commentsPanel(purchaser.page)
    await selectText(purchaser.page, FEES_PASSAGE)
    await purchaser.page.getByRole('button', { name: 'Comment on the selected text' }).click()
    const draft = purchaserPanel.getByRole('group', { name: 'New comment' })
    await expect.poll(() => draft.textContent(), SETTLE).toContain(FEES_PASSAGE)
    expect(await draft.textContent()).toContain('Fees and payment')
    await draft.getByRole('combobox', { name: 'Comment' }).fill(QUESTION)
    await draft.getByRole('button', { name: 'Comment', exact: true }).click()
    const purchasersThread = threadCard(purchaserPanel, 'Why 30 days?')
    await purchasersThread.waitFor()
    expect(await purchasersThread.textContent()).toContain('Paul Purchaser')
    expect(await purchasersThread.textContent()).toContain('Shire County Council')
    // The link is a safe link; the markup typed is text.
    expect(await purchasersThread.locator('a').getAttribute('href')).toBe('https://example.org/terms')
    expect(await purchasersThread.locator('a').getAttribute('rel')).toBe('noopener noreferrer nofollow')
    expect(await purchasersThread.locator('b').count()).toBe(0)
    expect(await purchasersThread.textContent()).toContain('<b>please</b>')
    // The passage is highlighted in the text.
    await expect.poll(() => highlights(purchaser.page), SETTLE).toContain(FEES_PASSAGE)

    // The provider sees it arrive, highlighted too; the outline counts the clause's open threads
    // (the demo's own threads among them), as many as the panel lists under it.
    const providerPanel = await commentsPanel(provider.page)
    const providersView = threadCard(providerPanel, 'Why 30 days?')
    await providersView.waitFor(SETTLE)
    await expect.poll(() => highlights(provider.page), SETTLE).toContain(FEES_PASSAGE)
    const outlineFees = provider.page.getByRole('navigation', { name: 'Outline' }).locator('li').filter({ hasText: 'Fees and payment' })
    const feesGroup = providerPanel.getByRole('region', { name: /Fees and payment$/ })
    const counted = async () => [Number((await outlineFees.getByTestId('outline-comment-count').textContent())?.replace(/\D/g, '')), await feesGroup.locator('.thread-card').count()]
    await expect.poll(counted, SETTLE).toEqual([expect.any(Number), expect.any(Number)])
    const [inOutline, inPanel] = await counted()
    expect(inOutline).toBeGreaterThanOrEqual(1)
    expect(inOutline).toBe(inPanel)

    // … and replies, mentioning the chair through the completion list.
    await providersView.getByRole('button', { name: /Why 30 days|Fees|weekly fee/ }).first().click()
    const reply = providersView.getByRole('combobox', { name: 'Reply' })
    await reply.click()
    await reply.pressSequentially('Agreed, @Chr')
    const option = provider.page.getByRole('option', { name: /Chris Chair/ })
    await option.waitFor()
    await reply.press('Enter')
    await reply.pressSequentially('could the steering group look?')
    expect(await reply.inputValue()).toMatch(/^Agreed, @\[Chris Chair\]\([A-Za-z0-9_-]+\) could the steering group look\?$/)
    await providersView.getByRole('button', { name: 'Reply', exact: true }).click()
    await expect.poll(() => providersView.locator('.thread-comment').count(), SETTLE).toBe(2)
    expect(await providersView.locator('.mention-chip').textContent()).toBe('@Chris Chair')
    await provider.page.screenshot({ path: SCREENSHOT_PATH })

    // The chair's bell counts the mention, live; its item opens the thread, which the chair resolves.
    const bell = chair.page.getByRole('button', { name: /^Inbox/ })
    await expect.poll(() => chair.page.getByTestId('inbox-count').textContent(), SETTLE).toBe('1')
    await bell.click()
    const inbox = chair.page.getByRole('dialog', { name: 'Inbox' })
    const item = inbox.getByRole('button', { name: /Priya Provider mentioned you/ })
    await item.waitFor()
    expect(await item.textContent()).toContain('@Chris Chair')
    await item.click()
    await expect.poll(() => new URL(chair.page.url()).searchParams.get('thread'), SETTLE).not.toBeNull()
    const chairPanel = chair.page.getByRole('region', { name: 'Comments' })
    const chairsThread = threadCard(chairPanel, 'Why 30 days?')
    await expect.poll(() => chairsThread.getAttribute('class'), SETTLE).toContain('is-active')
    await expect.poll(() => chair.page.getByTestId('inbox-count').count(), SETTLE).toBe(0)
    await chairsThread.getByRole('button', { name: 'Resolve' }).click()
    await expect.poll(() => chairsThread.textContent(), SETTLE).toContain('Resolved by Chris Chair')
    // The purchaser sees it resolved, and its highlight gone.
    await expect.poll(() => highlights(purchaser.page), SETTLE).not.toContain(FEES_PASSAGE)
    await purchaserPanel.getByLabel('Show').selectOption('all')
    await expect.poll(() => threadCard(purchaserPanel, 'Why 30 days?').textContent(), SETTLE).toContain('Resolved by Chris Chair')
    // The purchaser started the thread, so they may reopen it.
    expect(await threadCard(purchaserPanel, 'Why 30 days?').getByRole('button', { name: 'Reopen' }).count()).toBe(1)

    // The provider starts a providers-only thread, then one for everyone.
    await selectText(provider.page, DURATION_PASSAGE)
    await provider.page.getByRole('button', { name: 'Comment on the selected text' }).click()
    const secretDraft = providerPanel.getByRole('group', { name: 'New comment' })
    await secretDraft.getByRole('radio', { name: 'Providers only' }).check()
    await secretDraft.getByRole('combobox', { name: 'Comment' }).fill(SECRET)
    await secretDraft.getByRole('button', { name: 'Comment', exact: true }).click()
    await expect.poll(() => threadCard(providerPanel, SECRET).textContent(), SETTLE).toContain('Providers only')
    await selectText(provider.page, 'Commencement Date')
    await provider.page.keyboard.press('Control+Alt+M')
    const publicDraft = providerPanel.getByRole('group', { name: 'New comment' })
    await publicDraft.getByRole('combobox', { name: 'Comment' }).fill(PUBLIC_AFTER)
    await publicDraft.getByRole('button', { name: 'Comment', exact: true }).click()
    await threadCard(providerPanel, PUBLIC_AFTER).waitFor()

    // The purchaser and the chair get the later thread, never the providers-only one.
    for (const person of [purchaser, chair]) {
      const panel = person.page.getByRole('region', { name: 'Comments' })
      await expect.poll(() => threadCard(panel, PUBLIC_AFTER).count(), SETTLE).toBe(1)
      expect(await person.page.content()).not.toContain('hold firm')
      expect(await highlights(person.page)).toContain('Commencement Date')
      expect(await highlights(person.page)).not.toContain(DURATION_PASSAGE)
    }
    // … nor after reloading, with every thread listed.
    for (const person of [purchaser, chair]) {
      await person.page.reload()
      await untilStatus(person, 'Saved')
      const panel = await commentsPanel(person.page)
      await panel.getByLabel('Show').selectOption('all')
      await expect.poll(() => threadCard(panel, PUBLIC_AFTER).count(), SETTLE).toBe(1)
      await expect.poll(() => threadCard(panel, 'Why 30 days?').count(), SETTLE).toBe(1)
      expect(await person.page.content()).not.toContain('hold firm')
    }

    // The purchaser was told of the provider's reply to their thread; Mark all read clears the bell.
    await expect.poll(() => purchaser.page.getByTestId('inbox-count').count(), SETTLE).toBe(1)
    await purchaser.page.getByRole('button', { name: /^Inbox/ }).click()
    const purchasersInbox = purchaser.page.getByRole('dialog', { name: 'Inbox' })
    await purchasersInbox.getByRole('button', { name: /Priya Provider replied to your thread/ }).waitFor()
    await purchasersInbox.getByRole('button', { name: 'Mark all read' }).click()
    await expect.poll(() => purchaser.page.getByTestId('inbox-count').count(), SETTLE).toBe(0)
    await purchaser.page.keyboard.press('Escape')

    // Offline, after a reload, the purchaser still reads the comments as last received.
    await purchaser.page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
    await purchaser.context.setOffline(true)
    await purchaser.page.reload()
    await untilStatus(purchaser, 'Offline — changes kept on this device')
    const offlinePanel = await commentsPanel(purchaser.page)
    await offlinePanel.getByLabel('Show').selectOption('all')
    await expect.poll(() => threadCard(offlinePanel, 'Why 30 days?').textContent(), SETTLE).toContain('Resolved by Chris Chair')
    await expect.poll(() => offlinePanel.getByTestId('comments-count').textContent(), SETTLE).toContain('not connected')
    expect(await purchaser.page.content()).not.toContain('hold firm')
  })

  it('keeps a thread whose passage or clause is deleted, marked, with its quote; own comments edited and deleted; a clause commented from the outline and its status menu; a refusal shown in the server’s words', async () => {
    const server = await startTestServer({ members: true })
    defer(() => server.dispose())
    const open = (name: string, email: string) => openContractAs(browsing, { serverUrl: server.url, contractId: CONTRACT, password: DEMO_PASSWORD, viewport: { width: 1400, height: 900 } }, name, email)
    const chair = await open('The chair', 'chair@demo.test')
    const purchaser = await open('The purchaser', 'purchaser@demo.test')
    const chairPanel = await commentsPanel(chair.page)
    const purchaserPanel = await commentsPanel(purchaser.page)
    const PASSAGE = 'extend it by written agreement'

    // A thread on a passage of Duration, from the toolbar; its comment edited, a reply deleted.
    await selectText(chair.page, PASSAGE)
    await chair.page.getByRole('toolbar', { name: 'Comments' }).getByRole('button', { name: 'Comment', exact: true }).click()
    const draft = chairPanel.getByRole('group', { name: 'New comment' })
    await draft.getByRole('combobox', { name: 'Comment' }).fill('Should this be a deed?')
    await draft.getByRole('button', { name: 'Comment', exact: true }).click()
    const card = threadCard(chairPanel, 'be a deed')
    await card.waitFor()
    // Focus moves from the gone form to the new thread.
    await expect.poll(() => chair.page.evaluate(() => document.activeElement?.closest('.thread-card')?.textContent ?? ''), SETTLE).toContain('be a deed')
    await card.getByRole('button', { name: /^Edit your comment/ }).click()
    await card.getByRole('combobox', { name: 'Edit your comment' }).fill('Should this be a deed, signed by both?')
    await card.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => card.textContent(), SETTLE).toContain('(edited)Should this be a deed, signed by both?')
    await card.getByRole('combobox', { name: 'Reply' }).fill('On second thoughts, no.')
    await card.getByRole('button', { name: 'Reply', exact: true }).click()
    await expect.poll(() => card.locator('.thread-comment').count(), SETTLE).toBe(2)
    await card.getByRole('button', { name: /^Delete your comment/ }).last().click()
    await card.getByRole('group', { name: 'Delete this comment?' }).getByRole('button', { name: 'Delete' }).click()
    await expect.poll(() => card.locator('.thread-comment').count(), SETTLE).toBe(1)
    const purchasersCard = threadCard(purchaserPanel, 'be a deed')
    await expect.poll(() => purchasersCard.textContent(), SETTLE).toContain('(edited)Should this be a deed, signed by both?')
    expect(await purchasersCard.textContent()).not.toContain('second thoughts')
    // Not the purchaser's to change.
    expect(await purchasersCard.getByRole('button', { name: /Edit|Delete|Resolve/ }).count()).toBe(0)

    // A whole-clause thread on Education, from its outline entry (Ctrl+Alt+M); the outline counts it.
    const outline = chair.page.getByRole('navigation', { name: 'Outline' })
    await outline.getByRole('button', { name: '9 Education', exact: true }).focus()
    await chair.page.keyboard.press('Control+Alt+M')
    await expect.poll(() => draft.textContent(), SETTLE).toContain('9 Education · whole clause')
    await draft.getByRole('combobox', { name: 'Comment' }).fill('Who reports on school attendance?')
    await draft.getByRole('button', { name: 'Comment', exact: true }).click()
    await threadCard(chairPanel, 'school attendance').waitFor()
    await expect.poll(() => outline.locator('li').filter({ hasText: 'Education' }).getByTestId('outline-comment-count').textContent(), SETTLE).toContain('1')

    // The clause's status menu offers a whole-clause thread too (here abandoned).
    await outline.getByRole('button', { name: '3 Duration', exact: true }).click()
    await chair.page.getByRole('button', { name: /^Clause status/ }).click()
    await chair.page.getByRole('menuitem', { name: 'Comment on this clause…' }).click()
    await expect.poll(() => draft.textContent(), SETTLE).toContain('3 Duration · whole clause')
    await draft.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => draft.count(), SETTLE).toBe(0)

    // A click on the highlighted passage (in the purchaser's read-only text) makes its thread the active one.
    const highlighted = purchaser.page.locator(`.contract-text .comment-highlight[data-thread-id="${await card.getAttribute('data-thread-id')}"]`)
    await expect.poll(() => highlighted.allTextContents(), SETTLE).toEqual([PASSAGE])
    await highlighted.click()
    await expect.poll(() => purchasersCard.getAttribute('class'), SETTLE).toContain('is-active')

    // The passage is deleted: both see the thread kept, marked, with the text it was made on.
    await selectText(chair.page, PASSAGE)
    await chair.page.keyboard.press('Backspace')
    await untilStatus(chair, 'Saved')
    for (const panel of [chairPanel, purchaserPanel]) {
      const kept = threadCard(panel, 'be a deed')
      await expect.poll(() => kept.textContent(), SETTLE).toContain('Text deleted')
      expect(await kept.textContent()).toContain(PASSAGE)
    }
    await expect.poll(() => highlighted.count(), SETTLE).toBe(0)

    // The clause Education is deleted: its thread is listed under the removed clauses.
    await outline.getByRole('button', { name: '9 Education', exact: true }).click()
    chair.page.once('dialog', (dialog) => void dialog.accept())
    await chair.page.getByRole('button', { name: 'Delete clause' }).click()
    await untilStatus(chair, 'Saved')
    for (const panel of [chairPanel, purchaserPanel]) {
      const removed = panel.getByRole('region', { name: 'Comments on removed clauses' })
      await expect.poll(() => removed.locator('.thread-card').allTextContents(), SETTLE).toEqual([expect.stringContaining('school attendance')])
    }

    // The purchaser, made a viewer meanwhile, is refused by the server: told in its words, the text kept.
    const account = await server.store.accounts.findUserByEmail('purchaser@demo.test')
    await server.store.accounts.setRole(CONTRACT, account!.id, 'viewer')
    await selectText(purchaser.page, 'Commencement Date')
    await purchaser.page.getByRole('button', { name: 'Comment on the selected text' }).click()
    const refused = purchaserPanel.getByRole('group', { name: 'New comment' })
    await refused.getByRole('combobox', { name: 'Comment' }).fill('One more thing')
    await refused.getByRole('button', { name: 'Comment', exact: true }).click()
    const refusal = refused.getByRole('alert')
    await expect.poll(() => refusal.count(), SETTLE).toBe(1)
    expect(await refusal.textContent()).not.toBe('')
    expect(await refusal.textContent()).not.toContain('Something went wrong')
    expect(await refused.getByRole('combobox', { name: 'Comment' }).inputValue()).toBe('One more thing')
  })

  it('a provider comments on their suggestion from its card; the chair finds the thread from the card too', async () => {
    const server = await startTestServer({ members: true })
    defer(() => server.dispose())
    const open = (name: string, email: string) => openContractAs(browsing, { serverUrl: server.url, contractId: CONTRACT, password: DEMO_PASSWORD, viewport: { width: 1400, height: 900 } }, name, email)
    const provider = await open('The provider', 'provider@demo.test')
    const chair = await open('The chair', 'chair@demo.test')

    // The provider suggests an insertion, then comments on it from its card.
    const after = (await locateText(provider.page, 'Commencement Date')).end
    await provider.page.mouse.click(after.x - 0.5, after.y)
    await provider.page.keyboard.type(' (as agreed in writing)')
    await untilStatus(provider, 'Saved')
    const inserted = await locateText(provider.page, 'agreed in writing')
    await provider.page.mouse.click((inserted.start.x + inserted.end.x) / 2, inserted.start.y)
    const card = provider.page.getByRole('complementary', { name: 'Suggestion' })
    await card.getByRole('button', { name: 'Comment', exact: true }).click()
    const panel = provider.page.getByRole('region', { name: 'Comments' })
    const draft = panel.getByRole('group', { name: 'New comment' })
    await expect.poll(() => draft.textContent(), SETTLE).toContain('3 Duration · on a suggestion')
    expect(await draft.textContent()).toContain('(as agreed in writing)')
    await draft.getByRole('combobox', { name: 'Comment' }).fill('So that an oral extension cannot be argued.')
    await draft.getByRole('button', { name: 'Comment', exact: true }).click()
    const thread = threadCard(panel, 'oral extension')
    await thread.waitFor()
    expect(await thread.textContent()).toContain('On a suggestion')

    // The chair, at the suggestion, sees that it is discussed and opens the thread from its card.
    const chairsAfter = await locateText(chair.page, 'agreed in writing')
    await chair.page.mouse.click((chairsAfter.start.x + chairsAfter.end.x) / 2, chairsAfter.start.y)
    const chairsCard = chair.page.getByRole('complementary', { name: 'Suggestion' })
    await chairsCard.getByRole('button', { name: '1 comment thread' }).click()
    const chairsThread = threadCard(chair.page.getByRole('region', { name: 'Comments' }), 'oral extension')
    await expect.poll(() => chairsThread.getAttribute('class'), SETTLE).toContain('is-active')
    expect(await chairsThread.textContent()).toContain('Priya Provider')
  })
})
