/** An invitation link: the invitee sets a password and is signed in to the contract. */
import { useEffect, useId, useState, type FormEvent } from 'react'
import { ROLE_LABEL } from '../../shared/domain/roles.ts'
import type { InvitationView, SessionView } from '../../shared/protocol/api.ts'
import { ApiError, acceptInvitation, describeInvitation } from '../api/api.ts'

export function InvitePage({ secret, onAccepted }: { secret: string; onAccepted: (session: SessionView, contractId: string) => void }) {
  const [invitation, setInvitation] = useState<InvitationView | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [password, setPassword] = useState('')
  const passwordId = useId()

  useEffect(() => {
    describeInvitation(secret).then(setInvitation, (error) =>
      setProblem(error instanceof ApiError ? error.message : 'This invitation could not be read.'),
    )
  }, [secret])

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    try {
      const session = await acceptInvitation(secret, password)
      onAccepted(session, invitation!.contractId)
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : 'The invitation could not be accepted.')
    }
  }

  if (invitation === null) {
    return (
      <main className="page">
        <h1>Invitation</h1>
        <p role={problem ? 'alert' : undefined}>{problem ?? 'Loading…'}</p>
      </main>
    )
  }
  return (
    <main className="page sign-in">
      <h1>Join “{invitation.contractTitle}”</h1>
      <p>
        You are invited as <strong>{ROLE_LABEL[invitation.role]}</strong> with the email {invitation.email}. Choose a password
        to finish.
      </p>
      <form onSubmit={submit} className="stacked-form">
        <label htmlFor={passwordId}>Password</label>
        <input id={passwordId} type="password" autoComplete="new-password" minLength={10} value={password} onChange={(e) => setPassword(e.target.value)} required />
        {problem !== null ? (
          <p className="field-problem" role="alert">
            {problem}
          </p>
        ) : null}
        <button type="submit">Set password and open the contract</button>
      </form>
    </main>
  )
}
