/**
 * Clause commands on a real editor state: insert after and as a sub-clause, move, demote,
 * promote, delete and split; each answers "can I?" without dispatch; numbering follows.
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
  splitClause,
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

/** A state with the cursor in the text `text`, just before its character at `offset`. */
function stateAtText(doc: ProseMirrorNode, text: string, offset: number): EditorState {
  let cursor = -1
  doc.descendants((node, pos) => {
    if (cursor < 0 && node.isText && node.text === text) cursor = pos + offset
  })
  return EditorState.create({ doc, selection: TextSelection.create(doc, cursor) })
}

/** A clause's heading and body, as text: "heading | block | block", sub-clauses in brackets. */
function shape(node: ProseMirrorNode): string {
  const parts: string[] = []
  node.forEach((child) => parts.push(child.type.name === 'clause' ? `[${shape(child)}]` : child.textContent))
  return parts.join(' | ')
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

describe('splitting a clause', () => {
  const p = (text: string) => schema.node('paragraph', null, [schema.text(text)])
  const contract = () =>
    schema.node('doc', null, [clause('A', p('one two'), p('three'), clause('A1', p('sub'))), clause('B', p('b'))])

  /** Splits in `state` and returns the new state. */
  function split(state: EditorState): EditorState {
    let next = state
    expect(splitClause(() => 'N')(state, (tr) => (next = state.apply(tr)))).toBe(true)
    return next
  }

  it('splits the paragraph at the cursor, moving its end and everything after into a new clause', () => {
    const state = stateAtText(contract(), 'one two', 4)
    expect(splitClause(() => 'N')(state)).toBe(true)
    const next = split(state)
    expect(outline(next.doc)).toEqual(['1 A', '2 N', '2.1 A1', '3 B'])
    expect(shape(next.doc.child(0))).toBe('A | one ')
    expect(shape(next.doc.child(1))).toBe(' | two | three | [A1 | sub]')
    // The cursor waits in the new clause's empty heading.
    expect(next.selection.empty).toBe(true)
    expect(next.selection.$from.parent.type.name).toBe('heading')
    expect(next.selection.$from.node(1).attrs.clauseId).toBe('N')
  })

  it('splits before a block when the cursor is at its start, leaving no empty paragraph', () => {
    const next = split(stateAtText(contract(), 'three', 0))
    expect(shape(next.doc.child(0))).toBe('A | one two')
    expect(shape(next.doc.child(1))).toBe(' | three | [A1 | sub]')
    expect(outline(next.doc)).toEqual(['1 A', '2 N', '2.1 A1', '3 B'])
  })

  it('deletes the selected text first, as Enter does', () => {
    const doc = contract()
    const start = stateAtText(doc, 'one two', 1)
    const state = start.apply(start.tr.setSelection(TextSelection.create(doc, start.selection.from, start.selection.from + 3)))
    const next = split(state)
    expect(shape(next.doc.child(0))).toBe('A | o')
    expect(shape(next.doc.child(1))).toBe(' | two | three | [A1 | sub]')
  })

  it('splits a sub-clause into two sibling sub-clauses, renumbering those after', () => {
    const doc = schema.node('doc', null, [clause('A', clause('A1', p('first'), p('second')), clause('A2', p('x'))), clause('B')])
    const next = split(stateAtText(doc, 'second', 0))
    expect(outline(next.doc)).toEqual(['1 A', '1.1 A1', '1.2 N', '1.3 A2', '2 B'])
    expect(shape(next.doc.child(0))).toBe('A | [A1 | first] | [ | second] | [A2 | x]')
  })

  it('is refused in a heading (of a clause or a sub-clause), outside any clause and across blocks', () => {
    expect(splitClause(() => 'N')(stateOf(contract(), 'A'))).toBe(false)
    expect(splitClause(() => 'N')(stateOf(contract(), 'A1'))).toBe(false)
    const doc = contract()
    const state = stateAtText(doc, 'one two', 2)
    const across = state.apply(state.tr.setSelection(TextSelection.create(doc, state.selection.from, stateAtText(doc, 'three', 2).selection.from)))
    expect(splitClause(() => 'N')(across)).toBe(false)
    expect(splitClause(() => 'N')(stateAtText(schema.node('doc', null, [p('loose'), clause('A')]), 'loose', 2))).toBe(false)
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
