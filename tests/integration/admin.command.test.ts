/**
 * The operator's admin command against a real store: create an organisation and a user, reset
 * a password (ending sessions), list contracts, add a member; usage errors exit 2 with help.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AccountService } from '../../server/accounts/AccountService.ts'
import { SignInThrottle } from '../../server/auth/SignInThrottle.ts'
import { openStore } from '../../server/store/SqlStore.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const run = promisify(execFile)

describe('npm run admin', () => {
  let dataDir: string
  const admin = async (...args: string[]) => {
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'server/admin.ts', ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' } })
      return { code: 0, out: stdout }
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string }
      return { code: failed.code, out: failed.stdout + failed.stderr }
    }
  }

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'concordat-admin-'))
  })
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('creates an organisation and a user who can then sign in, and resets their password', async () => {
    expect((await admin('add-organisation', 'shire', 'Shire County Council', 'purchaser')).code).toBe(0)
    const created = await admin('create-user', 'pat@shire.example', 'Pat Purchaser', 'shire', 'first password 1')
    expect(created).toMatchObject({ code: 0 })
    expect(created.out).toMatch(/Created pat@shire\.example/)

    const reset = await admin('reset-password', 'pat@shire.example')
    expect(reset.code).toBe(0)
    const password = /New password: (\S+)/.exec(reset.out)![1]!

    const store = await openStore({ engine: 'sqlite', dataDir })
    try {
      const service = new AccountService({ accounts: store.accounts, throttle: new SignInThrottle() })
      await expect(service.signIn('pat@shire.example', 'first password 1', '127.0.0.1')).rejects.toMatchObject({ status: 401 })
      await expect(service.signIn('pat@shire.example', password, '127.0.0.1')).resolves.toMatchObject({ name: 'Pat Purchaser' })
      await store.accounts.createContract({ id: 'fostering', title: 'Fostering Agency Contract', createdBy: null, createdAt: 1 })
    } finally {
      await store.close()
    }
    expect((await admin('add-member', 'fostering', 'pat@shire.example', 'commenter')).code).toBe(0)
    expect((await admin('list-contracts')).out).toMatch(/fostering\tFostering Agency Contract\t1 member/)
  })

  it('refuses a wrong command with the usage and exit code 2, changing nothing', async () => {
    const wrong = await admin('create-user', 'x@y.org')
    expect(wrong.code).toBe(2)
    expect(wrong.out).toMatch(/Usage: npm run admin/)
    expect((await admin('add-member', 'fostering', 'nobody@nowhere.org', 'editor')).code).toBe(2)
  })
})
