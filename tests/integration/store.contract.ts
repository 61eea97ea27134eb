/**
 * The store contract suite: one list of numbered rules that every engine must pass. Each engine's
 * test file calls `registerStoreContractTests` with a factory that opens a fresh, empty store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { Store } from '../../server/store/Store.ts'

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
