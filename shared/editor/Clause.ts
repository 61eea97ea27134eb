/**
 * The `clause` node: a numbered unit of the contract, with a stable `clauseId`, a heading, block
 * content and optionally nested sub-clauses (DESIGN.md). Its number (1, 1.1, 1.1.2) is never
 * stored: `clauseNumbers` computes it from position and the numbering plugin draws it.
 *
 * A whole clause can be a suggestion: `insertion: { id }` on a clause proposed as new,
 * `deletion: { id }` on one proposed for deletion. In the shared document these are the
 * clause element's attributes, holding the object `{ id }` as the server reads it
 * (server/sync/suggestionRules.ts); drawn as `data-suggested-insertion` / `data-suggested-deletion`.
 */
import { Extension, Node, mergeAttributes } from '@tiptap/core'
import type { Node as ProseMirrorNode } from '@tiptap/pm/model'
import { Plugin, PluginKey } from '@tiptap/pm/state'
import { Decoration, DecorationSet } from '@tiptap/pm/view'
import { textblockEdit } from './textblockEdit.ts'

/** The two kinds of whole-clause suggestion, named as the clause attributes that carry them. */
export type ClauseSuggestionKind = 'insertion' | 'deletion'

/** The whole-clause suggestion attribute `kind`: `{ id }` or null, drawn as `attribute` holding the id. */
function blockSuggestionAttribute(kind: ClauseSuggestionKind, attribute: string) {
  return {
    default: null as { id: string } | null,
    // Never carried over to the other half of a split block.
    keepOnSplit: false,
    parseHTML: (element: HTMLElement) => {
      const id = element.getAttribute(attribute)
      return id ? { id } : null
    },
    renderHTML: (attributes: Record<string, unknown>) => {
      const value = attributes[kind] as { id?: unknown } | null
      return typeof value?.id === 'string' ? { [attribute]: value.id } : {}
    },
  }
}

/** The id of the whole-clause suggestion of `kind` that `node` (a clause) carries, or null. */
export function clauseSuggestionId(node: ProseMirrorNode | null | undefined, kind: ClauseSuggestionKind): string | null {
  if (node?.type.name !== 'clause') return null
  const value = node.attrs[kind] as { id?: unknown } | null | undefined
  return typeof value?.id === 'string' ? value.id : null
}

export const Clause = Node.create({
  name: 'clause',
  group: 'block',
  content: 'heading block*',
  defining: true,

  addAttributes() {
    return {
      clauseId: {
        default: null,
        parseHTML: (element) => element.getAttribute('data-clause-id'),
        renderHTML: (attributes) => ({ 'data-clause-id': attributes.clauseId }),
      },
      insertion: blockSuggestionAttribute('insertion', 'data-suggested-insertion'),
      deletion: blockSuggestionAttribute('deletion', 'data-suggested-deletion'),
    }
  },

  parseHTML() {
    return [{ tag: 'section[data-clause-id]' }]
  },

  renderHTML({ HTMLAttributes }) {
    return ['section', mergeAttributes(HTMLAttributes, { class: 'clause' }), 0]
  },
})

/**
 * The number of every clause, keyed by the clause node's position: top-level clauses count
 * 1, 2, 3 …; a sub-clause takes its parent's number and its own place among its siblings.
 */
export function clauseNumbers(doc: ProseMirrorNode): Map<number, string> {
  const numbers = new Map<number, string>()
  const visit = (parent: ProseMirrorNode, parentPos: number, prefix: string) => {
    let count = 0
    parent.forEach((child, offset) => {
      if (child.type.name !== 'clause') return
      count += 1
      const pos = parentPos + offset
      const number = prefix ? `${prefix}.${count}` : String(count)
      numbers.set(pos, number)
      visit(child, pos + 1, number)
    })
  }
  visit(doc, 0, '')
  return numbers
}

const numberingKey = new PluginKey<DecorationSet>('clauseNumbering')

function numberDecorations(doc: ProseMirrorNode): DecorationSet {
  const decorations: Decoration[] = []
  for (const [pos, number] of clauseNumbers(doc)) {
    // Inside the heading, before its text: pos is the clause, +1 its heading, +2 the text.
    decorations.push(
      Decoration.widget(pos + 2, () => {
        const span = document.createElement('span')
        span.className = 'clause-number'
        span.textContent = number
        span.setAttribute('contenteditable', 'false')
        return span
      }, { side: -1, key: `clause-${number}`, ignoreSelection: true }),
    )
  }
  return DecorationSet.create(doc, decorations)
}

/** Draws each clause's computed number before its heading, live as clauses move. */
export const ClauseNumbering = Extension.create({
  name: 'clauseNumbering',
  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: numberingKey,
        state: {
          init: (_, state) => numberDecorations(state.doc),
          apply: (tr, previous) => {
            if (!tr.docChanged) return previous
            // Typing in a paragraph or heading moves numbers along, and changes none of them.
            const edit = textblockEdit(tr.before, tr.doc)
            return edit === null ? numberDecorations(tr.doc) : previous.map(edit.map, tr.doc)
          },
        },
        props: {
          decorations: (state) => numberingKey.getState(state),
        },
      }),
    ]
  },
})
