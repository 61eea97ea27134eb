/**
 * The store contract suite: one list of numbered rules that every engine must pass. Each engine's
 * test file calls `registerStoreContractTests` with a factory that opens a fresh, empty store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { CommentRecord, Store, ThreadRecord } from '../../server/store/Store.ts'

export interface StoreFactory {
  /** Opens a new, empty store. */
  open(): Promise<Store>
  /** Opens another store on the same database as the last `open()` (a restart, or a second instance). */
  reopen(): Promise<Store>
  /** Removes what `open()` created. */
  cleanup(): Promise<void>
  /**
   * Whether several instances may write at once (PostgreSQL). The embedded SQLite store is
   * single-instance by design: two writers in one thread would wait on each other's lock.
   */
  readonly isMultiWriter: boolean
}

function textUpdate(doc: Y.Doc, text: string): Uint8Array {
  const before = Y.encodeStateVector(doc)
  doc.getText('t').insert(doc.getText('t').length, text)
  return Y.encodeStateAsUpdate(doc, before)
}

/** Two organisations, three users and a contract they all belong to, for the comment rules. */
async function seedMembers(store: Store): Promise<void> {
  const { accounts } = store
  await accounts.createOrganisation({ id: 'prov', name: 'Northern Care Homes Ltd', constituency: 'provider' })
  await accounts.createOrganisation({ id: 'purch', name: 'Shire County Council', constituency: 'purchaser' })
  await accounts.createUser({ id: 'p1', email: 'p1@demo.test', name: 'Priya Provider', organisationId: 'prov', passwordHash: null, createdAt: 1 })
  await accounts.createUser({ id: 'p2', email: 'p2@demo.test', name: 'Pat Provider', organisationId: 'prov', passwordHash: null, createdAt: 1 })
  await accounts.createUser({ id: 'c1', email: 'c1@demo.test', name: 'Paul Purchaser', organisationId: 'purch', passwordHash: null, createdAt: 1 })
  await accounts.createContract({ id: 'k1', title: 'Children’s Homes', createdBy: 'p1', createdAt: 1 })
  for (const id of ['p1', 'p2', 'c1']) await accounts.setRole('k1', id, 'commenter')
}

function thread(id: string, init: Partial<ThreadRecord> = {}): ThreadRecord {
  return {
    id,
    contractId: 'k1',
    clauseId: 'clause-1',
    scope: 'everyone',
    constituency: null,
    status: 'open',
    anchorFrom: null,
    anchorTo: null,
    quote: '',
    suggestionId: null,
    createdBy: 'p1',
    createdAt: 10,
    resolvedBy: null,
    resolvedAt: null,
    ...init,
  }
}

function comment(id: string, threadId: string, init: Partial<CommentRecord> = {}): CommentRecord {
  return {
    id,
    threadId,
    contractId: 'k1',
    authorId: 'p1',
    authorName: 'Priya Provider',
    authorOrganisation: 'Northern Care Homes Ltd',
    body: `comment ${id}`,
    mentions: [],
    createdAt: 10,
    editedAt: null,
    deletedAt: null,
    ...init,
  }
}

function textOf(stored: { snapshot: Uint8Array | null; updates: readonly { data: Uint8Array }[] }): string {
  const doc = new Y.Doc()
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
  for (const u of stored.updates) Y.applyUpdate(doc, u.data)
  return doc.getText('t').toString()
}

