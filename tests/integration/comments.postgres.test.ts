/**
 * Comments on a server whose store is PostgreSQL (scale-out mode): the same operations and
 * inbox as on the embedded store, and the threads still there after a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InboxView, ThreadView } from '../../shared/protocol/comments.ts'
import { CONTRACT, anchorOf, idOf, signedIn, storedDocument } from '../helpers/commentFixtures.ts'
import { createTestSchema, TEST_DATABASE_URL, type TestSchema } from '../helpers/postgres.ts'
import { type TestServer, startTestServer } from '../helpers/testServer.ts'

const THREADS = `/api/contracts/${CONTRACT}/threads`

describe('comments on PostgreSQL', () => {
  let schema: TestSchema
  let server: TestServer

  beforeAll(async () => {
    schema = await createTestSchema('concordat_comments')
    server = await startTestServer({ members: true, env: { DATABASE_URL: TEST_DATABASE_URL }, postgresSchema: schema.schema })
  })
  afterAll(async () => {
    await server.dispose()
    await schema.drop()
  })

  it('starts, answers, resolves and scopes threads, keeps the inbox, and survives a restart', async () => {
    expect(server.store.engine).toBe('postgres')
    const provider = await signedIn(server, 'provider@demo.test')
    const purchaser = await signedIn(server, 'purchaser@demo.test')
    const chair = await signedIn(server, 'chair@demo.test')
    const providerId = await idOf(server, 'provider@demo.test')

    const words = 'The Provider will review the Placement Plan'
    const { clauseId, anchor } = anchorOf(await storedDocument(server), words)
    const thread = (await purchaser.request('POST', THREADS, { clauseId, scope: 'everyone', anchor, quote: words, body: `@[Priya](${providerId}) how often in practice?` })).body as ThreadView
    expect(thread).toMatchObject({ detached: false, clauseRemoved: false, comments: [{ mentions: [providerId] }] })
    await provider.request('POST', `${THREADS}/${thread.id}/comments`, { body: 'Every six weeks at least.' })
    expect((await chair.request('PATCH', `${THREADS}/${thread.id}`, { status: 'resolved' })).body.status).toBe('resolved')
    const scoped = (await provider.request('POST', THREADS, { clauseId, scope: 'constituency', body: 'Providers only.' })).body as ThreadView
    expect((await purchaser.request('GET', `${THREADS}/${scoped.id}`)).status).toBe(404)

    const providerInbox = (await provider.request('GET', '/api/inbox')).body as InboxView
    expect(providerInbox.items.filter((i) => i.threadId === thread.id).map((i) => i.reason)).toEqual(['mention'])
    const purchaserInbox = (await purchaser.request('GET', '/api/inbox')).body as InboxView
    expect(purchaserInbox.items.filter((i) => i.threadId === thread.id).map((i) => i.reason)).toEqual(['reply'])
    expect(purchaserInbox.items.some((i) => i.threadId === scoped.id)).toBe(false)

    server = await server.restart()
    const again = await signedIn(server, 'provider@demo.test')
    const threads = (await again.request('GET', THREADS)).body as ThreadView[]
    expect(threads.find((t) => t.id === thread.id)).toMatchObject({ status: 'resolved', quote: words, comments: [{}, { body: 'Every six weeks at least.' }] })
    expect(threads.find((t) => t.id === scoped.id)).toMatchObject({ scope: 'constituency', constituency: 'provider' })
  })
})
