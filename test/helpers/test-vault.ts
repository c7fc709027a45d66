/**
 * A SecretVault for tests: real AES-256-GCM with a per-process random key, standing in for the OS
 * keychain behind Electron's safeStorage (which needs the Electron binary). The backend name is settable
 * so tests can play a Linux machine without a keyring ('basic_text').
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { SecretVault } from '../../src-main/profiles/app-profiles'

export function testVault(backend = 'gnome_libsecret', available = true): SecretVault {
  const key = randomBytes(32)
  return {
    isEncryptionAvailable: () => available,
    backend: () => backend,
    encrypt(plain) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), body])
    },
    decrypt(encrypted) {
      const decipher = createDecipheriv('aes-256-gcm', key, encrypted.subarray(0, 12))
      decipher.setAuthTag(encrypted.subarray(12, 28))
      return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8')
    },
  }
}
