/**
 * The client's routes, read from `location.pathname`:
 * - `/` — a form to open a contract by id;
 * - `/contracts/<id>` — that contract in the editor (a malformed id gets a polite message);
 * - anything else — "page not found".
 *
 * Navigation inside the app uses the History API, so the server must answer every one of these
 * paths with index.html.
 */
import { useCallback, useEffect, useId, useState, type FormEvent, type ReactNode } from 'react'
import { parseContractId, type ContractId } from '../shared/domain/ids.ts'
import { ContractEditor } from './editor/ContractEditor.tsx'

type Route =
  | { page: 'home' }
  | { page: 'contract'; contractId: ContractId }
  | { page: 'invalidContract' }
  | { page: 'notFound' }

const CONTRACT_PATH = /^\/contracts\/([^/]*)\/?$/

/** Maps a path to the page it shows; pure, so the routing is plain to read and test. */
function matchRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { page: 'home' }
  const match = CONTRACT_PATH.exec(pathname)
  if (match === null) return { page: 'notFound' }
  const contractId = parseContractId(match[1] ?? '')
  return contractId === null ? { page: 'invalidContract' } : { page: 'contract', contractId }
}

/** The path that opens a contract. */
function contractPath(contractId: ContractId): string {
  return `/contracts/${contractId}`
}

/** The whole client: follows the address bar (including Back and Forward) and renders its page. */
export function App() {
  const [pathname, setPathname] = useState(() => location.pathname)

  useEffect(() => {
    const followHistory = () => setPathname(location.pathname)
    window.addEventListener('popstate', followHistory)
    return () => window.removeEventListener('popstate', followHistory)
  }, [])

  const navigate = useCallback((path: string) => {
    history.pushState(null, '', path)
    setPathname(path)
  }, [])

  const route = matchRoute(pathname)
  const title = route.page === 'contract' ? `${route.contractId} — Concordat` : 'Concordat'

  useEffect(() => {
    document.title = title
  }, [title])

  switch (route.page) {
    case 'home':
      return <OpenContractForm onOpen={(contractId) => navigate(contractPath(contractId))} />
    case 'contract':
      return <ContractEditor key={route.contractId} contractId={route.contractId} />
    case 'invalidContract':
      return (
        <Message title="This contract link is not valid">
          A contract id uses only letters, digits, hyphens and underscores. Please check the link
          you followed, or <a href="/">open a contract by its id</a>.
        </Message>
      )
    case 'notFound':
      return (
        <Message title="Page not found">
          There is nothing at this address. <a href="/">Open a contract</a> instead.
        </Message>
      )
  }
}

/** Asks for a contract id and calls `onOpen` with it once it is well formed. */
function OpenContractForm({ onOpen }: { onOpen: (contractId: ContractId) => void }) {
  const [value, setValue] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const inputId = useId()
  const problemId = useId()

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const text = value.trim()
    const contractId = parseContractId(text)
    if (contractId !== null) {
      onOpen(contractId)
    } else {
      setProblem(
        text === ''
          ? 'Enter the id of the contract you want to open.'
          : 'A contract id uses only letters, digits, hyphens and underscores (up to 64).',
      )
    }
  }

  return (
    <main className="page">
      <h1>Open a contract</h1>
      <form className="open-form" onSubmit={submit} noValidate>
        <label htmlFor={inputId}>Contract id</label>
        <div className="open-form-row">
          <input
            id={inputId}
            name="contractId"
            value={value}
            onChange={(event) => {
              setValue(event.target.value)
              setProblem(null)
            }}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={problem !== null}
            aria-describedby={problem !== null ? problemId : undefined}
          />
          <button type="submit">Open</button>
        </div>
        {problem !== null ? (
          <p id={problemId} className="field-problem">
            {problem}
          </p>
        ) : null}
      </form>
    </main>
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
