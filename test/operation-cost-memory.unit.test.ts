// The cost limit remembers an operation's cost per variables (shared/limits/operation.ts): a
// planned operation's entity fetches repeat with other entities but as many of them, so their cost
// is measured once per count. What is remembered must never stand for other variables: a larger
// `first`, more representations, or variables that do not fit their types.
import { buildSchema, parse } from 'graphql';
import { checkOperation, COSTS_PER_OPERATION, type AllowedLimits } from '../shared/limits/operation';
import { allowedFor, defaultLimits } from '../shared/limits/tiers';

const schema = buildSchema(`
  scalar _Any
  type Reading { id: ID! value: Float }
  type Patient { id: ID! readings(first: Int): [Reading!]! }
  union _Entity = Patient
  type Query { _entities(representations: [_Any!]!): [_Entity]! patients(first: Int): [Patient!]! }
`);
const allowed: AllowedLimits = { ...allowedFor(defaultLimits(), 'staff'), cost: 1_000 };

const entities = parse('query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Patient { readings(first: 10) { id } } } }');
const patients = parse('query ($n: Int) { patients(first: $n) { readings(first: 10) { value } } }');
const representations = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => ({ __typename: 'Patient', id: `p${i + offset}` }));

const check = (document: typeof entities, variables: Record<string, unknown>) => checkOperation({ schema, document, variables, allowed });

describe('the cost of an operation, remembered per variables', () => {
  it('counts the representations: a fetch of more entities is measured again, one of other entities as many', () => {
    expect(check(entities, { representations: representations(50) })).toBeNull(); // 50 × (1 + 10) = 550
    expect(check(entities, { representations: representations(50, 50) })).toBeNull();
    expect(check(entities, { representations: representations(100) })).toEqual({ limit: 'cost', allowed: 1_000, measured: 1_100 });
    expect(check(entities, { representations: representations(100, 7) })).toEqual({ limit: 'cost', allowed: 1_000, measured: 1_100 });
  });

  it('never takes a single value given for the list (a list of one) for that many representations', () => {
    const document = parse('query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Patient { readings(first: 10) { id } } } }');
    expect(check(document, { representations: 100 })).toBeNull(); // one entity: 11
    expect(check(document, { representations: representations(100) })).toEqual({ limit: 'cost', allowed: 1_000, measured: 1_100 });
  });

  it('counts `first` from the variables: a larger page is refused after a small one passed', () => {
    expect(check(patients, { n: 5 })).toBeNull();
    expect(check(patients, { n: 500 })).toEqual({ limit: 'cost', allowed: 1_000, measured: 5_500 });
    expect(check(patients, { n: 5 })).toBeNull();
  });

  it('does not remember variables that do not fit their types', () => {
    const document = parse('query ($n: Int) { patients(first: $n) { id } }');
    expect(check(document, { n: 'many' })).toBeNull(); // execution refuses it as BAD_USER_INPUT
    expect(check(document, { n: 2_000 })).toEqual({ limit: 'cost', allowed: 1_000, measured: 2_000 });
  });

  it('keeps a bounded number of costs per operation, measuring again once they are dropped', () => {
    const document = parse('query ($n: Int) { patients(first: $n) { id } }');
    for (let n = 0; n <= COSTS_PER_OPERATION * 2; n++) expect(check(document, { n })).toBeNull();
    expect(check(document, { n: 1_001 })).toEqual({ limit: 'cost', allowed: 1_000, measured: 1_001 });
    expect(check(document, { n: 3 })).toBeNull();
  });
});
