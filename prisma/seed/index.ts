// The demo data set: CMS content plus N believable patients with memberships, labs,
// protocols, wearable history, check-ins and Luna conversations.
//
// Deterministic: every value and every id comes from seeded PRNG streams (./random), and
// all dates are offsets from `now` truncated to UTC midnight, so two runs on the same day
// write identical rows, and any day's run has data in "the last 7 days".
// Fast: rows are built in memory, then written with createMany in chunks, in foreign-key
// order, without one long transaction (PGlite costs about 1 ms per statement).
import type { PrismaClient } from '../../generated/prisma/client';
import { buildContent } from './build-content';
import { buildPatient, emptyPatientRows } from './build-patients';
import { utcMidnight } from './random';

export { uuidFor, mulberry32 } from './random';

export const DEFAULT_SEED_PATIENTS = 200;
const CHUNK_ROWS = 1000;

export interface SeedOptions {
  /** Number of patients (default 200). */
  patients?: number;
  /** Reference time; dates are relative to its UTC midnight (default: now). */
  now?: Date;
}

/** Rows written per table. */
export interface SeedSummary {
  users: number;
  media: number;
  peptides: number;
  stacks: number;
  goals: number;
  blogPosts: number;
  faqs: number;
  helpArticles: number;
  coas: number;
  researchPapers: number;
  products: number;
  customers: number;
  customerProfiles: number;
  identityMappings: number;
  memberships: number;
  patientEvents: number;
  patientTreatments: number;
  patientPrescriptions: number;
  follows: number;
  labResults: number;
  biomarkerReadings: number;
  protocols: number;
  protocolItems: number;
  protocolStacks: number;
  protocolStackItems: number;
  wearableConnections: number;
  wearableReadings: number;
  wearableDailyStats: number;
  cgmConnections: number;
  glucoseReadings: number;
  checkIns: number;
  conversations: number;
  chatMessages: number;
}

async function insertChunks<T>(rows: T[], write: (data: T[]) => PromiseLike<{ count: number }>): Promise<number> {
  let count = 0;
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
    count += (await write(rows.slice(i, i + CHUNK_ROWS))).count;
  }
  return count;
}

export async function seedDatabase(prisma: PrismaClient, options: SeedOptions = {}): Promise<SeedSummary> {
  const patientCount = options.patients ?? DEFAULT_SEED_PATIENTS;
  if (!Number.isInteger(patientCount) || patientCount < 0) throw new Error(`patients must be a whole number, got ${patientCount}`);
  const today = utcMidnight(options.now ?? new Date());

  const { rows: content, refs } = buildContent(today);
  const patients = emptyPatientRows();
  for (let index = 1; index <= patientCount; index++) buildPatient({ index, today, refs, out: patients });

  const p = prisma;
  // Foreign-key order: authors before posts, customers before profiles, parents before children.
  return {
    users: await insertChunks(content.users, (data) => p.user.createMany({ data })),
    media: await insertChunks(content.media, (data) => p.media.createMany({ data })),
    peptides: await insertChunks(content.peptides, (data) => p.peptide.createMany({ data })),
    stacks: await insertChunks(content.stacks, (data) => p.stack.createMany({ data })),
    goals: await insertChunks(content.goals, (data) => p.goal.createMany({ data })),
    blogPosts: await insertChunks(content.blogPosts, (data) => p.blogPost.createMany({ data })),
    faqs: await insertChunks(content.faqs, (data) => p.faq.createMany({ data })),
    helpArticles: await insertChunks(content.helpArticles, (data) => p.helpArticle.createMany({ data })),
    coas: await insertChunks(content.coas, (data) => p.coa.createMany({ data })),
    researchPapers: await insertChunks(content.researchPapers, (data) => p.researchPaper.createMany({ data })),
    products: await insertChunks(content.products, (data) => p.product.createMany({ data })),
    customers: await insertChunks(patients.customers, (data) => p.customer.createMany({ data })),
    customerProfiles: await insertChunks(patients.customerProfiles, (data) => p.customerProfile.createMany({ data })),
    identityMappings: await insertChunks(patients.identityMappings, (data) => p.identityMapping.createMany({ data })),
    memberships: await insertChunks(patients.memberships, (data) => p.membership.createMany({ data })),
    patientEvents: await insertChunks(patients.patientEvents, (data) => p.patientEvent.createMany({ data })),
    patientTreatments: await insertChunks(patients.patientTreatments, (data) => p.patientTreatment.createMany({ data })),
    patientPrescriptions: await insertChunks(patients.patientPrescriptions, (data) => p.patientPrescription.createMany({ data })),
    follows: await insertChunks(patients.follows, (data) => p.follow.createMany({ data })),
    labResults: await insertChunks(patients.labResults, (data) => p.labResult.createMany({ data })),
    biomarkerReadings: await insertChunks(patients.biomarkerReadings, (data) => p.biomarkerReading.createMany({ data })),
    protocols: await insertChunks(patients.protocols, (data) => p.protocol.createMany({ data })),
    protocolItems: await insertChunks(patients.protocolItems, (data) => p.protocolItem.createMany({ data })),
    protocolStacks: await insertChunks(patients.protocolStacks, (data) => p.protocolStack.createMany({ data })),
    protocolStackItems: await insertChunks(patients.protocolStackItems, (data) => p.protocolStackItem.createMany({ data })),
    wearableConnections: await insertChunks(patients.wearableConnections, (data) => p.wearableConnection.createMany({ data })),
    wearableReadings: await insertChunks(patients.wearableReadings, (data) => p.wearableReading.createMany({ data })),
    wearableDailyStats: await insertChunks(patients.wearableDailyStats, (data) => p.wearableDailyStat.createMany({ data })),
    cgmConnections: await insertChunks(patients.cgmConnections, (data) => p.cgmConnection.createMany({ data })),
    glucoseReadings: await insertChunks(patients.glucoseReadings, (data) => p.glucoseReading.createMany({ data })),
    checkIns: await insertChunks(patients.checkIns, (data) => p.checkIn.createMany({ data })),
    conversations: await insertChunks(patients.conversations, (data) => p.conversation.createMany({ data })),
    chatMessages: await insertChunks(patients.chatMessages, (data) => p.chatMessage.createMany({ data })),
  };
}
