/**
 * `inspectUpdate` is the referee's first step: it decodes an untrusted Yjs update and decides,
 * before anything is stored, whether the room's document could integrate it completely. An
 * update that does not decode is malformed (4400); one that needs changes the document does
 * not have is rejected (4409); anything else passes, saying who authored it and whether it
 * changes anything at all.
 *
 * The updates are made by real Y.Docs: `change(doc, edit)` is exactly the update a provider
 * would send for that edit.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as prng from 'lib0/prng'
import { type UpdateInspection, inspectUpdate } from '../../server/sync/inspectUpdate.ts'
import { SyncRefusal } from '../../server/sync/SyncRefusal.ts'
import { CloseCode } from '../../shared/protocol/closeCodes.ts'
import { getBody } from '../../shared/ydoc/schema.ts'
import { change, docWithClient, selfReferencingUpdate, updateNamingAClientTwice, updateWithCrossedOrigins } from '../helpers/brokenUpdates.ts'
import { readParagraphs, writeParagraphs } from '../helpers/documents.ts'

/** A document writing under a fixed clientID, so failures name the same clients every run. */
const docOf = (clientId: number) => docWithClient(clientId)

/** A copy of `source` that writes under its own clientID, as a second person's browser would. */
const copyOf = (source: Y.Doc, clientId: number) => docWithClient(clientId, Y.encodeStateAsUpdate(source))

/** Inspects `update` as the room holding `doc` would. */
function inspectAgainst(doc: Y.Doc, update: Uint8Array): UpdateInspection {
  return inspectUpdate(update, (client) => Y.getState(doc.store, client))
}

/** The close code `inspect` refuses with; fails the test if it passes or throws anything else. */
function refusalCode(inspect: () => unknown): number {
  try {
    inspect()
  } catch (error) {
    expect(error).toBeInstanceOf(SyncRefusal)
    return (error as SyncRefusal).code
  }
  throw new Error('The update was accepted')
}

/** A paragraph's text node, for typing into it. */
function textOf(doc: Y.Doc, index: number): Y.XmlText {
  return (getBody(doc).get(index) as Y.XmlElement).get(0) as Y.XmlText
}

