/**
 * Visibility scopes over HTTP and over the event stream: a providers-only thread is invisible
 * to a purchaser and to the steering group's chair however they ask — listing, reading one,
 * replying, resolving, editing, deleting, mentioning, or listening to the stream — and is seen
 * by every provider member, whatever their role. Streams carry their headers and heartbeats,
 * and a removed member's stream is closed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CommentEvent, ThreadView } from '../../shared/protocol/comments.ts'
import type { ApiClient } from '../helpers/httpClient.ts'
import { CONTRACT, EventStream, addPerson, clauseElements, idOf, signedIn, storedDocument } from '../helpers/commentFixtures.ts'
import { type TestServer, startTestServer } from '../helpers/testServer.ts'

const THREADS = `/api/contracts/${CONTRACT}/threads`

const mentionsThread = (threadId: string) => (event: CommentEvent) =>
  (event.type === 'thread' && event.thread.id === threadId) ||
  (event.type === 'threadRemoved' && event.threadId === threadId) ||
  (event.type === 'snapshot' && event.threads.some((t) => t.id === threadId))

describe('comment scopes', () => {
  let server: TestServer
  let clauseId: string
  let chair: ApiClient
  let provider: ApiClient
  let purchaser: ApiClient
  let observer: ApiClient
  let colleague: ApiClient
  const streams: EventStream[] = []

  async function stream(client: ApiClient): Promise<EventStream> {
    const opened = await EventStream.open(server, client)
    streams.push(opened)
    return opened
  }

  beforeAll(async () => {
    server = await startTestServer({ members: true, commentHeartbeatMs: 100 })
    clauseId = String(clauseElements(await storedDocument(server))[3]!.getAttribute('clauseId'))
    // A second provider, only a viewer: scope follows the constituency, not the role.
    await addPerson(server, { email: 'colleague@demo.test', name: 'Colin Colleague', organisationId: 'northern-care', role: 'viewer' })
    chair = await signedIn(server, 'chair@demo.test')
    provider = await signedIn(server, 'provider@demo.test')
    purchaser = await signedIn(server, 'purchaser@demo.test')
    observer = await signedIn(server, 'observer@demo.test')
    colleague = await signedIn(server, 'colleague@demo.test')
  })
  afterAll(async () => {
    for (const s of streams) s.close()
    await server.dispose()
  })

  it('never shows a providers-only thread to a purchaser or the chair, by any request or on the stream', async () => {
    const purchaserStream = await stream(purchaser)
    const chairStream = await stream(chair)
    const colleagueStream = await stream(colleague)
    const purchaserId = await idOf(server, 'purchaser@demo.test')
    const colleagueId = await idOf(server, 'colleague@demo.test')

    const created = await provider.request('POST', THREADS, {
      clauseId,
      scope: 'constituency',
      body: `Between providers: the fee review is too slow. @[Paul](${purchaserId}) @[Colin](${colleagueId})`,
    })
    expect(created.status).toBe(201)
    const scoped = created.body as ThreadView
    expect(scoped).toMatchObject({ scope: 'constituency', constituency: 'provider' })
    // Only the provider member's mention is recorded; the purchaser cannot see the thread.
    expect(scoped.comments[0]!.mentions).toEqual([colleagueId])
    const firstId = scoped.comments[0]!.id

    for (const [who, client] of [['purchaser', purchaser], ['chair', chair]] as const) {
      expect((await client.request('GET', THREADS)).body.map((t: ThreadView) => t.id), who).not.toContain(scoped.id)
      const one = await client.request('GET', `${THREADS}/${scoped.id}`)
      const missing = await client.request('GET', `${THREADS}/no-such-thread`)
      expect(one.status, who).toBe(404)
      expect(one.body, who).toEqual(missing.body)
      expect((await client.request('POST', `${THREADS}/${scoped.id}/comments`, { body: 'Let me in' })).status, who).toBe(404)
      expect((await client.request('PATCH', `${THREADS}/${scoped.id}`, { status: 'resolved' })).status, who).toBe(404)
      expect((await client.request('PATCH', `${THREADS}/${scoped.id}/comments/${firstId}`, { body: 'Changed' })).status, who).toBe(404)
      expect((await client.request('DELETE', `${THREADS}/${scoped.id}/comments/${firstId}`)).status, who).toBe(404)
      expect((await client.request('GET', '/api/inbox')).body.items.map((i: { threadId: string }) => i.threadId), who).not.toContain(scoped.id)
    }

    // The provider members see it and follow it live, whatever their role.
    expect((await colleague.request('GET', `${THREADS}/${scoped.id}`)).status).toBe(200)
    await colleagueStream.next(mentionsThread(scoped.id), 'the scoped thread on a provider’s stream')
    expect((await provider.request('POST', `${THREADS}/${scoped.id}/comments`, { body: 'Agreed, raise it with the group' })).status).toBe(201)
    expect((await provider.request('PATCH', `${THREADS}/${scoped.id}`, { status: 'resolved' })).status).toBe(200)
    await colleagueStream.next((e) => e.type === 'thread' && e.thread.id === scoped.id && e.thread.status === 'resolved', 'the resolution')

    // A later public thread reaches everyone: by then the scoped one would have arrived too.
    const marker = (await provider.request('POST', THREADS, { clauseId, scope: 'everyone', body: 'For everyone: see clause 4' })).body as ThreadView
    for (const s of [purchaserStream, chairStream]) {
      await s.next(mentionsThread(marker.id), 'the public thread')
      expect(s.events.filter(mentionsThread(scoped.id))).toEqual([])
      expect(s.raw).not.toContain(scoped.id)
      expect(s.raw).not.toContain('Between providers')
    }
    // A stream opened afterwards starts without it too.
    const late = await stream(chair)
    const snapshot = await late.next((e) => e.type === 'snapshot', 'the snapshot')
    expect(snapshot.type === 'snapshot' && snapshot.threads.map((t) => t.id)).toContain(marker.id)
    expect(late.raw).not.toContain(scoped.id)
  })

  it('keeps a steering-only thread from providers and purchasers, and shows it to the steering group’s viewer', async () => {
    const providerStream = await stream(provider)
    const created = (await chair.request('POST', THREADS, { clauseId, scope: 'constituency', body: 'Steering only: agenda for the review' })).body as ThreadView
    expect(created.constituency).toBe('steering')
    expect((await observer.request('GET', `${THREADS}/${created.id}`)).status).toBe(200)
    expect((await provider.request('GET', `${THREADS}/${created.id}`)).status).toBe(404)
    expect((await purchaser.request('GET', `${THREADS}/${created.id}`)).status).toBe(404)
    const marker = (await chair.request('POST', THREADS, { clauseId, scope: 'everyone', body: 'Public note' })).body as ThreadView
    await providerStream.next(mentionsThread(marker.id), 'the public note')
    expect(providerStream.raw).not.toContain(created.id)
  })

  it('streams with the headers of server-sent events, heartbeats, and refuses a non-member', async () => {
    const s = await stream(purchaser)
    expect(s.status).toBe(200)
    expect(s.headers!.get('content-type')).toMatch(/^text\/event-stream/)
    expect(s.headers!.get('cache-control')).toBe('no-cache')
    expect(s.headers!.get('x-accel-buffering')).toBe('no')
    await s.next((e) => e.type === 'inbox', 'the unread count')
    const deadline = Date.now() + 5000
    while (!s.raw.includes(': heartbeat') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(s.raw).toContain(': heartbeat\n\n')

    await addPerson(server, { email: 'stranger@demo.test', name: 'Sam Stranger', organisationId: 'northern-care', role: null })
    const stranger = await EventStream.open(server, await signedIn(server, 'stranger@demo.test'))
    expect(stranger.status).toBe(404)
    expect(stranger.raw).not.toContain('snapshot')
  })

  it('closes a removed member’s stream at once, and they read nothing more', async () => {
    const colleagueStream = await stream(colleague)
    await colleagueStream.next((e) => e.type === 'snapshot', 'the snapshot')
    const colleagueId = await idOf(server, 'colleague@demo.test')
    expect((await chair.request('DELETE', `/api/contracts/${CONTRACT}/members/${colleagueId}`)).status).toBe(204)
    await colleagueStream.ended()
    expect(colleagueStream.isEnded).toBe(true)
    expect((await colleague.request('GET', THREADS)).status).toBe(404)
    expect((await EventStream.open(server, colleague)).status).toBe(404)
  })
})

describe('comment streams at shutdown', () => {
  it('ends every open stream when the server closes, so the server closes promptly', async () => {
    const server = await startTestServer({ members: true })
    try {
      const streams = [await EventStream.open(server, await signedIn(server, 'chair@demo.test')), await EventStream.open(server, await signedIn(server, 'provider@demo.test'))]
      for (const s of streams) await s.next((e) => e.type === 'snapshot', 'the snapshot')
      expect(server.commentEvents.streamCount).toBe(2)
      const started = Date.now()
      await server.close()
      expect(Date.now() - started).toBeLessThan(5000)
      for (const s of streams) await s.ended()
      expect(server.commentEvents.streamCount).toBe(0)
    } finally {
      await server.dispose()
    }
  })
})
