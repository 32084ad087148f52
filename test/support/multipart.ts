// Reads a multipart/mixed GraphQL answer (incremental delivery, @defer) as its parts, with meros
// (the parser the SDK uses too), and merges the parts into one result the way a client does.
import { meros } from 'meros/browser';
import { gatewayUrl } from './graphql';

export interface IncrementalItem {
  data: Record<string, unknown> | null;
  path: (string | number)[];
  label?: string;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface Part {
  data?: Record<string, any> | null;
  errors?: IncrementalItem['errors'];
  incremental?: IncrementalItem[];
  hasNext: boolean;
}

export interface PartsResponse {
  status: number;
  headers: Headers;
  contentType: string;
  /** The parts in the order received; a single JSON answer is one part. */
  parts: Part[];
}

/** Posts an operation asking for multipart/mixed (or `accept`) and collects every part. */
export async function postForParts(query: string, variables: Record<string, unknown>, options: { headers?: Record<string, string>; accept?: string } = {}): Promise<PartsResponse> {
  const response = await fetch(`${gatewayUrl()}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: options.accept ?? 'multipart/mixed; deferSpec=20220824, application/json;q=0.9', ...options.headers },
    body: JSON.stringify({ query, variables }),
  });
  const contentType = response.headers.get('content-type') ?? '';
  const parsed = await meros<Part>(response);
  const parts: Part[] = [];
  if (parsed instanceof Response) parts.push((await parsed.json()) as Part);
  else for await (const part of parsed) parts.push(part.body as Part);
  return { status: response.status, headers: response.headers, contentType, parts };
}

function mergeInto(target: Record<string, any>, source: Record<string, any>): void {
  for (const [key, value] of Object.entries(source)) {
    if (value && typeof value === 'object' && !Array.isArray(value) && target[key] && typeof target[key] === 'object') mergeInto(target[key], value);
    else target[key] = value;
  }
}

/** The parts merged: the initial data with each incremental item's data placed at its path. */
export function merged(parts: Part[]): Record<string, any> | null | undefined {
  const data = structuredClone(parts[0]?.data);
  for (const part of parts.slice(1)) {
    for (const item of part.incremental ?? []) {
      let at: any = data;
      for (const step of item.path) at = at?.[step];
      if (at && item.data) mergeInto(at, item.data);
    }
  }
  return data;
}
