// The AI extractor: Claude reads a report whose layout the line parser does not know, and
// answers through a tool whose input schema is the row shape (structured output, no prose
// to parse). Its rows are then held to what the document says: a row is kept only when its
// source line is in the text and its value is on that line, so a value the model invents or
// misreads never becomes a reading. Everything after (matching, units, ranges) is the same
// as for parsed rows.
import type Anthropic from '@anthropic-ai/sdk';
import { MODEL_CALL_TRACING } from '../../../shared/observability/model-tracing';
import type { Config } from '../../../shared/config';
import { isValue, normalizeLine, parsePrintedDate, splitValue } from './fields';
import type { ExtractedReport, ExtractedRow } from './report';

/** Output room for ~300 rows. */
const MAX_TOKENS = 16_000;
/** A lab report's text is a few thousand characters; more is cut off (and the rows past it are not read). */
const MAX_INPUT_CHARS = 120_000;

export const TOOL_NAME = 'record_lab_results';

export interface AiExtractorOptions {
  apiKey: string;
  /** The Messages API's base URL; the SDK's default (or ANTHROPIC_BASE_URL) when unset. */
  baseURL?: string;
  model: string;
  timeoutMs: number;
}

export type AiExtractor = (text: string) => Promise<ExtractedReport>;

/** The extractor's options from the settings (ANTHROPIC_API_KEY, …, LAB_EXTRACTOR_MODEL); null without a key. */
export function aiExtractorOptions(config: Pick<Config, 'anthropic' | 'labs'>): AiExtractorOptions | null {
  if (!config.anthropic) return null;
  return { apiKey: config.anthropic.apiKey, baseURL: config.anthropic.baseUrl, model: config.labs.extractorModel, timeoutMs: config.labs.extractorTimeoutMs };
}

const nullableString = (description: string) => ({ type: ['string', 'null'], description });

export const RECORD_TOOL: Anthropic.Tool = {
  name: TOOL_NAME,
  description: 'Record every laboratory test result printed in the report, exactly as printed. Do not convert, correct or infer values.',
  strict: true,
  input_schema: {
    type: 'object',
    additionalProperties: false,
    required: ['labName', 'collectedAt', 'reportedAt', 'results'],
    properties: {
      labName: nullableString('The laboratory that performed the tests, as printed, or null.'),
      collectedAt: nullableString('When the specimen was collected, as YYYY-MM-DD or YYYY-MM-DDTHH:MM (local time as printed), or null.'),
      reportedAt: nullableString('When the report was issued, same format, or null.'),
      results: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'value', 'unit', 'referenceRange', 'flag', 'sourceLine'],
          properties: {
            name: { type: 'string', description: 'The test name as printed.' },
            value: { type: 'string', description: 'The current numeric result as printed, e.g. "5.5", "<0.3", "1,020" (no flag letters, no unit).' },
            unit: nullableString('The unit as printed, or null when none is printed.'),
            referenceRange: nullableString('The reference range as printed, or null.'),
            flag: nullableString('The abnormal flag as printed (H, L, High, Low, A, *), or null.'),
            sourceLine: { type: 'string', description: 'The whole line of the report text the result was read from, verbatim.' },
          },
        },
      },
    },
  },
};

const SYSTEM =
  'You read laboratory reports for a health platform. Call the tool once with every numeric test result in the report. ' +
  'Copy names, values, units, ranges and flags exactly as printed; leave out results that are not numbers (e.g. "Negative"), ' +
  'previous results, and anything that is not a test result.';

interface ToolInput {
  labName?: unknown;
  collectedAt?: unknown;
  reportedAt?: unknown;
  results?: unknown;
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** The model's rows that the document bears out, in the shape the line parser produces. */
export function validatedRows(input: ToolInput, text: string): { rows: ExtractedRow[]; rejected: number } {
  const document = collapse(text);
  const rows: ExtractedRow[] = [];
  let rejected = 0;
  for (const item of Array.isArray(input.results) ? input.results : []) {
    const raw = item as Record<string, unknown>;
    const name = str(raw.name);
    const value = str(raw.value) ? splitValue(collapse(String(raw.value)).replace(/\s+/g, '')) : null;
    const sourceLine = str(raw.sourceLine) ? collapse(String(raw.sourceLine)) : null;
    const onLine = sourceLine && value ? normalizeLine(sourceLine).split(/\s+/).some((t) => splitValue(t)?.value === value.value) : false;
    if (!name || !value || !isValue(value.value) || !sourceLine || !document.includes(sourceLine) || !onLine) {
      rejected++;
      continue;
    }
    const range = str(raw.referenceRange);
    rows.push({
      rawName: name,
      rawValue: value.value,
      rawUnit: str(raw.unit),
      printedRange: range ? normalizeLine(range) : null,
      labFlag: str(raw.flag) ?? value.flag,
      sourceLine,
    });
  }
  return { rows, rejected };
}

export function createAiExtractor(options: AiExtractorOptions): AiExtractor {
  // The SDK is loaded only when there is a key to use it with: every start would pay for it otherwise.
  const { default: AnthropicClient } = require('@anthropic-ai/sdk') as typeof import('@anthropic-ai/sdk');
  const client = new AnthropicClient({ apiKey: options.apiKey, baseURL: options.baseURL, timeout: options.timeoutMs, maxRetries: 1, openTelemetry: MODEL_CALL_TRACING });
  return async (text) => {
    const message = await client.messages.create({
      model: options.model,
      max_tokens: MAX_TOKENS,
      system: SYSTEM,
      tools: [RECORD_TOOL],
      tool_choice: { type: 'tool', name: TOOL_NAME, disable_parallel_tool_use: true },
      messages: [{ role: 'user', content: `<report>\n${text.slice(0, MAX_INPUT_CHARS)}\n</report>` }],
    });
    const call = message.content.find((block) => block.type === 'tool_use' && block.name === TOOL_NAME);
    if (!call || call.type !== 'tool_use') throw new Error(`the model did not call ${TOOL_NAME} (stop reason ${message.stop_reason})`);
    const input = call.input as ToolInput;
    const { rows } = validatedRows(input, text);
    return {
      labName: str(input.labName),
      collectedAt: parsePrintedDate(str(input.collectedAt) ?? ''),
      reportedAt: parsePrintedDate(str(input.reportedAt) ?? ''),
      rows,
      extractor: 'ai',
    };
  };
}
