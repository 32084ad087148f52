// Per-service SQL counting (shared/observability/request-sql.ts) is opt-in
// (SQL_STATEMENTS_BY_SERVICE): on, a request's statements count on its service's /metrics; off,
// nothing is counted, and no async scope is opened (on Node 20 one hooks every promise).
import { countStatementForRequest, requestSqlCounting } from '../shared/observability/request-sql';
import { serviceRegistry } from '../shared/observability/service-metrics';

async function counted(service: string): Promise<number> {
  const metric = await serviceRegistry(service).getSingleMetric('service_sql_statements_total')?.get();
  return metric?.values.reduce((sum, value) => sum + value.value, 0) ?? 0;
}

describe('SQL statements by service', () => {
  it("counts a request's statements for its service when on", async () => {
    const before = await counted('sql-on');
    await requestSqlCounting('sql-on', true).during(async () => {
      await Promise.resolve();
      countStatementForRequest();
      countStatementForRequest();
    });
    expect((await counted('sql-on')) - before).toBe(2);
  });

  it('counts nothing when off', async () => {
    const before = await counted('sql-off');
    await requestSqlCounting('sql-off', false).during(async () => {
      await Promise.resolve();
      countStatementForRequest();
    });
    expect((await counted('sql-off')) - before).toBe(0);
  });

  it('lets an HTTP request through either way', () => {
    for (const enabled of [true, false]) {
      const next = jest.fn();
      requestSqlCounting('sql-http', enabled).middleware({} as never, {} as never, next);
      expect(next).toHaveBeenCalledTimes(1);
    }
  });
});
