/**
 * The first state of a new contract's Y.Doc, written by the server as one update: an empty
 * contract (one blank clause to start typing in), or a copy of another contract's current
 * text. Either is written under a fresh clientID of the server's, so the new document's
 * history starts there and carries nothing of anyone else's editing.
 */
import * as Y from 'yjs'
import { randomBytes, randomUUID } from 'node:crypto'
import { DEFAULT_CLAUSE_STATE } from '../../shared/domain/clauseStatus.ts'
import type { ContractDetails } from '../../shared/domain/contractDetails.ts'
import { SCHEMA_VERSION, getBody, getClauses, getMeta } from '../../shared/ydoc/schema.ts'

/**
 * A random Yjs clientID (31 bits, as Yjs makes them) that is none of `taken`, so that a copy's
 * structs can never be confused with its source's.
 */
export function newServerClientId(taken: ReadonlySet<number> = new Set()): number {
  for (;;) {
    const clientId = randomBytes(4).readUInt32LE() >>> 1
    if (!taken.has(clientId)) return clientId
  }
}

/** Writes a new contract's `meta` and whatever `fill` adds, as one update by `clientId`. */
function writeContract(clientId: number, details: ContractDetails, fill: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc()
  doc.clientID = clientId
  try {
    doc.transact(() => {
      const meta = getMeta(doc)
      meta.set('title', details.title)
      meta.set('description', details.description)
      meta.set('schemaVersion', SCHEMA_VERSION)
      fill(doc)
    })
    return Y.encodeStateAsUpdate(doc)
  } finally {
    doc.destroy()
  }
}

/** A clause with an empty heading and one empty paragraph, as the editor's "New clause" makes. */
function emptyClause(clauseId: string): Y.XmlElement {
  const clause = new Y.XmlElement('clause')
  clause.setAttribute('clauseId', clauseId)
  const heading = new Y.XmlElement('heading')
  // The editor keeps attributes as ProseMirror has them: the level is a number.
  heading.setAttribute('level', 2 as unknown as string)
  clause.insert(0, [heading, new Y.XmlElement('paragraph')])
  return clause
}

/** An empty contract: its details, and one blank clause with a fresh clauseId. */
export function buildEmptyContract(clientId: number, details: ContractDetails): Uint8Array {
  return writeContract(clientId, details, (doc) => {
    const clauseId = randomUUID()
    getBody(doc).insert(0, [emptyClause(clauseId)])
    getClauses(doc).set(clauseId, DEFAULT_CLAUSE_STATE)
  })
}

/** The clauseIds of every clause in `nodes` and below, in document order. */
function clauseIdsIn(nodes: ReadonlyArray<Y.XmlElement | Y.XmlText>): string[] {
  const ids: string[] = []
  const visit = (node: Y.XmlElement | Y.XmlText) => {
    if (!(node instanceof Y.XmlElement)) return
    const clauseId = node.getAttribute('clauseId')
    if (node.nodeName === 'clause' && typeof clauseId === 'string') ids.push(clauseId)
    for (const child of node.toArray()) visit(child as Y.XmlElement | Y.XmlText)
  }
  for (const node of nodes) visit(node)
  return ids
}

/**
 * A copy of `source`'s current text: the body deep-cloned (the same clauses, clauseIds and
 * text, so the two contracts can later be compared clause by clause), every clause back to
 * drafting, and the given details. Nothing else is carried over: no history, suggestions or
 * statuses of clauses that were deleted.
 */
export function buildContractCopy(source: Y.Doc, clientId: number, details: ContractDetails): Uint8Array {
  const nodes = getBody(source)
    .toArray()
    .filter((node): node is Y.XmlElement | Y.XmlText => node instanceof Y.XmlElement || node instanceof Y.XmlText)
  return writeContract(clientId, details, (doc) => {
    getBody(doc).insert(0, nodes.map((node) => node.clone()))
    const clauses = getClauses(doc)
    for (const clauseId of clauseIdsIn(nodes)) clauses.set(clauseId, DEFAULT_CLAUSE_STATE)
  })
}
