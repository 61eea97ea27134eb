/**
 * The clause commands as a Tiptap extension: editor commands, keyboard shortcuts, and a guard
 * that keeps every clause's `clauseId` present and unique (a paste or a split can copy one).
 */
import { type Editor, Extension } from '@tiptap/core'
import type { Node as ProseMirrorNode } from '@tiptap/pm/model'
import { type EditorState, Plugin, PluginKey, TextSelection, type Transaction } from '@tiptap/pm/state'
import { AddMarkStep, Mapping, type Mappable, RemoveMarkStep, ReplaceStep } from '@tiptap/pm/transform'
import { ySyncPluginKey } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import {
  canMoveClauseTo,
  clauseMoveTarget,
  deleteClause,
  demoteClause,
  insertClauseAfter,
  insertSubClause,
  moveClause,
  moveClauseTo,
  promoteClause,
  splitClause,
} from './clauseCommands.ts'

export interface ClauseEditingOptions {
  /** Makes a new, globally unique clause id. */
  newClauseId: () => string
}

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    clauseEditing: {
      insertClauseAfter: () => ReturnType
      insertSubClause: () => ReturnType
      moveClauseUp: () => ReturnType
      moveClauseDown: () => ReturnType
      demoteClause: () => ReturnType
      promoteClause: () => ReturnType
      deleteClause: () => ReturnType
      splitClause: () => ReturnType
    }
  }
}

const clauseIdsKey = new PluginKey('clauseIds')

/** The document before a change and the mapping of its positions through the change. */
export interface BeforeChange {
  readonly doc: ProseMirrorNode
  readonly mapping: Mappable
}

/**
 * A transaction giving a fresh id to every clause without one or with the id of another clause,
 * or null when all are present and unique. Of clauses sharing an id, the one that was there
 * `before` the change keeps it, so a pasted copy of a clause is renamed rather than the
 * original, whose status and comments hang on that id (even when the copy lands before it);
 * failing that, the first keeps it.
 */
export function ensureUniqueClauseIds(state: EditorState, newClauseId: () => string, before?: BeforeChange): Transaction | null {
  const survivors = before ? survivingClauses(before, state.doc) : new Map<string, number>()
  const seen = new Set<string>()
  const tr = state.tr
  state.doc.descendants((node, pos) => {
    if (node.type.name !== 'clause') return !node.isTextblock
    const id = node.attrs.clauseId as string | null
    if (id && !seen.has(id) && (survivors.get(id) ?? pos) === pos) {
      seen.add(id)
    } else {
      const fresh = newClauseId()
      seen.add(fresh)
      tr.setNodeMarkup(pos, undefined, { ...node.attrs, clauseId: fresh })
    }
    return true
  })
  return tr.docChanged ? tr : null
}

/** The clauses of `before.doc` still in `doc` with their id, as id → position in `doc`. */
function survivingClauses(before: BeforeChange, doc: ProseMirrorNode): Map<string, number> {
  const positions = new Map<string, number>()
  before.doc.descendants((node, pos) => {
    const id = node.attrs.clauseId as string | null
    if (node.type.name !== 'clause' || !id) return !node.isTextblock
    // Associating forwards, a clause with content inserted just before it maps past that content.
    const mapped = before.mapping.mapResult(pos, 1)
    const now = mapped.deleted ? null : doc.nodeAt(mapped.pos)
    if (now?.type.name === 'clause' && now.attrs.clauseId === id && !positions.has(id)) positions.set(id, mapped.pos)
    return true
  })
  return positions
}

/** The part of the collaboration binding a move needs: the shared fragment and its Y → PM mapping. */
interface SyncBinding {
  readonly type: Y.XmlFragment
  readonly mapping: Map<object, ProseMirrorNode | ProseMirrorNode[]>
}

function syncBindingOf(state: EditorState): SyncBinding | null {
  const binding = (ySyncPluginKey.getState(state) as { binding?: SyncBinding } | undefined)?.binding
  return binding?.type instanceof Y.XmlFragment ? binding : null
}

/** The shared element drawn as `node`, or null. */
function sharedElementOf(binding: SyncBinding, node: ProseMirrorNode): Y.XmlElement | null {
  for (const [type, drawn] of binding.mapping) if (drawn === node && type instanceof Y.XmlElement) return type
  return null
}

/**
 * Moves the clause at `from` to the position `to` (see `moveClauseTo`), and returns whether it
 * did. In a shared document the move is made on the Yjs elements themselves — a copy of the
 * clause inserted at the target, the clause deleted — in one Yjs transaction that the
 * collaboration binding draws and that undo reverses in one step. Left to the binding, a
 * reordered document is diffed child by child, and the diff may rewrite the neighbour the
 * clause passed (losing a colleague's concurrent typing there, or changing a locked clause,
 * which the server refuses) instead of the clause that moved.
 */
