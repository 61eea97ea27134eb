/**
 * The marks of tracked suggestions (shared/domain/suggestions.ts): `insertion` on text someone
 * proposes to add, `deletion` on text someone proposes to remove, each carrying the
 * suggestion's `id` and nothing else. Deleted text stays in the document, struck through, until
 * a reviewer accepts the suggestion.
 *
 * Both keep ProseMirror's default `excludes` (a mark excludes only itself): the Yjs binding then
 * stores each as a formatting attribute named exactly `insertion` / `deletion` with the value
 * `{ id }`, which is what the server's referee reads. (A mark that may overlap itself would be
 * stored under a hashed key instead.) Neither is inclusive: typing next to a suggestion is not
 * part of it unless the suggesting editor says so.
 */
import { Mark, mergeAttributes } from '@tiptap/core'
import type { Mark as ProseMirrorMark, Node as ProseMirrorNode } from '@tiptap/pm/model'
import { SUGGESTION_MARK } from '../domain/suggestions.ts'

/** The two kinds of inline suggestion, named as their marks. */
export type SuggestionKind = keyof typeof SUGGESTION_MARK

/** The attribute every suggestion mark has: the suggestion's id. */
const idAttribute = {
  id: {
    default: null as string | null,
    parseHTML: (element: HTMLElement) => element.getAttribute('data-suggestion-id'),
    renderHTML: (attributes: Record<string, unknown>) => ({ 'data-suggestion-id': attributes.id }),
  },
}

/** Text proposed for insertion, drawn as `<ins data-suggestion-id>`. */
export const Insertion = Mark.create({
  name: SUGGESTION_MARK.insertion,
  inclusive: false,

  addAttributes() {
    return idAttribute
  },

  parseHTML() {
    return [{ tag: 'ins[data-suggestion-id]' }]
  },

  renderHTML({ HTMLAttributes }) {
    return ['ins', mergeAttributes(HTMLAttributes, { class: 'suggestion suggestion-insertion' }), 0]
  },
})

/** Text proposed for deletion, drawn as `<del data-suggestion-id>`: still there, struck through. */
export const Deletion = Mark.create({
  name: SUGGESTION_MARK.deletion,
  inclusive: false,

  addAttributes() {
    return idAttribute
  },

  parseHTML() {
    return [{ tag: 'del[data-suggestion-id]' }]
  },

  renderHTML({ HTMLAttributes }) {
    return ['del', mergeAttributes(HTMLAttributes, { class: 'suggestion suggestion-deletion' }), 0]
  },
})

/** Whether `mark` is a suggestion mark (of either kind). */
export function isSuggestionMark(mark: ProseMirrorMark): boolean {
  return mark.type.name === SUGGESTION_MARK.insertion || mark.type.name === SUGGESTION_MARK.deletion
}

/** The suggestion id `node` carries as a mark of `kind`, or null. */
export function suggestionIdOf(node: ProseMirrorNode | null | undefined, kind: SuggestionKind): string | null {
  const mark = node?.marks.find((candidate) => candidate.type.name === SUGGESTION_MARK[kind])
  const id = mark?.attrs.id
  return typeof id === 'string' ? id : null
}

/** The ids of every suggestion in `doc`: of its marks, and of whole clauses proposed as new or for deletion. */
export function suggestionIdsIn(doc: ProseMirrorNode): Set<string> {
  const ids = new Set<string>()
  doc.descendants((node) => {
    if (!node.isInline) {
      for (const kind of ['insertion', 'deletion'] as const) {
        const value = node.type.name === 'clause' ? (node.attrs[kind] as { id?: unknown } | null) : null
        if (typeof value?.id === 'string') ids.add(value.id)
      }
      return true
    }
    for (const mark of node.marks) if (isSuggestionMark(mark) && typeof mark.attrs.id === 'string') ids.add(mark.attrs.id)
    return false
  })
  return ids
}
