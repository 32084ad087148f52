// Audit rows commit with the write they record. A request's `ctx.prisma` is this view of the
// client: every write it sends carries the request's pending audit decisions in the same
// transaction, as the transaction's last statement (one audit statement per write), so a failed
// audit insert rolls the write back and a committed write always has its audit rows.
//   - `$transaction(async (tx) => …)`: the append runs in `tx` after the callback;
//   - `$transaction([a, b])`: the append is added to the batch;
//   - a write on its own (a model's `delete(…)`, `$executeRaw`): it becomes a batch of
//     the write and the append. Inside a batch it stays a plain element of that batch.
// Reads go to the client untouched; their decisions are written before the response leaves
// (auditPlugin). A rolled-back transaction gives its decisions back to the trail.
// A request the gateway sent with an Idempotency-Key (`receipt`) runs every write as an
// interactive transaction that claims its write receipt first and stores its result before the
// commit (shared/audit/receipts.ts): a retry gets that result back and writes nothing.
import type { Prisma } from '../db/database';
import { auditAppendFor, clientIdentity, CLIENT_IDENTITY } from './append';
import { claimReceipt, pruneReceipts, ReceiptFound, storeReceipt, type ReceiptId } from './receipts';
import type { AuditMeta, AuditTrail } from '../rbac/audit';

/** Model methods that write (Prisma 7's delegate API). */
export const WRITE_METHODS: ReadonlySet<string> = new Set([
  'create',
  'createMany',
  'createManyAndReturn',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'upsert',
  'delete',
  'deleteMany',
]);
/** Raw statements that may write. */
const RAW_WRITES: ReadonlySet<string> = new Set(['$executeRaw', '$executeRawUnsafe']);

export interface AuditedClientOptions {
  prisma: Prisma;
  trail: AuditTrail;
  /** The request the rows describe (read when a write is sent). */
  meta: AuditMeta;
  /** The gateway's token for this keyed mutation fetch, and this service: its writes leave receipts. */
  receipt?: { token: string; service: string } | null;
  /** Told of every write and transaction sent (the request's result then has effects of its own: gateway/shared-reads.ts). */
  onWrite?: () => void;
}

/** Makes the same write again on another client (an interactive transaction's). */
const REBIND = Symbol('rebind');
type Rebind = (client: unknown) => PromiseLike<unknown>;
type PrismaPromiseLike = PromiseLike<unknown> & { requestTransaction?: (batch: unknown) => unknown; [REBIND]?: Rebind };

