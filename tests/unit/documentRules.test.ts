/**
 * The document rules the referee applies to every update (through the member policy's
 * validate step): clause status changes by role, well-formed clause and metadata entries, and
 * locked clauses that nothing changes, however the update is built.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { validateByRole } from '../../server/auth/memberPolicy.ts'
import type { Principal } from '../../server/sync/hooks.ts'
import { SyncRefusal } from '../../server/sync/SyncRefusal.ts'
import type { Role } from '../../shared/domain/roles.ts'
import { asUserId } from '../../shared/domain/ids.ts'
import { contextFor } from '../helpers/refereeContext.ts'
import { getBody, getClauses, getMeta } from '../../shared/ydoc/schema.ts'

const principal: Principal = { userId: asUserId('u-editor'), name: 'Editor' }

function clause(id: string, heading: string, text: string, ...subClauses: Y.XmlElement[]): Y.XmlElement {
  const element = new Y.XmlElement('clause')
  element.setAttribute('clauseId', id)
  const h = new Y.XmlElement('heading')
  h.setAttribute('level', 2 as unknown as string)
  h.insert(0, [new Y.XmlText(heading)])
  const p = new Y.XmlElement('paragraph')
  p.insert(0, [new Y.XmlText(text)])
  element.insert(0, [h, p, ...subClauses])
  return element
}

/**
 * A server document with clauses `a` (locked, with sub-clause `a1`), `b` (drafting) and `c`
 * (agreed, with a locked sub-clause `c1`), and a client in step with it.
 */
function setup() {
  const server = new Y.Doc()
  getBody(server).insert(0, [
    clause('a', 'Definitions', 'In this contract', clause('a1', 'Child', 'A person under 18')),
    clause('b', 'Fees', 'The purchaser shall pay'),
    clause('c', 'Term', 'Three years', clause('c1', 'Extension', 'One further year')),
  ])
  getClauses(server).set('a', { status: 'locked' })
  getClauses(server).set('a1', { status: 'drafting' })
  getClauses(server).set('b', { status: 'drafting' })
  getClauses(server).set('c', { status: 'agreed' })
  getClauses(server).set('c1', { status: 'locked' })
  getMeta(server).set('title', 'National Framework Contract')
  const inStep = () => {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(server))
    return doc
  }
  let client = inStep()

  /** The refusal of the client's change by a member with `role`, or null when it is accepted (and applied). */
  const judge = (role: Role, edit: (doc: Y.Doc) => void): string | null => {
    const before = Y.encodeStateVector(client)
    edit(client)
    const update = Y.encodeStateAsUpdate(client, before)
    try {
      validateByRole(contextFor(server, update, role, principal))
    } catch (error) {
      if (!(error instanceof SyncRefusal)) throw error
      // Like a refused browser: start again from the server's state.
      client = inStep()
      return error.reason
    }
    Y.applyUpdate(server, update)
    return null
  }
  return { server, client: () => client, judge }
}

const bodyOf = (doc: Y.Doc) => getBody(doc)
const clauseAt = (doc: Y.Doc, ...path: number[]) => path.reduce<Y.XmlFragment | Y.XmlElement>((type, i) => type.get(i) as Y.XmlElement, bodyOf(doc)) as Y.XmlElement
const textOf = (element: Y.XmlElement, child: number) => (element.get(child) as Y.XmlElement).get(0) as Y.XmlText

describe('locked clauses', () => {
  const LOCKED = /locked: an owner must unlock it/

  it.each<[string, (doc: Y.Doc) => void]>([
    ['typing in its heading', (doc) => textOf(clauseAt(doc, 0), 0).insert(0, 'New ')],
    ['deleting text of its body', (doc) => textOf(clauseAt(doc, 0), 1).delete(0, 3)],
    ['formatting its text', (doc) => textOf(clauseAt(doc, 0), 1).format(0, 2, { bold: true })],
    ['changing its clauseId attribute', (doc) => clauseAt(doc, 0).setAttribute('clauseId', 'z')],
    ['adding a paragraph to it', (doc) => clauseAt(doc, 0).insert(2, [new Y.XmlElement('paragraph')])],
    ['editing its sub-clause', (doc) => textOf(clauseAt(doc, 0, 2), 1).insert(0, 'Any ')],
    ['adding a sub-clause to it', (doc) => clauseAt(doc, 0).insert(3, [clause('a2', 'Home', 'A children’s home')])],
    ['deleting it', (doc) => bodyOf(doc).delete(0, 1)],
    ['moving it (deleted here, inserted there)', (doc) => {
      const copy = clauseAt(doc, 0).clone()
      bodyOf(doc).delete(0, 1)
      bodyOf(doc).insert(2, [copy])
    }],
    ['deleting the clause around a locked sub-clause', (doc) => bodyOf(doc).delete(2, 1)],
    ['editing a locked sub-clause of an agreed clause', (doc) => textOf(clauseAt(doc, 2, 2), 0).insert(0, 'X')],
  ])('refuses %s, even from an owner', (_, edit) => {
    const { judge } = setup()
    expect(judge('owner', edit)).toMatch(LOCKED)
  })

  it('refuses a forged deletion of only the parent item of a locked sub-clause', () => {
    const { server, client } = setup()
    // A hand-made update deleting just the `c` element, not its children.
    const item = clauseAt(client(), 2)._item!
    const update = encodeDeleteOnly(item.id.client, item.id.clock)
    expect(() => validateByRole(contextFor(server, update, 'owner', principal))).toThrow(LOCKED)
  })

  it.each<[string, (doc: Y.Doc) => void]>([
    ['typing in another clause', (doc) => textOf(clauseAt(doc, 1), 1).insert(0, 'Each ')],
    ['inserting a clause just after it', (doc) => bodyOf(doc).insert(1, [clause('n', 'New', 'Text')])],
    ['inserting a clause just before it', (doc) => bodyOf(doc).insert(0, [clause('n', 'New', 'Text')])],
    ['moving the clause after it to before it', (doc) => {
      const copy = clauseAt(doc, 1).clone()
      bodyOf(doc).delete(1, 1)
      bodyOf(doc).insert(0, [copy])
    }],
    ['editing the agreed parent of a locked sub-clause outside the sub-clause', (doc) => textOf(clauseAt(doc, 2), 1).insert(0, 'About ')],
  ])('accepts %s', (_, edit) => {
    const { judge } = setup()
    expect(judge('editor', edit)).toBeNull()
  })

})

