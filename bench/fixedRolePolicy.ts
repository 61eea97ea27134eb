/**
 * Referee policies for the suggesting scenario: every connection is one fixed member of every
 * contract, with one fixed role, and each update is judged by the real member policy's
 * validator (`validateByRole`). Only sign-in and the membership lookup are left out, so an
 * editor run and a suggester run differ in the role alone: the difference in server CPU per
 * edit is what judging a suggester's update by its effect costs.
 *
 * Bench-only, like `openPolicy`: anyone who can reach the server is that member.
 */
import { validateByRole } from '../server/auth/memberPolicy.ts'
import type { Principal, RefereeHooks } from '../server/sync/hooks.ts'
import { asUserId } from '../shared/domain/ids.ts'
import type { Role } from '../shared/domain/roles.ts'

/** Who every load client is, in both runs (suggestion records must name exactly this). */
export const BENCH_MEMBER: Principal = { userId: asUserId('bench-member'), name: 'Bench Member', organisation: 'Bench Ltd' }

/** Every connection is `BENCH_MEMBER` with `role`; updates are checked as the member policy checks them. */
export function fixedRolePolicy(role: Role): RefereeHooks {
  return {
    authenticate: async () => BENCH_MEMBER,
    authorize: async () => role,
    attribute: () => {},
    validate: validateByRole,
  }
}
