/**
 * Anchors against a live contract edited by stock y-websocket providers: a thread's passage
 * keeps its place through concurrent insertions before and inside it; when the passage is
 * deleted the thread stays, detached, with its quote and clause; when the clause is deleted it
 * is on a removed clause; and all of it is still there after a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { WebsocketProvider } from 'y-websocket'
import type { ThreadView } from '../../shared/protocol/comments.ts'
import { getBody, getSuggestions } from '../../shared/ydoc/schema.ts'
import type { ApiClient } from '../helpers/httpClient.ts'
import { CONTRACT, EventStream, addPerson, anchorOf, clauseById, clauseContaining, signedIn, storedDocument, textAt } from '../helpers/commentFixtures.ts'
import { type TestServer, connectProvider, startTestServer, waitFor, whenSynced } from '../helpers/testServer.ts'

const THREADS = `/api/contracts/${CONTRACT}/threads`
const PASSAGE = 'The parties agree to work in partnership'

/** Reads `read()` until `accept` holds, or fails naming `what`. */
async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (accept(value)) return value
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last seen ${JSON.stringify(value).slice(0, 300)}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

describe('comment anchors', () => {
  let server: TestServer
  let commenter: ApiClient
  const providers: WebsocketProvider[] = []

  async function editorDoc(email: string): Promise<Y.Doc> {
    const client = await signedIn(server, email)
    const { token } = (await client.request('POST', '/api/tokens', {})).body
    const doc = new Y.Doc()
    const provider = connectProvider(server.wsUrl, CONTRACT, doc, { token })
    providers.push(provider)
    await whenSynced(provider)
    return doc
  }

  beforeAll(async () => {
    server = await startTestServer({ members: true })
    await addPerson(server, { email: 'editor@demo.test', name: 'Eddie Editor', organisationId: 'steering-group', role: 'editor' })
    commenter = await signedIn(server, 'purchaser@demo.test')
  })
  afterAll(async () => {
    for (const provider of providers) provider.destroy()
    await server.dispose()
  })

  it('follows its passage through concurrent edits, is detached when it is deleted, and on a removed clause when the clause goes, across a restart', async () => {
    const chairDoc = await editorDoc('chair@demo.test')
    const editorsDoc = await editorDoc('editor@demo.test')
    const { clauseId, anchor } = anchorOf(chairDoc, PASSAGE)
    const started = await commenter.request('POST', THREADS, { clauseId, scope: 'everyone', anchor, quote: PASSAGE, body: 'Partnership needs a definition.' })
    expect(started.status).toBe(201)
    const thread = started.body as ThreadView
    expect(thread).toMatchObject({ detached: false, clauseRemoved: false, quote: PASSAGE, anchor })
    const wholeClause = (await commenter.request('POST', THREADS, { clauseId, scope: 'everyone', body: 'The whole clause is vague.' })).body as ThreadView
    expect(wholeClause).toMatchObject({ anchor: null, quote: '', detached: false })

    // Two people type at once, before either sees the other: one before the passage, one inside it.
    const before = clauseContaining(chairDoc, PASSAGE)
    const inside = clauseContaining(editorsDoc, PASSAGE)
    before.text.insert(before.index, 'In every case, ')
    inside.text.insert(inside.index + 'The parties '.length, 'always ')
    const expected = 'The parties always agree to work in partnership'
    const bodyText = (doc: Y.Doc) => getBody(doc).toString()
    await waitFor(() => bodyText(chairDoc).includes(`In every case, ${expected}`) && bodyText(editorsDoc) === bodyText(chairDoc), 'the two edits to converge')
    expect(textAt(chairDoc, anchor)).toBe(expected)
    expect(textAt(editorsDoc, anchor)).toBe(expected)
    const onServer = await eventually(() => storedDocument(server), (doc) => textAt(doc, anchor) === expected, 'the server to store both edits')
    expect(textAt(onServer, anchor)).toBe(expected)
    expect((await commenter.request('GET', `${THREADS}/${thread.id}`)).body.detached).toBe(false)

    // The passage is deleted (with the words typed into it): the thread stays, detached, in its clause.
    const passage = clauseContaining(chairDoc, expected)
    passage.text.delete(passage.index, expected.length)
    const detached = await eventually(() => commenter.request('GET', `${THREADS}/${thread.id}`), (r) => r.body.detached === true, 'the thread to be detached')
    expect(detached.body).toMatchObject({ id: thread.id, clauseId, quote: PASSAGE, detached: true, clauseRemoved: false, comments: thread.comments })
    expect((await commenter.request('GET', `${THREADS}/${wholeClause.id}`)).body).toMatchObject({ detached: false, clauseRemoved: false })

    // The clause itself is deleted: both threads stay, on a removed clause.
    const clause = clauseById(chairDoc, clauseId)
    const parent = clause.parent as Y.XmlFragment | Y.XmlElement
    parent.delete(parent.toArray().indexOf(clause), 1)
    const removed = await eventually(() => commenter.request('GET', THREADS), (r) => r.body.filter((t: ThreadView) => t.clauseRemoved).length === 2, 'both threads on a removed clause')
    for (const id of [thread.id, wholeClause.id]) {
      expect(removed.body.find((t: ThreadView) => t.id === id)).toMatchObject({ clauseId, detached: true, clauseRemoved: true })
    }

    // After a restart (no room loaded: the stored document is read), all is as it was.
    for (const provider of providers.splice(0)) provider.destroy()
    server = await server.restart()
    commenter = await signedIn(server, 'purchaser@demo.test')
    const threads = (await commenter.request('GET', THREADS)).body as ThreadView[]
    expect(threads.find((t) => t.id === thread.id)).toMatchObject({ quote: PASSAGE, detached: true, clauseRemoved: true, comments: thread.comments })
    expect(threads.find((t) => t.id === wholeClause.id)).toMatchObject({ detached: true, clauseRemoved: true })
  })

  it('judges anchors against the loaded room while people edit: a partly deleted passage stays attached, a wholly deleted one detaches and is pushed to listeners', async () => {
    const doc = await editorDoc('chair@demo.test')
    expect(server.sync.loadedRoomCount).toBe(1)
    const words = 'The Provider will confirm within two working days'
    const { clauseId, anchor } = anchorOf(doc, words)
    const thread = (await commenter.request('POST', THREADS, { clauseId, scope: 'everyone', anchor, quote: words, body: 'Two days is tight.' })).body as ThreadView
    expect(thread.detached).toBe(false)
    // Deleting just the end of the passage keeps it attached; deleting the rest detaches it.
    const place = clauseContaining(doc, words)
    place.text.delete(place.index + 'The Provider will confirm'.length, ' within two working days'.length)
    await eventually(() => storedDocument(server), (stored) => textAt(stored, anchor) === 'The Provider will confirm', 'the partial deletion to be stored')
    expect((await commenter.request('GET', `${THREADS}/${thread.id}`)).body.detached).toBe(false)
    // Someone following the stream hears of the detachment without asking.
    const stream = await EventStream.open(server, commenter)
    try {
      await stream.next((e) => e.type === 'snapshot', 'the snapshot')
      place.text.delete(place.index, 'The Provider will confirm'.length)
      const pushed = await stream.next((e) => e.type === 'thread' && e.thread.id === thread.id, 'the detached thread pushed')
      expect(pushed).toMatchObject({ type: 'thread', thread: { id: thread.id, detached: true, clauseRemoved: false, quote: words } })
      expect((await commenter.request('GET', `${THREADS}/${thread.id}`)).body.detached).toBe(true)
      // Only the thread whose placement changed was pushed.
      expect(stream.events.filter((e) => e.type === 'thread')).toHaveLength(1)
    } finally {
      stream.close()
    }
  })

  it('hangs a thread on a tracked suggestion that is in the contract, and keeps it when the suggestion goes', async () => {
    const doc = await editorDoc('chair@demo.test')
    const chairId = (await (await signedIn(server, 'chair@demo.test')).request('GET', '/api/session')).body.user.id
    const suggestionId = `${doc.clientID}.1`
    getSuggestions(doc).set(suggestionId, { authorId: chairId, authorName: 'Chris Chair', organisation: 'National Steering Group', createdAt: Date.now() })
    const { clauseId } = clauseContaining(doc, 'The Provider will review the Placement Plan')
    const started = await eventually(
      () => commenter.request('POST', THREADS, { clauseId, scope: 'everyone', suggestionId, quote: 'the proposed wording', body: 'Why this change?' }),
      (r) => r.status !== 400 || r.body.error.code !== 'unknown_suggestion',
      'the suggestion to reach the server',
    )
    expect(started.status).toBe(201)
    expect(started.body).toMatchObject({ suggestionId, quote: 'the proposed wording', anchor: null, detached: false })
    getSuggestions(doc).delete(suggestionId)
    await eventually(() => storedDocument(server), (stored) => !getSuggestions(stored).has(suggestionId), 'the suggestion to be withdrawn')
    expect((await commenter.request('GET', `${THREADS}/${started.body.id}`)).body).toMatchObject({ suggestionId, detached: false })
  })
})