describe('clause status', () => {
  it('lets an editor move a clause between drafting, proposed, agreed and locked', () => {
    const { judge } = setup()
    for (const status of ['proposed', 'agreed', 'locked']) {
      expect(judge('editor', (doc) => getClauses(doc).set('b', { status }))).toBeNull()
    }
  })

  it('lets only an owner unlock, and then the clause can be edited', () => {
    const { judge } = setup()
    expect(judge('editor', (doc) => getClauses(doc).set('a', { status: 'agreed' }))).toMatch(/Only an owner can unlock/)
    expect(judge('editor', (doc) => getClauses(doc).delete('a'))).toMatch(/Only an owner can unlock/)
    expect(judge('owner', (doc) => getClauses(doc).set('a', { status: 'agreed' }))).toBeNull()
    expect(judge('editor', (doc) => textOf(clauseAt(doc, 0), 0).insert(0, 'New '))).toBeNull()
  })

  it('refuses an unlock and an edit of the clause in one update', () => {
    const { judge } = setup()
    expect(judge('owner', (doc) => doc.transact(() => {
      getClauses(doc).set('a', { status: 'drafting' })
      textOf(clauseAt(doc, 0), 0).insert(0, 'New ')
    }))).toMatch(/locked/)
  })

  it.each<[string, (doc: Y.Doc) => void]>([
    ['an unknown status', (doc) => getClauses(doc).set('b', { status: 'signed' })],
    ['extra fields', (doc) => getClauses(doc).set('b', { status: 'agreed', note: 'x' })],
    ['a string in place of the state', (doc) => getClauses(doc).set('b', 'locked')],
    ['a nested shared map', (doc) => getClauses(doc).set('b', new Y.Map())],
  ])('refuses %s', (_, edit) => {
    const { judge } = setup()
    expect(judge('owner', edit)).toMatch(/clause status that does not exist|plain values/)
  })
})

describe('metadata', () => {
  it('accepts a new title and description', () => {
    const { judge, server } = setup()
    expect(judge('editor', (doc) => doc.transact(() => {
      getMeta(doc).set('title', 'Fostering Agency Contract')
      getMeta(doc).set('description', 'The template for 2027')
    }))).toBeNull()
    expect(getMeta(server).get('title')).toBe('Fostering Agency Contract')
  })

  it.each<[string, (doc: Y.Doc) => void, RegExp]>([
    ['an empty title', (doc) => getMeta(doc).set('title', '  '), /title is 1 to 200/],
    ['a title of 201 characters', (doc) => getMeta(doc).set('title', 'x'.repeat(201)), /title is 1 to 200/],
    ['a title that is not text', (doc) => getMeta(doc).set('title', 42), /title is 1 to 200/],
    ['removing the title', (doc) => getMeta(doc).delete('title'), /needs a title/],
    ['a description of 1001 characters', (doc) => getMeta(doc).set('description', 'x'.repeat(1001)), /description is at most 1000/],
    ['changing the schema version', (doc) => getMeta(doc).set('schemaVersion', 9), /“schemaVersion” cannot be changed/],
    ['an invented key', (doc) => getMeta(doc).set('owner', 'me'), /“owner” cannot be changed/],
  ])('refuses %s', (_, edit, reason) => {
    const { judge } = setup()
    expect(judge('editor', edit)).toMatch(reason)
  })
})

/** An update with no structs that deletes exactly one struct of `client` at `clock`. */
function encodeDeleteOnly(client: number, clock: number): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0) // no structs
  encoding.writeVarUint(encoder, 1) // delete set: one client
  encoding.writeVarUint(encoder, client)
  encoding.writeVarUint(encoder, 1) // one range
  encoding.writeVarUint(encoder, clock)
  encoding.writeVarUint(encoder, 1)
  return encoding.toUint8Array(encoder)
}
