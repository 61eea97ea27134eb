/**
 * Clause commands on a real editor state: insert after and as a sub-clause, move, demote,
 * promote and delete; each answers "can I?" without dispatch; numbering follows.
 */
import { describe, expect, it } from 'vitest'
import { getSchema } from '@tiptap/core'
import StarterKit from '@tiptap/starter-kit'
import type { Node as ProseMirrorNode } from '@tiptap/pm/model'
import { type Command, EditorState, TextSelection } from '@tiptap/pm/state'
import { Clause, clauseNumbers } from '../../shared/editor/Clause.ts'
import {
  clauseHasContent,
  deleteClause,
  demoteClause,
  insertClauseAfter,
  insertSubClause,
  moveClause,
  promoteClause,
} from '../../shared/editor/clauseCommands.ts'

const schema = getSchema([StarterKit, Clause])

function clause(id: string, ...children: ProseMirrorNode[]): ProseMirrorNode {
  return schema.node('clause', { clauseId: id }, [schema.node('heading', { level: 2 }, id ? [schema.text(id)] : []), ...children])
}

/** A state with the cursor inside the heading of clause `inClause`. */
function stateOf(doc: ProseMirrorNode, inClause: string): EditorState {
  let cursor = -1
  doc.descendants((node, pos) => {
    if (cursor < 0 && node.type.name === 'clause' && node.attrs.clauseId === inClause) cursor = pos + 2
  })
  return EditorState.create({ doc, selection: TextSelection.create(doc, cursor) })
}

/** Runs a command and returns the outline: "number id" for every clause, in order. */
function outlineAfter(state: EditorState, command: Command): string[] {
  let next = state
  expect(command(state, (tr) => (next = state.apply(tr)))).toBe(true)
  return outline(next.doc)
}

function outline(doc: ProseMirrorNode): string[] {
  return [...clauseNumbers(doc)].map(([pos, number]) => `${number} ${doc.nodeAt(pos)!.attrs.clauseId}`)
}

let counter = 0
const newId = () => `new${++counter}`

describe('clause commands', () => {
  const contract = () => schema.node('doc', null, [clause('A', clause('A1')), clause('B'), clause('C')])

  it('inserts a clause after the current one, at its level, and a sub-clause at its end', () => {
    counter = 0
    expect(outlineAfter(stateOf(contract(), 'A'), insertClauseAfter(newId))).toEqual(['1 A', '1.1 A1', '2 new1', '3 B', '4 C'])
    expect(outlineAfter(stateOf(contract(), 'A1'), insertClauseAfter(newId))).toEqual(['1 A', '1.1 A1', '1.2 new2', '2 B', '3 C'])
    expect(outlineAfter(stateOf(contract(), 'B'), insertSubClause(newId))).toEqual(['1 A', '1.1 A1', '2 B', '2.1 new3', '3 C'])
  })

  it('moves a clause up and down among its siblings, and not past the ends', () => {
    expect(outlineAfter(stateOf(contract(), 'B'), moveClause(-1))).toEqual(['1 B', '2 A', '2.1 A1', '3 C'])
    expect(outlineAfter(stateOf(contract(), 'B'), moveClause(1))).toEqual(['1 A', '1.1 A1', '2 C', '3 B'])
    expect(moveClause(-1)(stateOf(contract(), 'A'))).toBe(false)
    expect(moveClause(1)(stateOf(contract(), 'C'))).toBe(false)
    expect(moveClause(1)(stateOf(contract(), 'A1'))).toBe(false)
  })

  it('demotes a clause into the one before it and promotes it back out', () => {
    expect(outlineAfter(stateOf(contract(), 'B'), demoteClause)).toEqual(['1 A', '1.1 A1', '1.2 B', '2 C'])
    expect(demoteClause(stateOf(contract(), 'A'))).toBe(false)
    expect(outlineAfter(stateOf(contract(), 'A1'), promoteClause)).toEqual(['1 A', '2 A1', '3 B', '4 C'])
    expect(promoteClause(stateOf(contract(), 'B'))).toBe(false)
  })

  it('deletes a clause with its sub-clauses, and knows when it has content worth a confirm', () => {
    expect(outlineAfter(stateOf(contract(), 'A'), deleteClause)).toEqual(['1 B', '2 C'])
    expect(clauseHasContent(stateOf(contract(), 'A'))).toBe(true)
    const blank = schema.node('doc', null, [clause(''), clause('B')])
    const state = EditorState.create({ doc: blank, selection: TextSelection.create(blank, 2) })
    expect(clauseHasContent(state)).toBe(false)
  })

  it('keeps the cursor inside the clause it moved', () => {
    const state = stateOf(contract(), 'C')
    let next = state
    moveClause(-1)(state, (tr) => (next = state.apply(tr)))
    expect(next.selection.$from.node(1).attrs.clauseId).toBe('C')
  })
})

describe('clause ids', () => {
  it('gives a fresh id to a clause without one or with a copied one, keeping the first', async () => {
    const { ensureUniqueClauseIds } = await import('../../shared/editor/ClauseEditing.ts')
    const doc = schema.node('doc', null, [clause('A', clause('A1')), clause('A'), schema.node('clause', { clauseId: null }, [schema.node('heading', { level: 2 })])])
    let n = 0
    const tr = ensureUniqueClauseIds(EditorState.create({ doc }), () => `fresh${++n}`)!
    const ids: string[] = []
    tr.doc.descendants((node) => {
      if (node.type.name === 'clause') ids.push(node.attrs.clauseId as string)
    })
    expect(ids).toEqual(['A', 'A1', 'fresh1', 'fresh2'])
    expect(ensureUniqueClauseIds(EditorState.create({ doc: tr.doc }), () => 'never')).toBeNull()
  })
})
