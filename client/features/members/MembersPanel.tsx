/**
 * The owner's members panel: who belongs to the contract with which role, changing and
 * removing roles, and inviting someone by email. The server checks every one of these; this
 * panel is only shown to owners because only they would succeed.
 */
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react'
import { ROLES, ROLE_LABEL, type Role, defaultRoleFor } from '../../../shared/domain/roles.ts'
import type { MemberView, OrganisationView } from '../../../shared/protocol/api.ts'
import { ApiError, changeRole, inviteMember, listMembers, listOrganisations, removeMember } from '../../api/api.ts'

function describe(error: unknown): string {
  return error instanceof ApiError ? error.message : 'That did not work. Please try again.'
}

export function MembersPanel({ contractId, currentUserId }: { contractId: string; currentUserId: string }) {
  const [members, setMembers] = useState<MemberView[]>([])
  const [organisations, setOrganisations] = useState<OrganisationView[]>([])
  const [problem, setProblem] = useState<string | null>(null)
  const [inviteLink, setInviteLink] = useState<string | null>(null)

  const reload = useCallback(() => {
    listMembers(contractId).then(setMembers, (error) => setProblem(describe(error)))
  }, [contractId])

  useEffect(() => {
    reload()
    listOrganisations().then(setOrganisations, (error) => setProblem(describe(error)))
  }, [reload])

  const act = async (action: () => Promise<unknown>) => {
    setProblem(null)
    try {
      await action()
    } catch (error) {
      setProblem(describe(error))
    }
    reload()
  }

  return (
    <section className="members-panel" aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      {problem !== null ? (
        <p className="field-problem" role="alert">
          {problem}
        </p>
      ) : null}
      <table className="members">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Organisation</th>
            <th scope="col">Role</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <tr key={member.id}>
              <td>
                {member.name}
                <br />
                <small>{member.email}</small>
              </td>
              <td>{member.organisation.name}</td>
              <td>
                <select
                  aria-label={`Role of ${member.name}`}
                  value={member.role}
                  onChange={(event) => act(() => changeRole(contractId, member.id, event.target.value as Role))}
                >
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {ROLE_LABEL[role]}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                {member.id !== currentUserId ? (
                  <button type="button" onClick={() => act(() => removeMember(contractId, member.id))}>
                    Remove
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <InviteForm
        organisations={organisations}
        onInvite={(invitation) =>
          act(async () => {
            const { inviteUrl } = await inviteMember(contractId, invitation)
            setInviteLink(inviteUrl)
          })
        }
      />
      {inviteLink !== null ? (
        <p className="invite-link">
          Send this one-time link to the person you invited (it is also in the server's log):{' '}
          <input readOnly value={inviteLink} aria-label="Invitation link" onFocus={(event) => event.target.select()} />
        </p>
      ) : null}
    </section>
  )
}

function InviteForm({
  organisations,
  onInvite,
}: {
  organisations: OrganisationView[]
  onInvite: (invitation: { email: string; name: string; organisationId: string; role: Role }) => void
}) {
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  const [organisationId, setOrganisationId] = useState('')
  const [role, setRole] = useState<Role>('viewer')
  const ids = { email: useId(), name: useId(), organisation: useId(), role: useId() }

  const chooseOrganisation = (id: string) => {
    setOrganisationId(id)
    const organisation = organisations.find((o) => o.id === id)
    if (organisation) setRole(defaultRoleFor(organisation.constituency))
  }

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    onInvite({ email, name, organisationId, role })
  }

  return (
    <form className="invite-form" onSubmit={submit}>
      <h3>Invite someone</h3>
      <label htmlFor={ids.email}>Email</label>
      <input id={ids.email} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
      <label htmlFor={ids.name}>Name</label>
      <input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor={ids.organisation}>Organisation</label>
      <select id={ids.organisation} value={organisationId} onChange={(e) => chooseOrganisation(e.target.value)}>
        <option value="">Choose…</option>
        {organisations.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name} ({o.constituency})
          </option>
        ))}
      </select>
      <label htmlFor={ids.role}>Role</label>
      <select id={ids.role} value={role} onChange={(e) => setRole(e.target.value as Role)}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABEL[r]}
          </option>
        ))}
      </select>
      <button type="submit">Invite</button>
    </form>
  )
}
