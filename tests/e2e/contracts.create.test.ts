/**
 * Starting a contract and renaming it in the browser, as a person would: "New contract" on the
 * contracts page, the form, the new contract's page, "Edit details" in its header, and the
 * list showing the new title and description.
 */
import { describe, expect, it } from 'vitest'
import { contractText, SETTLE, signIn, untilStatus, useBrowser } from '../helpers/browser.ts'
import { DEMO_PASSWORD, startTestServer } from '../helpers/testServer.ts'
import { DEMO_TITLE } from '../../server/seed/demoContract.ts'

describe('starting a contract in the browser', () => {
  const { browser, defer } = useBrowser()

  it('starts an empty contract from the list, renames it in place, and the list follows', async () => {
    const server = await startTestServer({ members: true })
    defer(() => server.dispose())
    const context = await browser().newContext({ viewport: { width: 1100, height: 800 } })
    defer(() => context.close())
    const page = await context.newPage()
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    await signIn(page, server.url, 'chair@demo.test', DEMO_PASSWORD)

    await page.getByRole('button', { name: 'New contract' }).click()
    const form = page.getByRole('form', { name: 'New contract' })
    // The chair owns the demo contract, so it is offered as a starting point.
    expect(await form.getByLabel('Start from').locator('option').allTextContents()).toEqual(['Empty contract', `Copy of ${DEMO_TITLE}`])
    await form.getByLabel('Title').fill('Short breaks agreement')
    await form.getByLabel('Description').fill('Terms for short-break placements.')
    await form.getByLabel('Start from').selectOption({ label: 'Empty contract' })
    await form.getByRole('button', { name: 'Create contract' }).click()

    await contractText(page).waitFor({ state: 'visible' })
    expect(new URL(page.url()).pathname).toMatch(/^\/contracts\/short-breaks-agreement-[a-z0-9]{6}$/)
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), SETTLE).toBe('Short breaks agreement')
    await untilStatus({ name: 'The chair', page }, 'Saved')
    // One empty clause to type into.
    expect(await contractText(page).locator('section.clause').count()).toBe(1)

    await page.getByRole('button', { name: 'Edit details' }).click()
    const details = page.getByRole('form', { name: 'Contract details' })
    // Escape leaves everything as it was.
    await details.getByLabel('Title').fill('Not this')
    await page.keyboard.press('Escape')
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Short breaks agreement')
    // Enter saves.
    await page.getByRole('button', { name: 'Edit details' }).click()
    await details.getByLabel('Title').fill('Short Breaks Agreement 2026')
    await details.getByLabel('Description').fill('Terms for short-break and respite placements.')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), SETTLE).toBe('Short Breaks Agreement 2026')
    expect(await page.locator('.contract-description').textContent()).toBe('Terms for short-break and respite placements.')
    await untilStatus({ name: 'The chair', page }, 'Saved')

    // The list follows the document a moment after the change is saved.
    const listed = async () => ((await (await page.request.get(`${server.url}/api/contracts`)).json()) as Array<{ title: string }>).map((c) => c.title)
    await expect.poll(listed, SETTLE).toContain('Short Breaks Agreement 2026')
    await page.getByRole('link', { name: 'Concordat' }).click()
    const link = page.getByRole('link', { name: 'Short Breaks Agreement 2026' })
    await link.waitFor()
    const item = page.getByRole('listitem').filter({ has: link })
    expect(await item.locator('.contract-list-description').textContent()).toBe('Terms for short-break and respite placements.')
    expect(await item.locator('.role-badge').textContent()).toBe('Owner')
    await page.screenshot({ path: '/tmp/concordat-new-contract.png' })
    expect(pageErrors).toEqual([])
  })
})
