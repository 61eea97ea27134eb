/**
 * Starting contracts over HTTP (`POST /api/contracts`) against real servers, on SQLite and on
 * PostgreSQL: an empty contract its creator owns and opens at once through the sync server; a
 * copy of another contract's current text with a history of its own; who may copy what; the
 * refusals; and the contract list following the title people write in the document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { parseContractId } from '../../shared/domain/ids.ts'
import { readContractDetails, writeContractDetails } from '../../shared/ydoc/meta.ts'
import { SCHEMA_VERSION, getBody, getClauses, getMeta, getSuggestions } from '../../shared/ydoc/schema.ts'
import { ApiClient } from '../helpers/httpClient.ts'
import { createTestSchema, TEST_DATABASE_URL, type TestSchema } from '../helpers/postgres.ts'
import { DEMO_PASSWORD, type TestServer, connectProvider, startTestServer, whenSynced } from '../helpers/testServer.ts'

const DEMO_CONTRACT = 'children-homes'
const CHAIR = 'chair@demo.test'
const PROVIDER = 'provider@demo.test'
const PURCHASER = 'purchaser@demo.test'
const OBSERVER = 'observer@demo.test'

/** Reads `read()` until `accept` holds, or fails naming `what` after `timeoutMs`. */
async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (accept(value)) return value
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last seen: ${String(JSON.stringify(value)).slice(0, 300)}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Every clause's clauseId in the body, in document order (sub-clauses after their parent). */
function clauseIds(doc: Y.Doc): string[] {
  const ids: string[] = []
  const visit = (node: unknown) => {
    if (!(node instanceof Y.XmlElement)) return
    if (node.nodeName === 'clause') ids.push(String(node.getAttribute('clauseId')))
    for (const child of node.toArray()) visit(child)
  }
  for (const node of getBody(doc).toArray()) visit(node)
  return ids
}

/** A clause element: its heading, then paragraphs and sub-clauses. */
function clause(clauseId: string, heading: string, ...content: Y.XmlElement[]): Y.XmlElement {
  const element = new Y.XmlElement('clause')
  element.setAttribute('clauseId', clauseId)
  const title = new Y.XmlElement('heading')
  title.setAttribute('level', 2 as unknown as string)
  title.insert(0, [new Y.XmlText(heading)])
  element.insert(0, [title, ...content])
  return element
}

function p(text: string): Y.XmlElement {
  const paragraph = new Y.XmlElement('paragraph')
  paragraph.insert(0, [new Y.XmlText(text)])
  return paragraph
}

/** A Yjs clientID for text the tests write as the chair, straight into the store. */
const SOURCE_CLIENT_ID = 515_151

/** The Yjs clientIDs that wrote anything in `doc`. */
function authorsOf(doc: Y.Doc): Set<number> {
  return new Set(Y.decodeStateVector(Y.encodeStateVector(doc)).keys())
}

const engines = [
  { engine: 'sqlite', env: async () => ({ env: {}, schema: null }) },
  {
    engine: 'postgres',
    env: async () => {
      const schema = await createTestSchema('concordat_contracts')
      return { env: { DATABASE_URL: TEST_DATABASE_URL }, schema }
    },
  },
] as const

