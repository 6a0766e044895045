import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';

/** Property and navigation-property names per entity/complex type of namespace microsoft.graph. */
export interface GraphMetadata {
  propertiesOf(typeName: string): Set<string>;
  /** The parameters of a bound action (`invite` on `driveItem`), binding parameter excluded; undefined: no such action. */
  actionParametersOf(actionName: string, boundTo: string): Set<string> | undefined;
}

interface XmlType {
  '@_Name': string;
  '@_BaseType'?: string;
  Property?: XmlNamed | XmlNamed[];
  NavigationProperty?: XmlNamed | XmlNamed[];
}
interface XmlNamed { '@_Name': string }
interface XmlAction { '@_Name': string; Parameter?: (XmlNamed & { '@_Type': string }) | Array<XmlNamed & { '@_Type': string }> }

/** Vendored in the repository (reference/graph, with its LICENSE and SOURCE). */
const defaultFile = path.resolve(__dirname, '../../reference/graph/v1.0-Prod.csdl');
const cache = new Map<string, GraphMetadata>();

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Parses the CSDL once per process and file (it is ~3 MB). */
export function loadGraphMetadata(file = defaultFile): GraphMetadata {
  const cached = cache.get(file);
  if (cached) return cached;
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => name === 'Schema' });
  const xml = parser.parse(readFileSync(file, 'utf8')) as { 'edmx:Edmx': { 'edmx:DataServices': { Schema: Array<Record<string, unknown>> } } };
  const schema = xml['edmx:Edmx']['edmx:DataServices'].Schema.find((s) => s['@_Namespace'] === 'microsoft.graph');
  if (!schema) throw new Error(`${file}: no Schema with Namespace microsoft.graph`);
  const types = new Map<string, XmlType>();
  for (const t of [...asArray(schema.EntityType as XmlType | XmlType[]), ...asArray(schema.ComplexType as XmlType | XmlType[])]) types.set(t['@_Name'], t);

  const resolved = new Map<string, Set<string>>();
  const propertiesOf = (typeName: string): Set<string> => {
    const name = typeName.replace(/^(microsoft\.graph|graph)\./, '');
    const hit = resolved.get(name);
    if (hit) return hit;
    const type = types.get(name);
    if (!type) throw new Error(`CSDL has no type microsoft.graph.${name}`);
    const own = [...asArray(type.Property), ...asArray(type.NavigationProperty)].map((p) => p['@_Name']);
    const base = type['@_BaseType'] && /^(microsoft\.graph|graph)\./.test(type['@_BaseType']) ? propertiesOf(type['@_BaseType']) : new Set<string>();
    const all = new Set([...base, ...own]);
    resolved.set(name, all);
    return all;
  };
  const actions = asArray(schema.Action as XmlAction | XmlAction[]);
  const actionParametersOf = (actionName: string, boundTo: string): Set<string> | undefined => {
    const binding = `graph.${boundTo.replace(/^(microsoft\.graph|graph)\./, '')}`;
    const action = actions.find((a) => a['@_Name'] === actionName && asArray(a.Parameter)[0]?.['@_Type'] === binding);
    return action ? new Set(asArray(action.Parameter).slice(1).map((p) => p['@_Name'])) : undefined;
  };
  const metadata = { propertiesOf, actionParametersOf };
  cache.set(file, metadata);
  return metadata;
}

/**
 * Real Graph rejects unknown properties on writes. Instance annotations (`@odata.type`) and
 * property annotations (`members@odata.bind`) are allowed when the annotated property exists.
 */
export function unknownProperty(body: Record<string, unknown>, typeName: string, metadata = loadGraphMetadata()): string | undefined {
  const known = metadata.propertiesOf(typeName);
  for (const key of Object.keys(body)) {
    if (key.startsWith('@')) continue;
    const at = key.indexOf('@');
    const property = at > 0 ? key.slice(0, at) : key;
    if (!known.has(property)) return key;
  }
  return undefined;
}

/** The first key of an action's body that is not one of its parameters (Graph refuses those with 400). */
export function unknownActionParameter(body: Record<string, unknown>, actionName: string, boundTo: string, metadata = loadGraphMetadata()): string | undefined {
  const parameters = metadata.actionParametersOf(actionName, boundTo);
  if (!parameters) throw new Error(`CSDL has no action ${actionName} bound to microsoft.graph.${boundTo}`);
  return Object.keys(body).find((key) => !parameters.has(key));
}
