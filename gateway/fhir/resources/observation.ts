// Observation: laboratory ones from lab readings, vital-signs (and activity) ones from wearable
// daily stats. A search draws from the readings first, then the days, each filtered in SQL by
// category, code, date and _lastUpdated; a source the caller's scopes do not reach is skipped.
import { FhirDailyStatDocument, FhirDailyStatsDocument, FhirLabReadingDocument, FhirLabReadingsDocument, type WearableMetric } from '../../../clients/sdk';
import { LAB_ID_PREFIX, toLabObservation } from '../mappers/lab-observation';
import { toVitalsObservation, WEARABLE_ID_PREFIX } from '../mappers/vitals-observation';
import { notFound } from '../outcome';
import { connectionSource, type Source } from '../paging';
import { dateWindow, emptyWindow, tokens, type SearchRequest, type Token } from '../search-params';
import { BIOMARKER_SYSTEM, labLoinc, LOINC, METRICS, OBSERVATION_CATEGORY, WEARABLE_METRIC_SYSTEM, type ObservationCategory } from '../terminology';
import { inScope, isId, type FhirContext, type TypeHandler } from './context';

const ALL_METRICS = Object.keys(METRICS) as WearableMetric[];

function categories(search: SearchRequest): Set<ObservationCategory> | null {
  const value = search.params.get('category')?.[0];
  if (value === undefined) return null;
  return new Set(
    tokens(value)
      .filter((t) => t.system === null || t.system === OBSERVATION_CATEGORY)
      .map((t) => t.code as ObservationCategory),
  );
}

const systemIs = (token: Token, system: string) => token.system === null || token.system === system;

/** Catalog codes the code parameter names (by LOINC or our code); null = no code filter. */
async function labCodes(ctx: FhirContext, codeTokens: Token[] | null): Promise<string[] | null> {
  if (!codeTokens) return null;
  const catalog = await ctx.biomarkerLoinc();
  const codes = new Set<string>();
  for (const token of codeTokens) {
    for (const [code, loinc] of catalog) {
      if ((systemIs(token, LOINC) && labLoinc(loinc) === token.code) || (systemIs(token, BIOMARKER_SYSTEM) && code === token.code)) codes.add(code);
    }
  }
  return [...codes];
}

function metrics(codeTokens: Token[] | null, wanted: Set<ObservationCategory> | null): WearableMetric[] {
  return ALL_METRICS.filter((metric) => {
    const coding = METRICS[metric];
    const inCategory = !wanted || wanted.has('vital-signs') || coding.extraCategories.some((c) => wanted.has(c));
    const inCodes =
      !codeTokens ||
      codeTokens.some((t) => (systemIs(t, WEARABLE_METRIC_SYSTEM) && t.code === metric) || (systemIs(t, LOINC) && coding.loinc.some((l) => l.code === t.code)));
    return inCategory && inCodes;
  });
}

const dayOf = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : null);
const instant = (date: Date | null) => (date ? date.toISOString() : null);

export const observations: TypeHandler = {
  async read(ctx, id) {
    if (id.startsWith(LAB_ID_PREFIX) && isId(id.slice(LAB_ID_PREFIX.length))) {
      const { biomarkerReading } = await ctx.run(FhirLabReadingDocument, { id: id.slice(LAB_ID_PREFIX.length) });
      if (biomarkerReading) return toLabObservation(biomarkerReading);
    }
    if (id.startsWith(WEARABLE_ID_PREFIX) && isId(id.slice(WEARABLE_ID_PREFIX.length))) {
      const { wearableDailyStat } = await ctx.run(FhirDailyStatDocument, { id: id.slice(WEARABLE_ID_PREFIX.length) });
      if (wearableDailyStat) return toVitalsObservation(wearableDailyStat);
    }
    throw notFound(`Observation/${id} was not found`);
  },

  async sources(ctx, patientId, search) {
    const date = dateWindow(search.params.get('date'), 'date');
    const updated = dateWindow(search.params.get('_lastUpdated'), '_lastUpdated');
    if (emptyWindow(date) || emptyWindow(updated)) return [];
    const wanted = categories(search);
    const codeText = search.params.get('code')?.[0];
    const codeTokens = codeText === undefined ? null : tokens(codeText);
    const sources: Source[] = [];

    const codes = await labCodes(ctx, codeTokens);
    if ((!wanted || wanted.has('laboratory')) && (codes === null || codes.length) && inScope(ctx, 'lab_results', patientId)) {
      const filter = { patientId, codes, from: instant(date.from), to: instant(date.to), updatedFrom: instant(updated.from), updatedTo: instant(updated.to) };
      sources.push(connectionSource(async (first, after) => (await ctx.run(FhirLabReadingsDocument, { ...filter, first, after })).biomarkerReadings, toLabObservation));
    }
    const days = metrics(codeTokens, wanted);
    if (days.length && inScope(ctx, 'wearables', patientId)) {
      const filter = {
        patientId,
        metrics: days.length === ALL_METRICS.length ? null : days,
        from: dayOf(date.from),
        to: dayOf(date.to),
        updatedFrom: instant(updated.from),
        updatedTo: instant(updated.to),
      };
      sources.push(connectionSource(async (first, after) => (await ctx.run(FhirDailyStatsDocument, { ...filter, first, after })).wearableDailyStats, toVitalsObservation));
    }
    return sources;
  },
};
