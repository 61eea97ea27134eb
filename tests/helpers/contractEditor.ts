/**
 * A person's editor as the client builds it — the contract's schema, the Yjs binding, clause
 * locking and Suggesting mode — bound to a Y.Doc of its own, for unit tests that drive real
 * editors and pass their updates through the referee's rules. Also the clause element the
 * editor writes, for building contracts before an editor opens them.
 */
import { Editor } from '@tiptap/core'
import Collaboration from '@tiptap/extension-collaboration'
import * as Y from 'yjs'
import { SuggestChanges, type SuggestionAuthor } from '../../client/editor/SuggestChanges.ts'
import { ClauseLocking } from '../../shared/editor/ClauseLocking.ts'
import { contractExtensions } from '../../shared/editor/extensions.ts'
import { getBody, getClauses } from '../../shared/ydoc/schema.ts'

/** A clause element as the editor writes it: a level-2 heading, then one paragraph per text. */
export function clauseElement(clauseId: string, heading: string, ...paragraphs: readonly string[]): Y.XmlElement {
  const element = new Y.XmlElement('clause')
  element.setAttribute('clauseId', clauseId)
  const h = new Y.XmlElement('heading')
  h.setAttribute('level', 2 as unknown as string)
  h.insert(0, [new Y.XmlText(heading)])
  const blocks = paragraphs.map((text) => {
    const p = new Y.XmlElement('paragraph')
    p.insert(0, [new Y.XmlText(text)])
    return p
  })
  element.insert(0, [h, ...blocks])
  return element
}

export interface ContractEditorOptions {
  /** Who writes: their suggestions are recorded under this name. */
  author: SuggestionAuthor
  /** Whether the editor starts in Suggesting mode. */
  isSuggesting: boolean
  /** Told why a local edit was not made (a locked clause, an edit that cannot be a suggestion). */
  onRefused: (message: string) => void
}

/** A real editor (in a detached element) bound to `doc`'s body, clause statuses and suggestion records. */
export function contractEditor(doc: Y.Doc, { author, isSuggesting, onRefused }: ContractEditorOptions): Editor {
  return new Editor({
    element: document.createElement('div'),
    extensions: [
      ...contractExtensions(),
      Collaboration.configure({ fragment: getBody(doc) }),
      ClauseLocking.configure({ clauses: getClauses(doc), onRefused }),
      SuggestChanges.configure({ doc, author, isSuggesting, onRefused }),
    ],
  })
}
