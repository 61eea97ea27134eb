/**
 * The referee against forged updates: a script, not an editor, sends hand-made y-protocols
 * frames as real users of the demo contract (each signed in and holding a bearer token, sent as
 * `?token=` on the socket), and the server must refuse every change the sender's role, identity
 * or membership does not allow.
 *
 * Every refusal is checked the same way: the close code; nothing reached the store (its
 * `lastSeq` is unchanged); no other connection was sent anything; and the document a fresh
 * client syncs is byte-for-byte the one it synced before, both at once and after a restart.
 * One positive control (the chair's legitimate edit is stored) shows those checks can fail.
 *
 * Each rule starts its own server on a copy of one seeded data directory, so the demo's
 * accounts and tokens are created (and their passwords hashed) only once per file.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode } from '../../shared/protocol/closeCodes.ts'
import { suggestionId } from '../../shared/domain/suggestions.ts'
import { getBody, getClauses, getMeta, getSuggestions } from '../../shared/ydoc/schema.ts'
import { change } from '../helpers/brokenUpdates.ts'
import { ApiClient } from '../helpers/httpClient.ts'
import { RawSyncClient } from '../helpers/RawSyncClient.ts'
import { RecordingSocket, updateFrame } from '../helpers/rawFrames.ts'
import { DEMO_PASSWORD, type TestServer, startTestServer, waitFor } from '../helpers/testServer.ts'

const CONTRACT = 'children-homes'
/** A second contract, whose only member is someone outside the demo contract. */
const OTHER_CONTRACT = 'fostering-agency'

const CHAIR = 'chair@demo.test'
const PROVIDER = 'provider@demo.test'
const PURCHASER = 'purchaser@demo.test'
const OBSERVER = 'observer@demo.test'
/** A second editor of the demo contract: the demo has only one editor-capable user. */
const SECOND_EDITOR = 'second.editor@demo.test'
/** The only member of the other contract. */
const OUTSIDER = 'fostering.lead@demo.test'
const EVERYONE = [CHAIR, PROVIDER, PURCHASER, OBSERVER, SECOND_EDITOR, OUTSIDER] as const
type Person = (typeof EVERYONE)[number]

/** A Yjs clientID chosen by the tests (the demo's own is random, and bound to the chair). */
const CHAIR_CLIENT_ID = 424_242

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The body's first clause: heading, paragraphs, sub-clauses (the demo has 20+ of them). */
function firstClause(doc: Y.Doc): Y.XmlElement {
  return getBody(doc).get(0) as Y.XmlElement
}

/** The text of the first clause's first paragraph: base text, written by the chair's seed. */
function firstParagraphText(doc: Y.Doc): Y.XmlText {
  const paragraph = firstClause(doc)
    .toArray()
    .find((node): node is Y.XmlElement => node instanceof Y.XmlElement && node.nodeName === 'paragraph')!
  return paragraph.get(0) as Y.XmlText
}

/** A new paragraph right after the first clause's heading, where the editor's schema allows one. */
function insertParagraph(doc: Y.Doc, text: string): void {
  const paragraph = new Y.XmlElement('paragraph')
  paragraph.insert(0, [new Y.XmlText(text)])
  firstClause(doc).insert(1, [paragraph])
}

/**
 * An update message with a paragraph under a fresh clientID and no dependencies: a script can
 * send it before the server has answered anything.
 */
function forgedUpdateFrame(): Uint8Array {
  const doc = new Y.Doc()
  const paragraph = new Y.XmlElement('paragraph')
  paragraph.insert(0, [new Y.XmlText('Sent before the server said who may write.')])
  getBody(doc).insert(0, [paragraph])
  return updateFrame(Y.encodeStateAsUpdate(doc))
}

