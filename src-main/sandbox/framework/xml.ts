/** XML in and out for the emulated REST-XML and Query protocols. */
import { XMLBuilder, XMLParser } from 'fast-xml-parser'

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false, format: false })
const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false, isArray: () => false })

/** Serializes `{ Root: {...} }` with an XML declaration; arrays become repeated elements. */
export function toXml(document: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(document) as string}`
}

/** Parses XML into plain objects with string leaves (callers convert numbers and lists themselves). */
export function fromXml(xml: string): Record<string, unknown> {
  return parser.parse(xml) as Record<string, unknown>
}

/** A child that may appear once or many times, as a list. */
export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined || value === null || (value as unknown) === '') return []
  return Array.isArray(value) ? value : [value]
}
