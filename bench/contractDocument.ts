/**
 * A deterministic contract-shaped document for the cold-join scenario: 300 clauses in the
 * `body` fragment, each a `clause` element holding a `heading` and several `paragraph`s of
 * plausible contract prose, plus per-clause state in `clauses` and a title in `meta`.
 *
 * It is written the way a document really comes about — by three authors in turns, with later
 * revisions inserting words mid-sentence, deleting spans and formatting some — so that its
 * Yjs encoding has the thousands of items and the delete set of a document with a history, not
 * the handful of a document pasted in one go. Same seed, same bytes.
 */
import * as prng from 'lib0/prng'
import * as Y from 'yjs'
import { getBody, getClauses, getMeta } from '../shared/ydoc/schema.ts'

/** The authors' Yjs clientIDs (fixed, so the encoding is the same on every run). */
export const CONTRACT_AUTHORS: readonly number[] = [101_001, 202_002, 303_003]

/** Seeded random numbers in [0, 1): the document must not depend on Math.random. */
export function randomFrom(seed: number): () => number {
  const generator = prng.create(seed)
  return () => prng.real53(generator)
}

const TITLES = [
  'Definitions and Interpretation', 'Commencement and Duration', 'The Services', 'Service Levels',
  'Charges and Payment', 'Invoicing', 'Safeguarding', 'Placement Agreements', 'Quality Assurance',
  'Staffing', 'Subcontracting', 'Data Protection', 'Confidentiality', 'Freedom of Information',
  'Intellectual Property', 'Warranties', 'Indemnities', 'Limitation of Liability', 'Insurance',
  'Business Continuity', 'Complaints', 'Dispute Resolution', 'Variation', 'Termination',
  'Consequences of Termination', 'Force Majeure', 'Equality and Diversity', 'Audit and Records',
  'Conflicts of Interest', 'Notices', 'Assignment', 'Entire Agreement', 'Governing Law',
]

const SUBJECTS = [
  'The Provider', 'The Purchaser', 'Each Party', 'The Steering Group', 'The Contract Manager',
  'Neither Party', 'The Provider’s Personnel', 'The Placing Authority', 'The Registered Manager',
]
const VERBS = [
  'shall ensure that', 'shall use reasonable endeavours to ensure that', 'undertakes that',
  'acknowledges that', 'shall procure that', 'warrants that', 'agrees that', 'shall notify the Purchaser in writing if',
]
const OBJECTS = [
  'each Young Person placed under this Contract receives care that meets the Quality Standards',
  'all Charges are calculated in accordance with Schedule 3 (Pricing) and are payable within thirty (30) days of receipt of a valid invoice',
  'any Personal Data processed in connection with the Services is processed only on documented instructions',
  'the Services are delivered by suitably qualified and experienced Staff who have passed an enhanced check',
  'the Placement Plan is reviewed at least every three (3) months and whenever the needs of the Young Person change',
  'any Safeguarding Concern is reported to the Placing Authority without delay and in any event within twenty-four (24) hours',
  'no Confidential Information is disclosed to any third party without the prior written consent of the disclosing Party',
  'the aggregate liability of each Party in each Contract Year shall not exceed the Charges paid in that Contract Year',
  'it maintains the insurances set out in Schedule 6 for the duration of the Contract and for six (6) years thereafter',
  'the Business Continuity Plan is tested annually and the results are reported to the Steering Group',
  'any Dispute is first referred to the Contract Managers, who shall meet within ten (10) Working Days',
  'all records relating to the Services are retained for the period required by Law and made available for audit',
]
const QUALIFIERS = [
  'save where otherwise agreed in writing', 'subject to Clause 18 (Limitation of Liability)',
  'to the extent permitted by Law', 'in accordance with Good Industry Practice',
  'having regard to the views and wishes of the Young Person', 'without prejudice to any other right or remedy',
  'as soon as reasonably practicable', 'at its own cost',
]
const INSERTIONS = [
  'promptly', 'in writing', 'acting reasonably', 'and in any event', 'where applicable', 'in good faith',
  'as further described in Schedule 2', 'following consultation with the Purchaser',
]

