// DateTime (ISO 8601 instant) and Date (calendar day, YYYY-MM-DD), shared by every subgraph.
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function invalid(type: string, value: unknown): GraphQLError {
  return new GraphQLError(`${type} cannot represent ${JSON.stringify(value)}`, { extensions: { code: 'BAD_USER_INPUT' } });
}

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string') throw invalid('DateTime', value);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalid('DateTime', value);
  return date;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether a 'YYYY-MM-DD' string names a day of the proleptic Gregorian calendar, without building a Date. */
function isCalendarDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]);
}

function parseDay(value: unknown): Date {
  if (typeof value !== 'string' || !isCalendarDay(value)) throw invalid('Date', value);
  return new Date(`${value}T00:00:00.000Z`);
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant, as an ISO 8601 string in UTC.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : parseDateTime(value).toISOString()),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar day, YYYY-MM-DD.',
  // A day read as text (a thousand daily stats per dashboard) is answered as it is once checked.
  serialize: (value) => {
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    if (typeof value === 'string' && isCalendarDay(value)) return value;
    throw invalid('Date', value);
  },
  parseValue: parseDay,
  parseLiteral: (ast) => parseDay(ast.kind === Kind.STRING ? ast.value : undefined),
});

export const scalarResolvers = { DateTime: DateTimeScalar, Date: DateScalar };
