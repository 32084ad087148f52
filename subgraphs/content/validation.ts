// Editor input, checked field by field. A collection names its input fields with these
// builders once; create and update both run through `validateInput`, so each rule is
// written one time. A mistake is a BAD_USER_INPUT naming the argument path (`input.slug`).
import { badUserInput, parseId } from '../../shared/graphql/errors';
import type { ContentLoaders } from './loaders';

export const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const DOI = /^10\.\d{4,9}\/\S+$/;

/** Records another field may point at, checked to exist in one batched lookup per kind. */
type RefKind = 'peptide' | 'media' | 'user';
const REF_LOADER = { peptide: 'peptide', media: 'media', user: 'user' } as const satisfies Record<RefKind, keyof ContentLoaders>;
const REF_LABEL: Record<RefKind, string> = { peptide: 'peptide', media: 'media item', user: 'author' };

export interface Field {
  /** May be left out on create; on update an empty string clears it (stored as null). */
  nullable: boolean;
  /** Has a database default (an empty list): may be left out on create, cannot be cleared. */
  defaulted: boolean;
  check(path: string, value: unknown): unknown;
  refs?: { kind: RefKind; ids(value: unknown): string[] };
}

interface Options {
  optional?: boolean;
}

function field(check: Field['check'], options: Options = {}, extra: Partial<Field> = {}): Field {
  return { nullable: options.optional ?? false, defaulted: false, check, ...extra };
}

function trimmed(path: string, value: unknown, max: number): string {
  const text = String(value).trim();
  if (!text || text.length > max) throw badUserInput(path, `must be 1 to ${max} characters`);
  return text;
}

export const f = {
  text: (max: number, options?: Options) => field((path, value) => trimmed(path, value, max), options),

  slug: () =>
    field((path, value) => {
      const slug = String(value).trim();
      if (slug.length > 100 || !SLUG.test(slug)) {
        throw badUserInput(path, 'must be lowercase letters and digits in hyphen-separated words (e.g. "bpc-157"), at most 100 characters');
      }
      return slug;
    }),

  /** A list of short strings: trimmed, empties dropped, duplicates removed. */
  strings: (maxItems: number, itemMax: number, { lowercase = false } = {}): Field => ({
    nullable: false,
    defaulted: true,
    check(path, value) {
      const items = (value as string[]).map((v) => (lowercase ? v.trim().toLowerCase() : v.trim())).filter(Boolean);
      if (items.length > maxItems) throw badUserInput(path, `at most ${maxItems} entries`);
      if (items.some((v) => v.length > itemMax)) throw badUserInput(path, `entries must be at most ${itemMax} characters`);
      return [...new Set(items)];
    },
  }),

  int: (min: number, max: number, options?: Options) =>
    field((path, value) => {
      if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
        throw badUserInput(path, `must be a whole number from ${min} to ${max}`);
      }
      return value;
    }, options),

  number: (min: number, max: number, options?: Options) =>
    field((path, value) => {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
        throw badUserInput(path, `must be between ${min} and ${max}`);
      }
      return value;
    }, options),

  url: (options?: Options) =>
    field((path, value) => {
      const text = trimmed(path, value, 2000);
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        throw badUserInput(path, 'must be an absolute http(s) URL');
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badUserInput(path, 'must be an absolute http(s) URL');
      return text;
    }, options),

  doi: (options?: Options) =>
    field((path, value) => {
      const text = String(value).trim();
      if (text.length > 200 || !DOI.test(text)) throw badUserInput(path, 'must be a DOI such as 10.1000/xyz123');
      return text;
    }, options),

  /** A calendar day (the Date scalar has parsed it) that is not in the future. */
  pastDay: (options?: Options) =>
    field((path, value) => {
      const day = value as Date;
      if (day.getTime() > Date.now()) throw badUserInput(path, 'cannot be in the future');
      return day;
    }, options),

  /** The id of one record that must exist. */
  ref: (kind: RefKind, options?: Options) =>
    field((path, value) => parseId(path, String(value)), options, { refs: { kind, ids: (value) => [value as string] } }),

  /** Ids of records that must all exist, order kept, duplicates removed. */
  refs: (kind: RefKind, maxItems: number): Field => ({
    nullable: false,
    defaulted: true,
    check(path, value) {
      const ids = [...new Set((value as string[]).map((id) => parseId(path, id)))];
      if (ids.length > maxItems) throw badUserInput(path, `at most ${maxItems} entries`);
      return ids;
    },
    refs: { kind, ids: (value) => value as string[] },
  }),
};

export type FieldSpec = Record<string, Field>;

/**
 * Turns a GraphQL input into Prisma `data`. On create every required field must be present;
 * on update absent or null fields are left as they are, and an empty string clears a
 * nullable field. Referenced records are checked to exist (one statement per kind).
 */
export async function validateInput(
  spec: FieldSpec,
  input: Record<string, unknown>,
  mode: 'create' | 'update',
  loaders: ContentLoaders,
): Promise<Record<string, unknown>> {
  const data: Record<string, unknown> = {};
  const pending: { path: string; kind: RefKind; ids: string[] }[] = [];
  for (const [name, rule] of Object.entries(spec)) {
    const path = `input.${name}`;
    const value = input[name];
    if (value == null) {
      if (mode === 'create' && !rule.nullable && !rule.defaulted) throw badUserInput(path, 'is required');
      continue;
    }
    if (rule.nullable && typeof value === 'string' && value.trim() === '') {
      if (mode === 'update') data[name] = null;
      continue;
    }
    const checked = rule.check(path, value);
    data[name] = checked;
    if (rule.refs) pending.push({ path, kind: rule.refs.kind, ids: rule.refs.ids(checked) });
  }
  if (mode === 'update' && Object.keys(data).length === 0) throw badUserInput('input', 'names no field to change');
  await Promise.all(
    pending.map(async ({ path, kind, ids }) => {
      const rows = await loaders[REF_LOADER[kind]].loadMany(ids);
      const missing = ids.filter((_, i) => rows[i] == null || rows[i] instanceof Error);
      if (missing.length) throw badUserInput(path, `no ${REF_LABEL[kind]} with id ${missing.join(', ')}`);
    }),
  );
  return data;
}