export function moveClauseInEditor(editor: Editor, from: number, to: number): boolean {
  const { state, view } = editor
  if (!canMoveClauseTo(state.doc, from, to)) return false
  const binding = syncBindingOf(state)
  if (binding === null) return moveClauseTo(from, to)(state, view.dispatch)

  const node = state.doc.nodeAt(from)!
  const $to = state.doc.resolve(to)
  const source = sharedElementOf(binding, node)
  const target = $to.depth === 0 ? binding.type : sharedElementOf(binding, $to.parent)
  const index = $to.index()
  const next = index < $to.parent.childCount ? sharedElementOf(binding, $to.parent.child(index)) : null
  if (source === null || target === null || (index < $to.parent.childCount && next === null)) {
    // The binding has not drawn these nodes yet: let it diff the result after all.
    return moveClauseTo(from, to)(state, view.dispatch)
  }
  const offset = state.selection.from - from
  const copy = source.clone()
  binding.type.doc!.transact(() => {
    target.insert(next === null ? target.length : target.toArray().indexOf(next), [copy])
    const parent = source.parent as Y.XmlFragment
    parent.delete(parent.toArray().indexOf(source), 1)
  }, ySyncPluginKey)

  // The binding has drawn the move; put the cursor back where it was inside the clause.
  const moved = binding.mapping.get(copy)
  let movedPos = -1
  editor.state.doc.descendants((candidate, pos) => {
    if (movedPos >= 0) return false
    if (candidate === moved) movedPos = pos
    return movedPos < 0
  })
  if (movedPos >= 0 && offset > 0 && offset < node.nodeSize) {
    view.dispatch(editor.state.tr.setSelection(TextSelection.create(editor.state.doc, movedPos + offset)).scrollIntoView())
  }
  return true
}

/** A command moving the current clause up or down, through {@link moveClauseInEditor} when it runs. */
function moveCommand(direction: -1 | 1) {
  return () =>
    ({ state, dispatch, tr, editor }: { state: EditorState; dispatch?: unknown; tr: Transaction; editor: Editor }) => {
      if (!dispatch) return moveClause(direction)(state)
      const move = clauseMoveTarget(state, direction)
      if (move === null) return false
      // The move dispatches its own transactions; the command's own would be stale.
      tr.setMeta('preventDispatch', true)
      return moveClauseInEditor(editor, move.from, move.to)
    }
}

/**
 * Whether `tr` only edits text inside textblocks (typing, deleting within a paragraph,
 * formatting): such a change cannot add, copy or remove a clause, so the id guard can skip
 * walking the whole document on every keystroke.
 */
function onlyEditsText(tr: Transaction): boolean {
  return tr.steps.every((step, i) => {
    if (step instanceof AddMarkStep || step instanceof RemoveMarkStep) return true
    if (!(step instanceof ReplaceStep)) return false
    const doc = tr.docs[i]!
    const $from = doc.resolve(step.from)
    if (!$from.parent.isTextblock || !$from.sameParent(doc.resolve(step.to))) return false
    let hasBlocks = false
    step.slice.content.forEach((node) => {
      if (!node.isInline) hasBlocks = true
    })
    return !hasBlocks
  })
}

export const ClauseEditing = Extension.create<ClauseEditingOptions>({
  name: 'clauseEditing',

  addOptions() {
    return { newClauseId: () => crypto.randomUUID() }
  },

  addCommands() {
    const { newClauseId } = this.options
    return {
      insertClauseAfter: () => ({ state, dispatch }) => insertClauseAfter(newClauseId)(state, dispatch),
      insertSubClause: () => ({ state, dispatch }) => insertSubClause(newClauseId)(state, dispatch),
      moveClauseUp: moveCommand(-1),
      moveClauseDown: moveCommand(1),
      demoteClause: () => ({ state, dispatch }) => demoteClause(state, dispatch),
      promoteClause: () => ({ state, dispatch }) => promoteClause(state, dispatch),
      deleteClause: () => ({ state, dispatch }) => deleteClause(state, dispatch),
      splitClause: () => ({ state, dispatch }) => splitClause(newClauseId)(state, dispatch),
    }
  },

  addKeyboardShortcuts() {
    return {
      'Mod-Enter': () => this.editor.commands.insertClauseAfter(),
      'Mod-Shift-Enter': () => this.editor.commands.insertSubClause(),
      'Mod-Alt-Enter': () => this.editor.commands.splitClause(),
      'Mod-Alt-ArrowUp': () => this.editor.commands.moveClauseUp(),
      'Mod-Alt-ArrowDown': () => this.editor.commands.moveClauseDown(),
      'Mod-]': () => this.editor.commands.demoteClause(),
      'Mod-[': () => this.editor.commands.promoteClause(),
    }
  },

  addProseMirrorPlugins() {
    const { newClauseId } = this.options
    return [
      new Plugin({
        key: clauseIdsKey,
        appendTransaction(transactions, oldState, state) {
          // Only local edits: a remote change was checked by its author's editor, and fixing it
          // here too would have every client write its own new id.
          const isLocalEdit = transactions.some((tr) => tr.docChanged && !tr.getMeta(ySyncPluginKey)?.isChangeOrigin)
          if (!isLocalEdit || transactions.every(onlyEditsText)) return null
          const mapping = new Mapping()
          for (const tr of transactions) mapping.appendMapping(tr.mapping)
          return ensureUniqueClauseIds(state, newClauseId, { doc: oldState.doc, mapping })
        },
      }),
    ]
  },
})
