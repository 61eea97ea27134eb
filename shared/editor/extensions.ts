/**
 * The contract's document schema as Tiptap extensions: the list the client's editor renders
 * with and the server validates and exports with, so both agree on every node and mark.
 * Collaboration-specific extensions (Yjs binding, carets) are added by the client on top.
 */
import type { Extensions } from '@tiptap/core'
import { TableKit } from '@tiptap/extension-table'
import StarterKit from '@tiptap/starter-kit'
import { Clause, ClauseNumbering } from './Clause.ts'
import { ClauseEditing } from './ClauseEditing.ts'
import { ClausePaste } from './ClausePaste.ts'
import { Deletion, Insertion } from './SuggestionMarks.ts'

/**
 * The schema's extensions: clauses of paragraphs, lists and tables (schedules such as fee
 * bands, with header cells; columns resizable by editors). Undo/redo is left to the Yjs-aware undo of the collaboration layer.
 * StarterKit's trailing node is off: it appends an empty paragraph in every person's editor,
 * which the Yjs binding then writes into the shared contract (and a read-only person's page
 * would try to, and be refused). The suggestion marks are part of the schema for everyone: a
 * suggester's editor writes them, every editor draws them, the server reads them.
 */
export function contractExtensions(): Extensions {
  return [StarterKit.configure({ undoRedo: false, trailingNode: false }), TableKit.configure({ table: { resizable: true } }), Clause, ClauseNumbering, ClauseEditing, ClausePaste, Insertion, Deletion]
}
