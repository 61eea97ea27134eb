// @vitest-environment happy-dom
/**
 * Whole clauses as suggestions, through real editors: in Suggesting mode a provider proposes a
 * new clause (and writes in it freely, untracked, since all of it is the proposal) or proposes
 * deleting one; every update the provider's editor sends is first judged by the server's rules
 * for a suggester; the review panel lists each proposal; the chair accepts or rejects it.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Editor } from '@tiptap/core'
import * as Y from 'yjs'
import { validateByRole } from '../../server/auth/memberPolicy.ts'
import type { UserId } from '../../shared/domain/ids.ts'
import { clauseSuggestionId } from '../../shared/editor/Clause.ts'
import { getBody, getSuggestions } from '../../shared/ydoc/schema.ts'
import { describeSuggestion, reviewEntries } from '../../client/features/suggestions/reviewEntries.ts'
import { clauseElement, contractEditor } from '../helpers/contractEditor.ts'
import { contextFor } from '../helpers/refereeContext.ts'

const RELAYED = Symbol('relayed')
const PROVIDER = { id: 'user-provider', name: 'Pat Provider', organisation: 'Sunrise Homes' }
const CHAIR = { id: 'user-chair', name: 'Chris Chair', organisation: 'Steering Group' }

const editors: Editor[] = []
afterEach(() => {
  for (const editor of editors.splice(0)) editor.destroy()
})

/** The provider suggesting and the chair editing; the chair's doc stands for the server's. */
function providerAndChair() {
  const chairDoc = new Y.Doc()
  getBody(chairDoc).insert(0, [clauseElement('term', 'Term', 'Three years.'), clauseElement('fees', 'Fees', 'Paid monthly.')])
  const providerDoc = new Y.Doc()
  Y.applyUpdate(providerDoc, Y.encodeStateAsUpdate(chairDoc), RELAYED)
  const refusedByServer: string[] = []
  const provider = contractEditor(providerDoc, { author: PROVIDER, isSuggesting: true, onRefused: () => {} })
  const chair = contractEditor(chairDoc, { author: CHAIR, isSuggesting: false, onRefused: () => {} })
  editors.push(provider, chair)
  const principal = { userId: PROVIDER.id as UserId, name: PROVIDER.name, organisation: PROVIDER.organisation }
  providerDoc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === RELAYED) return
    try {
      validateByRole(contextFor(chairDoc, update, 'suggester', principal, new Set([providerDoc.clientID])))
    } catch (error) {
      refusedByServer.push(String(error))
      return
    }
    Y.applyUpdate(chairDoc, update, RELAYED)
  })
  chairDoc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== RELAYED) Y.applyUpdate(providerDoc, update, RELAYED)
  })
  return { provider, chair, chairDoc, refusedByServer }
}

/** The clauses' headings, each with its whole-clause suggestion if any: "Term", "+Complaints", "-Fees". */
function headings(editor: Editor): string[] {
  const list: string[] = []
  editor.state.doc.forEach((clause) => {
    const sign = clauseSuggestionId(clause, 'insertion') ? '+' : clauseSuggestionId(clause, 'deletion') ? '-' : ''
    list.push(sign + (clause.firstChild?.textContent ?? ''))
  })
  return list
}

/** Puts the cursor at the end of the first textblock reading `text`. */
function cursorInto(editor: Editor, text: string): void {
  let at = -1
  editor.state.doc.descendants((node, pos) => {
    if (at < 0 && node.isTextblock && node.textContent === text) at = pos + 1 + node.content.size
    return at < 0
  })
  expect(at, `a block reading "${text}"`).toBeGreaterThan(0)
  editor.commands.setTextSelection(at)
}

describe('whole-clause suggestions in the editor', () => {
  it('proposes a new clause, written freely inside, listed for review, accepted by the chair', () => {
    const { provider, chair, chairDoc, refusedByServer } = providerAndChair()
    cursorInto(provider, 'Three years.')
    expect(provider.commands.proposeClause()).toBe(true)
    // The cursor is in the new clause's heading: typing is part of the proposal, not tracked.
    provider.commands.insertContent('Complaints')
    expect(refusedByServer).toEqual([])
    expect(headings(chair)).toEqual(['Term', '+Complaints', 'Fees'])
    const inserted = chair.state.doc.child(1)
    const id = clauseSuggestionId(inserted, 'insertion')!
    expect(getSuggestions(chairDoc).get(id)).toMatchObject({ authorId: PROVIDER.id, authorName: PROVIDER.name })
    let hasMarks = false
    inserted.descendants((node) => {
      if (node.marks.length > 0) hasMarks = true
    })
    expect(hasMarks, 'text inside a proposed clause carries no suggestion marks').toBe(false)

    const entries = reviewEntries(chair.state.doc)
    expect(entries.map((entry) => [entry.id, entry.clauseChange, describeSuggestion(entry)])).toEqual([[id, 'adds', 'Add a clause: “Complaints”']])

    // The provider cannot accept their own proposal: the server would refuse it.
    expect(chair.commands.acceptSuggestion(id)).toBe(true)
    expect(headings(chair)).toEqual(['Term', 'Complaints', 'Fees'])
    expect(headings(provider)).toEqual(['Term', 'Complaints', 'Fees'])
    expect(getSuggestions(chairDoc).has(id)).toBe(false)
  })

  it('proposes deleting a clause; the chair rejects it and the clause stays, then a second proposal is accepted and the clause goes', () => {
    const { provider, chair, refusedByServer } = providerAndChair()
    cursorInto(provider, 'Paid monthly.')
    expect(provider.commands.proposeClauseDeletion()).toBe(true)
    expect(provider.can().proposeClauseDeletion(), 'already proposed for deletion').toBe(false)
    expect(refusedByServer).toEqual([])
    expect(headings(chair)).toEqual(['Term', '-Fees'])
    const first = clauseSuggestionId(chair.state.doc.child(1), 'deletion')!
    expect(describeSuggestion(reviewEntries(chair.state.doc)[0]!)).toBe('Delete the clause “Fees”')

    expect(chair.commands.rejectSuggestion(first)).toBe(true)
    expect(headings(provider)).toEqual(['Term', 'Fees'])

    cursorInto(provider, 'Paid monthly.')
    expect(provider.commands.proposeClauseDeletion()).toBe(true)
    const second = clauseSuggestionId(chair.state.doc.child(1), 'deletion')!
    expect(second).not.toBe(first)
    expect(chair.commands.acceptSuggestion(second)).toBe(true)
    expect(headings(provider)).toEqual(['Term'])
    expect(refusedByServer).toEqual([])
  })

  it('lets the author withdraw a proposed clause, removing it and its record', () => {
    const { provider, chair, chairDoc, refusedByServer } = providerAndChair()
    cursorInto(provider, 'Paid monthly.')
    provider.commands.proposeClause()
    provider.commands.insertContent('Insurance')
    const id = clauseSuggestionId(provider.state.doc.child(2), 'insertion')!
    expect(provider.commands.rejectSuggestion(id)).toBe(true)
    expect(refusedByServer).toEqual([])
    expect(headings(chair)).toEqual(['Term', 'Fees'])
    expect(getSuggestions(chairDoc).has(id)).toBe(false)
  })
})
