/**
 * The referee's rules for suggesters, on hand-built updates: what a provider's client may send
 * is only their own tracked suggestions (insertions marked as theirs, deletions marked rather
 * than made, their own records), and everything else is refused with nothing applied.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { validateByRole } from '../../server/auth/memberPolicy.ts'
import type { Principal } from '../../server/sync/hooks.ts'
import { SyncRefusal } from '../../server/sync/SyncRefusal.ts'
import { asUserId } from '../../shared/domain/ids.ts'
import { type SuggestionRecord, suggestionId } from '../../shared/domain/suggestions.ts'
import { getBody, getClauses, getMeta, getSuggestions } from '../../shared/ydoc/schema.ts'
import { contextFor } from '../helpers/refereeContext.ts'

const PROVIDER: Principal = { userId: asUserId('u-provider'), name: 'Pat Provider', organisation: 'Northern Care' }
const BASE = 'The Provider shall notify the Council.'
/** A clientID of someone else (another provider) with a pending suggestion in the document. */
const OTHER_CLIENT = 777
const OTHER_ID = suggestionId(OTHER_CLIENT, 1)

function record(overrides: Partial<SuggestionRecord> = {}): SuggestionRecord {
  return { authorId: PROVIDER.userId, authorName: PROVIDER.name, organisation: PROVIDER.organisation!, createdAt: 1_790_000_000_000, ...overrides }
}

/**
 * A room with one clause — heading "Notices", a paragraph of base text, and a second paragraph
 * holding another provider's pending insertion and deletion — and the provider's client in
 * step with it. `judge` returns the refusal of the provider's change, or null (and applies it).
 */
function setup() {
  const room = new Y.Doc()
  const clause = new Y.XmlElement('clause')
  clause.setAttribute('clauseId', 'c-notices')
  const heading = new Y.XmlElement('heading')
  heading.insert(0, [new Y.XmlText('Notices')])
  const base = new Y.XmlElement('paragraph')
  base.insert(0, [new Y.XmlText(BASE)])
  const others = new Y.XmlElement('paragraph')
  const othersText = new Y.XmlText('Notices are given in writing.')
  others.insert(0, [othersText])
  clause.insert(0, [heading, base, others])
  getBody(room).insert(0, [clause])
  getClauses(room).set('c-notices', { status: 'drafting' })
  getMeta(room).set('title', 'Framework')
  // Another provider's suggestions: " by email" proposed, "in writing" proposed for deletion.
  const other = new Y.Doc()
  other.clientID = OTHER_CLIENT
  Y.applyUpdate(other, Y.encodeStateAsUpdate(room))
  const otherText = (((getBody(other).get(0) as Y.XmlElement).get(2) as Y.XmlElement).get(0)) as Y.XmlText
  otherText.insert(28, ' by email', { insertion: { id: OTHER_ID } })
  otherText.format(18, 10, { deletion: { id: OTHER_ID } })
  getSuggestions(other).set(OTHER_ID, record({ authorId: 'u-other', authorName: 'Olly Other' }))
  Y.applyUpdate(room, Y.encodeStateAsUpdate(other))

  let client = new Y.Doc()
  Y.applyUpdate(client, Y.encodeStateAsUpdate(room))
  const owned = new Set<number>()
  let counter = 0

  const judge = (edit: (doc: Y.Doc, nextId: () => string) => void): string | null => {
    const before = Y.encodeStateVector(client)
    edit(client, () => suggestionId(client.clientID, ++counter))
    const update = Y.encodeStateAsUpdate(client, before)
    try {
      validateByRole(contextFor(room, update, 'suggester', PROVIDER, owned))
    } catch (error) {
      if (!(error instanceof SyncRefusal)) throw error
      client = new Y.Doc()
      Y.applyUpdate(client, Y.encodeStateAsUpdate(room))
      return error.reason
    }
    Y.applyUpdate(room, update)
    owned.add(client.clientID)
    return null
  }
  return { room, judge }
}

const paragraph = (doc: Y.Doc, index: number) => ((getBody(doc).get(0) as Y.XmlElement).get(index) as Y.XmlElement).get(0) as Y.XmlText

