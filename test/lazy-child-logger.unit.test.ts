// The request logger of a subgraph's context is made on first use, even after Apollo copies the
// context for an operation (own properties into an object of the same prototype).
import { serviceLogger, withLazyChildLogger } from '../shared/logger';

const copyAsApolloDoes = <T extends object>(context: T): T => Object.assign(Object.create(Object.getPrototypeOf(context)), context);

describe('withLazyChildLogger', () => {
  it('makes no child logger when the context is copied, one when the log is first read', () => {
    const parent = serviceLogger('lazy-logger-test');
    const child = jest.spyOn(parent, 'child');
    const context = withLazyChildLogger(parent, { requestId: 'r-1' }, { service: 'labs' });
    const copy = copyAsApolloDoes(context);
    expect(child).not.toHaveBeenCalled();
    expect(copy.service).toBe('labs');

    const made = copy.log;
    expect(child).toHaveBeenCalledTimes(1);
    expect(child).toHaveBeenCalledWith({ requestId: 'r-1' });
    expect(context.log).toBe(made);
    expect(child).toHaveBeenCalledTimes(1);
  });
});
