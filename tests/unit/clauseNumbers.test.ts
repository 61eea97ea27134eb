/** Clause numbers come from position alone: 1, 2 at the top, 1.1, 1.2 and 1.1.1 below. */
import { describe, expect, it } from 'vitest'
import { getSchema } from '@tiptap/core'
import StarterKit from '@tiptap/starter-kit'
import { Clause, clauseNumbers } from '../../shared/editor/Clause.ts'

const schema = getSchema([StarterKit, Clause])

function clause(title: string, ...children: ReturnType<typeof schema.node>[]) {
  return schema.node('clause', { clauseId: title }, [schema.node('heading', { level: 2 }, [schema.text(title)]), ...children])
}

function numbered(doc: ReturnType<typeof schema.node>): Record<string, string> {
  const result: Record<string, string> = {}
  for (const [pos, number] of clauseNumbers(doc)) result[doc.nodeAt(pos)!.attrs.clauseId as string] = number
  return result
}

describe('clauseNumbers', () => {
  it('numbers top-level clauses and nested sub-clauses by position', () => {
    const doc = schema.node('doc', null, [
      clause('Definitions', clause('Interpretation', clause('Headings'))),
      schema.node('paragraph', null, [schema.text('An unnumbered note')]),
      clause('Placement', clause('Referrals'), clause('Matching')),
    ])
    expect(numbered(doc)).toEqual({ Definitions: '1', Interpretation: '1.1', Headings: '1.1.1', Placement: '2', Referrals: '2.1', Matching: '2.2' })
  })

  it('renumbers when a clause is removed', () => {
    const doc = schema.node('doc', null, [clause('A'), clause('B'), clause('C')])
    const withoutA = doc.replace(0, doc.child(0).nodeSize, doc.slice(doc.child(0).nodeSize, doc.child(0).nodeSize))
    expect(numbered(withoutA)).toEqual({ B: '1', C: '2' })
  })
})
