/**
 * The operator's command for a server with no mail: `npm run admin -- <command> …`.
 *
 *   create-user <email> <name> <organisationId> [password]   (prints a generated password if none)
 *   reset-password <email> [password]                         (ends the user's sessions)
 *   list-contracts
 *   list-organisations
 *   add-organisation <id> <name> <steering|provider|purchaser>
 *   add-member <contractId> <email> <role>
 *
 * It works on the store the server's environment names (DATA_DIR or DATABASE_URL).
 */
import { randomBytes } from 'node:crypto'
import { isConstituency, isRole } from '../shared/domain/roles.ts'
import { AccountService } from './accounts/AccountService.ts'
import { SignInThrottle } from './auth/SignInThrottle.ts'
import { ConfigError, loadConfig } from './config.ts'
import { HttpError } from './http/HttpError.ts'
import { openStore } from './store/SqlStore.ts'

const USAGE = `Usage: npm run admin -- <command>
  create-user <email> <name> <organisationId> [password]
  reset-password <email> [password]
  list-contracts
  list-organisations
  add-organisation <id> <name> <steering|provider|purchaser>
  add-member <contractId> <email> <role>`

class UsageError extends Error {}

function generatedPassword(): string {
  return randomBytes(12).toString('base64url')
}

async function run(args: string[]): Promise<void> {
  const [command, ...rest] = args
  const config = loadConfig(process.env)
  const store = await openStore(config.databaseUrl ? { engine: 'postgres', connectionString: config.databaseUrl } : { engine: 'sqlite', dataDir: config.dataDir })
  const accounts = store.accounts
  const service = new AccountService({ accounts, throttle: new SignInThrottle() })
  try {
    switch (command) {
      case 'create-user': {
        const [email, name, organisationId, given] = rest
        if (!email || !name || !organisationId) throw new UsageError('create-user needs an email, a name and an organisation id.')
        if (!(await accounts.listOrganisations()).some((o) => o.id === organisationId)) {
          throw new UsageError(`There is no organisation "${organisationId}"; see list-organisations.`)
        }
        const password = given ?? generatedPassword()
        const user = await service.createUser({ email, name, organisationId, password })
        console.log(`Created ${user.email} (${user.id}).${given ? '' : ` Password: ${password}`}`)
        return
      }
      case 'reset-password': {
        const [email, given] = rest
        if (!email) throw new UsageError('reset-password needs an email.')
        const user = await accounts.findUserByEmail(email)
        if (!user) throw new UsageError(`There is no user with the email ${email}.`)
        const password = given ?? generatedPassword()
        await service.setPassword(user.id, password)
        await accounts.deleteSessionsOf(user.id)
        console.log(`Password reset for ${user.email}; their sessions have ended.${given ? '' : ` New password: ${password}`}`)
        return
      }
      case 'list-contracts': {
        const contracts = await accounts.listAllContracts()
        if (contracts.length === 0) console.log('No contracts.')
        for (const c of contracts) console.log(`${c.id}\t${c.title}\t${c.memberCount} member(s)`)
        return
      }
      case 'list-organisations': {
        for (const o of await accounts.listOrganisations()) console.log(`${o.id}\t${o.name}\t${o.constituency}`)
        return
      }
      case 'add-organisation': {
        const [id, name, constituency] = rest
        if (!id || !name || !isConstituency(constituency)) throw new UsageError('add-organisation needs an id, a name and steering, provider or purchaser.')
        await accounts.createOrganisation({ id, name, constituency })
        console.log(`Added ${name} (${constituency}).`)
        return
      }
      case 'add-member': {
        const [contractId, email, role] = rest
        if (!contractId || !email || !isRole(role)) throw new UsageError('add-member needs a contract id, an email and a role.')
        const user = await accounts.findUserByEmail(email)
        if (!user) throw new UsageError(`There is no user with the email ${email}.`)
        if (!(await accounts.listAllContracts()).some((c) => c.id === contractId)) throw new UsageError(`There is no contract "${contractId}".`)
        await accounts.setRole(contractId, user.id, role)
        console.log(`${user.email} is now ${role} of ${contractId}. (A running server applies it to their next connection.)`)
        return
      }
      default:
        throw new UsageError(command ? `Unknown command "${command}".` : 'Name a command.')
    }
  } finally {
    await store.close()
  }
}

run(process.argv.slice(2)).catch((error) => {
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof HttpError) {
    console.error(error.message)
    if (error instanceof UsageError) console.error(USAGE)
    process.exit(2)
  }
  console.error(error)
  process.exit(1)
})
