/**
 * XML in and out. Responses are built by hand (S3's documents are small and flat, and string building is
 * fast for 1,000-entry listings); request bodies are parsed with fast-xml-parser.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser'
import { malformedXml } from './errors'

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/'

/** An element: its name and either text, nested elements, or undefined to leave it out. */
export type XmlChild = readonly [name: string, value: XmlValue]
export type XmlValue = string | number | boolean | readonly XmlChild[] | undefined

/** Escapes text for element content; control characters become character references as in S3's listings. */
export function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must become references
  return text.replace(/[&<>"'\u0000-\u0008\u000b-\u001f]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;'
      case '<':
        return '&lt;'
      case '>':
        return '&gt;'
      case '"':
        return '&quot;'
      case "'":
        return '&apos;'
      default:
        return `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`
    }
  })
}

function renderValue(value: Exclude<XmlValue, undefined>, out: string[]): void {
  if (typeof value === 'string') out.push(escapeXml(value))
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value))
  else for (const child of value) renderElement(child, out)
}

function renderElement([name, value]: XmlChild, out: string[]): void {
  if (value === undefined) return
  out.push('<', name, '>')
  renderValue(value, out)
  out.push('</', name, '>')
}

/**
 * A complete response document with S3's declaration and, except for <Error>, its namespace on the root.
 * `rawInner` is already-serialized content appended after `value` (stored lifecycle rules).
 */
export function xmlDocument(root: string, value: Exclude<XmlValue, undefined>, rawInner = ''): string {
  const namespace = root === 'Error' ? '' : ` xmlns="${S3_NAMESPACE}"`
  const out = ['<?xml version="1.0" encoding="UTF-8"?>\n', `<${root}${namespace}>`]
  renderValue(value, out)
  out.push(rawInner, `</${root}>`)
  return out.join('')
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  // Keys may start or end with spaces; only the whitespace between elements is noise.
  trimValues: false,
  htmlEntities: true,
  isArray: (name) => name === 'Object' || name === 'Tag' || name === 'Part',
})

/** A parsed element: text, or named children (repeated ones as arrays). */
export type XmlNode = string | { [name: string]: XmlNode | XmlNode[] | undefined }

/** Parses a request body and returns its root element's content; MalformedXML if it isn't the expected root. */
export function parseXmlBody(body: Buffer, root: string): XmlNode {
  const text = body.toString('utf8')
  if (text.trim() === '' || XMLValidator.validate(text) !== true) throw malformedXml()
  const doc = parser.parse(text) as Record<string, XmlNode>
  const content = doc[root]
  if (content === undefined) throw malformedXml()
  return content
}

/** The text of a child element, if present. */
export function childText(node: XmlNode | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined
  const child = node[name]
  if (child === undefined) return undefined
  if (Array.isArray(child)) throw malformedXml()
  return typeof child === 'string' ? child : ''
}

export function childNode(node: XmlNode | undefined, name: string): XmlNode | undefined {
  if (node === undefined || typeof node === 'string') return undefined
  const child = node[name]
  if (Array.isArray(child)) throw malformedXml()
  return child
}

export function childList(node: XmlNode | undefined, name: string): XmlNode[] {
  if (node === undefined || typeof node === 'string') return []
  const child = node[name]
  if (child === undefined) return []
  return Array.isArray(child) ? child : [child]
}

const orderedParser = new XMLParser({ preserveOrder: true, ignoreAttributes: true, parseTagValue: false, trimValues: true })
const orderedBuilder = new XMLBuilder({ preserveOrder: true, ignoreAttributes: true })

/** Parses with element order kept, for configurations stored verbatim (lifecycle rules). */
export function parseOrdered(body: Buffer, root: string): unknown[] {
  const text = body.toString('utf8')
  if (text.trim() === '' || XMLValidator.validate(text) !== true) throw malformedXml()
  const doc = orderedParser.parse(text) as Array<Record<string, unknown>>
  const rootNode = doc.find((node) => root in node)
  const content = rootNode?.[root]
  if (!Array.isArray(content)) throw malformedXml()
  return content
}

export function buildOrdered(nodes: unknown[]): string {
  return orderedBuilder.build(nodes) as string
}

/** S3's timestamp format in XML bodies: ISO 8601 with milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString()
}
