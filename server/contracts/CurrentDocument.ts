/**
 * Reading a contract's current document outside the sync pipeline (for comments' anchors and
 * clause checks): the live room's document when the room is loaded, else the stored state,
 * which is never behind a loaded room because every update is stored before it is applied.
 */
import * as Y from 'yjs'
import type { ContractId } from '../../shared/domain/ids.ts'
import { defineRoots } from '../../shared/ydoc/schema.ts'
import type { DocumentStore } from '../store/Store.ts'
import type { SyncServer } from '../sync/SyncServer.ts'

/** Reads a contract's current document; see the module comment. */
export class CurrentDocument {
  readonly #store: DocumentStore
  readonly #sync: Pick<SyncServer, 'readLoadedDocument'>

  constructor(init: { store: DocumentStore; sync: Pick<SyncServer, 'readLoadedDocument'> }) {
    this.#store = init.store
    this.#sync = init.sync
  }

  /**
   * Calls `read` with the contract's current document and returns its result. `read` runs
   * synchronously and must not change the document. A contract never written reads as empty.
   */
  async read<T>(contractId: ContractId, read: (doc: Y.Doc) => T): Promise<T> {
    const live = await this.#sync.readLoadedDocument(contractId, read)
    if (live !== null) return live.value
    const stored = await this.#store.loadDocument(contractId)
    const doc = new Y.Doc()
    try {
      defineRoots(doc)
      doc.transact(() => {
        if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
        for (const { data } of stored.updates) Y.applyUpdate(doc, data)
      })
      return read(doc)
    } finally {
      doc.destroy()
    }
  }
}
