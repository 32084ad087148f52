// The vocabulary the settings catalog (settings.ts) is written in: one setting = one
// environment variable, its type (a zod schema over the variable's text), its default and one
// line of documentation. The loader (index.ts) parses every setting of a section at once and
// reports every bad value together; the README's settings table is rendered from the same data.
import { z } from 'zod';

export interface Setting<T = unknown> {
  /** The environment variable that sets it. */
  env: string;
  /** Parses the variable's text (never called for an unset or empty variable). */
  type: z.ZodType<T>;
  /** Used when the variable is unset or empty; `undefined` = the setting is optional. */
  default: T | undefined;
  /** One line for the README: what it does, and why the default is what it is where that is not obvious. */
  doc: string;
  /** How the default reads in the README when it is computed or differs by mode (e.g. "`PORT_BASE`+1"). */
  shown?: string;
  /** Never printed: not in errors, not in logs. */
  secret?: boolean;
  /** One README row stands for a family of settings that differ only by a name (`SUBGRAPH_<NAME>_PORT`). */
  family?: string;
}

type Extra = Pick<Setting, 'shown' | 'secret' | 'family'>;

/** A setting with a default: its value is never undefined. */
export function setting<T>(env: string, type: z.ZodType<T>, defaultValue: T, doc: string, extra: Extra = {}): Setting<T> {
  return { env, type, default: defaultValue, doc, ...extra };
}

/** A setting that may be unset (a URL to connect to, a key that production requires). */
export function optional<T>(env: string, type: z.ZodType<T>, doc: string, extra: Extra = {}): Setting<T | undefined> {
  return { env, type, default: undefined, doc, ...extra } as Setting<T | undefined>;
}

export type Section = Record<string, Setting>;
export type ValuesOf<S extends Section> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

// Types of values, as environment text.

/** A whole number in [min, max]. */
export const whole = (min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
/** A TCP port. */
export const port = () => whole(1, 65_535);
/** true/false (also 1/0, yes/no, on/off). */
export const flag = () =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']))
    .transform((value) => ['true', '1', 'yes', 'on'].includes(value));
export const text = () => z.string().trim().min(1);
export const url = () => z.url();
/** Comma-separated values, blanks dropped. */
export const list = () => z.string().transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));
export const oneOf = <const V extends readonly [string, ...string[]]>(values: V) => z.string().trim().pipe(z.enum(values));

/** Parses one section from `env`; problems are pushed to `problems` as "NAME=value: why" lines. */
export function parseSection<S extends Section>(section: S, env: NodeJS.ProcessEnv, problems: string[]): ValuesOf<S> {
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(section)) {
    const raw = env[spec.env];
    if (raw === undefined || raw.trim() === '') {
      values[key] = spec.default;
      continue;
    }
    const parsed = spec.type.safeParse(raw);
    if (parsed.success) values[key] = parsed.data;
    else problems.push(`${spec.env}=${spec.secret ? '(hidden)' : JSON.stringify(raw)}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  return values as ValuesOf<S>;
}
