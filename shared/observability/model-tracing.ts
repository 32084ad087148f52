// How Claude's SDK (@anthropic-ai/sdk) traces its calls, for every client the platform makes
// (Luna's model, the lab-report extractor). The SDK makes a client span per API call, under the
// active span (a Luna turn, a lab upload's request), whenever the process traces (tracing.ts);
// its own propagation is off because the process's fetch instrumentation (undici) already sends
// `traceparent` for the HTTP attempt, a child of that span: with both, the request carried two. Set in code, not left to the
// ANTHROPIC_OPEN_TELEMETRY_* variables: spans carry metadata only (model, token counts, status),
// never a prompt or an answer, which are a patient's health information.
export const MODEL_CALL_TRACING = { propagation: false, traces: { enabled: true, contentMode: 'metadata_only' } } as const;