describe('inspectUpdate', () => {
  it('passes a new update, naming its author and calling it effective', () => {
    const server = docOf(1)
    const alice = docOf(10)
    const update = change(alice, () => writeParagraphs(alice, ['1. Definitions', '2. Placement']))

    const inspection = inspectAgainst(server, update)

    expect([...inspection.authoringClients]).toEqual([10])
    expect(inspection.isEffective).toBe(true)
  })

  it('passes an update that builds on text the document already has', () => {
    const alice = docOf(10)
    writeParagraphs(alice, ['Fees'])
    const server = copyOf(alice, 1)
    const bob = copyOf(alice, 20)
    const update = change(bob, () => textOf(bob, 0).insert(4, ' and payment'))

    const inspection = inspectAgainst(server, update)

    expect([...inspection.authoringClients]).toEqual([20])
    expect(inspection.isEffective).toBe(true)
  })

  it('passes a merged update from several people, naming each of them', () => {
    const server = docOf(1)
    const alice = docOf(10)
    const first = change(alice, () => writeParagraphs(alice, ['Definitions']))
    const bob = copyOf(alice, 20)
    const second = change(bob, () => textOf(bob, 0).insert(0, '1. '))

    const inspection = inspectAgainst(server, Y.mergeUpdates([first, second]))

    expect([...inspection.authoringClients].sort()).toEqual([10, 20])
    expect(inspection.isEffective).toBe(true)
  })

  it('calls an update the document already has not effective, with no authors', () => {
    const alice = docOf(10)
    const update = change(alice, () => writeParagraphs(alice, ['Termination']))
    const server = docOf(1)
    Y.applyUpdate(server, update)

    const inspection = inspectAgainst(server, update)

    expect(inspection.authoringClients.size).toBe(0)
    expect(inspection.isEffective).toBe(false)
  })

  it('calls an empty update (a fresh client’s sync step 2) not effective', () => {
    const server = copyOf(docOf(10), 1)
    const inspection = inspectAgainst(server, Y.encodeStateAsUpdate(docOf(30), Y.encodeStateVector(server)))

    expect(inspection.isEffective).toBe(false)
  })

  it('calls a deletion of known text effective though it authors nothing', () => {
    const alice = docOf(10)
    writeParagraphs(alice, ['Complaints'])
    const server = copyOf(alice, 1)
    const bob = copyOf(alice, 20)
    const update = change(bob, () => getBody(bob).delete(0, 1))

    const inspection = inspectAgainst(server, update)

    expect(inspection.authoringClients.size).toBe(0)
    expect(inspection.isEffective).toBe(true)
  })

  it('rejects (4409) an update whose first change comes after changes the document lacks', () => {
    const alice = docOf(10)
    change(alice, () => writeParagraphs(alice, ['One']))
    change(alice, () => writeParagraphs(alice, ['Two']))
    const third = change(alice, () => writeParagraphs(alice, ['Three']))

    expect(refusalCode(() => inspectAgainst(docOf(1), third))).toBe(CloseCode.updateRejected)
  })

  it('rejects (4409) an item placed next to text neither the document nor the update has', () => {
    const alice = docOf(10)
    writeParagraphs(alice, ['Safeguarding'])
    const bob = copyOf(alice, 20)
    const update = change(bob, () => textOf(bob, 0).insert('Safeguarding'.length, ' children'))
    const server = docOf(1)

    expect(refusalCode(() => inspectAgainst(server, update))).toBe(CloseCode.updateRejected)
    // The same update is fine where Alice's text is present: the refusal is about the origin.
    Y.applyUpdate(server, Y.encodeStateAsUpdate(alice))
    expect(inspectAgainst(server, update).isEffective).toBe(true)
  })

  it('rejects (4409) an item inside a paragraph neither the document nor the update has', () => {
    const alice = docOf(10)
    getBody(alice).insert(0, [new Y.XmlElement('paragraph')])
    const bob = copyOf(alice, 20)
    const update = change(bob, () => (getBody(bob).get(0) as Y.XmlElement).insert(0, [new Y.XmlText('Education')]))

    expect(refusalCode(() => inspectAgainst(docOf(1), update))).toBe(CloseCode.updateRejected)
  })

  it('rejects (4409) a deletion of text the document does not have', () => {
    const alice = docOf(10)
    writeParagraphs(alice, ['Health', 'Contact'])
    const bob = copyOf(alice, 20)
    const update = change(bob, () => getBody(bob).delete(0, 2))

    expect(refusalCode(() => inspectAgainst(docOf(1), update))).toBe(CloseCode.updateRejected)
  })

  it('rejects (4409) a merged update when any part of it lacks its dependencies', () => {
    const alice = docOf(10)
    const valid = change(alice, () => writeParagraphs(alice, ['Valid on its own']))
    const carol = docOf(30)
    change(carol, () => writeParagraphs(carol, ['Unseen']))
    const gap = change(carol, () => writeParagraphs(carol, ['Depends on the unseen']))

    expect(refusalCode(() => inspectAgainst(docOf(1), Y.mergeUpdates([valid, gap])))).toBe(CloseCode.updateRejected)
  })

  it('refuses (4400) bytes that are not an update, whatever they are', () => {
    const random = prng.create(0x5eed) // seeded: the same bytes every run
    const samples = [Uint8Array.of(), Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), new TextEncoder().encode('{"body":"text"}')]
    for (let i = 0; i < 1000; i++) samples.push(prng.uint8Array(random, prng.int32(random, 1, 64)))

    const codes = new Set(samples.map((bytes) => refusalCode(() => inspectAgainst(docOf(1), bytes))))

    expect([...codes]).toEqual([CloseCode.malformed])
  })

  it('refuses every truncation of a valid update with a refusal (4400 or 4409), never another error', () => {
    const alice = docOf(10)
    writeParagraphs(alice, ['1. Definitions', '2. The placement of a child'])
    getBody(alice).delete(0, 1)
    const update = Y.encodeStateAsUpdate(alice)

    for (let length = 0; length < update.byteLength; length++) {
      // A fresh copy, so a decoder reading past the end cannot find the rest of the update.
      const truncated = update.slice(0, length)
      expect([CloseCode.malformed, CloseCode.updateRejected], `truncated to ${length} bytes`).toContain(refusalCode(() => inspectAgainst(docOf(1), truncated)))
    }
  })

  it('refuses (4400) an item that refers to a later change of its own client, which Yjs cannot apply', () => {
    const update = selfReferencingUpdate(7, 'boom')
    // Applying it throws inside Yjs: after a write ahead, the room could never load again.
    expect(() => Y.applyUpdate(new Y.Doc(), update)).toThrow()

    expect(refusalCode(() => inspectAgainst(docOf(1), update))).toBe(CloseCode.malformed)
  })

  it('refuses (4400) an update that names the same client in two sections, which Yjs would half apply', () => {
    const update = updateNamingAClientTwice(7)
    const halfApplied = new Y.Doc()
    Y.applyUpdate(halfApplied, update)
    expect(readParagraphs(halfApplied)).toEqual([])
    expect(halfApplied.store.pendingStructs).not.toBeNull()

    expect(refusalCode(() => inspectAgainst(docOf(1), update))).toBe(CloseCode.malformed)
  })

  it('refuses items whose origins wait on each other in a cycle, which Yjs would keep pending for ever (4409)', () => {
    const update = updateWithCrossedOrigins(8, 9)
    expect(refusalCode(() => inspectAgainst(new Y.Doc(), update))).toBe(CloseCode.updateRejected)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, update)
    expect(doc.store.pendingStructs).not.toBeNull()
  })
})