/** The audit append's own statement (shared/audit/append.ts, a Prisma.Sql): never a write with a receipt of its own. */
const isAuditAppend = (args: unknown[]) => /^\s*SELECT patient_graph\.rbac_logs_append\(/.test(String((args[0] as { strings?: string[] } | undefined)?.strings?.[0] ?? ''));

export function auditedClient({ prisma, trail, meta, receipt, onWrite }: AuditedClientOptions): Prisma {
  /** The request's write transactions, in order: each one's receipt rank. */
  let transactions = 0;
  const nextReceipt = (): ReceiptId | null => (receipt ? { ...receipt, seq: transactions++ } : null);
  if (receipt) pruneReceipts(prisma);

  /** Runs a batch with the pending decisions appended; gives them back if it fails. */
  const batch = async (operations: PrismaPromiseLike[], options?: unknown): Promise<unknown[]> => {
    onWrite?.();
    // Keyed: the same writes, one after the other in an interactive transaction that carries the receipt.
    if (receipt && operations.every((operation) => operation[REBIND])) {
      return (await interactive(async (tx) => {
        const results: unknown[] = [];
        for (const operation of operations) results.push(await operation[REBIND]!(tx));
        return results;
      }, options)) as unknown[];
    }
    const taken = trail.take(meta);
    if (!taken && operations.length === 1) return [await operations[0]];
    const statements = taken ? [...operations, auditAppendFor(prisma, taken.requests, taken.decisions)] : operations;
    try {
      const results = await (prisma.$transaction as (ops: unknown[], o?: unknown) => Promise<unknown[]>)(statements, options);
      return taken ? results.slice(0, -1) : results;
    } catch (error) {
      trail.restore(taken);
      throw error;
    }
  };

  const interactive = async (callback: (tx: unknown) => Promise<unknown>, options?: unknown): Promise<unknown> => {
    onWrite?.();
    let taken: ReturnType<AuditTrail['take']> = null;
    const id = nextReceipt();
    try {
      return await (prisma.$transaction as (fn: (tx: unknown) => Promise<unknown>, o?: unknown) => Promise<unknown>)(async (tx) => {
        if (id) await claimReceipt(tx as Prisma, id);
        const result = await callback(tx);
        if (id) await storeReceipt(tx as Prisma, id, result);
        taken = trail.take(meta);
        if (taken) await auditAppendFor(tx as Prisma, taken.requests, taken.decisions);
        return result;
      }, options);
    } catch (error) {
      trail.restore(taken);
      // An earlier attempt of this request committed this transaction: its result, nothing written.
      if (error instanceof ReceiptFound) return error.result;
      throw error;
    }
  };

  /**
   * A write sent on its own: awaited, it runs as a batch with the append; put in a batch
   * `$transaction([…])`, it is the plain statement (that batch carries the append).
   */
  const alone = (write: PrismaPromiseLike, rebind?: Rebind) => {
    let running: Promise<unknown> | undefined;
    // Keyed: a transaction with its receipt. Else with no decision pending (the audit's own append among them) the write goes as it is.
    const run = () => {
      onWrite?.();
      return (running ??=
        receipt && rebind ? interactive(async (tx) => rebind(tx)) : trail.size ? batch([write]).then(([result]) => result) : Promise.resolve(write));
    };
    return {
      [REBIND]: rebind,
      then: (onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) => run().then(onFulfilled, onRejected),
      catch: (onRejected?: (reason: unknown) => unknown) => run().catch(onRejected),
      finally: (onFinally?: () => void) => run().finally(onFinally),
      requestTransaction: (request: unknown) => write.requestTransaction?.(request) ?? write,
      [Symbol.toStringTag]: 'PrismaPromise',
    };
  };

  const delegates = new Map<string | symbol, unknown>();
  const delegate = (name: string | symbol, target: object) =>
    new Proxy(target, {
      get(obj, method) {
        const value = Reflect.get(obj, method, obj);
        if (typeof value !== 'function') return value;
        if (typeof method === 'string' && WRITE_METHODS.has(method)) {
          return (...args: unknown[]) => alone(value.apply(obj, args), (client) => (client as Record<string | symbol, Record<string, (...a: unknown[]) => PromiseLike<unknown>>>)[name][method](...args));
        }
        return value.bind(obj);
      },
    });

  return new Proxy(prisma, {
    get(client, property) {
      if (property === CLIENT_IDENTITY) return clientIdentity(client);
      const value = Reflect.get(client, property, client);
      if (property === '$transaction') {
        return (arg: unknown, options?: unknown) => (Array.isArray(arg) ? batch(arg, options) : interactive(arg as (tx: unknown) => Promise<unknown>, options));
      }
      if (typeof value === 'function') {
        if (typeof property === 'string' && RAW_WRITES.has(property)) {
          return (...args: unknown[]) =>
            alone(value.apply(client, args), isAuditAppend(args) ? undefined : (other) => (other as Record<string, (...a: unknown[]) => PromiseLike<unknown>>)[property](...args));
        }
        return value.bind(client);
      }
      if (typeof property === 'string' && !property.startsWith('$') && value && typeof value === 'object') {
        if (!delegates.has(property)) delegates.set(property, delegate(property, value));
        return delegates.get(property);
      }
      return value;
    },
  });
}
