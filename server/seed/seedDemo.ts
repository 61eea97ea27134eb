/**
 * The demo seed: on first start with an empty store, the working draft of the framework
 * contract, an organisation per constituency, the four demo accounts (DESIGN.md), and a few
 * comment threads on the draft (`demoComments.ts`).
 */
import * as Y from 'yjs'
import { randomBytes } from 'node:crypto'
import type { Role } from '../../shared/domain/roles.ts'
import { SCHEMA_VERSION, getBody, getClauses, getMeta } from '../../shared/ydoc/schema.ts'
import type { AccountService } from '../accounts/AccountService.ts'
import { newId } from '../auth/secrets.ts'
import type { Store, UserRecord } from '../store/Store.ts'
import { seedDemoComments } from './demoComments.ts'
import { DEMO_CLAUSES, DEMO_DESCRIPTION, DEMO_TITLE, type DemoClause } from './demoContract.ts'

export const DEMO_CONTRACT_ID = 'children-homes'

const DEMO_ORGANISATIONS = [
  { id: 'steering-group', name: 'National Steering Group', constituency: 'steering' },
  { id: 'northern-care', name: 'Northern Care Homes Ltd', constituency: 'provider' },
  { id: 'shire-county', name: 'Shire County Council', constituency: 'purchaser' },
] as const

const DEMO_ACCOUNTS: ReadonlyArray<{ email: string; name: string; organisationId: string; role: Role }> = [
  { email: 'chair@demo.test', name: 'Chris Chair', organisationId: 'steering-group', role: 'owner' },
  { email: 'provider@demo.test', name: 'Priya Provider', organisationId: 'northern-care', role: 'suggester' },
  { email: 'purchaser@demo.test', name: 'Paul Purchaser', organisationId: 'shire-county', role: 'commenter' },
  { email: 'observer@demo.test', name: 'Olive Observer', organisationId: 'steering-group', role: 'viewer' },
]

function clauseElement(clause: DemoClause, clauses: Y.Map<unknown>): Y.XmlElement {
  const element = new Y.XmlElement('clause')
  const clauseId = newId()
  element.setAttribute('clauseId', clauseId)
  clauses.set(clauseId, { status: 'drafting' })
  const heading = new Y.XmlElement('heading')
  heading.setAttribute('level', 2 as unknown as string)
  heading.insert(0, [new Y.XmlText(clause.heading)])
  const paragraphs = clause.paragraphs.map((text) => {
    const paragraph = new Y.XmlElement('paragraph')
    paragraph.insert(0, [new Y.XmlText(text)])
    return paragraph
  })
  const children = (clause.subclauses ?? []).map((sub) => clauseElement(sub, clauses))
  element.insert(0, [heading, ...paragraphs, ...children])
  return element
}

/** The demo contract as one Yjs update, written by the client `clientId`. */
export function buildDemoContract(clientId: number): Uint8Array {
  const doc = new Y.Doc()
  doc.clientID = clientId
  doc.transact(() => {
    const meta = getMeta(doc)
    meta.set('title', DEMO_TITLE)
    meta.set('description', DEMO_DESCRIPTION)
    meta.set('schemaVersion', SCHEMA_VERSION)
    const clauses = getClauses(doc)
    getBody(doc).insert(0, DEMO_CLAUSES.map((clause) => clauseElement(clause, clauses)))
  })
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return update
}

/**
 * Seeds the demo if the store has no organisation yet. Returns the password used, or null when
 * nothing was seeded. `password` null generates one.
 */
export async function seedDemo(store: Store, service: AccountService, password: string | null): Promise<string | null> {
  if ((await store.accounts.listOrganisations()).length > 0) return null
  const chosen = password ?? randomBytes(12).toString('base64url')
  for (const organisation of DEMO_ORGANISATIONS) await store.accounts.createOrganisation(organisation)
  const users: Array<{ readonly role: Role; readonly user: UserRecord }> = []
  for (const account of DEMO_ACCOUNTS) {
    users.push({ ...account, user: await service.createUser({ ...account, password: chosen }) })
  }
  const chair = users[0]!.user
  await store.accounts.createContract({ id: DEMO_CONTRACT_ID, title: DEMO_TITLE, description: DEMO_DESCRIPTION, createdBy: chair.id, createdAt: Date.now() })
  for (const { user, role } of users) await store.accounts.setRole(DEMO_CONTRACT_ID, user.id, role)
  // The draft is the chair's text: its clientID is bound to the chair like any other author's.
  const clientId = randomBytes(4).readUInt32LE() >>> 1
  await store.accounts.bindClient(DEMO_CONTRACT_ID, clientId, chair.id, Date.now())
  const update = buildDemoContract(clientId)
  await store.appendUpdates([{ docName: DEMO_CONTRACT_ID, update }])
  // The threads hang on the draft as stored: their anchors name its characters.
  const doc = new Y.Doc()
  try {
    Y.applyUpdate(doc, update)
    const profile = async (index: number) => (await store.accounts.getProfile(users[index]!.user.id))!
    await seedDemoComments(store, DEMO_CONTRACT_ID, doc, { chair: await profile(0), provider: await profile(1), purchaser: await profile(2) })
  } finally {
    doc.destroy()
  }
  return chosen
}