function sentence(random: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!
  const qualifier = random() < 0.6 ? `, ${pick(QUALIFIERS)}` : ''
  return `${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)}${qualifier}.`
}

function paragraphText(random: () => number, number: string): string {
  const count = 2 + Math.floor(random() * 3)
  const sentences = Array.from({ length: count }, () => sentence(random))
  return `${number} ${sentences.join(' ')}`
}

export interface ContractDocumentOptions {
  readonly clauses?: number
  readonly seed?: number
  /** Revisions per clause after the first drafts (default 14). */
  readonly revisionsPerClause?: number
}

/**
 * Builds the document. With the defaults (300 clauses, seed 1) it encodes to about 1.2 MB;
 * `encodeContractDocument` returns that encoding as one update.
 */
export function buildContractDocument({ clauses = 300, seed = 1, revisionsPerClause = 14 }: ContractDocumentOptions = {}): Y.Doc {
  const random = randomFrom(seed)
  const doc = new Y.Doc({ gc: true })
  const body = getBody(doc)
  const clauseState = getClauses(doc)
  const as = (author: number, change: () => void) => {
    doc.clientID = CONTRACT_AUTHORS[author % CONTRACT_AUTHORS.length]!
    doc.transact(change)
  }
  as(0, () => {
    getMeta(doc).set('title', 'Framework Agreement for Residential Care Placements')
    getMeta(doc).set('schemaVersion', 1)
  })

  // First drafts: one clause per transaction, the authors taking turns.
  const texts: Y.XmlText[] = []
  for (let i = 1; i <= clauses; i++) {
    as(i, () => {
      const clauseId = `clause-${String(i).padStart(3, '0')}`
      const clause = new Y.XmlElement('clause')
      clause.setAttribute('clauseId', clauseId)
      const heading = new Y.XmlElement('heading')
      heading.setAttribute('level', '2')
      heading.insert(0, [new Y.XmlText(`${i}. ${TITLES[(i - 1) % TITLES.length]}`)])
      const paragraphs = Array.from({ length: 4 + Math.floor(random() * 3) }, (_, p) => {
        const paragraph = new Y.XmlElement('paragraph')
        const text = new Y.XmlText(paragraphText(random, `${i}.${p + 1}`))
        paragraph.insert(0, [text])
        texts.push(text)
        return paragraph
      })
      clause.insert(0, [heading, ...paragraphs])
      body.insert(body.length, [clause])
      clauseState.set(clauseId, { status: 'draft', lead: CONTRACT_AUTHORS[i % CONTRACT_AUTHORS.length], signOffs: [] })
    })
  }

  // Revisions: words inserted mid-sentence, spans deleted, spans made bold, clauses agreed.
  const revisions = clauses * revisionsPerClause
  for (let r = 0; r < revisions; r++) {
    const text = texts[Math.floor(random() * texts.length)]!
    const length = text.length
    const at = Math.floor(random() * length)
    const kind = random()
    as(r + 1, () => {
      if (kind < 0.5) text.insert(at, ` ${INSERTIONS[Math.floor(random() * INSERTIONS.length)]}`)
      else if (kind < 0.8) text.delete(at, Math.min(length - at, 3 + Math.floor(random() * 25)))
      else text.format(at, Math.min(length - at, 5 + Math.floor(random() * 30)), { bold: true })
    })
    if (r % 50 === 0) {
      const clauseId = `clause-${String(1 + Math.floor(random() * clauses)).padStart(3, '0')}`
      as(r, () => clauseState.set(clauseId, { status: 'agreed', lead: CONTRACT_AUTHORS[r % CONTRACT_AUTHORS.length], signOffs: ['provider', 'purchaser'] }))
    }
  }
  return doc
}

/** The whole document as one update, as a seeding client sends it. */
export function encodeContractDocument(options?: ContractDocumentOptions): Uint8Array {
  const doc = buildContractDocument(options)
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return update
}
