/**
 * The clause commands as a Tiptap extension: editor commands, keyboard shortcuts, and a guard
 * that keeps every clause's `clauseId` present and unique (a paste or a split can copy one).
 */
import { Extension } from '@tiptap/core'
import { type EditorState, Plugin, PluginKey, type Transaction } from '@tiptap/pm/state'
import { ySyncPluginKey } from '@tiptap/y-tiptap'
import { deleteClause, demoteClause, insertClauseAfter, insertSubClause, moveClause, promoteClause } from './clauseCommands.ts'

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
    }
  }
}

const clauseIdsKey = new PluginKey('clauseIds')

/**
 * A transaction giving a fresh id to every clause without one or with the id of a clause
 * before it (the first keeps it), or null when all are present and unique.
 */
export function ensureUniqueClauseIds(state: EditorState, newClauseId: () => string): Transaction | null {
  const seen = new Set<string>()
  const tr = state.tr
  state.doc.descendants((node, pos) => {
    if (node.type.name !== 'clause') return true
    const id = node.attrs.clauseId as string | null
    if (id && !seen.has(id)) {
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
      moveClauseUp: () => ({ state, dispatch }) => moveClause(-1)(state, dispatch),
      moveClauseDown: () => ({ state, dispatch }) => moveClause(1)(state, dispatch),
      demoteClause: () => ({ state, dispatch }) => demoteClause(state, dispatch),
      promoteClause: () => ({ state, dispatch }) => promoteClause(state, dispatch),
      deleteClause: () => ({ state, dispatch }) => deleteClause(state, dispatch),
    }
  },

  addKeyboardShortcuts() {
    return {
      'Mod-Enter': () => this.editor.commands.insertClauseAfter(),
      'Mod-Shift-Enter': () => this.editor.commands.insertSubClause(),
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
        appendTransaction(transactions, _oldState, state) {
          // Only local edits: a remote change was checked by its author's editor, and fixing it
          // here too would have every client write its own new id.
          const isLocalEdit = transactions.some((tr) => tr.docChanged && !tr.getMeta(ySyncPluginKey)?.isChangeOrigin)
          if (!isLocalEdit) return null
          return ensureUniqueClauseIds(state, newClauseId)
        },
      }),
    ]
  },
})
