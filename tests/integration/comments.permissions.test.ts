/**
 * Comment operations over HTTP against a real server with the demo seeded: who may do what
 * (every operation, every role, and a non-member), the 400s of malformed input, CSRF, and
 * hostile text stored verbatim and never turned into markup or a script link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tokenizeComment } from '../../shared/domain/mentions.ts'
import { MAX_COMMENT_LENGTH, type ThreadView } from '../../shared/protocol/comments.ts'
import type { ApiClient } from '../helpers/httpClient.ts'
import { CONTRACT, addPerson, anchorOf, clauseElements, signedIn, storedDocument } from '../helpers/commentFixtures.ts'
import { type TestServer, startTestServer } from '../helpers/testServer.ts'

const THREADS = `/api/contracts/${CONTRACT}/threads`

describe('comment permissions', () => {
  let server: TestServer
  let clauseId: string
  const as: Record<string, ApiClient> = {}

  /** A fresh `everyone` thread started by `who`. */
  async function threadBy(who: string, body = `A point from ${who}`): Promise<ThreadView> {
    const response = await as[who]!.request('POST', THREADS, { clauseId, body, scope: 'everyone' })
    expect(response.status, JSON.stringify(response.body)).toBe(201)
    return response.body
  }

  beforeAll(async () => {
    server = await startTestServer({ members: true })
    clauseId = String(clauseElements(await storedDocument(server))[1]!.getAttribute('clauseId'))
    await addPerson(server, { email: 'editor@demo.test', name: 'Eddie Editor', organisationId: 'steering-group', role: 'editor' })
    await addPerson(server, { email: 'outsider@demo.test', name: 'Otto Outsider', organisationId: 'shire-county', role: null })
    for (const [who, email] of Object.entries({
      owner: 'chair@demo.test',
      editor: 'editor@demo.test',
      suggester: 'provider@demo.test',
      commenter: 'purchaser@demo.test',
      viewer: 'observer@demo.test',
      outsider: 'outsider@demo.test',
    })) {
      as[who] = await signedIn(server, email)
    }
  })
  afterAll(async () => {
    await server.dispose()
  })

  it('lets every member read the threads, and answers a non-member as if the contract did not exist', async () => {
    await threadBy('commenter')
    for (const who of ['owner', 'editor', 'suggester', 'commenter', 'viewer']) {
      const response = await as[who]!.request('GET', THREADS)
      expect(response.status, who).toBe(200)
      expect(response.body.length, who).toBeGreaterThan(0)
    }
    const outsider = await as.outsider!.request('GET', THREADS)
    const nowhere = await as.outsider!.request('GET', '/api/contracts/no-such-contract/threads')
    expect(outsider.status).toBe(404)
    expect(outsider.body).toEqual(nowhere.body)
    expect(outsider.body.error.code).toBe('not_found')
  })

  it('refuses callers who are not signed in with 401', async () => {
    const anonymous = new (as.owner!.constructor as typeof ApiClient)(server.url)
    expect((await anonymous.request('GET', THREADS)).status).toBe(401)
    expect((await anonymous.request('POST', THREADS, { clauseId, body: 'x', scope: 'everyone' })).status).toBe(401)
    expect((await anonymous.request('GET', '/api/inbox')).status).toBe(401)
  })

  it.each([
    ['owner', 201],
    ['editor', 201],
    ['suggester', 201],
    ['commenter', 201],
    ['viewer', 403],
    ['outsider', 404],
  ])('starting a thread as %s answers %i', async (who, status) => {
    const response = await as[who]!.request('POST', THREADS, { clauseId, body: `Started by ${who}`, scope: 'everyone' })
    expect(response.status).toBe(status)
    if (status === 201) expect(response.body).toMatchObject({ clauseId, status: 'open', scope: 'everyone', comments: [{ body: `Started by ${who}` }] })
    else expect(response.body.error.code).toBe(status === 403 ? 'forbidden' : 'not_found')
  })

  it.each([
    ['owner', 201],
    ['editor', 201],
    ['suggester', 201],
    ['commenter', 201],
    ['viewer', 403],
    ['outsider', 404],
  ])('replying as %s answers %i', async (who, status) => {
    const thread = await threadBy('suggester')
    const response = await as[who]!.request('POST', `${THREADS}/${thread.id}/comments`, { body: `Reply by ${who}` })
    expect(response.status).toBe(status)
    if (status === 201) expect(response.body.comments.map((c: { body: string }) => c.body)).toEqual([thread.comments[0]!.body, `Reply by ${who}`])
  })

  it.each([
    ['owner', 200],
    ['editor', 200],
    ['suggester (the thread’s author)', 200],
    ['commenter', 403],
    ['viewer', 403],
    ['outsider', 404],
  ])('resolving the suggester’s thread as %s answers %i', async (label, status) => {
    const who = label.split(' ')[0]!
    const thread = await threadBy('suggester')
    const before = Date.now()
    const response = await as[who]!.request('PATCH', `${THREADS}/${thread.id}`, { status: 'resolved' })
    expect(response.status).toBe(status)
    const after = (await as.suggester!.request('GET', `${THREADS}/${thread.id}`)).body as ThreadView
    if (status === 200) {
      const me = (await as[who]!.request('GET', '/api/session')).body.user.id
      expect(after).toMatchObject({ status: 'resolved', resolvedBy: me })
      expect(after.resolvedAt).toBeGreaterThanOrEqual(before)
    } else {
      expect(after).toMatchObject({ status: 'open', resolvedBy: null, resolvedAt: null })
    }
  })

  it('lets a commenter resolve and reopen their own thread, clearing who resolved it', async () => {
    const thread = await threadBy('commenter')
    expect((await as.commenter!.request('PATCH', `${THREADS}/${thread.id}`, { status: 'resolved' })).body.status).toBe('resolved')
    const reopened = await as.commenter!.request('PATCH', `${THREADS}/${thread.id}`, { status: 'open' })
    expect(reopened.body).toMatchObject({ status: 'open', resolvedBy: null, resolvedAt: null })
    // Reopening someone else's thread is moderation too.
    await as.owner!.request('PATCH', `${THREADS}/${thread.id}`, { status: 'resolved' })
    expect((await as.suggester!.request('PATCH', `${THREADS}/${thread.id}`, { status: 'open' })).status).toBe(403)
  })

  it.each(['owner', 'editor', 'commenter', 'viewer', 'outsider'])('editing and deleting the suggester’s comment as %s is refused', async (who) => {
    const thread = await threadBy('suggester', 'Original words')
    const comment = thread.comments[0]!
    const url = `${THREADS}/${thread.id}/comments/${comment.id}`
    const edit = await as[who]!.request('PATCH', url, { body: 'Changed by someone else' })
    const remove = await as[who]!.request('DELETE', url)
    const expected = who === 'outsider' ? 404 : 403
    expect(edit.status).toBe(expected)
    expect(remove.status).toBe(expected)
    const after = (await as.suggester!.request('GET', `${THREADS}/${thread.id}`)).body as ThreadView
    expect(after.comments).toEqual([comment])
  })

  it('lets the author edit their comment (marked edited) and delete it', async () => {
    const thread = await threadBy('suggester', 'First draft of a point')
    const url = `${THREADS}/${thread.id}/comments/${thread.comments[0]!.id}`
    const edited = await as.suggester!.request('PATCH', url, { body: '  Second draft of a point  ' })
    expect(edited.status).toBe(200)
    expect(edited.body.comments[0]).toMatchObject({ body: 'Second draft of a point', editedAt: expect.any(Number) })
    expect((await as.suggester!.request('DELETE', url)).status).toBe(204)
    // Its only comment gone, the thread is gone.
    expect((await as.suggester!.request('GET', `${THREADS}/${thread.id}`)).status).toBe(404)
  })

  it('keeps a thread whose first comment is deleted after a reply, with the first as a tombstone', async () => {
    const thread = await threadBy('suggester', 'A point worth answering')
    const reply = (await as.commenter!.request('POST', `${THREADS}/${thread.id}/comments`, { body: 'An answer' })).body as ThreadView
    expect((await as.suggester!.request('DELETE', `${THREADS}/${thread.id}/comments/${thread.comments[0]!.id}`)).status).toBe(204)
    const kept = (await as.owner!.request('GET', `${THREADS}/${thread.id}`)).body as ThreadView
    expect(kept.comments).toEqual([{ ...thread.comments[0], body: '', mentions: [], deleted: true }, reply.comments[1]])
    // A tombstone cannot be edited back to life.
    expect((await as.suggester!.request('PATCH', `${THREADS}/${thread.id}/comments/${thread.comments[0]!.id}`, { body: 'back' })).status).toBe(404)
    // Once the last reply goes too, nothing is left to read: the thread goes.
    expect((await as.commenter!.request('DELETE', `${THREADS}/${thread.id}/comments/${reply.comments[1]!.id}`)).status).toBe(204)
    expect((await as.owner!.request('GET', `${THREADS}/${thread.id}`)).status).toBe(404)
  })

  it('a viewer may not edit their own comment written when they could comment', async () => {
    const { id: observerId } = (await as.viewer!.request('GET', '/api/session')).body.user
    await server.store.accounts.setRole(CONTRACT, observerId, 'commenter')
    const thread = (await as.viewer!.request('POST', THREADS, { clauseId, body: 'Written as a commenter', scope: 'everyone' })).body as ThreadView
    await server.store.accounts.setRole(CONTRACT, observerId, 'viewer')
    const url = `${THREADS}/${thread.id}/comments/${thread.comments[0]!.id}`
    expect((await as.viewer!.request('PATCH', url, { body: 'Now a viewer' })).status).toBe(403)
    expect((await as.viewer!.request('DELETE', url)).status).toBe(403)
    expect((await as.viewer!.request('PATCH', `${THREADS}/${thread.id}`, { status: 'resolved' })).status).toBe(403)
  })

  it('refuses a change without the CSRF token', async () => {
    const thread = await threadBy('commenter')
    const noToken = { 'X-CSRF-Token': '' }
    expect((await as.commenter!.request('POST', THREADS, { clauseId, body: 'x', scope: 'everyone' }, noToken)).status).toBe(403)
    expect((await as.commenter!.request('POST', `${THREADS}/${thread.id}/comments`, { body: 'x' }, noToken)).body.error.code).toBe('csrf')
    expect((await as.commenter!.request('PATCH', `${THREADS}/${thread.id}`, { status: 'resolved' }, noToken)).status).toBe(403)
    expect((await as.commenter!.request('DELETE', `${THREADS}/${thread.id}/comments/${thread.comments[0]!.id}`, undefined, noToken)).status).toBe(403)
    expect((await as.commenter!.request('POST', '/api/inbox/read', { all: true }, noToken)).status).toBe(403)
    expect((await as.commenter!.request('GET', `${THREADS}/${thread.id}`)).body.comments).toHaveLength(1)
  })

  it.each([
    ['an empty body', { body: '   ' }, 'invalid_body'],
    ['a body that is not text', { body: ['a'] }, 'invalid_body'],
    ['a body too long', { body: 'x'.repeat(MAX_COMMENT_LENGTH + 1) }, 'invalid_body'],
    ['an unknown scope', { scope: 'steering-only' }, 'invalid_scope'],
    ['no clause', { clauseId: undefined }, 'invalid_clause'],
    ['a clause not in the contract', { clauseId: 'no-such-clause' }, 'unknown_clause'],
    ['an anchor that is not base64', { anchor: { from: '<script>', to: 'AAAA' } }, 'invalid_anchor'],
    ['an anchor of random bytes', { anchor: { from: 'AAAAAAAAAAAAAAAA', to: '////' } }, 'invalid_anchor'],
    ['an anchor with one end', { anchor: { from: 'AQID' } }, 'invalid_anchor'],
    ['a quote too long', { quote: 'q'.repeat(2001) }, 'invalid_quote'],
    ['a malformed suggestion id', { suggestionId: 'javascript:alert(1)' }, 'invalid_suggestion'],
    ['a suggestion not in the contract', { suggestionId: '12345.6' }, 'unknown_suggestion'],
    ['an unknown field', { colour: 'red' }, 'unknown_field'],
  ])('refuses a new thread with %s (400)', async (_what, change, code) => {
    const request = { clauseId, body: 'A comment', scope: 'everyone', ...change }
    const response = await as.commenter!.request('POST', THREADS, request)
    expect(response.status).toBe(400)
    expect(response.body.error.code).toBe(code)
    expect(typeof response.body.error.message).toBe('string')
  })

  it('refuses an anchor outside the thread’s clause, and malformed replies, statuses and read marks', async () => {
    const doc = await storedDocument(server)
    const { clauseId: otherClause, anchor } = anchorOf(doc, 'The parties agree to work in partnership')
    const elsewhere = clauseElements(doc).map((c) => String(c.getAttribute('clauseId'))).find((id) => id !== otherClause)!
    const outside = await as.commenter!.request('POST', THREADS, { clauseId: elsewhere, body: 'x', scope: 'everyone', anchor })
    expect(outside.status).toBe(400)
    expect(outside.body.error.code).toBe('anchor_outside_clause')

    const thread = await threadBy('commenter')
    expect((await as.commenter!.request('POST', `${THREADS}/${thread.id}/comments`, { body: '' })).status).toBe(400)
    expect((await as.commenter!.request('POST', `${THREADS}/${thread.id}/comments`, { body: 1 })).status).toBe(400)
    expect((await as.commenter!.request('PATCH', `${THREADS}/${thread.id}`, { status: 'closed' })).body.error.code).toBe('invalid_status')
    expect((await as.commenter!.request('PATCH', `${THREADS}/${thread.id}/comments/${thread.comments[0]!.id}`, { body: { text: 'x' } })).status).toBe(400)
    expect((await as.commenter!.request('POST', '/api/inbox/read', { ids: 'all' })).status).toBe(400)
    expect((await as.commenter!.request('POST', '/api/inbox/read', { ids: [1, 2] })).status).toBe(400)
    expect((await as.commenter!.request('POST', '/api/inbox/read', { all: 'yes' })).status).toBe(400)
    expect((await as.commenter!.request('POST', `${THREADS}/no-such-thread/comments`, { body: 'x' })).status).toBe(404)
  })

  it('stores hostile text verbatim, answers it as JSON strings, and never tokenizes a script link', async () => {
    const payloads = [
      '<img src=x onerror=alert(1)>',
      '<script>alert(document.cookie)</script>',
      '[click me](javascript:alert(1)) javascript:alert(1) JAVASCRIPT:alert(1)',
      '"><svg onload=alert(1)> @[<b>Chris</b>](javascript) https://ok.example/?q=<x>',
    ]
    for (const body of payloads) {
      const created = await as.commenter!.request('POST', THREADS, { clauseId, body, scope: 'everyone', quote: '<iframe src=javascript:alert(1)>' })
      expect(created.status).toBe(201)
      expect(created.headers.get('content-type')).toMatch(/^application\/json/)
      expect(created.headers.get('x-content-type-options')).toBe('nosniff')
      const read = await as.owner!.request('GET', `${THREADS}/${created.body.id}`)
      expect(read.body.comments[0].body).toBe(body)
      expect(read.body.quote).toBe('')
      for (const segment of tokenizeComment(read.body.comments[0].body)) {
        if (segment.type === 'link') expect(['http:', 'https:', 'mailto:']).toContain(new URL(segment.href).protocol)
      }
      expect(tokenizeComment(body).some((s) => s.type === 'link' && /javascript/i.test(s.href))).toBe(false)
    }
  })
})