/** How `socket` closed, or a failure naming `what` if it is still open after `timeoutMs`. */
async function closeOf(socket: { readonly closed: Promise<{ code: number; reason: string }> }, what: string, timeoutMs = 5000): Promise<{ code: number; reason: string }> {
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: the socket is still open after ${timeoutMs} ms (the server accepted or ignored it)`)), timeoutMs)
  })
  try {
    return await Promise.race([socket.closed, timedOut])
  } finally {
    clearTimeout(timer)
  }
}

/** What a fresh client and the store can tell about the demo contract's document. */
interface Evidence {
  readonly lastSeq: number
  /** `Y.encodeStateAsUpdate` of a fresh client's synced doc. */
  readonly state: Uint8Array
  readonly stateVector: Uint8Array
  readonly bodyXml: string
}

describe('the referee against forged updates from real users', () => {
  /** A data directory with the demo seeded and the extra people and contract of these tests. */
  let template: string
  /** A bearer token per person, issued against the template (tokens live in the store). */
  const tokens = new Map<Person, string>()
  const userIds = new Map<Person, string>()

  let server: TestServer
  /** The chair, connected throughout: must be sent nothing of a refused update. */
  let bystander: RawSyncClient
  const cleanups: Array<() => Promise<unknown>> = []

  beforeAll(async () => {
    const seeding = await startTestServer({ members: true })
    template = seeding.dataDir
    const { accounts } = seeding.store
    const steering = (await accounts.listOrganisations()).find((o) => o.constituency === 'steering')!
    const second = await seeding.accounts.createUser({ email: SECOND_EDITOR, name: 'Eddie Second', organisationId: steering.id, password: DEMO_PASSWORD })
    await accounts.setRole(CONTRACT, second.id, 'editor')
    const outsider = await seeding.accounts.createUser({ email: OUTSIDER, name: 'Fran Fostering', organisationId: steering.id, password: DEMO_PASSWORD })
    await accounts.createContract({ id: OTHER_CONTRACT, title: 'Fostering agency contract', createdBy: outsider.id, createdAt: Date.now() })
    await accounts.setRole(OTHER_CONTRACT, outsider.id, 'owner')
    for (const email of EVERYONE) {
      const api = new ApiClient(seeding.url)
      const signedIn = await api.signIn(email, DEMO_PASSWORD)
      expect(signedIn.status, `${email} signs in`).toBe(200)
      userIds.set(email, signedIn.body.user.id)
      const issued = await api.request('POST', '/api/tokens', {})
      expect(issued.status, `${email} gets a token`).toBe(201)
      tokens.set(email, issued.body.token)
    }
    // Closed (flushed) before copying, so every copy starts from the same complete store.
    await seeding.close()
  })

  afterAll(() => {
    rmSync(template, { recursive: true, force: true })
  })

  beforeEach(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'concordat-referee-'))
    cpSync(template, dataDir, { recursive: true })
    server = await startTestServer({ members: true, dataDir })
    bystander = await connectAs(CHAIR)
  })

  afterEach(async () => {
    await Promise.allSettled(cleanups.splice(0).map((cleanup) => cleanup()))
    await server.dispose()
  })

  const tokenOf = (person: Person) => tokens.get(person)!
  const socketUrl = (contract: string, token?: string) => `${server.wsUrl}/${contract}${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`

  /** A raw sync client signed in as `person` (by its token), synced with the demo contract. */
  async function connectAs(person: Person, doc = new Y.Doc()): Promise<RawSyncClient> {
    const client = await RawSyncClient.connect(server.wsUrl, CONTRACT, { params: { token: tokenOf(person) }, doc })
    cleanups.push(() => client.close())
    await client.whenSynced()
    return client
  }

  /** Resolves once every update-bearing message `client` sent is acknowledged as durable. */
  async function whenAllAcknowledged(client: RawSyncClient): Promise<void> {
    await waitFor(() => client.acknowledged === client.updatesSent, 'the server acknowledges every update sent', 5000)
  }

  /** The document as the store and a fresh client (the chair, by token) see it now. */
  async function evidence(): Promise<Evidence> {
    const { lastSeq } = await server.store.loadDocument(CONTRACT)
    const reader = await connectAs(CHAIR)
    const found = {
      lastSeq,
      state: Y.encodeStateAsUpdate(reader.doc),
      stateVector: Y.encodeStateVector(reader.doc),
      bodyXml: getBody(reader.doc).toString(),
    }
    await reader.close()
    return found
  }

  function expectSameDocument(actual: Evidence, expected: Evidence, when: string): void {
    expect(actual.lastSeq, `the store's lastSeq ${when}`).toBe(expected.lastSeq)
    expect(actual.bodyXml, `the body a fresh client syncs ${when}`).toBe(expected.bodyXml)
    expect(Buffer.from(actual.stateVector).equals(Buffer.from(expected.stateVector)), `the state vector ${when}`).toBe(true)
    expect(Buffer.from(actual.state).equals(Buffer.from(expected.state)), `the full state a fresh client syncs ${when}, byte for byte`).toBe(true)
  }

  /**
   * Nothing of a refused update was kept: not in the store, not sent to the bystander, not in
   * the room a fresh client joins, and not after a restart (which replaces `server`).
   */
  async function expectNothingKept(before: Evidence, bystanderReceivedBefore: number): Promise<void> {
    // Give a wrongly accepted update time to be written ahead, applied and broadcast.
    await delay(100)
    expect(bystander.received.length, 'updates sent to another connection').toBe(bystanderReceivedBefore)
    expectSameDocument(await evidence(), before, 'at once')
    server = await server.restart()
    expectSameDocument(await evidence(), before, 'after a restart')
  }

  /**
   * `person` connects, synces, changes its copy with `forge` (as a script would, through the
   * y-protocols update message), and must be closed with `code`; nothing of it may be kept.
   */
  async function expectForgeryRefused(person: Person, forge: (doc: Y.Doc) => void, code: number = CloseCode.updateRejected): Promise<void> {
    const before = await evidence()
    const receivedBefore = bystander.received.length
    const forger = await connectAs(person)
    await whenAllAcknowledged(forger) // its (empty) sync step 2
    const sent = forger.updatesSent

    forge(forger.doc)
    expect(forger.updatesSent, 'the forgery is an update that changes the document').toBe(sent + 1)

    const closed = await closeOf(forger, 'the forged update')
    expect(closed.code, `closed because: ${closed.reason}`).toBe(code)
    expect(forger.acknowledged, 'the forged update is never acknowledged').toBe(sent)
    await expectNothingKept(before, receivedBefore)
  }

  describe('a role’s limits', () => {
    const forgeries: ReadonlyArray<{ person: Person; role: string; act: string; forge: (doc: Y.Doc) => void }> = [
      {
        person: OBSERVER,
        role: 'viewer',
        act: 'inserts a paragraph into the body',
        forge: (doc) => insertParagraph(doc, 'An observer’s paragraph'),
      },
      {
        person: PURCHASER,
        role: 'commenter',
        act: 'types into the body',
        forge: (doc) => firstParagraphText(doc).insert(0, 'The purchaser insists that '),
      },
      {
        person: PURCHASER,
        role: 'commenter',
        act: 'changes the title in meta',
        forge: (doc) => getMeta(doc).set('title', 'The purchaser’s contract'),
      },
      {
        person: PROVIDER,
        role: 'suggester',
        act: 'deletes base text written by the chair',
        forge: (doc) => firstParagraphText(doc).delete(0, 20),
      },
      {
        person: PROVIDER,
        role: 'suggester',
        act: 'inserts text without suggestion marks',
        forge: (doc) => firstParagraphText(doc).insert(0, 'Subject to the Provider’s fees, '),
      },
      {
        person: PROVIDER,
        role: 'suggester',
        act: 'inserts text marked with another person’s suggestion',
        forge: (doc) => firstParagraphText(doc).insert(0, 'Subject to fees, ', { insertion: { id: suggestionId(CHAIR_CLIENT_ID, 1) } }),
      },
      {
        person: PROVIDER,
        role: 'suggester',
        act: 'changes a clause’s status in the clauses map',
        forge: (doc) => {
          const clauseId = firstClause(doc).getAttribute('clauseId')!
          expect(getClauses(doc).get(clauseId), 'the clause has a status to change').toEqual({ status: 'drafting' })
          getClauses(doc).set(clauseId, { status: 'agreed' })
        },
      },
      {
        person: CHAIR,
        role: 'owner',
        act: 'writes a root the schema does not have',
        // A literal root name on purpose: the point is one that shared/ydoc/schema.ts lacks.
        forge: (doc) => doc.getMap('invented').set('smuggled', 'junk kept for ever'),
      },
    ]

    it.each(forgeries)('closes the $role ($person) with 4409 when it $act, keeping nothing', async ({ person, forge }) => {
      await expectForgeryRefused(person, forge)
    })

    it('accepts and stores the provider’s own suggestion: marked insertion, marked deletion, truthful record', async () => {
      const before = await evidence()
      const provider = await connectAs(PROVIDER)
      const id = suggestionId(provider.doc.clientID, 1)
      provider.doc.transact(() => {
        firstParagraphText(provider.doc).format(0, 3, { deletion: { id } })
        firstParagraphText(provider.doc).insert(0, 'Under this Contract, ', { insertion: { id } })
        getSuggestions(provider.doc).set(id, { authorId: userIds.get(PROVIDER)!, authorName: 'Priya Provider', organisation: 'Northern Care Homes Ltd', createdAt: Date.now() })
      })
      await whenAllAcknowledged(provider)
      expect(provider.isOpen).toBe(true)
      const after = await evidence()
      expect(after.lastSeq).toBeGreaterThan(before.lastSeq)
      expect(after.bodyXml).toContain(`<insertion id="${id}">Under this Contract, </insertion>`)
    })

    it('accepts, broadcasts and stores the chair’s legitimate edit (the positive control)', async () => {
      const before = await evidence()
      const receivedBefore = bystander.received.length
      const chair = await connectAs(CHAIR)

      firstParagraphText(chair.doc).delete(0, 3)
      insertParagraph(chair.doc, 'The chair’s agreed wording.')
      await whenAllAcknowledged(chair)

      expect(chair.isOpen).toBe(true)
      await waitFor(() => bystander.received.length > receivedBefore, 'the bystander is sent the edit')
      expect(getBody(bystander.doc).toString()).toBe(getBody(chair.doc).toString())
      const after = await evidence()
      expect(after.lastSeq, 'the store').toBeGreaterThan(before.lastSeq)
      expect(after.bodyXml).toContain('The chair’s agreed wording.')
      expect(after.bodyXml).toBe(getBody(chair.doc).toString())
      expect(Buffer.from(after.state).equals(Buffer.from(before.state))).toBe(false)

      server = await server.restart()
      const restarted = await evidence()
      expect(restarted.lastSeq).toBe(after.lastSeq)
      expect(restarted.bodyXml).toBe(after.bodyXml)
      expect(Buffer.from(restarted.stateVector).equals(Buffer.from(after.stateVector))).toBe(true)
    })
  })

  describe('a locked clause: nobody changes it until an owner unlocks it', () => {
    /** The chair (an owner) locks the first clause, as the clause menu does. */
    beforeEach(async () => {
      const chair = await connectAs(CHAIR)
      getClauses(chair.doc).set(firstClause(chair.doc).getAttribute('clauseId')!, { status: 'locked' })
      await whenAllAcknowledged(chair)
      expect(chair.isOpen, 'an owner may lock a clause').toBe(true)
      await chair.close()
    })

    const forgeries: ReadonlyArray<{ person: Person; act: string; forge: (doc: Y.Doc) => void }> = [
      { person: SECOND_EDITOR, act: 'an editor types into it', forge: (doc) => firstParagraphText(doc).insert(0, 'Notwithstanding clause 3, ') },
      { person: CHAIR, act: 'its owner types into it without unlocking it', forge: (doc) => firstParagraphText(doc).delete(0, 5) },
      { person: SECOND_EDITOR, act: 'an editor deletes it', forge: (doc) => getBody(doc).delete(0, 1) },
      {
        person: SECOND_EDITOR,
        act: 'an editor unlocks it',
        forge: (doc) => getClauses(doc).set(firstClause(doc).getAttribute('clauseId')!, { status: 'agreed' }),
      },
    ]

    it.each(forgeries)('closes the connection with 4409 when $act, keeping nothing', async ({ person, forge }) => {
      await expectForgeryRefused(person, forge)
    })

    it('accepts the editor’s edit once the owner has unlocked it', async () => {
      const chair = await connectAs(CHAIR)
      getClauses(chair.doc).set(firstClause(chair.doc).getAttribute('clauseId')!, { status: 'agreed' })
      await whenAllAcknowledged(chair)
      const editor = await connectAs(SECOND_EDITOR)
      firstParagraphText(editor.doc).insert(0, 'After unlocking, ')
      await whenAllAcknowledged(editor)
      expect(editor.isOpen).toBe(true)
      expect((await evidence()).bodyXml).toContain('After unlocking, ')
    })
  })

  describe('authorship: a clientID belongs to the first person who writes with it', () => {
    /** The chair writes under CHAIR_CLIENT_ID, which binds it to the chair. */
    async function chairWritesUnderTheChosenClientId(): Promise<void> {
      const doc = new Y.Doc()
      doc.clientID = CHAIR_CLIENT_ID
      const chair = await connectAs(CHAIR, doc)
      insertParagraph(chair.doc, 'Written by the chair under a known clientID.')
      await whenAllAcknowledged(chair)
      expect(chair.isOpen, 'the chair’s own clientID is accepted').toBe(true)
      await chair.close()
    }

    /** The second editor may write: a refusal below is about the clientID, not the role. */
    async function secondEditorWritesUnderItsOwnClientId(): Promise<void> {
      const editor = await connectAs(SECOND_EDITOR)
      insertParagraph(editor.doc, 'Written by the second editor under its own clientID.')
      await whenAllAcknowledged(editor)
      expect(editor.isOpen, 'the second editor’s own clientID is accepted').toBe(true)
      await editor.close()
    }

    it('closes another editor who writes under the chair’s clientID with 4409, keeping nothing, even after a restart', async () => {
      await chairWritesUnderTheChosenClientId()
      await secondEditorWritesUnderItsOwnClientId()

      await expectForgeryRefused(SECOND_EDITOR, (doc) => {
        doc.clientID = CHAIR_CLIENT_ID
        insertParagraph(doc, 'Put in the chair’s mouth.')
        expect(doc.clientID, 'the forged structs are under the chair’s clientID').toBe(CHAIR_CLIENT_ID)
      })

      // The binding is durable: the restarted server still knows whose clientID it is.
      await expectForgeryRefused(SECOND_EDITOR, (doc) => {
        doc.clientID = CHAIR_CLIENT_ID
        firstParagraphText(doc).insert(0, 'Still not the chair: ')
      })
    })

    it('keeps nothing of an update that mixes the editor’s own clientID with the chair’s', async () => {
      await chairWritesUnderTheChosenClientId()
      const before = await evidence()
      const receivedBefore = bystander.received.length
      const editor = await connectAs(SECOND_EDITOR)
      await whenAllAcknowledged(editor)

      // Built on script docs (not the connection's), then sent as one raw update message.
      const own = new Y.Doc()
      Y.applyUpdate(own, Y.encodeStateAsUpdate(editor.doc))
      const ownPart = change(own, () => insertParagraph(own, 'An honest paragraph of the editor’s.'))
      const impostor = new Y.Doc()
      Y.applyUpdate(impostor, Y.encodeStateAsUpdate(own))
      // Only now: Yjs gives a doc a new clientID when a remote update brings structs of its own.
      impostor.clientID = CHAIR_CLIENT_ID
      const impostorPart = change(impostor, () => insertParagraph(impostor, 'Put in the chair’s mouth.'))
      const mixed = Y.mergeUpdates([ownPart, impostorPart])
      const authors = new Set(Y.decodeUpdate(mixed).structs.map((struct) => struct.id.client))
      expect(authors, 'the forged update writes under both clientIDs').toEqual(new Set([own.clientID, CHAIR_CLIENT_ID]))
      editor.socket.send(updateFrame(mixed))

      expect((await closeOf(editor, 'the mixed update')).code).toBe(CloseCode.updateRejected)
      await expectNothingKept(before, receivedBefore)
    })

    it('lets a refused update claim no clientID: its rightful user still writes with it after a restart', async () => {
      // Yjs clientIDs are public (presence is keyed by them), so a suggester could try to claim
      // someone's before they type, with an update the referee refuses anyway.
      const chairsNextClientId = 777_777
      await expectForgeryRefused(PROVIDER, (doc) => {
        doc.clientID = chairsNextClientId
        firstParagraphText(doc).insert(0, 'Claimed: ')
      })
      const before = await evidence()

      const doc = new Y.Doc()
      doc.clientID = chairsNextClientId
      const chair = await connectAs(CHAIR, doc)
      insertParagraph(chair.doc, 'The chair writes under a clientID nobody has written with.')
      await whenAllAcknowledged(chair)

      expect(chair.isOpen, 'the chair’s update is accepted').toBe(true)
      expect((await evidence()).lastSeq).toBeGreaterThan(before.lastSeq)
    })
  })

  describe('who may connect at all', () => {
    /** Opens `url`, sends a forged update at once (held while the server authenticates), returns the close code. */
    async function connectAndForge(url: string): Promise<number> {
      const socket = await RecordingSocket.open(url, { onOpen: (opened) => opened.send(forgedUpdateFrame()) })
      cleanups.push(async () => socket.terminate())
      return (await closeOf(socket, url)).code
    }

    it('closes a member of one contract with 4403 on another, keeping nothing of what it sent', async () => {
      const before = await evidence()
      const receivedBefore = bystander.received.length
      // Each is a member of one contract: the outsider of the other one, the observer of the demo.
      const outsider = await RawSyncClient.connect(server.wsUrl, OTHER_CONTRACT, { params: { token: tokenOf(OUTSIDER) } })
      cleanups.push(() => outsider.close())
      await outsider.whenSynced()
      const outsiderReceived = outsider.received.length

      expect(await connectAndForge(socketUrl(OTHER_CONTRACT, tokenOf(OBSERVER))), 'the observer on the other contract').toBe(CloseCode.forbidden)
      expect(await connectAndForge(socketUrl(CONTRACT, tokenOf(OUTSIDER))), 'the outsider on the demo contract').toBe(CloseCode.forbidden)

      expect((await server.store.loadDocument(OTHER_CONTRACT)).lastSeq, 'the other contract’s store').toBe(0)
      expect(outsider.received.length, 'updates sent to the other contract’s member').toBe(outsiderReceived)
      await expectNothingKept(before, receivedBefore)
    })

    it('closes a connection with an invalid token with 4401, keeping nothing of what it sent', async () => {
      const before = await evidence()
      const receivedBefore = bystander.received.length
      expect(await connectAndForge(socketUrl(CONTRACT, 'not-a-token'))).toBe(CloseCode.unauthenticated)
      expect(await connectAndForge(socketUrl(CONTRACT, `${tokenOf(CHAIR)}x`)), 'the chair’s token, altered').toBe(CloseCode.unauthenticated)
      await expectNothingKept(before, receivedBefore)
    })

    it('closes a connection without a token or session with 4401, keeping nothing of what it sent', async () => {
      const before = await evidence()
      const receivedBefore = bystander.received.length
      expect(await connectAndForge(socketUrl(CONTRACT))).toBe(CloseCode.unauthenticated)
      await expectNothingKept(before, receivedBefore)
    })
  })

  describe('membership changes while connected', () => {
    it('refuses the next update (4409) of an editor lowered to viewer while connected, keeping nothing', async () => {
      const editor = await connectAs(SECOND_EDITOR)
      insertParagraph(editor.doc, 'Written while still an editor.')
      await whenAllAcknowledged(editor)
      expect(editor.isOpen, 'an editor’s update is accepted').toBe(true)

      const chair = new ApiClient(server.url)
      expect((await chair.signIn(CHAIR, DEMO_PASSWORD)).status).toBe(200)
      const lowered = await chair.request('PATCH', `/api/contracts/${CONTRACT}/members/${userIds.get(SECOND_EDITOR)}`, { role: 'viewer' })
      expect(lowered.status).toBe(204)
      await delay(100)
      expect(editor.isOpen, 'lowering a role does not disconnect').toBe(true)

      const before = await evidence()
      const receivedBefore = bystander.received.length
      const sent = editor.updatesSent
      insertParagraph(editor.doc, 'Written after becoming a viewer.')
      expect(editor.updatesSent).toBe(sent + 1)
      expect((await closeOf(editor, 'the viewer’s update')).code).toBe(CloseCode.updateRejected)
      expect(editor.acknowledged).toBe(sent)
      await expectNothingKept(before, receivedBefore)
    })

    it('closes a removed member’s open socket with 4403 at once, and refuses them on reconnecting', async () => {
      const before = await evidence()
      const receivedBefore = bystander.received.length
      const editor = await connectAs(SECOND_EDITOR)
      await whenAllAcknowledged(editor)

      const chair = new ApiClient(server.url)
      expect((await chair.signIn(CHAIR, DEMO_PASSWORD)).status).toBe(200)
      const removed = await chair.request('DELETE', `/api/contracts/${CONTRACT}/members/${userIds.get(SECOND_EDITOR)}`)
      expect(removed.status).toBe(204)
      const closed = await closeOf(editor, 'the removed member’s socket', 1000)
      expect(closed.code, 'closed within a second, without sending anything').toBe(CloseCode.forbidden)

      const again = await RecordingSocket.open(socketUrl(CONTRACT, tokenOf(SECOND_EDITOR)), {
        onOpen: (socket) => socket.send(forgedUpdateFrame()),
      })
      cleanups.push(async () => again.terminate())
      expect((await closeOf(again, 'reconnecting')).code, 'reconnecting').toBe(CloseCode.forbidden)
      await expectNothingKept(before, receivedBefore)
    })
  })
})
