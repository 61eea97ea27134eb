/**
 * The demo's comment threads, so that a first `npm start` shows comments at work: a purchaser's
 * question on a passage, answered by the chair (who mentions the provider); a providers-only
 * thread the purchaser and the steering group never see; and the chair's note on a whole
 * clause. Written straight to the store, as the service would have written them.
 */
import * as Y from 'yjs'
import { formatMention, mentionedUserIds } from '../../shared/domain/mentions.ts'
import type { ThreadAnchor, ThreadScope } from '../../shared/protocol/comments.ts'
import { getBody } from '../../shared/ydoc/schema.ts'
import { newId } from '../auth/secrets.ts'
import type { CommentRecord, InboxRecord, Store, ThreadRecord, UserProfile } from '../store/Store.ts'

/** The demo's people by their part in the threads. */
export interface DemoPeople {
  readonly chair: UserProfile
  readonly provider: UserProfile
  readonly purchaser: UserProfile
}

const HOUR = 60 * 60 * 1000

/** The clause whose heading is `heading`, and the text holding `passage` in it (if given). */
function findClause(doc: Y.Doc, heading: string): Y.XmlElement {
  for (const node of getBody(doc).toArray()) {
    if (!(node instanceof Y.XmlElement) || node.nodeName !== 'clause') continue
    const first = node.get(0)
    if (first instanceof Y.XmlElement && first.toArray().map((t) => (t instanceof Y.XmlText ? t.toString() : '')).join('') === heading) return node
  }
  throw new Error(`The demo contract has no clause “${heading}”`)
}

/** The anchor of `passage` in the clause's paragraphs: start on its first character, end on its last. */
function anchorIn(clause: Y.XmlElement, passage: string): ThreadAnchor {
  for (const block of clause.toArray()) {
    if (!(block instanceof Y.XmlElement) || block.nodeName !== 'paragraph') continue
    const text = block.get(0)
    if (!(text instanceof Y.XmlText)) continue
    const index = text.toString().indexOf(passage)
    if (index < 0) continue
    const encode = (position: Y.RelativePosition) => Buffer.from(Y.encodeRelativePosition(position)).toString('base64')
    return { from: encode(Y.createRelativePositionFromTypeIndex(text, index)), to: encode(Y.createRelativePositionFromTypeIndex(text, index + passage.length, -1)) }
  }
  throw new Error(`The demo clause has no passage “${passage}”`)
}

/**
 * Writes the demo threads on `doc` (the demo contract as seeded) for `contractId`, with the
 * inbox items their mentions and replies cause.
 */
export async function seedDemoComments(store: Store, contractId: string, doc: Y.Doc, people: DemoPeople): Promise<void> {
  const start = Date.now() - 26 * HOUR
  const inbox: InboxRecord[] = []

  const comment = (thread: ThreadRecord, author: UserProfile, body: string, hoursIn: number): CommentRecord => ({
    id: newId(),
    threadId: thread.id,
    contractId,
    authorId: author.id,
    authorName: author.name,
    authorOrganisation: author.organisation.name,
    body,
    mentions: mentionedUserIds(body),
    createdAt: thread.createdAt + hoursIn * HOUR,
    editedAt: null,
    deletedAt: null,
  })
  const thread = (init: { heading: string; passage: string | null; scope: ThreadScope; by: UserProfile; hoursIn: number }): ThreadRecord => {
    const clause = findClause(doc, init.heading)
    const anchor = init.passage === null ? null : anchorIn(clause, init.passage)
    return {
      id: newId(),
      contractId,
      clauseId: String(clause.getAttribute('clauseId')),
      scope: init.scope,
      constituency: init.scope === 'constituency' ? init.by.organisation.constituency : null,
      status: 'open',
      anchorFrom: anchor?.from ?? null,
      anchorTo: anchor?.to ?? null,
      quote: init.passage ?? '',
      suggestionId: null,
      createdBy: init.by.id,
      createdAt: start + init.hoursIn * HOUR,
      resolvedBy: null,
      resolvedAt: null,
    }
  }
  const notify = (userId: string, c: CommentRecord, reason: InboxRecord['reason']) =>
    inbox.push({ id: newId(), userId, contractId, threadId: c.threadId, commentId: c.id, reason, createdAt: c.createdAt, readAt: null })

  const referrals = thread({ heading: 'Placement referrals and matching', passage: 'within two working days', scope: 'everyone', by: people.purchaser, hoursIn: 0 })
  await store.comments.createThread(
    referrals,
    comment(referrals, people.purchaser, 'Two working days is tight when a referral arrives late on a Friday. Could we say two working days for planned placements, and the same day for emergencies?', 0),
  )
  const answer = comment(referrals, people.chair, `Worth settling at the next co-authoring session. ${formatMention(people.provider.name, people.provider.id)}, could providers live with that?`, 3)
  await store.comments.addComment(answer)
  notify(people.purchaser.id, answer, 'reply')
  notify(people.provider.id, answer, 'mention')

  const fees = thread({ heading: 'Fees and payment', passage: 'at least three months’ notice', scope: 'constituency', by: people.provider, hoursIn: 5 })
  await store.comments.createThread(
    fees,
    comment(fees, people.provider, 'Between providers: three months’ notice means an increase lands a whole quarter after our costs rise. Shall we propose six weeks together, with the cost evidence attached?', 0),
  )

  const duration = thread({ heading: 'Duration', passage: null, scope: 'everyone', by: people.chair, hoursIn: 8 })
  await store.comments.createThread(
    duration,
    comment(duration, people.chair, 'The steering group will review the extension wording after the first year of use. Please add any experience of extensions here; background: https://www.gov.uk/government/collections/childrens-homes', 0),
  )

  await store.comments.addInboxItems(inbox)
}