/** The provider's own insertion of `words` at `at` in the base paragraph, recorded. */
function suggestInsert(doc: Y.Doc, id: string, at: number, words: string): void {
  doc.transact(() => {
    paragraph(doc, 1).insert(at, words, { insertion: { id } })
    getSuggestions(doc).set(id, record())
  })
}

/** A new clause proposed as a whole under suggestion `id`: heading and text, unmarked inside. */
function proposedClause(id: string, heading: string, text: string): Y.XmlElement {
  const clause = new Y.XmlElement('clause')
  clause.setAttribute('clauseId', `c-${id}`)
  clause.setAttribute('insertion', { id } as unknown as string)
  const h = new Y.XmlElement('heading')
  h.insert(0, [new Y.XmlText(heading)])
  const p = new Y.XmlElement('paragraph')
  p.insert(0, [new Y.XmlText(text)])
  clause.insert(0, [h, p])
  return clause
}

describe('a suggester’s whole-clause suggestions', () => {
  it('proposes a new clause, writes in it freely, then withdraws it', () => {
    const { judge, room } = setup()
    const before = getBody(room).toString()
    let id = ''
    expect(judge((doc, nextId) => doc.transact(() => {
      id = nextId()
      getBody(doc).insert(1, [proposedClause(id, 'Complaints', 'The Provider shall keep a complaints log.')])
      getSuggestions(doc).set(id, record())
    }))).toBeNull()
    expect(judge((doc) => (((getBody(doc).get(1) as Y.XmlElement).get(1) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'Each month, '))).toBeNull()
    expect(judge((doc) => doc.transact(() => {
      getBody(doc).delete(1, 1)
      getSuggestions(doc).delete(id)
    }))).toBeNull()
    expect(getBody(room).toString()).toBe(before)
  })

  it('cannot withdraw another person’s proposal to delete a clause', () => {
    const { judge, room } = setup()
    const other = new Y.Doc()
    other.clientID = OTHER_CLIENT
    Y.applyUpdate(other, Y.encodeStateAsUpdate(room))
    ;(getBody(other).get(0) as Y.XmlElement).setAttribute('deletion', { id: OTHER_ID } as unknown as string)
    Y.applyUpdate(room, Y.encodeStateAsUpdate(other))
    expect(judge((doc) => {
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(room))
      ;(getBody(doc).get(0) as Y.XmlElement).removeAttribute('deletion')
    })).toMatch(/only add or remove your own/)
  })

  it('proposes deleting a clause, and withdraws the proposal', () => {
    const { judge } = setup()
    expect(judge((doc, nextId) => doc.transact(() => {
      const id = nextId()
      ;(getBody(doc).get(0) as Y.XmlElement).setAttribute('deletion', { id } as unknown as string)
      getSuggestions(doc).set(id, record())
    }))).toBeNull()
    expect(judge((doc) => (getBody(doc).get(0) as Y.XmlElement).removeAttribute('deletion'))).toBeNull()
  })

  it.each<[string, (doc: Y.Doc, nextId: () => string) => void, RegExp]>([
    ['adds a clause marked with another person’s suggestion', (doc) => getBody(doc).insert(1, [proposedClause(OTHER_ID, 'Complaints', 'Text')]), /cannot be added or removed/],
    ['claims an existing clause as their proposal', (doc, nextId) => (getBody(doc).get(0) as Y.XmlElement).setAttribute('insertion', { id: nextId() } as unknown as string), /Only the text/],
    ['proposes deleting a clause under another person’s suggestion', (doc) => (getBody(doc).get(0) as Y.XmlElement).setAttribute('deletion', { id: OTHER_ID } as unknown as string), /Only the text/],
    ['deletes a clause outright', (doc) => getBody(doc).delete(0, 1), /cannot be added or removed/],
    ['claims an existing clause and edits it in the same update', (doc, nextId) => doc.transact(() => {
      ;(getBody(doc).get(0) as Y.XmlElement).setAttribute('insertion', { id: nextId() } as unknown as string)
      paragraph(doc, 1).insert(0, 'Unmarked ')
    }), /Only the text|must be marked/],
  ])('is refused when it %s', (_, edit, reason) => {
    const { judge } = setup()
    expect(judge(edit)).toMatch(reason)
  })
})

