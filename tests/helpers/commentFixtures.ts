/**
 * Helpers for the comment tests: signed-in API clients of the demo accounts (and of extra
 * members made for a test), a reader of the comments' server-sent event stream, and anchors
 * made from a passage of the contract's text as a client makes them.
 */
import * as Y from 'yjs'
import type { CommentEvent, ThreadAnchor } from '../../shared/protocol/comments.ts'
import type { Role } from '../../shared/domain/roles.ts'
import { getBody } from '../../shared/ydoc/schema.ts'
import { DEMO_CONTRACT_ID } from '../../server/seed/seedDemo.ts'
import { ApiClient } from './httpClient.ts'
import { DEMO_PASSWORD, type TestServer } from './testServer.ts'

export const CONTRACT = DEMO_CONTRACT_ID

/** A client signed in as `email` (the demo password unless given). */
export async function signedIn(server: TestServer, email: string, password = DEMO_PASSWORD): Promise<ApiClient> {
  const client = new ApiClient(server.url)
  const response = await client.signIn(email, password)
  if (response.status !== 200) throw new Error(`Could not sign in as ${email}: ${response.status}`)
  return client
}

/** Creates an account in a demo organisation, with a role in the demo contract unless null; returns its id. */
export async function addPerson(server: TestServer, init: { email: string; name: string; organisationId: string; role: Role | null }): Promise<string> {
  const user = await server.accounts.createUser({ email: init.email, name: init.name, organisationId: init.organisationId, password: DEMO_PASSWORD })
  if (init.role !== null) await server.store.accounts.setRole(CONTRACT, user.id, init.role)
  return user.id
}

/** The user id of an account. */
export async function idOf(server: TestServer, email: string): Promise<string> {
  const user = await server.store.accounts.findUserByEmail(email)
  if (user === null) throw new Error(`No account ${email}`)
  return user.id
}

/** The contract's document as stored. */
export async function storedDocument(server: TestServer, contractId = CONTRACT): Promise<Y.Doc> {
  const stored = await server.store.loadDocument(contractId)
  const doc = new Y.Doc()
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
  for (const { data } of stored.updates) Y.applyUpdate(doc, data)
  return doc
}

/** Every clause element of the body, nested ones included, in document order. */
export function clauseElements(doc: Y.Doc): Y.XmlElement[] {
  const found: Y.XmlElement[] = []
  const visit = (node: unknown) => {
    if (!(node instanceof Y.XmlElement)) return
    if (node.nodeName === 'clause') found.push(node)
    for (const child of node.toArray()) visit(child)
  }
  for (const node of getBody(doc).toArray()) visit(node)
  return found
}

/** The clause element with this id. */
export function clauseById(doc: Y.Doc, clauseId: string): Y.XmlElement {
  const clause = clauseElements(doc).find((c) => c.getAttribute('clauseId') === clauseId)
  if (!clause) throw new Error(`No clause ${clauseId}`)
  return clause
}

/** The clause whose own paragraphs (not its sub-clauses') contain `words`. */
export function clauseContaining(doc: Y.Doc, words: string): { clauseId: string; text: Y.XmlText; index: number } {
  for (const clause of clauseElements(doc)) {
    for (const block of clause.toArray()) {
      if (!(block instanceof Y.XmlElement) || block.nodeName !== 'paragraph') continue
      for (const child of block.toArray()) {
        if (!(child instanceof Y.XmlText)) continue
        const index = child.toString().indexOf(words)
        if (index >= 0) return { clauseId: String(clause.getAttribute('clauseId')), text: child, index }
      }
    }
  }
  throw new Error(`No paragraph contains “${words}”`)
}

function encode(position: Y.RelativePosition): string {
  return Buffer.from(Y.encodeRelativePosition(position)).toString('base64')
}

function decode(encoded: string): Y.RelativePosition {
  return Y.decodeRelativePosition(new Uint8Array(Buffer.from(encoded, 'base64')))
}

/**
 * The anchor of the passage `words` in `doc` as a client makes it: the start sticks to the
 * passage's first character, the end to its last.
 */
export function anchorOf(doc: Y.Doc, words: string): { clauseId: string; anchor: ThreadAnchor } {
  const { clauseId, text, index } = clauseContaining(doc, words)
  return {
    clauseId,
    anchor: {
      from: encode(Y.createRelativePositionFromTypeIndex(text, index)),
      to: encode(Y.createRelativePositionFromTypeIndex(text, index + words.length, -1)),
    },
  }
}

/** The text an anchor spans in `doc` now, or null when its ends are not in one live text. */
export function textAt(doc: Y.Doc, anchor: ThreadAnchor): string | null {
  const from = Y.createAbsolutePositionFromRelativePosition(decode(anchor.from), doc)
  const to = Y.createAbsolutePositionFromRelativePosition(decode(anchor.to), doc)
  if (from === null || to === null || from.type !== to.type || !(from.type instanceof Y.XmlText)) return null
  return from.type.toString().slice(from.index, to.index)
}

/**
 * The comments' event stream of a contract, read with Node's fetch as a browser's EventSource
 * would: every `data:` line parsed into `events`, heartbeats and all raw text kept in `raw`.
 */
export class EventStream {
  readonly events: CommentEvent[] = []
  raw = ''
  status = 0
  isEnded = false
  readonly #abort = new AbortController()
  #reading: Promise<void> = Promise.resolve()

  static async open(server: TestServer, client: ApiClient, contractId = CONTRACT): Promise<EventStream> {
    const stream = new EventStream()
    const response = await fetch(`${server.url}/api/contracts/${contractId}/threads/events`, {
      headers: { Cookie: client.cookieHeader, Accept: 'text/event-stream' },
      signal: stream.#abort.signal,
    })
    stream.status = response.status
    stream.headers = response.headers
    if (!response.ok || response.body === null) {
      stream.raw = await response.text()
      stream.isEnded = true
      return stream
    }
    stream.#reading = stream.#read(response.body)
    return stream
  }

  headers: Headers | null = null

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder()
    let pending = ''
    const reader = body.getReader()
    try {
      for (;;) {
        const { done, value: chunk } = await reader.read()
        if (done) break
        const text = decoder.decode(chunk, { stream: true })
        this.raw += text
        pending += text
        let end: number
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const block = pending.slice(0, end)
          pending = pending.slice(end + 2)
          for (const line of block.split('\n')) if (line.startsWith('data: ')) this.events.push(JSON.parse(line.slice(6)) as CommentEvent)
        }
      }
    } catch (error) {
      if (!this.#abort.signal.aborted) throw error
    } finally {
      this.isEnded = true
    }
  }

  /** Resolves with the first event (from the start) that `accept`s, or fails after `timeoutMs`. */
  async next(accept: (event: CommentEvent) => boolean, what: string, timeoutMs = 5000): Promise<CommentEvent> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.events.find(accept)
      if (found) return found
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; saw ${JSON.stringify(this.events).slice(0, 500)}`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }

  /** The unread count of the latest `inbox` event, or null before the first. */
  lastUnread(): number | null {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const event = this.events[i]!
      if (event.type === 'inbox') return event.unread
    }
    return null
  }

  /** Resolves once the server has ended the stream. */
  async ended(timeoutMs = 5000): Promise<void> {
    await Promise.race([
      this.#reading,
      new Promise((_, reject) => setTimeout(() => reject(new Error('The stream did not end')), timeoutMs).unref()),
    ])
  }

  close(): void {
    this.#abort.abort()
  }
}
