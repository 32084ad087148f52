// How long each list of the graph may be, for the operation cost (cost.ts). A field with a
// `first` argument is as long as the client asks (at most MAX_PAGE_SIZE); a connection's
// `edges` are already counted by that `first`. Other lists have no argument that bounds them:
// their sizes below are documented maxima of the product (Apollo's `@listSize(assumedSize)`),
// e.g. a report holds at most a few hundred readings, a patient a handful of protocols.
// A test fails when a list field of the graph is missing here (test/operation-limits.test.ts).

/** Lists not named below (there should be none; the test says which). */
export const DEFAULT_LIST_SIZE = 20;

/** Lists whose length is the `first` argument (or its default). */
export const SLICING_ARGUMENT = 'first';

/** Lists of scalars and enums (tags, synonyms, conditions) cost nothing whatever their length. */
export const LIST_SIZES: Readonly<Record<string, number>> = {
  'Biomarker.referenceRanges': 6,
  'ChatMessage.guardrails': 10,
  'ChatMessage.toolCalls': 5, // at most 5 tool calls per turn
  'ClinicalOverride.findings': 20,
  'Conversation.clinicalInteractions': 20,
  'FhirExport.files': 50, // a file per type, more only past FHIR_EXPORT_FILE_MAX_BYTES each
  'Goal.peptides': 10,
  'HealthScore.components': 12, // one per biomarker category
  'LabResult.readings': 100, // a full panel; uploads refuse more than 500
  'Mutation.syncWearables': 4, // one per provider
  'Patient.biomarkerHistory': 50,
  'Patient.checkIns': 52, // a year of weekly check-ins
  'Patient.glucoseReadings': 288, // the default 24-hour window at 5-minute readings
  'Patient.memberships': 5,
  'Patient.prescriptions': 20,
  'Patient.protocolStacks': 10,
  'Patient.protocols': 10,
  'Patient.treatments': 20,
  'Patient.wearableConnections': 4, // one per provider
  'Patient.wearableDailyStats': 300, // 30 days of 10 metrics
  'Peptide.coas': 10,
  'Peptide.contraindications': 20,
  'Peptide.products': 5,
  'Peptide.researchPapers': 10,
  'PeptideClinicalRules.contraindications': 20,
  'Protocol.items': 10,
  'ProtocolItem.findings': 20,
  'ProtocolStack.items': 10,
  'Query.biomarkers': 100, // the catalog has 83
  'Query.checkContraindications': 50, // a few findings per item checked
  'Query.partnerCredentials': 50,
  'Query.peptideClinicalRules': 50, // the catalog has 23 peptides
  'Query.protocols': 10, // as Patient.protocols
  'Query.wearableConnections': 4, // one per provider
  'RecordReadingsResult.days': 100,
  'ResearchPaper.peptides': 5,
  'Stack.peptides': 10,
  'WearableScore.components': 5,
};

/** Sized by the `first` of the field that returned the connection. */
export const isConnectionEdges = (typeName: string, fieldName: string) => fieldName === 'edges' && typeName.endsWith('Connection');
