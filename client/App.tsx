/**
 * The client's routes, read from `location.pathname`, behind sign-in:
 * - `/` — the signed-in person's contracts;
 * - `/contracts/<id>` — that contract in the editor, with the person's role in it
 *   (`?thread=<threadId>` shows that comment thread, as the inbox links to it);
 * - `/invite/<secret>` — accepting an invitation (no sign-in needed);
 * - anything else — "page not found".
 *
 * Navigation inside the app uses the History API, so the server answers every one of these
 * paths with index.html.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react'
import { parseContractId, type ContractId } from '../shared/domain/ids.ts'
import { type Role, can } from '../shared/domain/roles.ts'
import type { SessionView, UserView } from '../shared/protocol/api.ts'
import { currentSession, listContracts, rememberedSession, signOut } from './api/api.ts'
import { ContractEditor } from './editor/ContractEditor.tsx'
import { InboxBell } from './features/inbox/InboxBell.tsx'
import { MembersPanel } from './features/members/MembersPanel.tsx'
import { ContractsPage } from './pages/ContractsPage.tsx'
import { InvitePage } from './pages/InvitePage.tsx'
import { SignInPage } from './pages/SignInPage.tsx'

type Route =
  | { page: 'home' }
  | { page: 'contract'; contractId: ContractId }
  | { page: 'invite'; secret: string }
  | { page: 'invalidContract' }
  | { page: 'notFound' }

const CONTRACT_PATH = /^\/contracts\/([^/]*)\/?$/
const INVITE_PATH = /^\/invite\/([A-Za-z0-9_-]{10,200})\/?$/

/** Maps a path to the page it shows; pure, so the routing is plain to read and test. */
function matchRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { page: 'home' }
  const invite = INVITE_PATH.exec(pathname)
  if (invite !== null) return { page: 'invite', secret: invite[1]! }
  const match = CONTRACT_PATH.exec(pathname)
  if (match === null) return { page: 'notFound' }
  const contractId = parseContractId(match[1] ?? '')
  return contractId === null ? { page: 'invalidContract' } : { page: 'contract', contractId }
}

/** The whole client: who is signed in, and the page the address bar names. */
export function App() {
  const [pathname, setPathname] = useState(() => location.pathname)
  const [search, setSearch] = useState(() => location.search)
  // undefined while asking the server, null when nobody is signed in.
  const [session, setSession] = useState<SessionView | null | undefined>(undefined)
  const [problem, setProblem] = useState<string | null>(null)

  useEffect(() => {
    const followHistory = () => {
      setPathname(location.pathname)
      setSearch(location.search)
    }
    window.addEventListener('popstate', followHistory)
    currentSession().then(setSession, () => {
      // Offline: the person last signed in here can still open the contracts kept on this device.
      const remembered = rememberedSession()
      if (remembered !== null) setSession(remembered)
      else setProblem('The server cannot be reached. Reload the page to try again.')
    })
    return () => window.removeEventListener('popstate', followHistory)
  }, [])

  const navigate = useCallback((path: string) => {
    history.pushState(null, '', path)
    setPathname(location.pathname)
    setSearch(location.search)
  }, [])

  const route = matchRoute(pathname)
  useEffect(() => {
    document.title = route.page === 'contract' ? `${route.contractId} — Concordat` : 'Concordat'
  }, [route])

  if (problem !== null) return <Message title="Concordat is unavailable">{problem}</Message>
  if (route.page === 'invite') {
    return (
      <InvitePage
        secret={route.secret}
        onAccepted={(next, contractId) => {
          setSession(next)
          navigate(`/contracts/${contractId}`)
        }}
      />
    )
  }
  if (session === undefined) return <Message title="Concordat">Loading…</Message>
  if (session === null) return <SignInPage onSignedIn={setSession} />

  const leave = async () => {
    try {
      await signOut()
    } catch {
      // The session may still be alive: say so rather than pretend.
      setProblem('Signing out did not work. Reload the page and try again.')
      return
    }
    setSession(null)
    navigate('/')
  }

  return (
    <>
      <nav className="top-bar" aria-label="Account">
        <a href="/" onClick={(event) => (event.preventDefault(), navigate('/'))} className="brand">
          Concordat
        </a>
        <span className="who">
          {session.user.name} · {session.user.organisation.name}
        </span>
        {session.csrfToken !== null ? <InboxBell onOpen={navigate} /> : null}
        <button type="button" onClick={leave}>
          Sign out
        </button>
      </nav>
      {route.page === 'home' ? <ContractsPage onOpen={(id) => navigate(`/contracts/${id}`)} /> : null}
      {route.page === 'contract' ? (
        <ContractRoute key={route.contractId} contractId={route.contractId} user={session.user} focusThreadId={new URLSearchParams(search).get('thread')} />
      ) : null}
      {route.page === 'invalidContract' ? (
        <Message title="This contract link is not valid">
          A contract id uses only letters, digits, hyphens and underscores. <a href="/">See your contracts</a>.
        </Message>
      ) : null}
      {route.page === 'notFound' ? (
        <Message title="Page not found">
          There is nothing at this address. <a href="/">See your contracts</a>.
        </Message>
      ) : null}
    </>
  )
}

/** Looks up the person's role in the contract, then opens the editor for it. */
function ContractRoute({ contractId, user, focusThreadId }: { contractId: ContractId; user: UserView; focusThreadId: string | null }) {
  const [role, setRole] = useState<Role | null | undefined>(undefined)
  useEffect(() => {
    listContracts().then(
      (contracts) => setRole(contracts.find((c) => c.id === contractId)?.role ?? null),
      () => setRole(null),
    )
  }, [contractId])
  if (role === undefined) return <Message title="Opening…">Loading the contract…</Message>
  if (role === null) {
    return (
      <Message title="No such contract">
        This contract does not exist or you are not a member of it. <a href="/">See your contracts</a>.
      </Message>
    )
  }
  return (
    <>
      <ContractEditor
        contractId={contractId}
        role={role}
        userName={user.name}
        userId={user.id}
        author={{ id: user.id, name: user.name, organisation: user.organisation.name }}
        constituency={user.organisation.constituency}
        focusThreadId={focusThreadId}
      />
      {can(role, 'manageMembers') ? <MembersPanel contractId={contractId} currentUserId={user.id} /> : null}
    </>
  )
}

/** A page that only says something: a heading and a paragraph. */
function Message({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="page">
      <h1>{title}</h1>
      <p>{children}</p>
    </main>
  )
}
