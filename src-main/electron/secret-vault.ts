/** Haneul-profile secrets go through Electron's safeStorage: the OS keychain, DPAPI or libsecret/KWallet. */
import { safeStorage } from 'electron'
import type { SecretVault } from '../profiles/app-profiles'

export const safeStorageVault: SecretVault = {
  isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
  // Only Linux has a choice of backends; elsewhere the OS keychain is the one.
  backend: () =>
    process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : process.platform === 'darwin' ? 'keychain' : 'dpapi',
  encrypt: (plain) => safeStorage.encryptString(plain),
  decrypt: (encrypted) => safeStorage.decryptString(encrypted),
}
