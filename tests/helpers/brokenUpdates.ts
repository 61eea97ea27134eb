/**
 * Yjs updates the referee must refuse, each made the way it would arise: by real Y.Docs where a
 * well-behaved client could produce the pieces (an update sent without the one before it), and
 * hand-encoded where only a hostile or broken client could (an item pointing at itself).
 *
 * `clientId` arguments fix the Yjs clientIDs, so a seeded test makes the same bytes every run.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { getBody } from '../../shared/ydoc/schema.ts'
import { writeParagraphs } from './documents.ts'

/** A document that writes under `clientId`, optionally starting from `state`. */
export function docWithClient(clientId: number, state?: Uint8Array): Y.Doc {
  const doc = new Y.Doc()
  doc.clientID = clientId
  if (state) Y.applyUpdate(doc, state)
  return doc
}

/** The update a provider sends for `edit`: everything `edit` added to `doc`. */
export function change(doc: Y.Doc, edit: () => void): Uint8Array {
  const before = Y.encodeStateVector(doc)
  edit()
  return Y.encodeStateAsUpdate(doc, before)
}

/** The third of three edits, sent without the first two: it starts beyond what anyone has. */
export function updateAfterAGap(clientId: number): Uint8Array {
  const doc = docWithClient(clientId)
  change(doc, () => writeParagraphs(doc, ['One']))
  change(doc, () => writeParagraphs(doc, ['Two']))
  return change(doc, () => writeParagraphs(doc, ['Three']))
}

/** Text typed after someone else's text that was never sent (its origin is unknown). */
export function updateWithUnknownOrigin(clientId: number, otherClientId: number): Uint8Array {
  const other = docWithClient(otherClientId)
  writeParagraphs(other, ['Unsent'])
  const doc = docWithClient(clientId, Y.encodeStateAsUpdate(other))
  const text = (getBody(doc).get(0) as Y.XmlElement).get(0) as Y.XmlText
  return change(doc, () => text.insert(text.length, ' addition'))
}

/** Text put into someone else's paragraph that was never sent (its parent is unknown). */
export function updateWithUnknownParent(clientId: number, otherClientId: number): Uint8Array {
  const other = docWithClient(otherClientId)
  getBody(other).insert(0, [new Y.XmlElement('paragraph')])
  const doc = docWithClient(clientId, Y.encodeStateAsUpdate(other))
  return change(doc, () => (getBody(doc).get(0) as Y.XmlElement).insert(0, [new Y.XmlText('Inside')]))
}

/** A deletion of someone else's paragraphs that were never sent. */
export function updateDeletingUnknownText(clientId: number, otherClientId: number): Uint8Array {
  const other = docWithClient(otherClientId)
  writeParagraphs(other, ['Unsent one', 'Unsent two'])
  const doc = docWithClient(clientId, Y.encodeStateAsUpdate(other))
  return change(doc, () => getBody(doc).delete(0, 2))
}

/**
 * A valid paragraph added to `roomState` under `clientId`, merged with an update after a gap
 * under `otherClientId`: acceptable in part, so "nothing of it kept" can be checked.
 */
export function validUpdateMergedWithAGap(roomState: Uint8Array, clientId: number, otherClientId: number): Uint8Array {
  const doc = docWithClient(clientId, roomState)
  const validPart = change(doc, () => writeParagraphs(doc, ['Smuggled in with the rest']))
  return Y.mergeUpdates([validPart, updateAfterAGap(otherClientId)])
}

/**
 * Hand-encoded (v1): one item of `clientId` whose origin is the item itself. Applying it throws
 * inside Yjs, which does not wait for structs of an item's own client.
 */
export function selfReferencingUpdate(clientId: number, text: string): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 1) // one client section
  encoding.writeVarUint(encoder, 1) // holding one struct
  encoding.writeVarUint(encoder, clientId)
  encoding.writeVarUint(encoder, 0) // its first clock
  encoding.writeUint8(encoder, 4 | 0x80) // an item with string content and an origin
  encoding.writeVarUint(encoder, clientId) // origin: this client…
  encoding.writeVarUint(encoder, 0) // …at this clock, i.e. the item itself
  encoding.writeVarString(encoder, text)
  encoding.writeVarUint(encoder, 0) // empty delete set
  return encoding.toUint8Array(encoder)
}

/**
 * Two consecutive edits of `clientId` spliced into one update that names the client in two
 * sections. Yjs keeps only the last section of a client, so it would drop the first edit and
 * hold the second as pending forever.
 */
export function updateNamingAClientTwice(clientId: number): Uint8Array {
  const doc = docWithClient(clientId)
  const first = change(doc, () => writeParagraphs(doc, ['First']))
  const second = change(doc, () => writeParagraphs(doc, ['Second']))
  // Each is [1 section][section bytes][0 = empty delete set].
  const sectionOf = (update: Uint8Array) => {
    if (update[0] !== 1 || update.at(-1) !== 0) throw new Error('expected one section and no deletions')
    return update.subarray(1, update.byteLength - 1)
  }
  return Uint8Array.of(2, ...sectionOf(first), ...sectionOf(second), 0)
}

/**
 * Hand-encoded (v1): two items of two clients, each inserted after the other's. Every
 * reference exists inside the update, yet neither can go in first: Yjs would keep both
 * pending for ever.
 */
export function updateWithCrossedOrigins(clientA: number, clientB: number): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 2) // two client sections
  for (const [own, other] of [[clientA, clientB], [clientB, clientA]] as const) {
    encoding.writeVarUint(encoder, 1) // one struct
    encoding.writeVarUint(encoder, own)
    encoding.writeVarUint(encoder, 0) // at clock 0
    encoding.writeUint8(encoder, 4 | 0x80) // string content, with an origin
    encoding.writeVarUint(encoder, other) // origin: the other client's item
    encoding.writeVarUint(encoder, 0)
    encoding.writeVarString(encoder, 'x')
  }
  encoding.writeVarUint(encoder, 0) // empty delete set
  return encoding.toUint8Array(encoder)
}
