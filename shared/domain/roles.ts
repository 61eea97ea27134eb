/**
 * Roles and what they permit: the one permission table of Concordat. The client uses it to
 * show or hide a control, the server to refuse a request or an update; they cannot disagree.
 *
 * Membership of a contract gives a user one role. The constituency of the user's organisation
 * groups people (for sign-off and scoped comments) and suggests a role when inviting; the role
 * alone grants permissions.
 */

export const ROLES = ['owner', 'editor', 'suggester', 'commenter', 'viewer'] as const
export type Role = (typeof ROLES)[number]

export const CONSTITUENCIES = ['steering', 'provider', 'purchaser'] as const
export type Constituency = (typeof CONSTITUENCIES)[number]

/** Everything a member may be allowed to do in a contract. */
export type Action =
  /** Open the contract and see its text, presence and comments (in their scope). */
  | 'read'
  /** Change the text directly, and any clause state, metadata or suggestion. */
  | 'edit'
  /** Propose changes to the text as one's own tracked suggestions. */
  | 'suggest'
  /** Start and reply to comment threads (and edit, delete or resolve one's own). */
  | 'comment'
  /**
   * Resolve and reopen anyone's comment thread (in their sight), as the people who run the
   * drafting do; a thread's own author may always resolve it with `comment`.
   */
  | 'moderateComments'
  /** Accept or reject others' suggestions. */
  | 'review'
  /** Save named versions. */
  | 'version'
  /** Invite people, change and remove members' roles. */
  | 'manageMembers'
  /** Unlock a locked clause. */
  | 'unlock'

const PERMISSIONS: Readonly<Record<Role, ReadonlySet<Action>>> = {
  owner: new Set(['read', 'edit', 'suggest', 'comment', 'moderateComments', 'review', 'version', 'manageMembers', 'unlock']),
  editor: new Set(['read', 'edit', 'suggest', 'comment', 'moderateComments', 'review', 'version']),
  suggester: new Set(['read', 'suggest', 'comment']),
  commenter: new Set(['read', 'comment']),
  viewer: new Set(['read']),
}

/** Whether a member with `role` may do `action`. */
export function can(role: Role, action: Action): boolean {
  return PERMISSIONS[role].has(action)
}

/** The role suggested when inviting someone of a constituency (DESIGN.md). */
export function defaultRoleFor(constituency: Constituency): Role {
  switch (constituency) {
    case 'steering':
      return 'editor'
    case 'provider':
      return 'suggester'
    case 'purchaser':
      return 'commenter'
  }
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

export function isConstituency(value: unknown): value is Constituency {
  return typeof value === 'string' && (CONSTITUENCIES as readonly string[]).includes(value)
}

/** Words for each role, for the UI. */
export const ROLE_LABEL: Readonly<Record<Role, string>> = {
  owner: 'Owner',
  editor: 'Editor',
  suggester: 'Suggester',
  commenter: 'Commenter',
  viewer: 'Viewer',
}
