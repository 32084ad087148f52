// Who owns each table, as data: every Prisma model (prisma/schema.prisma) and the one subgraph
// that reads and writes it (docs/architecture.md, "One owner per table"; the model comments in the schema
// say the same, and test/ownership.unit.test.ts holds the two together). The same test scans
// each subgraph's code for the models (and raw SQL tables) it touches and fails on one it does
// not own. A subgraph's data-access object (subgraphs/<name>/data.ts) is typed from this map:
// it exposes only the models its subgraph owns.
import type { Prisma as PrismaNamespace } from '../../generated/prisma/client';
import type { SubgraphName } from '../config';
import type { Prisma } from './database';

/** A subgraph; or `platform` (infrastructure in shared/ every subgraph writes through, like the outbox); or the gateway's own state. */
export type Owner = SubgraphName | 'platform' | 'gateway';
export const OWNERS_BESIDE_SUBGRAPHS = ['platform', 'gateway'] as const;

export const MODEL_OWNERS = {
  CustomerProfile: 'patient',
  IdentityMapping: 'patient',
  Membership: 'patient',
  PatientEvent: 'patient',
  PatientTreatment: 'patient',
  PatientPrescription: 'patient',
  RbacLog: 'patient',
  AuditDigest: 'patient',
  PartnerCredential: 'patient',
  CareAlert: 'patient',
  CareAlertDelivery: 'patient',
  FhirExport: 'patient',
  FhirExportFile: 'patient',
  Customer: 'patient',
  Follow: 'patient',
  LabResult: 'labs',
  BiomarkerReading: 'labs',
  WearablesScorePart: 'labs',
  Protocol: 'protocols',
  ProtocolItem: 'protocols',
  ProtocolStack: 'protocols',
  ProtocolStackItem: 'protocols',
  Conversation: 'luna',
  ChatMessage: 'luna',
  ClinicalInteraction: 'luna',
  WearableConnection: 'wearables',
  WearableReading: 'wearables',
  WearableOAuthState: 'wearables',
  WearableRawPayload: 'wearables',
  WearableDailyStat: 'wearables',
  CgmConnection: 'wearables',
  GlucoseReading: 'wearables',
  CheckIn: 'wearables',
  Product: 'content',
  User: 'content',
  Media: 'content',
  Peptide: 'content',
  PeptideDosing: 'content',
  PeptideContraindication: 'content',
  Stack: 'content',
  Goal: 'content',
  BlogPost: 'content',
  Faq: 'content',
  HelpArticle: 'content',
  Coa: 'content',
  ResearchPaper: 'content',
  EventOutbox: 'platform',
  WriteReceipt: 'platform',
  IdempotencyKey: 'gateway',
} as const satisfies Record<PrismaNamespace.ModelName, Owner>;

export type ModelName = keyof typeof MODEL_OWNERS;

/**
 * The platform's own reads and writes of domain tables, each named with its reason; nothing
 * else in shared/ touches a model (the ownership test checks). Every subgraph appends to the
 * audit trail and the timeline through these modules, never by touching the tables itself.
 */
export const SHARED_MODEL_ACCESS: Readonly<Record<string, { models: readonly ModelName[]; why: string }>> = {
  'shared/audit/append.ts': { models: ['RbacLog'], why: "the audit append, in the write's transaction or before the response leaves" },
  'shared/rbac/audit.ts': { models: ['RbacLog'], why: 'the audit append, the one shared write (one statement per request)' },
  'shared/domain/patient-events.ts': { models: ['PatientEvent'], why: "a domain's timeline event, appended inside the writer's transaction" },
  'shared/rbac/digests.ts': { models: ['RbacLog', 'AuditDigest'], why: "signs digests of the audit trail (run by the patient subgraph's background)" },
  'shared/db/roles.ts': { models: ['RbacLog', 'AuditDigest'], why: 'grants the application role append-only access to the audit tables (migrations)' },
  'shared/outbox/write.ts': { models: ['EventOutbox'], why: "the transactional outbox: one row per write, in the write's transaction" },
  'shared/audit/receipts.ts': { models: ['WriteReceipt'], why: "a keyed mutation's write receipt and result, in the write's transaction" },
  'shared/outbox/subscribe.ts': { models: ['EventOutbox'], why: 'subscriptions catch up on events live delivery missed from the published rows' },
  'shared/outbox/relay.ts': { models: ['EventOutbox'], why: 'the outbox relay claims, publishes and deletes delivered rows' },
  'shared/auth/identity.ts': { models: ['IdentityMapping', 'PartnerCredential'], why: 'who is calling: every subgraph resolves its caller the same way' },
};

/** A Prisma model's client property: CustomerProfile -> customerProfile. */
export const delegateOf = (model: string) => model[0].toLowerCase() + model.slice(1);

type Delegate<M extends string> = Uncapitalize<M>;
type OwnedBy<S extends SubgraphName> = { [M in ModelName]: (typeof MODEL_OWNERS)[M] extends S ? M : never }[ModelName];

/** The transaction and raw-SQL entry points a data-access object keeps, beside its own models. */
type Plumbing = '$transaction' | '$queryRaw' | '$executeRaw';

/** The models subgraph `S` owns, and nothing else of the Prisma client. */
export type OwnedData<S extends SubgraphName> = Pick<Prisma, Delegate<OwnedBy<S>> | Plumbing>;

/** The Prisma client seen as subgraph `name`'s data-access object (the same client, a narrower type). */
export function ownedData<S extends SubgraphName>(prisma: Prisma, name: S): OwnedData<S> {
  void name;
  return prisma;
}
