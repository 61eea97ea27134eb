/**
 * Keeps a colleague's typing from rebuilding the whole contract in this editor.
 *
 * The collaboration binding (`@tiptap/y-tiptap`) keeps a map from each shared element to the
 * ProseMirror node drawn from it, and when a colleague's change arrives it rebuilds only the
 * elements that changed, reusing the nodes of the rest. Except that it then empties the whole
 * map on every change: entries can be stale (the binding does not refresh every one of them
 * when this editor's own changes are written), and every remote keystroke rebuilds all 300
 * clauses — every node is new, ProseMirror compares the documents character by character, and
 * every plugin sees a wholly new document.
 *
 * Instead, for a change that adds, removes or moves no element (typing, deleting text,
 * formatting, an attribute), the map is checked against the editor's current document, which
 * has the same elements in the same places: an entry that is not the current node is dropped
 * (it will be rebuilt), and the children of every element that will be rebuilt are checked
 * in the same way. What is kept is exactly what the editor shows now. For any other change the
 * map is emptied, as the binding intends.
 */
import { Extension } from '@tiptap/core'
import type { Node as ProseMirrorNode } from '@tiptap/pm/model'
import { ySyncPluginKey } from '@tiptap/y-tiptap'
import * as Y from 'yjs'

/** The binding's map, emptied only when it cannot be checked against the current document. */
export class NodeMapping extends Map<unknown, unknown> {
  /** Whether the change now being drawn touches only text and attributes. */
  isTextOnly = false
  /** The shared fragment and the document the editor shows now, once known. */
  source: { fragment: Y.XmlFragment; current: () => ProseMirrorNode } | null = null

  override clear(): void {
    if (!this.isTextOnly || this.source === null || !this.#keepCurrent(this.source.fragment.toArray(), this.source.current())) super.clear()
  }

  /**
   * Drops the entries of `elements` (children of one parent, in order) that are not the
   * current nodes `parent` holds, and checks the children of those that will be rebuilt.
   * False when the two do not line up (the map is then emptied).
   */
  #keepCurrent(elements: ReadonlyArray<Y.XmlElement | Y.XmlText | Y.XmlHook>, parent: ProseMirrorNode): boolean {
    const children = elements.filter((element): element is Y.XmlElement => element instanceof Y.XmlElement)
    if (children.length !== elements.length) return true // a textblock's text: always drawn afresh
    if (children.length !== parent.childCount) return false
    return children.every((element, i) => {
      const node = parent.child(i)
      const mapped = this.get(element)
      if (mapped === node) return true
      if (mapped !== undefined) this.delete(element)
      return this.#keepCurrent(element.toArray(), node)
    })
  }
}

/** Whether `transaction` adds, removes or moves no element of the shared document. */
export function isTextOnly(transaction: Y.Transaction): boolean {
  for (const [type, keys] of transaction.changed) {
    // A list of children changed (`null` key): an element was added, removed or moved.
    if ((type instanceof Y.XmlElement || type instanceof Y.XmlFragment) && keys.has(null)) return false
  }
  return true
}

interface Storage {
  /** Undoes the installation, once it is made. */
  uninstall: (() => void) | null
}

export const ReuseUnchangedNodes = Extension.create<{ doc: Y.Doc | null }, Storage>({
  name: 'reuseUnchangedNodes',

  addOptions() {
    return { doc: null }
  },

  addStorage() {
    return { uninstall: null }
  },

  onCreate() {
    const { doc } = this.options
    const binding = (ySyncPluginKey.getState(this.editor.state) as { binding?: { mapping?: unknown; type?: unknown } } | undefined)?.binding
    if (doc === null || !binding || !(binding.mapping instanceof Map) || !(binding.type instanceof Y.XmlFragment)) return
    const mapping = new NodeMapping(binding.mapping)
    mapping.source = { fragment: binding.type, current: () => this.editor.state.doc }
    binding.mapping = mapping
    const before = (transaction: Y.Transaction) => {
      mapping.isTextOnly = isTextOnly(transaction)
    }
    const after = () => {
      mapping.isTextOnly = false
    }
    doc.on('beforeObserverCalls', before)
    doc.on('afterTransaction', after)
    this.storage.uninstall = () => {
      doc.off('beforeObserverCalls', before)
      doc.off('afterTransaction', after)
    }
  },

  onDestroy() {
    this.storage.uninstall?.()
  },
})
