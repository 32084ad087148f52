// The offline model's answers: templates filled from the tools' results, i.e. from the
// patient's real data as the graph returned it. No invention: what a tool did not return is
// not said.

export interface ToolResult {
  name: string;
  input: Record<string, unknown>;
  /** The parsed JSON result, or null when the call failed. */
  data: any;
  error: string | null;
}

const STATUS_WORDS: Record<string, string> = {
  OPTIMAL: 'optimal',
  NORMAL: 'in range',
  LOW: 'low',
  HIGH: 'high',
  CRITICAL_LOW: 'critically low',
  CRITICAL_HIGH: 'critically high',
  UNKNOWN: 'not classified',
};

const METRIC_NAMES: Record<string, string> = {
  SLEEP_SCORE: 'sleep score',
  SLEEP_DURATION: 'sleep duration',
  HRV_RMSSD: 'HRV',
  RESTING_HR: 'resting heart rate',
  RECOVERY_SCORE: 'recovery score',
  READINESS_SCORE: 'readiness score',
  STRAIN: 'strain',
  GLUCOSE: 'glucose',
  STEPS: 'daily steps',
  SPO2: 'blood oxygen',
};

/** Units worth saying after a number ("score" and "count" are not). */
const unitText = (unit: string | null | undefined) => (unit && !['score', 'count', 'strain', ''].includes(unit) ? ` ${unit}` : '');
const day = (iso: string | null | undefined) => (iso ? String(iso).slice(0, 10) : 'an unknown date');
const list = (items: string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

function labs(result: ToolResult): string {
  const latest = result.data?.results?.[0];
  if (!latest) return "I don't see any lab results on your record yet.";
  const readings: any[] = latest.readings ?? [];
  const intro = `Your most recent lab result was collected on ${day(latest.collectedAt)}${latest.labName ? ` (${latest.labName})` : ''}.`;
  const notFound: string[] = result.data.notFound ?? [];
  const missing = notFound.length ? ` I couldn't find ${list(notFound)} in it.` : '';
  if (!readings.length) {
    return result.input.outOfRangeOnly ? `${intro} All of its values are within their reference ranges.` : `${intro}${missing}`;
  }
  const shown = readings.slice(0, 8).map((r) => `${r.name} ${r.value ?? '—'}${r.unit ? ` ${r.unit}` : ''} (${STATUS_WORDS[r.status] ?? r.status}${r.range ? `; range ${r.range}` : ''})`);
  const more = readings.length > shown.length ? ` and ${readings.length - shown.length} more` : '';
  const label = result.input.outOfRangeOnly ? 'Values outside their range' : 'Here is what it shows';
  return `${intro} ${label}: ${shown.join('; ')}${more}.${missing}`;
}

function wearables(result: ToolResult): string {
  const metrics: any[] = result.data?.metrics ?? [];
  const devices: any[] = result.data?.devices ?? [];
  if (!metrics.length) {
    return devices.length ? "Your wearable hasn't sent data for that period yet." : "I don't see a connected wearable on your account.";
  }
  const lines = metrics.map((m) => {
    const direction =
      m.trend === 'steady' ? 'holding steady' : m.trend === 'insufficient data' ? 'too few days to tell a trend' : m.changePercent === null ? `trending ${m.trend}` : `trending ${m.trend} (${m.changePercent > 0 ? '+' : ''}${m.changePercent} %)`;
    return `your ${METRIC_NAMES[m.metric] ?? m.metric} averaged ${m.mean}${unitText(m.unit)} (from ${m.min} to ${m.max}), ${direction}`;
  });
  return `Over the last ${result.data.days ?? ''} days, ${lines.join('; ')}.`.replace('last  days', 'last days');
}

function protocols(result: ToolResult): string {
  const found: any[] = result.data?.protocols ?? [];
  if (!found.length) return "You don't have an active protocol at the moment.";
  return found
    .map((p) => {
      const items: string[] = (p.items ?? []).map(
        (item: any) =>
          item.doseAmount === null
            ? `${item.peptide?.name ?? 'a peptide'} (its dose is under review by your care team)`
            : `${item.peptide?.name ?? 'a peptide'} ${item.doseAmount} ${item.doseUnit} ${item.frequency}${item.timing ? ` (${item.timing})` : ''}`,
      );
      return `Your protocol "${p.name}"${p.goal ? ` (goal: ${p.goal})` : ''} is ${String(p.status).toLowerCase()}${items.length ? ` with ${list(items)}, as your clinician prescribed` : ''}.`;
    })
    .join(' ');
}

function profile(result: ToolResult): string {
  const p = result.data?.patient;
  if (!p) return "I couldn't find your profile.";
  const parts = [
    p.conditions?.length ? `conditions: ${p.conditions.join(', ')}` : 'no recorded conditions',
    p.medications?.length ? `medications: ${p.medications.join(', ')}` : 'no recorded medications',
    p.allergies?.length ? `allergies: ${p.allergies.join(', ')}` : 'no recorded allergies',
  ];
  const membership = result.data?.membership;
  return `Your profile lists ${list(parts)}.${membership ? ` Your membership is the ${membership.plan} plan (${String(membership.status).toLowerCase()}).` : ''}`;
}

function content(result: ToolResult): string {
  const hits: any[] = result.data?.hits ?? [];
  if (!hits.length) return `I couldn't find anything about "${result.input.query}" in the Loop Health library.`;
  const top = hits.slice(0, 3).map((hit) => `${hit.title}: ${hit.snippet}`);
  return `From the Loop Health library: ${top.join(' ')}`;
}

const TEMPLATES: Record<string, (result: ToolResult) => string> = {
  getLabResults: labs,
  getWearableInsights: wearables,
  getProtocols: protocols,
  getPatientProfile: profile,
  searchContent: content,
};

const WHAT_FAILED: Record<string, string> = {
  getLabResults: 'your lab results',
  getWearableInsights: 'your wearable data',
  getProtocols: 'your protocols',
  getPatientProfile: 'your profile',
  searchContent: 'the content library',
};

export function composeAnswer(results: ToolResult[]): string {
  const firstName = results.find((result) => result.name === 'getPatientProfile')?.data?.patient?.firstName;
  const body = results.map((result) =>
    result.error ? `I couldn't access ${WHAT_FAILED[result.name] ?? result.name} (${result.error.split(':')[0]}).` : (TEMPLATES[result.name]?.(result) ?? ''),
  );
  const greeting = firstName ? `Hi ${firstName}! ` : '';
  return `${greeting}${body.filter(Boolean).join('\n\n')}\n\nIf you'd like to go deeper on any of this, your clinician can help you interpret it.`;
}

/** What the offline model says before it looks things up. */
export function leadIn(names: string[]): string {
  return `Let me look at ${list([...new Set(names.map((name) => WHAT_FAILED[name] ?? name))])}.`;
}