describe.each(engines)('starting contracts over HTTP ($engine)', ({ env }) => {
  let server: TestServer
  let schema: TestSchema | null = null
  const cleanups: Array<() => unknown> = []

  beforeAll(async () => {
    const setting = await env()
    schema = setting.schema
    server = await startTestServer({ members: true, env: setting.env, postgresSchema: schema?.schema })
  })
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
    await server.dispose()
    await schema?.drop()
  })

  async function signedIn(email: string): Promise<ApiClient> {
    const client = new ApiClient(server.url)
    expect((await client.signIn(email, DEMO_PASSWORD)).status).toBe(200)
    return client
  }

  /** Opens a contract through the sync server with the stock provider, as `client`'s user. */
  async function openDocument(client: ApiClient, contractId: string): Promise<Y.Doc> {
    const { token } = (await client.request('POST', '/api/tokens', {})).body
    const doc = new Y.Doc()
    const provider = connectProvider(server.wsUrl, contractId, doc, { token })
    cleanups.push(() => provider.destroy())
    await whenSynced(provider)
    return doc
  }

  /** The document as the store holds it (everything acknowledged is there). */
  async function storedDocument(contractId: string): Promise<Y.Doc> {
    const stored = await server.store.loadDocument(contractId)
    const doc = new Y.Doc()
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
    for (const { data } of stored.updates) Y.applyUpdate(doc, data)
    return doc
  }

  async function create(client: ApiClient, body: unknown): Promise<{ id: string; title: string; description: string; role: string }> {
    const response = await client.request('POST', '/api/contracts', body)
    expect(response.status, JSON.stringify(response.body)).toBe(201)
    return response.body
  }

  it('lets any signed-in person start an empty contract, which they own and open at once', async () => {
    // The provider only suggests in the demo contract; starting one's own is open to anyone.
    const provider = await signedIn(PROVIDER)
    const created = await create(provider, { title: '  Payment terms for 2026  ', description: 'Fees, invoices and late payment.' })
    expect(created).toEqual({ id: expect.stringMatching(/^payment-terms-for-2026-[a-z0-9]{6}$/), title: 'Payment terms for 2026', description: 'Fees, invoices and late payment.', role: 'owner' })
    expect(parseContractId(created.id)).toBe(created.id)

    expect((await provider.request('GET', '/api/contracts')).body).toContainEqual(created)
    const members = (await provider.request('GET', `/api/contracts/${created.id}/members`)).body
    expect(members.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([[PROVIDER, 'owner']])

    const doc = await openDocument(provider, created.id)
    expect(readContractDetails(doc)).toEqual({ title: 'Payment terms for 2026', description: 'Fees, invoices and late payment.' })
    expect(getMeta(doc).get('schemaVersion')).toBe(SCHEMA_VERSION)
    const [clause, ...rest] = getBody(doc).toArray()
    expect(rest).toEqual([])
    expect(clause).toBeInstanceOf(Y.XmlElement)
    const element = clause as Y.XmlElement
    expect(element.nodeName).toBe('clause')
    expect(element.toArray().map((node) => (node as Y.XmlElement).nodeName)).toEqual(['heading', 'paragraph'])
    expect(element.toArray().map((node) => (node as Y.XmlElement).length)).toEqual([0, 0])
    const [clauseId] = clauseIds(doc)
    expect(clauseId).toMatch(/^[0-9a-f-]{36}$/)
    expect(getClauses(doc).toJSON()).toEqual({ [clauseId!]: { status: 'drafting' } })

    // The owner can write in it straight away.
    writeContractDetails(doc, { description: 'Fees and invoices.' })
    await eventually(() => storedDocument(created.id), (stored) => readContractDetails(stored).description === 'Fees and invoices.', 'the owner’s edit to be stored')
  })

  /**
   * A contract of the chair's with clauses in every status, a stale status of a clause since
   * deleted and a suggestion's record, stored as the demo seed stores its draft.
   */
  async function storeSourceContract(): Promise<string> {
    const { accounts } = server.store
    const chair = (await accounts.findUserByEmail(CHAIR))!
    const contractId = `copy-source-${Math.random().toString(36).slice(2, 8)}`
    const doc = new Y.Doc()
    doc.clientID = SOURCE_CLIENT_ID
    doc.transact(() => {
      writeContractDetails(doc, { title: 'Fostering framework', description: 'The source.' })
      getBody(doc).insert(0, [
        clause('c-definitions', 'Definitions', p('“Carer” means the approved foster carer.'), clause('c-interpretation', 'Interpretation', p('Headings are for convenience.'))),
        clause('c-payments', 'Payments', p('The Council pays the weekly fee.')),
        clause('c-termination', 'Termination', p('Either party may end this Contract.')),
      ])
      const clauses = getClauses(doc)
      clauses.set('c-definitions', { status: 'agreed' })
      clauses.set('c-interpretation', { status: 'proposed' })
      clauses.set('c-payments', { status: 'locked' })
      clauses.set('c-deleted-long-ago', { status: 'agreed' })
      getSuggestions(doc).set('s-1', { authorId: chair.id })
    })
    await accounts.bindClient(contractId, SOURCE_CLIENT_ID, chair.id, Date.now())
    await server.store.appendUpdates([{ docName: contractId, update: Y.encodeStateAsUpdate(doc) }])
    await accounts.createContract({ id: contractId, title: 'Fostering framework', createdBy: chair.id, createdAt: Date.now(), owner: chair.id })
    return contractId
  }

  it('copies the current text of a contract its owner may edit: same clauses, all drafting, a history of its own', async () => {
    const chair = await signedIn(CHAIR)
    const sourceId = await storeSourceContract()
    // An edit through the sync server, stored before the copy is asked for, is in the copy.
    const live = await openDocument(chair, sourceId)
    const termination = (getBody(live).get(2) as Y.XmlElement).get(1) as Y.XmlElement
    const text = termination.get(0) as Y.XmlText
    text.insert(text.length, ' Added just before the copy.')
    await eventually(() => storedDocument(sourceId), (stored) => getBody(stored).toString().includes('Added just before the copy.'), 'the live edit to be stored')

    const copy = await create(chair, { title: 'Fostering Agency Contract', description: 'Adapted for fostering agencies.', copyOf: sourceId })
    expect(copy).toEqual({ id: expect.stringMatching(/^fostering-agency-contract-[a-z0-9]{6}$/), title: 'Fostering Agency Contract', description: 'Adapted for fostering agencies.', role: 'owner' })

    const original = await storedDocument(sourceId)
    const copied = await storedDocument(copy.id)
    expect(getBody(copied).toString()).toBe(getBody(original).toString())
    expect(getBody(copied).toString()).toContain('Added just before the copy.')
    expect(clauseIds(copied)).toEqual(['c-definitions', 'c-interpretation', 'c-payments', 'c-termination'])
    // Every clause of the text back to drafting; nothing of deleted clauses or of suggestions.
    expect(getClauses(copied).toJSON()).toEqual({
      'c-definitions': { status: 'drafting' },
      'c-interpretation': { status: 'drafting' },
      'c-payments': { status: 'drafting' },
      'c-termination': { status: 'drafting' },
    })
    expect(getSuggestions(copied).size).toBe(0)
    expect(readContractDetails(copied)).toEqual({ title: 'Fostering Agency Contract', description: 'Adapted for fostering agencies.' })
    expect(getMeta(copied).get('schemaVersion')).toBe(SCHEMA_VERSION)
    // The source is untouched.
    expect(getClauses(original).get('c-payments')).toEqual({ status: 'locked' })

    // One author of its own: none of the source's clientIDs (the stored text's, the live edit's).
    const sourceAuthors = authorsOf(original)
    expect(sourceAuthors.size).toBe(2)
    const copyAuthors = authorsOf(copied)
    expect(copyAuthors.size).toBe(1)
    for (const author of sourceAuthors) expect(copyAuthors.has(author)).toBe(false)

    // Only the one who copied it is a member, and it opens through the sync server like any other.
    const members = (await chair.request('GET', `/api/contracts/${copy.id}/members`)).body
    expect(members.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([[CHAIR, 'owner']])
    const opened = await openDocument(chair, copy.id)
    expect(getBody(opened).toString()).toBe(getBody(original).toString())
  })

  it('copies a whole contract of the demo’s size', async () => {
    const chair = await signedIn(CHAIR)
    const copy = await create(chair, { title: 'Children’s homes, 2026 edition', copyOf: DEMO_CONTRACT })
    expect(copy.id).toMatch(/^childrens-homes-2026-edition-[a-z0-9]{6}$/)
    const original = await storedDocument(DEMO_CONTRACT)
    const copied = await storedDocument(copy.id)
    expect(clauseIds(copied).length).toBeGreaterThanOrEqual(20)
    expect(clauseIds(copied)).toEqual(clauseIds(original))
    expect(getBody(copied).toString()).toBe(getBody(original).toString())
    expect(readContractDetails(copied)).toEqual({ title: 'Children’s homes, 2026 edition', description: '' })
  })

  it('refuses a copy to a member who may not edit the source (403), and to anyone else as if it did not exist (404)', async () => {
    for (const email of [PROVIDER, PURCHASER, OBSERVER]) {
      const member = await signedIn(email)
      const refused = await member.request('POST', '/api/contracts', { title: 'My own copy', copyOf: DEMO_CONTRACT })
      expect(refused.status, email).toBe(403)
      expect(refused.body.error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/owner or editor/) })
    }

    const chair = await signedIn(CHAIR)
    const chairs = await create(chair, { title: 'Chair’s private draft' })
    const provider = await signedIn(PROVIDER)
    const hidden = await provider.request('POST', '/api/contracts', { title: 'Peek', copyOf: chairs.id })
    const missing = await provider.request('POST', '/api/contracts', { title: 'Peek', copyOf: 'no-such-contract' })
    expect(hidden.status).toBe(404)
    expect(missing.status).toBe(404)
    expect(hidden.body).toEqual(missing.body)

    // Nothing was started by any refusal.
    const titles = (await provider.request('GET', '/api/contracts')).body.map((c: { title: string }) => c.title)
    expect(titles).not.toContain('My own copy')
    expect(titles).not.toContain('Peek')
  })

  it('refuses what is not a new contract with a 400 that says what to fix', async () => {
    const chair = await signedIn(CHAIR)
    const before = (await chair.request('GET', '/api/contracts')).body
    const cases: Array<[unknown, string]> = [
      [{}, 'invalid_title'],
      [{ title: '   ' }, 'invalid_title'],
      [{ title: 'x'.repeat(201) }, 'invalid_title'],
      [{ title: 42 }, 'invalid_title'],
      [{ title: 'Fine', description: 'x'.repeat(1001) }, 'invalid_description'],
      [{ title: 'Fine', description: ['not', 'text'] }, 'invalid_description'],
      [{ title: 'Fine', copyOf: 'not an id!' }, 'invalid_copy_of'],
      [{ title: 'Fine', copyOf: 7 }, 'invalid_copy_of'],
      [{ title: 'Fine', owner: 'someone-else' }, 'unknown_field'],
      [['Fine'], 'invalid_contract'],
    ]
    for (const [body, code] of cases) {
      const refused = await chair.request('POST', '/api/contracts', body)
      expect([refused.status, refused.body.error?.code], JSON.stringify(body).slice(0, 80)).toEqual([400, code])
      expect(refused.body.error.message.length).toBeGreaterThan(10)
    }
    expect((await chair.request('GET', '/api/contracts')).body).toEqual(before)

    // The limits themselves are allowed.
    const longest = await create(chair, { title: 'T'.repeat(200), description: 'D'.repeat(1000) })
    expect(longest.title).toHaveLength(200)
  })

  it('refuses to start a contract without the CSRF token, or without signing in', async () => {
    const chair = await signedIn(CHAIR)
    const forged = await chair.request('POST', '/api/contracts', { title: 'Forged' }, { 'X-CSRF-Token': '' })
    expect(forged.status).toBe(403)
    expect(forged.body.error.code).toBe('csrf')
    const anonymous = await new ApiClient(server.url).request('POST', '/api/contracts', { title: 'Anonymous' })
    expect(anonymous.status).toBe(401)
    expect((await chair.request('GET', '/api/contracts')).body.map((c: { title: string }) => c.title)).not.toContain('Forged')
  })

  it('lists the title and description an editor writes in the document, the last of a burst included', async () => {
    const chair = await signedIn(CHAIR)
    const created = await create(chair, { title: 'Working title', description: 'First words.' })
    const invited = await chair.request('POST', `/api/contracts/${created.id}/invitations`, { email: PROVIDER, role: 'editor' })
    expect(invited.status).toBe(201)

    const editor = await signedIn(PROVIDER)
    const doc = await openDocument(editor, created.id)
    writeContractDetails(doc, { title: 'Residential Care Agreement', description: 'Agreed terms for residential care.' })
    const listed = () => editor.request('GET', '/api/contracts').then((response) => response.body.find((c: { id: string }) => c.id === created.id))
    await eventually(listed, (item) => item?.title === 'Residential Care Agreement', 'the list to show the new title')
    expect(await listed()).toEqual({ id: created.id, title: 'Residential Care Agreement', description: 'Agreed terms for residential care.', role: 'editor' })

    // Typing a title letter by letter: the list ends on the last one.
    const final = 'Residential Care Agreement 2026'
    for (let length = 'Residential Care Agreement'.length + 1; length <= final.length; length++) writeContractDetails(doc, { title: final.slice(0, length) })
    await eventually(listed, (item) => item?.title === final, 'the list to show the last title typed')
    // The owner sees the same list entry.
    expect((await chair.request('GET', '/api/contracts')).body).toContainEqual({ ...created, title: final, description: 'Agreed terms for residential care.' })
  })
})
