// No credential and no PHI reaches a log line: a request carrying each (headers, body variables,
// nested objects, arrays) is logged by the platform's logger and the MCP server's, each in a
// process of its own, and none of the values is in what they print; the rest of the line is.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PHI_KEYS, REDACTED, REDACTION_DEPTH, SECRET_KEYS } from '../shared/log-redaction';
import { ROOT, TSX } from './support/stack';

/** Every sensitive value, unique enough to be found anywhere in the output. */
const SENSITIVE = {
  authorization: 'Bearer eyJhbGciOi.sensitive-auth-header',
  cookie: 'session=sensitive-cookie-value',
  setCookie: 'sid=sensitive-set-cookie',
  apiKey: 'sensitive-api-key-1234',
  password: 'sensitive-password-hunter2',
  clientSecret: 'sensitive-client-secret-abcd',
  token: 'sensitive-oauth-token-efgh',
  refreshToken: 'sensitive-refresh-token-ijkl',
  email: 'jane.sensitive@example.com',
  firstName: 'Janesensitive',
  lastName: 'Doesensitive',
  dateOfBirth: '1961-02-03',
  phone: '+1-555-0199-sensitive',
  address: '12 Sensitive Lane, Springfield',
  labValue: 'LDL 187.5 mg/dL sensitive',
  readingValue: 987.654,
  condition: 'sensitive-hypertension',
  medication: 'sensitive-metformin',
  message: 'I have chest pain, sensitive',
};

const REQUEST = {
  req: {
    method: 'POST',
    url: '/graphql',
    headers: {
      authorization: SENSITIVE.authorization,
      cookie: SENSITIVE.cookie,
      'set-cookie': SENSITIVE.setCookie,
      'x-api-key': SENSITIVE.apiKey,
      'content-type': 'application/json',
    },
    body: {
      operationName: 'UpdateProfile',
      variables: {
        email: SENSITIVE.email,
        firstName: SENSITIVE.firstName,
        lastName: SENSITIVE.lastName,
        dateOfBirth: SENSITIVE.dateOfBirth,
        phone: SENSITIVE.phone,
        address: SENSITIVE.address,
        password: SENSITIVE.password,
      },
    },
  },
  credential: { clientId: 'client-visible', clientSecret: SENSITIVE.clientSecret },
  oauth: { token: SENSITIVE.token, refreshToken: SENSITIVE.refreshToken },
  labResult: { id: 'lab-visible', rawValue: SENSITIVE.labValue, readings: [{ code: 'LDL_C', value: SENSITIVE.readingValue }] },
  patient: { id: 'patient-visible', conditions: [SENSITIVE.condition], medications: [SENSITIVE.medication] },
  message: { role: 'USER', content: SENSITIVE.message },
};

function logged(logger: 'service' | 'mcp'): string {
  const run = spawnSync(TSX, [path.join(ROOT, 'test/fixtures/log-request.ts'), logger, JSON.stringify(REQUEST)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', NODE_ENV: 'test' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status).toBe(0);
  return logger === 'mcp' ? run.stderr : run.stdout;
}

describe.each([['service' as const], ['mcp' as const]])('the %s logger', (logger) => {
  let output: string;
  beforeAll(() => {
    output = logged(logger);
  }, 90_000);

  it('prints the request line with everything that is not sensitive', () => {
    const line = JSON.parse(output.trim().split('\n').find((l) => l.includes('a request, as logged'))!);
    expect(line.req).toMatchObject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, body: { operationName: 'UpdateProfile' } });
    expect(line.credential.clientId).toBe('client-visible');
    expect(line.labResult.id).toBe('lab-visible');
    expect(line.patient.id).toBe('patient-visible');
    expect(line.message.role).toBe('USER');
  });

  it.each(Object.entries(SENSITIVE))('never prints %s', (_what, value) => {
    expect(output).not.toContain(String(value));
  });

  it('marks each redacted value', () => {
    const line = JSON.parse(output.trim().split('\n').find((l) => l.includes('a request, as logged'))!);
    expect(line.req.headers.authorization).toBe(REDACTED);
    expect(line.req.body.variables.email).toBe(REDACTED);
    expect(line.labResult.readings).toBe(REDACTED);
    expect(line.message.content).toBe(REDACTED);
  });
});

describe('the redaction list', () => {
  it('names credentials and PHI of every kind the platform handles', () => {
    expect(SECRET_KEYS).toEqual(expect.arrayContaining(['authorization', 'cookie', 'set-cookie', 'clientSecret', 'token', 'password', 'apiKey']));
    expect(PHI_KEYS).toEqual(expect.arrayContaining(['email', 'firstName', 'lastName', 'dateOfBirth', 'phone', 'address', 'readings', 'conditions', 'medications']));
    expect(REDACTION_DEPTH).toBeGreaterThanOrEqual(3);
  });
});
