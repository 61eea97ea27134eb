/**
 * The demo seed fills an empty store once: the framework contract with 20+ clauses, an
 * organisation per constituency, the four demo accounts with their roles, and a few comment
 * threads anchored on the draft.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { AccountService } from '../../server/accounts/AccountService.ts'
import { SignInThrottle } from '../../server/auth/SignInThrottle.ts'
import { ThreadPlacement } from '../../server/comments/ThreadPlacement.ts'
import { DEMO_CONTRACT_ID, seedDemo } from '../../server/seed/seedDemo.ts'
import { type SqlStore, openStore } from '../../server/store/SqlStore.ts'
import { getBody, getTitle } from '../../shared/ydoc/schema.ts'

describe('demo seed', () => {
  let dataDir: string
  let store: SqlStore
  let service: AccountService

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'concordat-seed-'))
    store = await openStore({ engine: 'sqlite', dataDir })
    service = new AccountService({ accounts: store.accounts, throttle: new SignInThrottle() })
  })
  afterEach(async () => {
    await store.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('seeds the contract, the organisations and the four accounts once, with the given password', async () => {
    expect(await seedDemo(store, service, 'a demo password')).toBe('a demo password')
    expect(await seedDemo(store, service, 'another')).toBeNull()

    const constituencies = (await store.accounts.listOrganisations()).map((o) => o.constituency).sort()
    expect(constituencies).toEqual(['provider', 'purchaser', 'steering'])
    const members = await store.accounts.listMembers(DEMO_CONTRACT_ID)
    expect(Object.fromEntries(members.map((m) => [m.email, m.role]))).toEqual({
      'chair@demo.test': 'owner',
      'provider@demo.test': 'suggester',
      'purchaser@demo.test': 'commenter',
      'observer@demo.test': 'viewer',
    })
    const chair = await service.signIn('chair@demo.test', 'a demo password', '127.0.0.1')
    expect(chair.email).toBe('chair@demo.test')

    const doc = new Y.Doc()
    for (const { data } of (await store.loadDocument(DEMO_CONTRACT_ID)).updates) Y.applyUpdate(doc, data)
    const clauses = getBody(doc).toArray()
    expect(clauses.length).toBeGreaterThanOrEqual(20)
    expect(clauses.every((c) => c instanceof Y.XmlElement && c.nodeName === 'clause' && typeof c.getAttribute('clauseId') === 'string')).toBe(true)
    expect(getTitle(doc)).toMatch(/Children’s Homes/)
    expect(getBody(doc).toString()).toContain('Safeguarding')

    // A few threads hang on the draft: one answered, one providers-only, one on a whole clause.
    const threads = await store.comments.listThreads(DEMO_CONTRACT_ID)
    expect(threads.map((t) => [t.scope, t.constituency, t.comments.length, t.quote !== ''])).toEqual([
      ['everyone', null, 2, true],
      ['constituency', 'provider', 1, true],
      ['everyone', null, 1, false],
    ])
    const placement = ThreadPlacement.of(doc)
    for (const thread of threads) expect(placement.place(thread), thread.quote).toEqual({ detached: false, clauseRemoved: false })
    const byEmail = Object.fromEntries(members.map((m) => [m.email, m]))
    const provider = byEmail['provider@demo.test']!
    expect(threads[0]!.comments[1]!.mentions).toEqual([provider.id])
    expect(await store.comments.countUnread({ userId: provider.id, constituency: 'provider' })).toBe(1)
    // The purchaser's inbox holds the chair's answer to their question, nothing of the providers' thread.
    const purchaser = byEmail['purchaser@demo.test']!
    expect((await store.comments.listInbox({ userId: purchaser.id, constituency: 'purchaser' }, 10)).map((i) => i.reason)).toEqual(['reply'])
  })

  it('generates a password when none is given', async () => {
    const password = await seedDemo(store, service, null)
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/)
    await expect(service.signIn('observer@demo.test', password, '127.0.0.1')).resolves.toMatchObject({ email: 'observer@demo.test' })
  })
})
