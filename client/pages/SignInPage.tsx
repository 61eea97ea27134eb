/**
 * The sign-in page: "Email", "Password", "Sign in". Wrong credentials and throttling are told
 * in the server's own words, without saying which of the two was wrong.
 */
import { useId, useState, type FormEvent } from 'react'
import type { SessionView } from '../../shared/protocol/api.ts'
import { ApiError, signIn } from '../api/api.ts'

export function SignInPage({ onSignedIn }: { onSignedIn: (session: SessionView) => void }) {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const [isBusy, setIsBusy] = useState(false)
  const emailId = useId()
  const passwordId = useId()

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    setIsBusy(true)
    setProblem(null)
    try {
      onSignedIn(await signIn(email, password))
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : 'Signing in failed. Please try again.')
      setIsBusy(false)
    }
  }

  return (
    <main className="page sign-in">
      <h1>Sign in to Concordat</h1>
      <form onSubmit={submit} className="stacked-form">
        <label htmlFor={emailId}>Email</label>
        <input id={emailId} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />
        <label htmlFor={passwordId}>Password</label>
        <input id={passwordId} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        {problem !== null ? (
          <p className="field-problem" role="alert">
            {problem}
          </p>
        ) : null}
        <button type="submit" disabled={isBusy}>
          Sign in
        </button>
      </form>
    </main>
  )
}
