/**
 * Profiles added in Haneul itself (access keys for AWS or an S3-compatible store such as MinIO, Ceph,
 * R2 or Wasabi). The keys are encrypted with the OS keychain through Electron's safeStorage — handed in
 * as a SecretVault — and only ever decrypted in main. Where the OS offers no real keychain (Linux with the
 * `basic_text` backend) Haneul refuses to store secrets unless the user knowingly accepts it.
 */
import { randomUUID } from 'node:crypto'
import { rename } from 'node:fs/promises'
import { z } from 'zod'
import { readJsonFile, writeFileAtomic } from '../core/atomic-file'
import { HaneulError } from '../core/errors'
import { awsServiceIds, type ServiceEndpoints } from '../api/services'

/** What Electron's safeStorage gives us, narrowed to what we use. */
export interface SecretVault {
  isEncryptionAvailable(): boolean
  /** 'keychain' (macOS), 'dpapi' (Windows), 'gnome_libsecret', 'kwallet*', or 'basic_text' (no keychain). */
  backend(): string
  encrypt(plain: string): Buffer
  decrypt(encrypted: Buffer): string
}

export const WEAK_BACKENDS = new Set(['basic_text', 'unknown'])

const StoredProfile = z.object({
  id: z.string(),
  name: z.string(),
  region: z.string(),
  /** The custom S3 endpoint (the field the profile dialog edits). */
  endpoint: z.string().optional(),
  /** Custom endpoints of the other services of the list (LocalStack, a corporate proxy…). */
  endpoints: z.partialRecord(z.enum(awsServiceIds), z.string()).optional(),
  forcePathStyle: z.boolean(),
  /** "AKIA…WXYZ": enough to recognise the key, not to use it. */
  accessKeyHint: z.string(),
  /** base64 of vault-encrypted JSON { accessKeyId, secretAccessKey, sessionToken? }. */
  sealed: z.string(),
  createdAtMs: z.number(),
})
type StoredProfile = z.infer<typeof StoredProfile>
const StoredFile = z.object({ version: z.literal(1), profiles: z.array(StoredProfile) })

export interface AppProfileKeys {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export interface AppProfileInput {
  name: string
  region: string
  endpoint?: string
  /** Per-service custom endpoints; `s3` here is the same as `endpoint`. */
  endpoints?: ServiceEndpoints
  forcePathStyle?: boolean
  keys?: AppProfileKeys
}

/** Every custom endpoint of a Haneul profile, by service (`endpoint` is the S3 one). */
export const endpointsOf = (profile: Pick<AppProfile, 'endpoint' | 'endpoints'>): ServiceEndpoints => ({
  ...profile.endpoints,
  ...(profile.endpoint ? { s3: profile.endpoint } : {}),
})

/** Splits input endpoints into the stored shape: S3's in `endpoint`, the others in `endpoints`. */
function storedEndpoints(endpoint: string | undefined, endpoints: ServiceEndpoints | undefined) {
  const { s3, ...others } = endpoints ?? {}
  const defined = Object.fromEntries(Object.entries(others).filter(([, url]) => url)) as ServiceEndpoints
  return { endpoint: endpoint ?? s3, endpoints: Object.keys(defined).length ? defined : undefined }
}

export type AppProfile = Omit<StoredProfile, 'sealed'>

/**
 * A change to a Haneul profile; `endpoint: null` removes the custom S3 endpoint, `endpoints` (when given)
 * replaces the other services' custom endpoints.
 */
export type AppProfileChange = Omit<Partial<AppProfileInput>, 'endpoint'> & { endpoint?: string | null }

export const hintOf = (accessKeyId: string) => (accessKeyId.length > 8 ? `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}` : '…')

export class AppProfileStore {
  private profiles: StoredProfile[] = []

  constructor(
    private readonly path: string,
    private readonly vault: SecretVault,
  ) {}

  /**
   * Reads the profiles. A file that cannot be read as profiles is moved aside (never overwritten: it may
   * hold keys a newer or repaired Haneul can still use) and the reason is returned for the log.
   */
  async load(): Promise<string | undefined> {
    let raw: unknown
    try {
      raw = await readJsonFile(this.path)
    } catch (error) {
      return this.setAside(`it is not valid JSON (${(error as Error).message})`)
    }
    if (raw === undefined) {
      this.profiles = []
      return undefined
    }
    const parsed = StoredFile.safeParse(raw)
    if (!parsed.success) return this.setAside(`it does not hold Haneul profiles (${parsed.error.issues[0]?.message ?? 'unknown shape'})`)
    this.profiles = parsed.data.profiles
    return undefined
  }

