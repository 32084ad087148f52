// The AI extractor against a local server that speaks Anthropic's Messages API: what it
// sends (model, the tool and its schema, forced tool choice, the report text, the key), what
// it keeps of the answer (only rows the document bears out), and how the pipeline falls back
// to it only when the parser finds nothing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, DEFAULT_CLAUDE_MODEL } from '../../../shared/config';
import { aiExtractorFor, extractReport } from '../extract';
import { aiExtractorOptions, createAiExtractor, TOOL_NAME } from '../extract/ai';
import { createPdfReader } from '../extract/pdf';
import { toReadings } from '../readings';
import type { ReportFile } from '../upload/file';

interface Seen {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** Text files only here: its worker pool never starts. */
const pdf = createPdfReader(loadConfig({ NODE_ENV: 'test' }).uploads);
let server: http.Server;
let baseURL: string;
const seen: Seen[] = [];
/** What the fake model answers next: a tool input, or an HTTP status to fail with. */
let answer: { input?: unknown; status?: number } = {};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}');
      seen.push({ path: req.url!, headers: req.headers, body });
      if (answer.status) {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: 'overloaded' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_test' });
      res.end(
        JSON.stringify({
          id: 'msg_test',
          type: 'message',
          role: 'assistant',
          model: body.model,
          content: [{ type: 'tool_use', id: 'toolu_test', name: TOOL_NAME, input: answer.input }],
          stop_reason: 'tool_use',
          stop_sequence: null,
          usage: { input_tokens: 100, output_tokens: 50 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  seen.length = 0;
  answer = {};
});

// A layout the line parser does not read: one field per line.
const VERTICAL = [
  'Northside Clinic — results',
  'Collection: 2025-03-14 08:30',
  'Analyte: Glucose',
  'Result: 5.5',
  'Units: mmol/L (ref 3.9 to 5.5)',
  'Analyte: Hemoglobin A1c',
  'Result: 48 (H)',
  'Units: mmol/mol',
].join('\n');

const MODEL_ROWS = {
  labName: 'Northside Clinic',
  collectedAt: '2025-03-14T08:30',
  reportedAt: null,
  results: [
    { name: 'Glucose', value: '5.5', unit: 'mmol/L', referenceRange: '3.9 to 5.5', flag: null, sourceLine: 'Result: 5.5' },
    { name: 'Hemoglobin A1c', value: '48', unit: 'mmol/mol', referenceRange: null, flag: 'H', sourceLine: 'Result: 48 (H)' },
    // Not in the document: an invented line, and a value that is not on its line.
    { name: 'Ferritin', value: '80', unit: 'ng/mL', referenceRange: null, flag: null, sourceLine: 'Ferritin 80 ng/mL' },
    { name: 'Glucose', value: '6.1', unit: 'mmol/L', referenceRange: null, flag: null, sourceLine: 'Result: 5.5' },
  ],
};

const textFile = (text: string): ReportFile => ({ filename: 'vertical.txt', kind: 'text', bytes: Buffer.from(text) });

describe('the AI extractor', () => {
  it('asks for the report through a forced tool call and keeps only rows the document bears out', async () => {
    answer = { input: MODEL_ROWS };
    const extract = createAiExtractor({ apiKey: 'sk-test-key', baseURL, model: 'claude-test-model', timeoutMs: 5000 });
    const report = await extract(VERTICAL);

    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request.path).toBe('/v1/messages');
    expect(`${request.headers['x-api-key'] ?? ''}${request.headers.authorization ?? ''}`).toContain('sk-test-key');
    expect(request.body).toMatchObject({
      model: 'claude-test-model',
      tool_choice: { type: 'tool', name: TOOL_NAME },
      tools: [{ name: TOOL_NAME, input_schema: { type: 'object', required: expect.arrayContaining(['results']) } }],
    });
    expect(request.body.tools[0].input_schema.properties.results.items.required).toEqual(['name', 'value', 'unit', 'referenceRange', 'flag', 'sourceLine']);
    expect(JSON.stringify(request.body.messages)).toContain('Analyte: Hemoglobin A1c');

    expect(report).toMatchObject({ extractor: 'ai', labName: 'Northside Clinic', collectedAt: { year: 2025, month: 3, day: 14, hour: 8, minute: 30 } });
    expect(report.rows).toEqual([
      { rawName: 'Glucose', rawValue: '5.5', rawUnit: 'mmol/L', printedRange: '3.9-5.5', labFlag: null, sourceLine: 'Result: 5.5' },
      { rawName: 'Hemoglobin A1c', rawValue: '48', rawUnit: 'mmol/mol', printedRange: null, labFlag: 'H', sourceLine: 'Result: 48 (H)' },
    ]);
    // The same matching, units and ranges as parsed rows.
    expect(toReadings(report.rows, 'FEMALE', 40).map((r) => [r.code, r.value, r.unit, r.status])).toEqual([
      ['GLUCOSE', 99.1, 'mg/dL', 'HIGH'],
      ['HBA1C', 6.5, '%', 'HIGH'],
    ]);
  });

  it('is configured from the environment: key, base URL, model; none without a key', async () => {
    expect(aiExtractorOptions(loadConfig({}))).toBeNull();
    expect(aiExtractorOptions(loadConfig({ ANTHROPIC_API_KEY: 'k' }))).toMatchObject({ apiKey: 'k', model: DEFAULT_CLAUDE_MODEL, baseURL: undefined });
    expect(aiExtractorFor(loadConfig({}))).toBeNull();

    answer = { input: MODEL_ROWS };
    const extract = aiExtractorFor(loadConfig({ ANTHROPIC_API_KEY: 'sk-env-key', ANTHROPIC_BASE_URL: baseURL, LAB_EXTRACTOR_MODEL: 'claude-env-model' }));
    expect(extract).not.toBeNull();
    await extract!(VERTICAL);
    expect(seen[0].body.model).toBe('claude-env-model');
  });

  it('is asked only when the parser finds nothing', async () => {
    answer = { input: MODEL_ROWS };
    const ai = createAiExtractor({ apiKey: 'k', baseURL, model: 'm', timeoutMs: 5000 });
    const parsed = await extractReport(textFile('Glucose 5.5 mmol/L 3.9-5.5'), { maxPages: 5, timeoutMs: 5000, pdf, ai });
    expect(parsed.extractor).toBe('parser');
    expect(seen).toHaveLength(0);

    const read = await extractReport(textFile(VERTICAL), { maxPages: 5, timeoutMs: 5000, pdf, ai });
    expect(read.extractor).toBe('ai');
    expect(read.rows).toHaveLength(2);
    expect(seen).toHaveLength(1);
  });

  it('turns an unreadable report into a refusal: no rows, a failing API, or no key at all', async () => {
    const ai = createAiExtractor({ apiKey: 'k', baseURL, model: 'm', timeoutMs: 5000 });
    answer = { input: { labName: null, collectedAt: null, reportedAt: null, results: [] } };
    await expect(extractReport(textFile(VERTICAL), { maxPages: 5, timeoutMs: 5000, pdf, ai })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', reason: 'NO_RESULTS' },
    });

    answer = { status: 500 };
    await expect(extractReport(textFile(VERTICAL), { maxPages: 5, timeoutMs: 5000, pdf, ai })).rejects.toMatchObject({
      extensions: { reason: 'NO_RESULTS' },
      message: expect.stringContaining('the AI extractor was unavailable'),
    });

    seen.length = 0;
    await expect(extractReport(textFile(VERTICAL), { maxPages: 5, timeoutMs: 5000, pdf, ai: null })).rejects.toMatchObject({ extensions: { reason: 'NO_RESULTS' } });
    expect(seen).toHaveLength(0);
  });
});
