/** This machine's DNS resolver (node:dns), its answers written as Route 53 writes record values. */
import { Resolver } from 'node:dns/promises'

export async function systemResolve(name: string, type: string): Promise<string[]> {
  const resolver = new Resolver({ timeout: 2_000, tries: 1 })
  const dot = (host: string) => (host.endsWith('.') ? host : `${host}.`)
  switch (type) {
    case 'A':
      return resolver.resolve4(name)
    case 'AAAA':
      return resolver.resolve6(name)
    case 'CNAME':
      return (await resolver.resolveCname(name)).map(dot)
    case 'NS':
      return (await resolver.resolveNs(name)).map(dot)
    case 'PTR':
      return (await resolver.resolvePtr(name)).map(dot)
    case 'MX':
      return (await resolver.resolveMx(name)).map((mx) => `${mx.priority} ${dot(mx.exchange)}`)
    case 'SRV':
      return (await resolver.resolveSrv(name)).map((srv) => `${srv.priority} ${srv.weight} ${srv.port} ${dot(srv.name)}`)
    case 'TXT':
    case 'SPF':
      return (await resolver.resolveTxt(name)).map((strings) => strings.map((s) => `"${s.replace(/(["\\])/g, '\\$1')}"`).join(' '))
    case 'CAA':
      return (await resolver.resolveCaa(name)).map((caa) => {
        const [tag, value] = Object.entries(caa).find(([key]) => key !== 'critical') ?? ['', '']
        return `${caa.critical} ${tag} "${String(value)}"`
      })
    case 'SOA': {
      const soa = await resolver.resolveSoa(name)
      return [`${dot(soa.nsname)} ${dot(soa.hostmaster)} ${soa.serial} ${soa.refresh} ${soa.retry} ${soa.expire} ${soa.minttl}`]
    }
    default:
      throw Object.assign(new Error(`this machine's resolver cannot ask for ${type} records`), { code: 'EUNSUPPORTED' })
  }
}
