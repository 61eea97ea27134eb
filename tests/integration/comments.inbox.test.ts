/**
 * The in-app inbox: mentions and replies reach the members they concern (never the comment's
 * own author, never someone who cannot see the thread), with unread counts over HTTP and on the
 * event stream, marked read one by one or all at once. And a removed member's comments stay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InboxView, ThreadView } from '../../shared/protocol/comments.ts'
import type { ApiClient } from '../helpers/httpClient.ts'
import { CONTRACT, EventStream, addPerson, clauseElements, idOf, signedIn, storedDocument } from '../helpers/commentFixtures.ts'
import { type TestServer, startTestServer, waitFor } from '../helpers/testServer.ts'

const THREADS = `/api/contracts/${CONTRACT}/threads`

describe('comment inbox', () => {
  let server: TestServer
  let clauseId: string
  let chair: ApiClient
  let provider: ApiClient
  let purchaser: ApiClient
  let observer: ApiClient
  const streams: EventStream[] = []

  const inboxOf = async (client: ApiClient) => (await client.request('GET', '/api/inbox')).body as InboxView

  beforeAll(async () => {
    server = await startTestServer({ members: true })
    clauseId = String(clauseElements(await storedDocument(server))[5]!.getAttribute('clauseId'))
    chair = await signedIn(server, 'chair@demo.test')
    provider = await signedIn(server, 'provider@demo.test')
    purchaser = await signedIn(server, 'purchaser@demo.test')
    observer = await signedIn(server, 'observer@demo.test')
    // Start every inbox empty, whatever the demo seeds.
    for (const client of [chair, provider, purchaser, observer]) await client.request('POST', '/api/inbox/read', { all: true })
  })
  afterAll(async () => {
    for (const s of streams) s.close()
    await server.dispose()
  })

  it('brings mentions and replies to the people they concern, with unread counts live', async () => {
    const purchaserId = await idOf(server, 'purchaser@demo.test')
    const observerId = await idOf(server, 'observer@demo.test')
    await addPerson(server, { email: 'nonmember@demo.test', name: 'Nora Nonmember', organisationId: 'shire-county', role: null })
    const nonMemberId = await idOf(server, 'nonmember@demo.test')
    const purchaserStream = await EventStream.open(server, purchaser)
    streams.push(purchaserStream)
    await purchaserStream.next((e) => e.type === 'inbox' && e.unread === 0, 'the starting count')

    const started = await provider.request('POST', THREADS, {
      clauseId,
      scope: 'everyone',
      body: `@[Paul Purchaser](${purchaserId}) can the Council   confirm the fee bands? cc @[Nora](${nonMemberId})`,
    })
    const thread = started.body as ThreadView
    expect(thread.comments[0]!.mentions).toEqual([purchaserId])
    await purchaserStream.next((e) => e.type === 'inbox' && e.unread === 1, 'the mention’s count')
    // The demo's own items (read above) stay listed; this thread's are the ones to look at.
    const ofThread = (inbox: InboxView) => inbox.items.filter((item) => item.threadId === thread.id)
    const mention = await inboxOf(purchaser)
    expect(mention.unread).toBe(1)
    expect(ofThread(mention)).toEqual([
      {
        id: expect.any(String),
        contractId: CONTRACT,
        contractTitle: expect.stringContaining('Children’s Homes'),
        threadId: thread.id,
        clauseId,
        commentId: thread.comments[0]!.id,
        reason: 'mention',
        authorName: 'Priya Provider',
        excerpt: '@Paul Purchaser can the Council confirm the fee bands? cc @Nora',
        createdAt: thread.comments[0]!.createdAt,
        readAt: null,
      },
    ])
    expect((await inboxOf(provider)).unread).toBe(0)

    // The purchaser replies: the thread's starter hears of it, the purchaser does not.
    await purchaser.request('POST', `${THREADS}/${thread.id}/comments`, { body: 'Yes, bands A to C are agreed.' })
    const providerInbox = await inboxOf(provider)
    expect(providerInbox.unread).toBe(1)
    expect(ofThread(providerInbox)).toMatchObject([{ reason: 'reply', authorName: 'Paul Purchaser', readAt: null }])
    expect((await inboxOf(purchaser)).unread).toBe(1)

    // The chair replies mentioning the observer: starter and earlier commenter get a reply, the observer a mention.
    const chairReply = (await chair.request('POST', `${THREADS}/${thread.id}/comments`, { body: `Noted. @[Olive](${observerId}) please minute this.` })).body as ThreadView
    expect((await inboxOf(provider)).unread).toBe(2)
    await waitFor(() => purchaserStream.lastUnread() === 2, 'the stream’s count after the reply')
    expect(ofThread(await inboxOf(observer)).map((i) => i.reason)).toEqual(['mention'])
    expect((await inboxOf(chair)).unread).toBe(0)

    // Editing a comment notifies only members it newly mentions.
    const chairCommentId = chairReply.comments[2]!.id
    await chair.request('PATCH', `${THREADS}/${thread.id}/comments/${chairCommentId}`, { body: `Noted. @[Olive](${observerId}) and @[Paul](${purchaserId}) please minute this.` })
    expect((await inboxOf(observer)).unread).toBe(1)
    const purchaserInbox = await inboxOf(purchaser)
    expect(purchaserInbox.unread).toBe(3)
    await waitFor(() => purchaserStream.lastUnread() === 3, 'the stream’s count after the new mention')
    expect(ofThread(purchaserInbox).map((i) => i.reason)).toEqual(['mention', 'reply', 'mention'])

    // Marked read one by one, then all at once; the stream follows.
    const marked = await purchaser.request('POST', '/api/inbox/read', { ids: [ofThread(purchaserInbox)[0]!.id] })
    expect(marked.body).toEqual({ unread: 2 })
    await waitFor(() => purchaserStream.lastUnread() === 2, 'the stream’s count after one is read')
    expect((await purchaser.request('POST', '/api/inbox/read', { all: true })).body).toEqual({ unread: 0 })
    await waitFor(() => purchaserStream.lastUnread() === 0, 'the stream’s count after all are read')
    expect((await inboxOf(purchaser)).items.every((i) => i.readAt !== null)).toBe(true)
    // Someone else's item cannot be marked through one's own inbox.
    const observerItem = (await inboxOf(observer)).items[0]!
    await purchaser.request('POST', '/api/inbox/read', { ids: [observerItem.id] })
    expect((await inboxOf(observer)).unread).toBe(1)

    // A deleted comment takes its inbox items with it.
    await chair.request('DELETE', `${THREADS}/${thread.id}/comments/${chairCommentId}`)
    expect((await inboxOf(observer)).items).toEqual([])
    expect((await inboxOf(provider)).unread).toBe(1)
  })

  it('keeps a removed member’s comments, named as they were, and shows them nothing more', async () => {
    await addPerson(server, { email: 'leaver@demo.test', name: 'Lee Leaver', organisationId: 'shire-county', role: 'commenter' })
    const leaver = await signedIn(server, 'leaver@demo.test')
    const leaverId = await idOf(server, 'leaver@demo.test')
    const thread = (await leaver.request('POST', THREADS, { clauseId, scope: 'everyone', body: 'My last point before I leave.' })).body as ThreadView
    await chair.request('POST', `${THREADS}/${thread.id}/comments`, { body: 'Thank you, Lee.' })
    expect((await inboxOf(leaver)).unread).toBe(1)

    expect((await chair.request('DELETE', `/api/contracts/${CONTRACT}/members/${leaverId}`)).status).toBe(204)
    const kept = (await chair.request('GET', `${THREADS}/${thread.id}`)).body as ThreadView
    expect(kept.createdBy).toBe(leaverId)
    expect(kept.comments[0]).toMatchObject({ authorId: leaverId, authorName: 'Lee Leaver', authorOrganisation: 'Shire County Council', body: 'My last point before I leave.' })
    expect(await inboxOf(leaver)).toEqual({ unread: 0, items: [] })
    expect((await leaver.request('GET', THREADS)).status).toBe(404)
    // An editor may still resolve the thread the former member started.
    expect((await chair.request('PATCH', `${THREADS}/${thread.id}`, { status: 'resolved' })).body.status).toBe('resolved')
  })
})
