/**
 * Asks the user for an MFA code when an assume-role profile needs one. Main emits `mfa.requested`; the
 * renderer shows a dialog and answers with `profiles.submitMfa` (the 6-digit code is the only thing that
 * crosses, and only inward). Unanswered prompts expire so a credential refresh never hangs forever.
 */
import { randomUUID } from 'node:crypto'
import type { AppEvent } from '../api/events'
import { HaneulError } from '../core/errors'

interface Pending {
  prompt: { promptId: string; profileId: string; profileName: string; serial: string }
  resolve(code: string): void
  reject(error: Error): void
  timer: ReturnType<typeof setTimeout>
}

export class MfaPrompts {
  private readonly pending = new Map<string, Pending>()

  constructor(
    private readonly emit: (event: AppEvent) => void,
    private readonly timeoutMs = 5 * 60_000,
  ) {}

  /** Resolves with the code the user typed for this profile's MFA device. */
  ask(profile: { id: string; name: string }, serial: string): Promise<string> {
    const promptId = randomUUID()
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          this.settle(
            promptId,
            new HaneulError(
              'credentials-missing',
              `No MFA code was entered for "${profile.name}" within ${this.timeoutMs / 60_000} minutes.`,
            ),
          ),
        this.timeoutMs,
      )
      timer.unref?.()
      this.pending.set(promptId, { prompt: { promptId, profileId: profile.id, profileName: profile.name, serial }, resolve, reject, timer })
      this.emit({ type: 'mfa.requested', promptId, profileId: profile.id, profileName: profile.name, serial })
    })
  }

  /** Prompts still waiting, oldest first. */
  waiting(): Array<Pending['prompt']> {
    return [...this.pending.values()].map((p) => p.prompt)
  }

  submit(promptId: string, code: string): void {
    if (!this.pending.has(promptId)) throw new HaneulError('not-found', 'That MFA prompt has expired or was already answered.')
    this.settle(promptId, code)
  }

  cancel(promptId: string): void {
    this.settle(promptId, new HaneulError('cancelled', 'MFA entry was cancelled.'))
  }

  private settle(promptId: string, outcome: string | Error): void {
    const pending = this.pending.get(promptId)
    if (!pending) return
    this.pending.delete(promptId)
    clearTimeout(pending.timer)
    this.emit({ type: 'mfa.settled', promptId })
    if (typeof outcome === 'string') pending.resolve(outcome)
    else pending.reject(outcome)
  }
}
