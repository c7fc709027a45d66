/** The record types the form offers: the contract's list (a value import is not allowed in the renderer; the type keeps them in step). */
import type { RecordSet } from '../../../src-main/api/route53'

export const recordTypes: ReadonlyArray<RecordSet['Type']> = [
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'DS',
  'HTTPS',
  'MX',
  'NAPTR',
  'NS',
  'PTR',
  'SOA',
  'SPF',
  'SRV',
  'SSHFP',
  'SVCB',
  'TLSA',
  'TXT',
] satisfies Array<RecordSet['Type']>
