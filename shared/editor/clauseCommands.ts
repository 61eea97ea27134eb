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

/** The level of every clause's heading: a clause's depth is its nesting, never its heading level. */
export const CLAUSE_HEADING_LEVEL = 2

/** A new, empty clause: a heading to type into and one paragraph; `attrs` adds to its id. */
export function emptyClause(schema: Schema, clauseId: string, attrs: Record<string, unknown> = {}): ProseMirrorNode {
  return schema.nodes.clause!.create({ ...attrs, clauseId }, [
    schema.nodes.heading!.create({ level: CLAUSE_HEADING_LEVEL }),
    schema.nodes.paragraph!.create(),
  ])
}

/** Puts the cursor in the heading of the clause that starts at `clausePos`. */
function selectHeading(tr: Transaction, clausePos: number): Transaction {
  return tr.setSelection(TextSelection.create(tr.doc, clausePos + 2)).scrollIntoView()
}

/**
 * Inserts a new clause after the current one, at the same level (or at the end of the
 * contract); `attrs` are given to the new clause besides its id.
 */
export function insertClauseAfter(newClauseId: () => string, attrs: Record<string, unknown> = {}): Command {
  return (state, dispatch) => {
    const at = clauseAtSelection(state)
    const pos = at ? at.pos + at.node.nodeSize : state.doc.content.size
    if (dispatch) {
      const tr = state.tr.insert(pos, emptyClause(state.schema, newClauseId(), attrs))
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

/** Where {@link splitClause} would split: the innermost clause around the cursor, and its depth. */
interface SplitPoint {
  readonly clause: ClauseAt
  /** The depth of the clause node in the selection's resolved positions. */
  readonly depth: number
}

/**
 * Where the selection allows a split: inside a body block of the innermost clause (not its
 * heading, not between blocks), with the whole selection inside that one block.
 */
function splitPoint(state: EditorState): SplitPoint | null {
  const at = clauseAtSelection(state)
  if (!at) return null
  const { $from, to } = state.selection
  const depth = state.doc.resolve(at.pos).depth + 1
  if ($from.depth <= depth || $from.index(depth) === 0) return null
  if ($from.sharedDepth(to) <= depth) return null
  return { clause: at, depth }
}

/**
 * Splits the current clause before the body block holding the cursor; a paragraph directly in
 * the clause is first split at the cursor, as Enter would (the selection deleted), unless the
 * cursor is at its start. Everything from there to the end of the clause (blocks and
 * sub-clauses) moves into a new clause right after it, at the same level, whose empty heading
 * takes the cursor. Refused outside a clause, in a heading, or when the selection spans blocks.
 */
export function splitClause(newClauseId: () => string): Command {
  return (state, dispatch) => {
    const split = splitPoint(state)
    if (!split) return false
    if (dispatch) {
      const { clause, depth } = split
      const tr = state.tr
      const $from = state.selection.$from
      let splitAt = $from.before(depth + 1)
      if ($from.depth === depth + 1 && $from.parent.type.name === 'paragraph') {
        tr.deleteSelection()
        const cursor = tr.mapping.map($from.pos, -1)
        if (tr.doc.resolve(cursor).parentOffset > 0) {
          tr.split(cursor)
          // Between the two halves of the paragraph.
          splitAt = cursor + 1
        }
      }
      const clauseEnd = clause.pos + tr.doc.nodeAt(clause.pos)!.nodeSize
      const moved = tr.doc.slice(splitAt, clauseEnd - 1).content
      const heading = state.schema.nodes.heading!.create({ level: CLAUSE_HEADING_LEVEL })
      const newClause = state.schema.nodes.clause!.create({ clauseId: newClauseId() }, Fragment.from(heading).append(moved))
      tr.delete(splitAt, clauseEnd - 1)
      // The current clause now ends just after the split point.
      tr.insert(splitAt + 1, newClause)
      dispatch(selectHeading(tr, splitAt + 1))
    }
    return true
  }
}

/** The clause starting at `pos` in `doc`, or null when no clause starts there. */
export function clauseAt(doc: ProseMirrorNode, pos: number): ClauseAt | null {
  const node = pos >= 0 && pos < doc.content.size ? doc.nodeAt(pos) : null
  if (node?.type.name !== 'clause') return null
  const $pos = doc.resolve(pos)
  return { node, pos, parent: $pos.parent, index: $pos.index() }
}

/**
 * Where the current clause goes when moved one place up or down among its siblings: `from`,
 * its position, and `to`, the position between blocks it moves to (before the previous
 * sibling, or after the next). Null when there is no sibling clause that way.
 */
export function clauseMoveTarget(state: EditorState, direction: -1 | 1): { from: number; to: number } | null {
  const at = clauseAtSelection(state)
  return at && siblingMoveTarget(at, direction)
}

/** {@link clauseMoveTarget} for the clause `at`, wherever the selection is. */
export function siblingMoveTarget(at: ClauseAt, direction: -1 | 1): { from: number; to: number } | null {
  const siblingIndex = at.index + direction
  if (siblingIndex < 0 || siblingIndex >= at.parent.childCount) return null
  const sibling = at.parent.child(siblingIndex)
  if (sibling.type.name !== 'clause') return null
  return { from: at.pos, to: direction === -1 ? at.pos - sibling.nodeSize : at.pos + at.node.nodeSize + sibling.nodeSize }
}

/**
 * Whether the clause at `from` can move to `to`, a position between blocks: not into itself,
 * not where it already is, and only where the schema lets a clause stand (at the top level, or
 * after a clause's heading).
 */
export function canMoveClauseTo(doc: ProseMirrorNode, from: number, to: number): boolean {
  const node = doc.nodeAt(from)
  if (node?.type.name !== 'clause') return false
  const end = from + node.nodeSize
  if (to >= from && to <= end) return false
  if (to < 0 || to > doc.content.size) return false
  const $to = doc.resolve(to)
  if ($to.parentOffset !== 0 && $to.nodeBefore === null) return false
  const index = $to.index()
  return $to.parent.canReplace(index, index, Fragment.from(node))
}

/**
 * Moves the clause at `from` (with its sub-clauses) to `to`: inserted there and deleted where
 * it was, so that nothing else is rewritten (a neighbour may be locked, or being edited by
 * someone else). The cursor keeps its place inside the moved clause.
 */
export function moveClauseTo(from: number, to: number): Command {
  return (state, dispatch) => {
    if (!canMoveClauseTo(state.doc, from, to)) return false
    if (dispatch) {
      const node = state.doc.nodeAt(from)!
      // Inserted first: the old copy then sits one clause further on when the target was before it.
      const oldStart = to < from ? from + node.nodeSize : from
      const tr = state.tr.insert(to, node).delete(oldStart, oldStart + node.nodeSize)
      const newPos = to < from ? to : to - node.nodeSize
      const offset = state.selection.from - from
      if (offset > 0 && offset < node.nodeSize) tr.setSelection(TextSelection.create(tr.doc, newPos + offset))
      dispatch(tr.scrollIntoView())
    }
    return true
  }
}

/** Moves the current clause one place up (-1) or down (1) among its siblings. */
export function moveClause(direction: -1 | 1): Command {
  return (state, dispatch) => {
    const move = clauseMoveTarget(state, direction)
    return move !== null && moveClauseTo(move.from, move.to)(state, dispatch)
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
