/**
 * Typed subscriptions to main's events that end with their owner's effect scope: a component listens
 * from its setup until it unmounts, a store until it is disposed. A store first used inside a
 * short-lived component runs in its own scope, so it keeps listening after that component is gone.
 * Nothing keeps listening after its view is gone, so a view shown twice never handles an event twice.
 */
import { getCurrentScope, onScopeDispose } from 'vue'
import { onAppEvent, type AppEventOf, type AppEventType } from '../api'

export function useAppEvent<T extends AppEventType>(types: readonly T[], listener: (event: AppEventOf<T>) => void): void {
  const stop = onAppEvent(types, listener)
  if (getCurrentScope()) onScopeDispose(stop)
}
