/**
 * Clause commands as ProseMirror commands: called without `dispatch` they answer "can I?", so a
 * toolbar button's enabled state and its action cannot disagree. Each acts on the innermost
 * clause around the selection.
 */
import { Fragment, type Node as ProseMirrorNode, type Schema } from '@tiptap/pm/model'
import { type Command, type EditorState, TextSelection, type Transaction } from '@tiptap/pm/state'

/** Where a clause sits: its node, its position, and its parent's node and content start. */
export interface ClauseAt {
  readonly node: ProseMirrorNode
  readonly pos: number
  readonly parent: ProseMirrorNode
  /** Index of the clause among its parent's children. */
  readonly index: number
}

/** The innermost clause containing the selection's start, if any. */
export function clauseAtSelection(state: EditorState): ClauseAt | null {
  const $from = state.selection.$from
  for (let depth = $from.depth; depth > 0; depth--) {
    const node = $from.node(depth)
    if (node.type.name === 'clause') {
      return { node, pos: $from.before(depth), parent: $from.node(depth - 1), index: $from.index(depth - 1) }
    }
  }
  return null
}

/** A new, empty clause: a heading to type into and one paragraph. */
export function emptyClause(schema: Schema, clauseId: string): ProseMirrorNode {
  return schema.nodes.clause!.create({ clauseId }, [schema.nodes.heading!.create({ level: 2 }), schema.nodes.paragraph!.create()])
}

/** Puts the cursor in the heading of the clause that starts at `clausePos`. */
function selectHeading(tr: Transaction, clausePos: number): Transaction {
  return tr.setSelection(TextSelection.create(tr.doc, clausePos + 2)).scrollIntoView()
}

/** Inserts a new clause after the current one, at the same level (or at the end of the contract). */
export function insertClauseAfter(newClauseId: () => string): Command {
  return (state, dispatch) => {
    const at = clauseAtSelection(state)
    const pos = at ? at.pos + at.node.nodeSize : state.doc.content.size
    if (dispatch) {
      const tr = state.tr.insert(pos, emptyClause(state.schema, newClauseId()))
      dispatch(selectHeading(tr, pos))
    }
    return true
  }
}

/** Inserts a new sub-clause at the end of the current clause. */
export function insertSubClause(newClauseId: () => string): Command {
  return (state, dispatch) => {
    const at = clauseAtSelection(state)
    if (!at) return false
    const pos = at.pos + at.node.nodeSize - 1
    if (dispatch) {
      const tr = state.tr.insert(pos, emptyClause(state.schema, newClauseId()))
      dispatch(selectHeading(tr, pos))
    }
    return true
  }
}

/** Swaps the current clause with its previous (-1) or next (+1) sibling clause. */
export function moveClause(direction: -1 | 1): Command {
  return (state, dispatch) => {
    const at = clauseAtSelection(state)
    if (!at) return false
    const siblingIndex = at.index + direction
    if (siblingIndex < 0 || siblingIndex >= at.parent.childCount) return false
    const sibling = at.parent.child(siblingIndex)
    if (sibling.type.name !== 'clause') return false
    if (dispatch) {
      const offset = state.selection.from - at.pos
      const [first, second] = direction === -1 ? [sibling, at.node] : [at.node, sibling]
      const start = direction === -1 ? at.pos - sibling.nodeSize : at.pos
      const tr = state.tr.replaceWith(start, start + first.nodeSize + second.nodeSize, Fragment.from([second, first]))
      const newPos = direction === -1 ? start : start + sibling.nodeSize
      dispatch(tr.setSelection(TextSelection.create(tr.doc, newPos + offset)).scrollIntoView())
    }
    return true
  }
}

/** Deletes the current clause with its sub-clauses. */
export const deleteClause: Command = (state, dispatch) => {
  const at = clauseAtSelection(state)
  if (!at) return false
  if (dispatch) dispatch(state.tr.delete(at.pos, at.pos + at.node.nodeSize).scrollIntoView())
  return true
}

/** Whether the current clause has text beyond an empty heading (deleting it deserves a confirm). */
export function clauseHasContent(state: EditorState): boolean {
  const at = clauseAtSelection(state)
  return at !== null && at.node.textContent.trim().length > 0
}

/** Makes the current clause the last sub-clause of the clause before it. */
export const demoteClause: Command = (state, dispatch) => {
  const at = clauseAtSelection(state)
  if (!at || at.index === 0) return false
  const previous = at.parent.child(at.index - 1)
  if (previous.type.name !== 'clause') return false
  if (dispatch) {
    const offset = state.selection.from - at.pos
    const previousPos = at.pos - previous.nodeSize
    const moved = previous.copy(previous.content.append(Fragment.from(at.node)))
    const tr = state.tr.replaceWith(previousPos, at.pos + at.node.nodeSize, moved)
    const newPos = previousPos + previous.nodeSize - 1
    dispatch(tr.setSelection(TextSelection.create(tr.doc, newPos + offset)).scrollIntoView())
  }
  return true
}

/** Moves the current sub-clause out of its parent clause, to just after it. */
export const promoteClause: Command = (state, dispatch) => {
  const at = clauseAtSelection(state)
  if (!at || at.parent.type.name !== 'clause') return false
  if (dispatch) {
    const offset = state.selection.from - at.pos
    const $clause = state.doc.resolve(at.pos)
    const parentPos = $clause.before($clause.depth)
    const parentEnd = parentPos + at.parent.nodeSize
    let tr = state.tr.delete(at.pos, at.pos + at.node.nodeSize)
    const insertAt = tr.mapping.map(parentEnd)
    tr = tr.insert(insertAt, at.node)
    dispatch(tr.setSelection(TextSelection.create(tr.doc, insertAt + offset)).scrollIntoView())
  }
  return true
}
