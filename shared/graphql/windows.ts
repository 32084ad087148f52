// A time window from two optional arguments, as a Prisma filter (both ends inclusive); a window
// that ends before it starts is the client's mistake, named by `argument`.
import { badUserInput } from './errors';

export function inclusiveWindow(argument: string, from: Date | null | undefined, to: Date | null | undefined): { gte?: Date; lte?: Date } | undefined {
  if (from && to && from.getTime() > to.getTime()) throw badUserInput(argument, 'the window ends before it starts');
  return from || to ? { ...(from ? { gte: from } : {}), ...(to ? { lte: to } : {}) } : undefined;
}