describe('a suggester’s update', () => {
  it.each<[string, (doc: Y.Doc, nextId: () => string) => void]>([
    ['inserting text marked as their own suggestion, recorded under their name', (doc, nextId) => suggestInsert(doc, nextId(), 4, 'Registered ')],
    ['marking base text for deletion', (doc, nextId) => {
      const id = nextId()
      doc.transact(() => {
        paragraph(doc, 1).format(0, 4, { deletion: { id } })
        getSuggestions(doc).set(id, record())
      })
    }],
    ['replacing: marking for deletion and inserting', (doc, nextId) => {
      const id = nextId()
      doc.transact(() => {
        paragraph(doc, 1).format(30, 7, { deletion: { id } })
        paragraph(doc, 1).insert(37, 'Purchaser', { insertion: { id } })
        getSuggestions(doc).set(id, record({ reason: 'The purchaser is not always the Council.' }))
      })
    }],
    ['inserting inside another provider’s suggested text (their mark is put back after)', (doc, nextId) => {
      const id = nextId()
      doc.transact(() => {
        paragraph(doc, 2).insert(32, 'or post ', { insertion: { id } })
        getSuggestions(doc).set(id, record())
      })
    }],
    ['a new paragraph of their own suggested text', (doc, nextId) => {
      const id = nextId()
      doc.transact(() => {
        const p = new Y.XmlElement('paragraph')
        p.insert(0, [new Y.XmlText()])
        ;(getBody(doc).get(0) as Y.XmlElement).insert(3, [p])
        ;(p.get(0) as Y.XmlText).insert(0, 'Notices may also be given by hand.', { insertion: { id } })
        getSuggestions(doc).set(id, record())
      })
    }],
    ['marking text another provider proposed for deletion as their own deletion too (it stays proposed for deletion)', (doc, nextId) => {
      const id = nextId()
      doc.transact(() => {
        paragraph(doc, 2).format(18, 10, { deletion: { id } })
        getSuggestions(doc).set(id, record())
      })
    }],
    ['proposing to break a paragraph: a paragraph mark marked as their own insertion', (doc, nextId) => suggestInsert(doc, nextId(), 10, '\u2029')],
    ['proposing to join a paragraph with the next: a paragraph mark at its end, marked as their own insertion and deletion', (doc, nextId) => {
      const id = nextId()
      doc.transact(() => {
        const text = paragraph(doc, 1)
        text.insert(text.length, '\u2029', { insertion: { id }, deletion: { id } })
        getSuggestions(doc).set(id, record())
      })
    }],
  ])('is accepted: %s', (_, edit) => {
    const { judge } = setup()
    expect(judge(edit)).toBeNull()
  })

  it('may later remove their own pending insertion, unmark their own deletion and withdraw the record', () => {
    const { judge, room } = setup()
    let inserted = ''
    let deleted = ''
    expect(judge((doc, nextId) => suggestInsert(doc, (inserted = nextId()), 4, 'Registered '))).toBeNull()
    expect(judge((doc, nextId) => {
      deleted = nextId()
      paragraph(doc, 1).format(26, 4, { deletion: { id: deleted } })
    })).toBeNull()
    expect(judge((doc) => paragraph(doc, 1).delete(4, 11))).toBeNull()
    expect(judge((doc) => paragraph(doc, 1).format(15, 4, { deletion: null }))).toBeNull()
    expect(judge((doc) => getSuggestions(doc).delete(inserted))).toBeNull()
    expect(paragraph(room, 1).toString()).toBe(BASE)
  })

  it.each<[string, (doc: Y.Doc, nextId: () => string) => void, RegExp]>([
    ['deletes base text outright', (doc) => paragraph(doc, 1).delete(0, 4), /marked for deletion, not removed/],
    ['inserts text without a suggestion mark', (doc) => paragraph(doc, 1).insert(4, 'Registered '), /must be marked as your suggestion/],
    ['marks an insertion with another person’s suggestion', (doc) => paragraph(doc, 1).insert(4, 'Registered ', { insertion: { id: OTHER_ID } }), /must be marked as your suggestion/],
    ['marks an insertion with an id that is no suggestion id', (doc) => paragraph(doc, 1).insert(4, 'Registered ', { insertion: { id: 'mine' } }), /must be marked as your suggestion/],
    ['marks base text as their own insertion', (doc) => paragraph(doc, 1).format(0, 3, { insertion: { id: suggestionId(doc.clientID, 9) } }), /only add or remove your own/],
    ['unmarks another provider’s insertion (accepting it themselves)', (doc) => paragraph(doc, 2).format(28, 9, { insertion: null }), /only add or remove your own/],
    ['makes text bold', (doc) => paragraph(doc, 1).format(0, 3, { bold: true }), /Formatting cannot be changed/],
    ['marks base text for deletion under another person’s suggestion', (doc) => paragraph(doc, 1).format(0, 4, { deletion: { id: OTHER_ID } }), /only add or remove your own/],
    ['moves another provider’s deletion under a third person’s suggestion', (doc) => paragraph(doc, 2).format(18, 10, { deletion: { id: suggestionId(888, 1) } }), /only add or remove your own/],
    ['removes another provider’s deletion mark', (doc) => paragraph(doc, 2).format(18, 10, { deletion: null }), /only add or remove your own/],
    ['deletes another provider’s suggested text', (doc) => paragraph(doc, 2).delete(28, 9), /marked for deletion, not removed|only add or remove your own/],
    ['changes a clause’s status', (doc) => getClauses(doc).set('c-notices', { status: 'agreed' }), /not to clause status/],
    ['changes the title', (doc) => getMeta(doc).set('title', 'Mine'), /not to clause status, the title/],
    ['records a suggestion under someone else’s name', (doc, nextId) => suggestInsert2(doc, nextId(), record({ authorId: 'u-chair', authorName: 'Chris Chair' })), /your own name and organisation/],
    ['records a suggestion for another organisation', (doc, nextId) => suggestInsert2(doc, nextId(), record({ organisation: 'Shire County Council' })), /your own name and organisation/],
    ['withdraws another provider’s suggestion record', (doc) => getSuggestions(doc).delete(OTHER_ID), /Only your own suggestions/],
    ['adds a clause', (doc) => {
      const clause = new Y.XmlElement('clause')
      clause.setAttribute('clauseId', 'c-new')
      getBody(doc).insert(1, [clause])
    }, /cannot be added or removed/],
    ['deletes a paragraph', (doc) => (getBody(doc).get(0) as Y.XmlElement).delete(1, 1), /cannot be added or removed/],
    ['breaks a paragraph for real, moving base text into a new one marked as their insertion', (doc, nextId) => {
      const id = nextId()
      const text = paragraph(doc, 1)
      const moved = text.toString().slice(10)
      const p = new Y.XmlElement('paragraph')
      p.insert(0, [new Y.XmlText()])
      doc.transact(() => {
        text.delete(10, moved.length)
        ;(getBody(doc).get(0) as Y.XmlElement).insert(2, [p])
        ;(p.get(0) as Y.XmlText).insert(0, moved, { insertion: { id } })
        getSuggestions(doc).set(id, record())
      })
    }, /marked for deletion, not removed/],
    ['adds an empty paragraph', (doc) => (getBody(doc).get(0) as Y.XmlElement).insert(3, [new Y.XmlElement('paragraph')]), /cannot be added or removed/],
    ['changes a paragraph’s attribute', (doc) => ((getBody(doc).get(0) as Y.XmlElement).get(1) as Y.XmlElement).setAttribute('textAlign', 'right'), /Only the text/],
  ])('is refused when it %s', (_, edit, reason) => {
    const { judge, room } = setup()
    const before = Y.encodeStateAsUpdate(room)
    expect(judge(edit)).toMatch(reason)
    expect(Buffer.from(Y.encodeStateAsUpdate(room)).equals(Buffer.from(before)), 'nothing applied').toBe(true)
  })
})

/** A valid own insertion recorded with `value`. */
function suggestInsert2(doc: Y.Doc, id: string, value: SuggestionRecord): void {
  doc.transact(() => {
    paragraph(doc, 1).insert(4, 'Registered ', { insertion: { id } })
    getSuggestions(doc).set(id, value)
  })
}
