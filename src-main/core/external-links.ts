/**
 * Which URLs the app may open in the OS browser: AWS's console and documentation, over https, nothing
 * else. Anything a bucket or a log could smuggle in (file:, javascript:, look-alike hosts) is refused.
 */
const allowedHosts = [/^([a-z0-9-]+\.)*console\.aws\.amazon\.com$/, /^docs\.aws\.amazon\.com$/, /^aws\.amazon\.com$/]

export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return false
  return allowedHosts.some((pattern) => pattern.test(url.hostname))
}
