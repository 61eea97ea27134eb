/**
 * Identity over HTTP: sign-in and sign-out, generic refusals, throttling of failures only,
 * CSRF, session fixation, expiry, API tokens, invitations and role changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashSecret } from '../../server/auth/secrets.ts'
import { ApiClient } from '../helpers/httpClient.ts'
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/testServer.ts'

describe('accounts over HTTP', () => {
  let server: TestServer
  const client = () => new ApiClient(server.url)

  beforeAll(async () => {
    server = await startTestServer({ members: true, throttle: { perAccount: 3, perAddress: 1000 } })
  })
  afterAll(async () => {
    await server.dispose()
  })

  it('signs in with the right password, shows who is signed in, and signs out', async () => {
    const chair = client()
    const signedIn = await chair.signIn('chair@demo.test', DEMO_PASSWORD)
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.user).toMatchObject({ email: 'chair@demo.test', organisation: { constituency: 'steering' } })
    expect((await chair.request('GET', '/api/session')).body.user.email).toBe('chair@demo.test')
    const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith('concordat.sid='))!
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)

    expect((await chair.request('DELETE', '/api/session')).status).toBe(204)
    expect((await chair.request('GET', '/api/session')).status).toBe(401)
  })

  it('answers a wrong password and an unknown email with the same polite 401', async () => {
    const wrong = await client().signIn('observer@demo.test', 'not the password')
    const unknown = await client().signIn('nobody@demo.test', 'not the password')
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.body).toEqual(unknown.body)
    expect(wrong.body.error.code).toBe('invalid_credentials')
  })

  it('throttles repeated failures on an account, but never a first correct sign-in of another', async () => {
    for (let i = 0; i < 3; i++) expect((await client().signIn('purchaser@demo.test', 'wrong')).status).toBe(401)
    const blocked = await client().signIn('purchaser@demo.test', DEMO_PASSWORD)
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await client().signIn('provider@demo.test', DEMO_PASSWORD)).status).toBe(200)
  })

  it('refuses a state-changing request without the CSRF token', async () => {
    const chair = client()
    await chair.signIn('chair@demo.test', DEMO_PASSWORD)
    const forged = await chair.request('POST', '/api/tokens', {}, { 'X-CSRF-Token': '' })
    expect(forged.status).toBe(403)
    expect(forged.body.error.code).toBe('csrf')
    expect((await chair.request('POST', '/api/tokens', {})).status).toBe(201)
  })

  it('gives a new session id at sign-in (no session fixation)', async () => {
    const chair = client()
    await chair.signIn('chair@demo.test', DEMO_PASSWORD)
    const first = chair.cookie('concordat.sid')
    await chair.signIn('chair@demo.test', DEMO_PASSWORD)
    expect(chair.cookie('concordat.sid')).not.toBe(first)
    // The old id no longer signs anyone in.
    const attacker = client()
    const old = await attacker.request('GET', '/api/session', undefined, { Cookie: `concordat.sid=${first}` })
    expect(old.status).toBe(401)
  })

  it('signs nobody in with a session past its idle expiry or its absolute lifetime', async () => {
    const chair = client()
    await chair.signIn('chair@demo.test', DEMO_PASSWORD)
    const signed = decodeURIComponent(chair.cookie('concordat.sid')!)
    const stored = hashSecret(signed.slice(2, signed.lastIndexOf('.')))
    const record = (await server.store.accounts.getSession(stored))!
    await server.store.accounts.saveSession({ ...record, expiresAt: Date.now() - 1 })
    expect((await chair.request('GET', '/api/session')).status).toBe(401)

    const again = client()
    await again.signIn('chair@demo.test', DEMO_PASSWORD)
    const signedAgain = decodeURIComponent(again.cookie('concordat.sid')!)
    const id = hashSecret(signedAgain.slice(2, signedAgain.lastIndexOf('.')))
    const fresh = (await server.store.accounts.getSession(id))!
    const data = { ...JSON.parse(fresh.data), signedInAt: Date.now() - 8 * 24 * 60 * 60 * 1000 }
    await server.store.accounts.saveSession({ ...fresh, data: JSON.stringify(data) })
    expect((await again.request('GET', '/api/session')).status).toBe(401)
  })

  it('issues bearer tokens that work without cookies and stop working once revoked', async () => {
    const chair = client()
    await chair.signIn('chair@demo.test', DEMO_PASSWORD)
    const { token } = (await chair.request('POST', '/api/tokens', {})).body
    const script = client()
    script.bearer = token
    const contracts = await script.request('GET', '/api/contracts')
    expect(contracts.status).toBe(200)
    expect(contracts.body).toContainEqual(expect.objectContaining({ id: 'children-homes', role: 'owner' }))
    expect((await script.request('DELETE', '/api/tokens/current')).status).toBe(204)
    expect((await script.request('GET', '/api/contracts')).status).toBe(401)
  })

  it('lists only the caller’s contracts with their role, and hides others’ contracts as 404', async () => {
    const observer = client()
    await observer.signIn('observer@demo.test', DEMO_PASSWORD)
    expect((await observer.request('GET', '/api/contracts')).body).toEqual([
      expect.objectContaining({ id: 'children-homes', role: 'viewer' }),
    ])
    expect((await observer.request('GET', '/api/contracts/secret-contract/members')).status).toBe(404)
  })

  it('lets an owner invite by a one-time link that sets a password and grants the role', async () => {
    const chair = client()
    await chair.signIn('chair@demo.test', DEMO_PASSWORD)
    const organisations = (await chair.request('GET', '/api/organisations')).body
    const provider = organisations.find((o: { constituency: string }) => o.constituency === 'provider')
    const invited = await chair.request('POST', '/api/contracts/children-homes/invitations', {
      email: 'new.provider@example.org',
      name: 'Nia Newcomer',
      organisationId: provider.id,
      role: 'suggester',
    })
    expect(invited.status).toBe(201)
    const secret = new URL(invited.body.inviteUrl).pathname.split('/').pop()!

    const invitee = client()
    expect((await invitee.request('GET', `/api/invitations/${secret}`)).body).toMatchObject({ email: 'new.provider@example.org', role: 'suggester' })
    const accepted = await invitee.request('POST', `/api/invitations/${secret}`, { password: 'a long new password' })
    expect(accepted.status).toBe(200)
    expect((await invitee.request('GET', '/api/contracts')).body).toEqual([expect.objectContaining({ id: 'children-homes', role: 'suggester' })])
    expect((await client().request('POST', `/api/invitations/${secret}`, { password: 'another long password' })).status).toBe(404)
    expect((await client().signIn('new.provider@example.org', 'a long new password')).status).toBe(200)
  })

  it('lets only an owner change or remove roles, and never the last owner', async () => {
    const chair = client()
    await chair.signIn('chair@demo.test', DEMO_PASSWORD)
    const members = (await chair.request('GET', '/api/contracts/children-homes/members')).body as Array<{ id: string; email: string }>
    const idOf = (email: string) => members.find((m) => m.email === email)!.id

    const provider = client()
    await provider.signIn('provider@demo.test', DEMO_PASSWORD)
    const refused = await provider.request('PATCH', `/api/contracts/children-homes/members/${idOf('observer@demo.test')}`, { role: 'editor' })
    expect(refused.status).toBe(403)

    expect((await chair.request('PATCH', `/api/contracts/children-homes/members/${idOf('observer@demo.test')}`, { role: 'commenter' })).status).toBe(204)
    const observer = client()
    await observer.signIn('observer@demo.test', DEMO_PASSWORD)
    expect((await observer.request('GET', '/api/contracts')).body[0].role).toBe('commenter')

    const lastOwner = await chair.request('PATCH', `/api/contracts/children-homes/members/${idOf('chair@demo.test')}`, { role: 'editor' })
    expect(lastOwner.status).toBe(409)
  })
})