  private async setAside(reason: string): Promise<string> {
    const aside = `${this.path}.unreadable-${Date.now()}`
    await rename(this.path, aside)
    this.profiles = []
    return `Haneul profiles could not be read: ${reason}. The file was kept as ${aside}.`
  }

  list(): AppProfile[] {
    return this.profiles.map(({ sealed: _sealed, ...rest }) => rest)
  }

  /** Whether secrets can be stored now, and why not. */
  storage(acceptWeak: boolean): { backend: string; available: boolean; weak: boolean } {
    const available = this.vault.isEncryptionAvailable()
    const backend = available ? this.vault.backend() : 'none'
    const weak = WEAK_BACKENDS.has(backend)
    return { backend, available: available && (!weak || acceptWeak), weak }
  }

  async add(input: AppProfileInput & { keys: AppProfileKeys }, acceptWeak: boolean): Promise<AppProfile> {
    this.checkName(input.name)
    const profile: StoredProfile = {
      id: `app:${randomUUID()}`,
      name: input.name,
      region: input.region,
      ...storedEndpoints(input.endpoint, input.endpoints),
      forcePathStyle: input.forcePathStyle ?? Boolean(input.endpoint ?? input.endpoints?.s3),
      accessKeyHint: hintOf(input.keys.accessKeyId),
      sealed: this.seal(input.keys, acceptWeak),
      createdAtMs: Date.now(),
    }
    this.profiles.push(profile)
    await this.save()
    return this.list().find((p) => p.id === profile.id)!
  }

  /** Changes a profile; keys are replaced only when given, so editing the region keeps the secret. */
  async update(id: string, change: AppProfileChange, acceptWeak: boolean): Promise<AppProfile> {
    const profile = this.find(id)
    if (change.name !== undefined && change.name !== profile.name) this.checkName(change.name)
    const updated: StoredProfile = {
      ...profile,
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.region !== undefined ? { region: change.region } : {}),
      ...(change.endpoint !== undefined ? { endpoint: change.endpoint ?? undefined } : {}),
      ...(change.endpoints !== undefined ? { endpoints: storedEndpoints(undefined, change.endpoints).endpoints } : {}),
      ...(change.forcePathStyle !== undefined ? { forcePathStyle: change.forcePathStyle } : {}),
      ...(change.keys ? { sealed: this.seal(change.keys, acceptWeak), accessKeyHint: hintOf(change.keys.accessKeyId) } : {}),
    }
    this.profiles = this.profiles.map((p) => (p.id === id ? updated : p))
    await this.save()
    return this.list().find((p) => p.id === id)!
  }

  async remove(id: string): Promise<void> {
    this.find(id)
    this.profiles = this.profiles.filter((p) => p.id !== id)
    await this.save()
  }

  /** Decrypts a profile's keys; main only, for signing requests. */
  keys(id: string): AppProfileKeys {
    const profile = this.find(id)
    try {
      return JSON.parse(this.vault.decrypt(Buffer.from(profile.sealed, 'base64'))) as AppProfileKeys
    } catch {
      throw new HaneulError(
        'credentials-missing',
        `The keys of "${profile.name}" cannot be decrypted (the OS keychain changed?). Edit the profile and enter them again.`,
      )
    }
  }

  private seal(keys: AppProfileKeys, acceptWeak: boolean): string {
    const storage = this.storage(acceptWeak)
    if (!this.vault.isEncryptionAvailable()) {
      throw new HaneulError(
        'unsupported',
        'The OS keychain is not available, so Haneul cannot store secret keys. Use a profile in ~/.aws/credentials instead.',
      )
    }
    if (!storage.available) {
      throw new HaneulError(
        'unsupported',
        `This system has no keychain (Electron backend "${storage.backend}"): a stored secret would be readable by anyone who can read your files. Install a keyring (gnome-keyring or KWallet), or accept weak storage explicitly.`,
      )
    }
    return this.vault.encrypt(JSON.stringify(keys)).toString('base64')
  }

  private find(id: string): StoredProfile {
    const profile = this.profiles.find((p) => p.id === id)
    if (!profile) throw new HaneulError('not-found', `There is no Haneul profile "${id}".`)
    return profile
  }

  private checkName(name: string): void {
    if (this.profiles.some((p) => p.name === name))
      throw new HaneulError('already-exists', `A Haneul profile named "${name}" already exists.`)
  }

  private save(): Promise<void> {
    return writeFileAtomic(this.path, JSON.stringify({ version: 1, profiles: this.profiles }, null, 2))
  }
}