export function registerStoreContractTests(engine: string, factory: StoreFactory): void {
  describe(`store contract (${engine})`, () => {
    let store: Store
    const others: Store[] = []

    beforeEach(async () => {
      store = await factory.open()
    })
    afterEach(async () => {
      for (const s of others.splice(0)) await s.close()
      await store.close()
      await factory.cleanup()
    })

    it('[S1] a document never written loads as empty with lastSeq 0', async () => {
      expect(await store.loadDocument('nothing')).toEqual({ snapshot: null, snapshotSeq: 0, updates: [], lastSeq: 0 })
    })

    it('[S2] appended updates get consecutive seqs per document, starting at 1, in batch order', async () => {
      const a = new Y.Doc()
      const b = new Y.Doc()
      const seqs = await store.appendUpdates([
        { docName: 'a', update: textUpdate(a, 'one') },
        { docName: 'b', update: textUpdate(b, 'x') },
        { docName: 'a', update: textUpdate(a, 'two') },
      ])
      expect(seqs).toEqual([1, 1, 2])
      expect(await store.appendUpdates([{ docName: 'a', update: textUpdate(a, 'three') }])).toEqual([3])
    })

    it('[S3] loading returns the stored bytes unchanged and in order', async () => {
      const doc = new Y.Doc()
      const updates = [textUpdate(doc, 'Clause '), textUpdate(doc, '1. '), textUpdate(doc, 'Definitions')]
      for (const update of updates) await store.appendUpdates([{ docName: 'c', update }])
      const loaded = await store.loadDocument('c')
      expect(loaded.updates.map((u) => u.seq)).toEqual([1, 2, 3])
      expect(loaded.updates.map((u) => Array.from(u.data))).toEqual(updates.map((u) => Array.from(u)))
      expect(loaded.lastSeq).toBe(3)
      expect(textOf(loaded)).toBe('Clause 1. Definitions')
    })

    it('[S4] compaction folds a prefix into the snapshot and loading gives the same document', async () => {
      const doc = new Y.Doc()
      for (const t of ['a', 'b', 'c', 'd']) await store.appendUpdates([{ docName: 'k', update: textUpdate(doc, t) }])
      const upToC = new Y.Doc()
      const loaded = await store.loadDocument('k')
      for (const u of loaded.updates.slice(0, 3)) Y.applyUpdate(upToC, u.data)
      await store.compact('k', Y.encodeStateAsUpdate(upToC), 3)
      const after = await store.loadDocument('k')
      expect(after.snapshotSeq).toBe(3)
      expect(after.updates.map((u) => u.seq)).toEqual([4])
      expect(after.lastSeq).toBe(4)
      expect(textOf(after)).toBe('abcd')
    })

    it('[S5] seqs continue after compaction and never repeat', async () => {
      const doc = new Y.Doc()
      await store.appendUpdates([{ docName: 'k', update: textUpdate(doc, 'a') }])
      await store.compact('k', Y.encodeStateAsUpdate(doc), 1)
      expect(await store.appendUpdates([{ docName: 'k', update: textUpdate(doc, 'b') }])).toEqual([2])
      expect(textOf(await store.loadDocument('k'))).toBe('ab')
    })

    it('[S6] an older compaction never moves the snapshot backwards', async () => {
      const doc = new Y.Doc()
      await store.appendUpdates([{ docName: 'k', update: textUpdate(doc, 'a') }])
      const stateAt1 = Y.encodeStateAsUpdate(doc)
      await store.appendUpdates([{ docName: 'k', update: textUpdate(doc, 'b') }])
      await store.compact('k', Y.encodeStateAsUpdate(doc), 2)
      await store.compact('k', stateAt1, 1)
      const loaded = await store.loadDocument('k')
      expect(loaded.snapshotSeq).toBe(2)
      expect(textOf(loaded)).toBe('ab')
    })

    it('[S7] a compaction beyond the last stored seq is ignored', async () => {
      const doc = new Y.Doc()
      await store.appendUpdates([{ docName: 'k', update: textUpdate(doc, 'a') }])
      await store.compact('k', Y.encodeStateAsUpdate(doc), 5)
      const loaded = await store.loadDocument('k')
      expect(loaded.snapshotSeq).toBe(0)
      expect(loaded.updates).toHaveLength(1)
    })

    it('[S8] updatesSince returns exactly the tail after a seq', async () => {
      const doc = new Y.Doc()
      for (const t of ['a', 'b', 'c']) await store.appendUpdates([{ docName: 'k', update: textUpdate(doc, t) }])
      expect((await store.updatesSince('k', 1)).map((u) => u.seq)).toEqual([2, 3])
      expect(await store.updatesSince('k', 3)).toEqual([])
      expect(await store.updatesSince('missing', 0)).toEqual([])
    })

    it('[S9] what was appended is there after the store is closed and opened again', async () => {
      const doc = new Y.Doc()
      await store.appendUpdates([{ docName: 'r', update: textUpdate(doc, 'kept') }])
      await store.close()
      store = await factory.reopen()
      expect(textOf(await store.loadDocument('r'))).toBe('kept')
      expect(await store.appendUpdates([{ docName: 'r', update: textUpdate(doc, '!') }])).toEqual([2])
    })

    // A rule of multi-writer engines only; the embedded store has one writer by design.
    if (factory.isMultiWriter) it('[S10] concurrent appends from two store instances never share a seq', async () => {
      const second = await factory.reopen()
      others.push(second)
      const doc = new Y.Doc()
      const work: Promise<number[]>[] = []
      for (let i = 0; i < 20; i++) {
        const target = i % 2 === 0 ? store : second
        work.push(target.appendUpdates([{ docName: 'shared', update: textUpdate(doc, String(i % 10)) }]))
      }
      const seqs = (await Promise.all(work)).flat().sort((x, y) => x - y)
      expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    })

    it('[S11] a batch is all or nothing: a failing batch leaves no trace', async () => {
      const doc = new Y.Doc()
      await store.appendUpdates([{ docName: 'atomic', update: textUpdate(doc, 'a') }])
      const bad = { docName: 'atomic', update: null as unknown as Uint8Array }
      await expect(store.appendUpdates([{ docName: 'atomic', update: textUpdate(doc, 'b') }, bad])).rejects.toThrow()
      const loaded = await store.loadDocument('atomic')
      expect(loaded.updates.map((u) => u.seq)).toEqual([1])
      expect(loaded.lastSeq).toBe(1)
    })

    it('[A1] users are found by email case-insensitively, with their organisation', async () => {
      const { accounts } = store
      await accounts.createOrganisation({ id: 'o1', name: 'Northern Care Homes Ltd', constituency: 'provider' })
      await accounts.createUser({ id: 'u1', email: 'Provider@Demo.test', name: 'Pat Provider', organisationId: 'o1', passwordHash: 'h', createdAt: 1 })
      expect((await accounts.findUserByEmail('PROVIDER@demo.test'))?.id).toBe('u1')
      expect(await accounts.getProfile('u1')).toEqual({
        id: 'u1',
        email: 'provider@demo.test',
        name: 'Pat Provider',
        organisation: { id: 'o1', name: 'Northern Care Homes Ltd', constituency: 'provider' },
      })
      await expect(accounts.createUser({ id: 'u2', email: 'provider@demo.test', name: 'x', organisationId: 'o1', passwordHash: null, createdAt: 2 })).rejects.toThrow()
    })

    it('[A2] memberships give one role per contract, listed per user and per contract', async () => {
      const { accounts } = store
      await accounts.createOrganisation({ id: 'o1', name: 'Steering Group', constituency: 'steering' })
      await accounts.createUser({ id: 'u1', email: 'chair@demo.test', name: 'Chair', organisationId: 'o1', passwordHash: null, createdAt: 1 })
      await accounts.createContract({ id: 'c1', title: 'Children’s Homes', createdBy: 'u1', createdAt: 1 })
      await accounts.createContract({ id: 'c2', title: 'Fostering', createdBy: 'u1', createdAt: 2 })
      await accounts.setRole('c1', 'u1', 'owner')
      await accounts.setRole('c2', 'u1', 'viewer')
      await accounts.setRole('c2', 'u1', 'editor')
      expect(await accounts.listContractsFor('u1')).toEqual([
        { id: 'c1', title: 'Children’s Homes', description: '', role: 'owner' },
        { id: 'c2', title: 'Fostering', description: '', role: 'editor' },
      ])
      expect((await accounts.listMembers('c2')).map((m) => [m.id, m.role])).toEqual([['u1', 'editor']])
      await accounts.removeMember('c2', 'u1')
      expect(await accounts.getRole('c2', 'u1')).toBeNull()
    })

    it('[A3] sessions, tokens and invitations are kept by id and can be ended', async () => {
      const { accounts } = store
      await accounts.createOrganisation({ id: 'o1', name: 'Steering Group', constituency: 'steering' })
      await accounts.createUser({ id: 'u1', email: 'chair@demo.test', name: 'Chair', organisationId: 'o1', passwordHash: null, createdAt: 1 })
      await accounts.saveSession({ id: 's1', userId: 'u1', data: '{}', createdAt: 1, expiresAt: 10 })
      await accounts.saveSession({ id: 's1', userId: 'u1', data: '{"a":1}', createdAt: 1, expiresAt: 20 })
      expect(await accounts.getSession('s1')).toEqual({ id: 's1', userId: 'u1', data: '{"a":1}', createdAt: 1, expiresAt: 20 })
      await accounts.deleteSession('s1')
      expect(await accounts.getSession('s1')).toBeNull()
      await accounts.createToken({ id: 't1', userId: 'u1', createdAt: 1, expiresAt: 99, revokedAt: null })
      await accounts.revokeToken('t1', 5)
      expect((await accounts.findToken('t1'))?.revokedAt).toBe(5)
      await accounts.createContract({ id: 'c1', title: 'T', createdBy: 'u1', createdAt: 1 })
      await accounts.createInvitation({ id: 'i1', contractId: 'c1', userId: 'u1', role: 'editor', invitedBy: 'u1', createdAt: 1, expiresAt: 9, acceptedAt: null })
      expect(await accounts.acceptInvitation('i1', 3)).toBe(true)
      expect(await accounts.acceptInvitation('i1', 4)).toBe(false)
      expect((await accounts.findInvitation('i1'))?.acceptedAt).toBe(3)
    })

    it('[A4] a clientID is bound to the first user who claims it, for good', async () => {
      const { accounts } = store
      await accounts.createOrganisation({ id: 'o1', name: 'Org', constituency: 'purchaser' })
      for (const id of ['u1', 'u2']) {
        await accounts.createUser({ id, email: `${id}@demo.test`, name: id, organisationId: 'o1', passwordHash: null, createdAt: 1 })
      }
      expect(await accounts.bindClient('c1', 4_000_000_000, 'u1', 1)).toBe('u1')
      expect(await accounts.bindClient('c1', 4_000_000_000, 'u2', 2)).toBe('u1')
      expect(await accounts.bindClient('c2', 4_000_000_000, 'u2', 2)).toBe('u2')
      expect(await accounts.listClientBindings('c1')).toEqual(new Map([[4_000_000_000, 'u1']]))
    })

    it('[A5] a setting keeps the first value stored', async () => {
      expect(await store.accounts.getOrCreateSetting('k', () => 'first')).toBe('first')
      expect(await store.accounts.getOrCreateSetting('k', () => 'second')).toBe('first')
    })

    it('[A6] a contract is created with its owner in one step, and its listed title and description change separately', async () => {
      const { accounts } = store
      await accounts.createOrganisation({ id: 'o1', name: 'Steering Group', constituency: 'steering' })
      await accounts.createUser({ id: 'u1', email: 'chair@demo.test', name: 'Chair', organisationId: 'o1', passwordHash: null, createdAt: 1 })
      expect(await accounts.hasContract('c1')).toBe(false)
      await accounts.createContract({ id: 'c1', title: 'Fostering', description: 'For agencies', createdBy: 'u1', createdAt: 1, owner: 'u1' })
      expect(await accounts.hasContract('c1')).toBe(true)
      expect(await accounts.listContractsFor('u1')).toEqual([{ id: 'c1', title: 'Fostering', description: 'For agencies', role: 'owner' }])
      await accounts.setContractDetails('c1', { title: 'Fostering Agencies' })
      await accounts.setContractDetails('c1', { description: '' })
      expect(await accounts.listContractsFor('u1')).toEqual([{ id: 'c1', title: 'Fostering Agencies', description: '', role: 'owner' }])
      // A taken id fails whole: no second membership appears.
      await expect(accounts.createContract({ id: 'c1', title: 'Again', createdBy: 'u1', createdAt: 2, owner: 'u1' })).rejects.toThrow()
      expect(await accounts.listMembers('c1')).toHaveLength(1)
    })

    it('[C1] a thread is stored with its first comment and read back whole, anchor, quote and all', async () => {
      await seedMembers(store)
      const t = thread('t1', { anchorFrom: 'AQID', anchorTo: 'BAUG', quote: 'two working days', suggestionId: '12.3', scope: 'constituency', constituency: 'provider' })
      const first = comment('m1', 't1', { body: '<img src=x onerror=alert(1)> “quoted”', mentions: ['c1'] })
      await store.comments.createThread(t, first)
      expect(await store.comments.getThread('k1', 't1')).toEqual({ ...t, comments: [first] })
      expect(await store.comments.getThread('other', 't1')).toBeNull()
      expect(await store.comments.listThreads('k1')).toEqual([{ ...t, comments: [first] }])
      // A failing first comment (its id taken) leaves no thread behind.
      await expect(store.comments.createThread(thread('t2'), comment('m1', 't2'))).rejects.toThrow()
      expect(await store.comments.getThread('k1', 't2')).toBeNull()
    })

    it('[C2] comments list in order of writing, and edits, deletions and tombstones are kept as asked', async () => {
      await seedMembers(store)
      await store.comments.createThread(thread('t1'), comment('m1', 't1', { createdAt: 10 }))
      await store.comments.addComment(comment('m3', 't1', { createdAt: 12, authorId: 'c1', authorName: 'Paul Purchaser', authorOrganisation: 'Shire County Council' }))
      await store.comments.addComment(comment('m2', 't1', { createdAt: 11 }))
      expect((await store.comments.getThread('k1', 't1'))!.comments.map((c) => c.id)).toEqual(['m1', 'm2', 'm3'])
      await store.comments.editComment('m2', { body: 'edited', mentions: ['p2'], editedAt: 20 })
      await store.comments.deleteComment('m3')
      await store.comments.blankComment('m1', 30)
      expect((await store.comments.getThread('k1', 't1'))!.comments).toEqual([
        comment('m1', 't1', { body: '', deletedAt: 30 }),
        comment('m2', 't1', { createdAt: 11, body: 'edited', mentions: ['p2'], editedAt: 20 }),
      ])
    })

    it('[C3] resolving records who and when, reopening clears them, and a deleted thread is gone with its comments', async () => {
      await seedMembers(store)
      await store.comments.createThread(thread('t1'), comment('m1', 't1'))
      await store.comments.setThreadStatus('t1', 'resolved', 'c1', 50)
      expect(await store.comments.getThread('k1', 't1')).toMatchObject({ status: 'resolved', resolvedBy: 'c1', resolvedAt: 50 })
      await store.comments.setThreadStatus('t1', 'open', null, null)
      expect(await store.comments.getThread('k1', 't1')).toMatchObject({ status: 'open', resolvedBy: null, resolvedAt: null })
      await store.comments.addInboxItems([{ id: 'i1', userId: 'p2', contractId: 'k1', threadId: 't1', commentId: 'm1', reason: 'mention', createdAt: 10, readAt: null }])
      await store.comments.deleteThread('t1')
      expect(await store.comments.getThread('k1', 't1')).toBeNull()
      expect(await store.comments.listThreads('k1')).toEqual([])
      expect(await store.comments.countUnread({ userId: 'p2', constituency: 'provider' })).toBe(0)
    })

    it('[C4] an inbox lists its reader’s items newest first with their context, and counts and marks them read', async () => {
      await seedMembers(store)
      await store.comments.createThread(thread('t1'), comment('m1', 't1', { body: 'Please see @[Pat](p2)', mentions: ['p2'] }))
      await store.comments.addComment(comment('m2', 't1', { createdAt: 11, authorId: 'c1', authorName: 'Paul Purchaser', body: 'A reply' }))
      await store.comments.addInboxItems([
        { id: 'i1', userId: 'p2', contractId: 'k1', threadId: 't1', commentId: 'm1', reason: 'mention', createdAt: 10, readAt: null },
        { id: 'i2', userId: 'p1', contractId: 'k1', threadId: 't1', commentId: 'm2', reason: 'reply', createdAt: 11, readAt: null },
        { id: 'i3', userId: 'p2', contractId: 'k1', threadId: 't1', commentId: 'm2', reason: 'reply', createdAt: 11, readAt: null },
      ])
      const reader = { userId: 'p2', constituency: 'provider' } as const
      expect(await store.comments.listInbox(reader, 50)).toEqual([
        { id: 'i3', userId: 'p2', contractId: 'k1', threadId: 't1', commentId: 'm2', reason: 'reply', createdAt: 11, readAt: null, contractTitle: 'Children’s Homes', clauseId: 'clause-1', authorName: 'Paul Purchaser', body: 'A reply' },
        { id: 'i1', userId: 'p2', contractId: 'k1', threadId: 't1', commentId: 'm1', reason: 'mention', createdAt: 10, readAt: null, contractTitle: 'Children’s Homes', clauseId: 'clause-1', authorName: 'Priya Provider', body: 'Please see @[Pat](p2)' },
      ])
      expect(await store.comments.listInbox(reader, 1)).toHaveLength(1)
      expect(await store.comments.countUnread(reader)).toBe(2)
      // Another user's item is not theirs to mark.
      expect(await store.comments.markInboxRead('p2', ['i1', 'i2'], 70)).toBe(1)
      expect(await store.comments.countUnread(reader)).toBe(1)
      expect(await store.comments.countUnread({ userId: 'p1', constituency: 'provider' })).toBe(1)
      expect(await store.comments.markInboxRead('p2', 'all', 80)).toBe(1)
      expect((await store.comments.listInbox(reader, 50)).map((i) => i.readAt)).toEqual([80, 70])
      // Deleting a comment takes its inbox items with it.
      await store.comments.deleteComment('m2')
      expect((await store.comments.listInbox({ userId: 'p1', constituency: 'provider' }, 50))).toEqual([])
    })

    it('[C5] an inbox shows nothing of a thread its reader can no longer see: another scope, or a contract they left', async () => {
      await seedMembers(store)
      await store.comments.createThread(thread('t1', { scope: 'constituency', constituency: 'provider' }), comment('m1', 't1', { mentions: ['c1', 'p2'] }))
      await store.comments.addInboxItems([
        { id: 'i1', userId: 'c1', contractId: 'k1', threadId: 't1', commentId: 'm1', reason: 'mention', createdAt: 10, readAt: null },
        { id: 'i2', userId: 'p2', contractId: 'k1', threadId: 't1', commentId: 'm1', reason: 'mention', createdAt: 10, readAt: null },
      ])
      expect(await store.comments.listInbox({ userId: 'c1', constituency: 'purchaser' }, 50)).toEqual([])
      expect(await store.comments.countUnread({ userId: 'c1', constituency: 'purchaser' })).toBe(0)
      expect(await store.comments.countUnread({ userId: 'p2', constituency: 'provider' })).toBe(1)
      await store.accounts.removeMember('k1', 'p2')
      expect(await store.comments.listInbox({ userId: 'p2', constituency: 'provider' }, 50)).toEqual([])
      expect(await store.comments.countUnread({ userId: 'p2', constituency: 'provider' })).toBe(0)
    })

    it('[C6] comments and threads outlive their author’s membership, and survive a restart', async () => {
      await seedMembers(store)
      await store.comments.createThread(thread('t1'), comment('m1', 't1'))
      await store.accounts.removeMember('k1', 'p1')
      await store.close()
      store = await factory.reopen()
      expect((await store.comments.getThread('k1', 't1'))!.comments).toEqual([comment('m1', 't1')])
    })

    it('[S12] loading while another instance compacts always yields the whole document', async () => {
      const second = await factory.reopen()
      others.push(second)
      const doc = new Y.Doc()
      for (let i = 0; i < 30; i++) await store.appendUpdates([{ docName: 'race', update: textUpdate(doc, 'x') }])
      const loads: Promise<string>[] = []
      const compactions: Promise<void>[] = []
      const replay = new Y.Doc()
      for (const u of (await store.loadDocument('race')).updates) {
        Y.applyUpdate(replay, u.data)
        if (u.seq % 5 === 0) {
          compactions.push(second.compact('race', Y.encodeStateAsUpdate(replay), u.seq))
          loads.push(store.loadDocument('race').then(textOf))
        }
      }
      for (const text of await Promise.all(loads)) expect(text).toBe('x'.repeat(30))
      // Let the racing compactions finish before the stores close.
      await Promise.all(compactions)
    })
  })
}
