/**
 * The outline: every clause's computed number and heading, with its status, in document order.
 * Clicking (or Enter on) an entry puts the cursor in that clause's heading and scrolls to it.
 */
import { useEffect, useState } from 'react'
import type { Editor } from '@tiptap/react'
import type * as Y from 'yjs'
import { clauseNumbers } from '../../../shared/editor/Clause.ts'
import { getClauses } from '../../../shared/ydoc/schema.ts'

interface OutlineEntry {
  readonly pos: number
  readonly number: string
  readonly heading: string
  readonly clauseId: string
  readonly depth: number
}

const STATUS_LABEL: Record<string, string> = { drafting: 'Drafting', proposed: 'Proposed', agreed: 'Agreed', locked: 'Locked' }

function entriesOf(editor: Editor): OutlineEntry[] {
  const { doc } = editor.state
  return [...clauseNumbers(doc)].map(([pos, number]) => {
    const node = doc.nodeAt(pos)!
    return {
      pos,
      number,
      heading: node.firstChild?.textContent ?? '',
      clauseId: String(node.attrs.clauseId ?? ''),
      depth: number.split('.').length,
    }
  })
}

function statusOf(doc: Y.Doc, clauseId: string): string {
  const value = getClauses(doc).get(clauseId) as { status?: unknown } | undefined
  return typeof value?.status === 'string' ? value.status : 'drafting'
}

export function OutlinePanel({ editor, doc }: { editor: Editor; doc: Y.Doc }) {
  const [entries, setEntries] = useState<OutlineEntry[]>(() => entriesOf(editor))
  const [, setStatusVersion] = useState(0)

  useEffect(() => {
    const refresh = () => setEntries(entriesOf(editor))
    const refreshStatus = () => setStatusVersion((v) => v + 1)
    editor.on('update', refresh)
    getClauses(doc).observe(refreshStatus)
    refresh()
    return () => {
      editor.off('update', refresh)
      getClauses(doc).unobserve(refreshStatus)
    }
  }, [editor, doc])

  const jump = (pos: number) => {
    editor.chain().focus().setTextSelection(pos + 2).scrollIntoView().run()
  }

  return (
    <nav className="outline" aria-label="Outline">
      <h2>Outline</h2>
      <ol>
        {entries.map((entry) => {
          const status = statusOf(doc, entry.clauseId)
          return (
            <li key={`${entry.clauseId}-${entry.pos}`} style={{ paddingLeft: `${(entry.depth - 1) * 0.9}rem` }}>
              <button type="button" onClick={() => jump(entry.pos)}>
                <span className="outline-number">{entry.number}</span> {entry.heading || 'Untitled clause'}
              </button>
              <span className={`status-badge status-${status}`}>{STATUS_LABEL[status] ?? status}</span>
            </li>
          )
        })}
      </ol>
    </nav>
  )
}
