// What the guardrails know about the patient and the catalog, gathered once per turn.

export interface ProtocolDose {
  /** The catalog peptide's name, e.g. "BPC-157". */
  peptide: string;
  amount: number;
  unit: string;
}

export interface GuardFacts {
  /** Names of the peptides Loop Health sells (its catalog). */
  catalog: string[];
  /** Every dose of the patient's own protocols (active, paused and drafts alike). */
  protocolDoses: ProtocolDose[];
  /** The patient's medications as recorded, e.g. "Metformin 500 mg". */
  medications: string[];
  conditions: string[];
  allergies: string[];
}

export const NO_FACTS: GuardFacts = { catalog: [], protocolDoses: [], medications: [], conditions: [], allergies: [] };

/** A name as a pattern that tolerates case, hyphens and spaces: "BPC-157" matches "bpc 157", "BPC157". */
export function namePattern(name: string): RegExp {
  const body = name
    .trim()
    .split(/[\s-]+/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s-]?');
  return new RegExp(`(?<![\\w-])${body}(?![\\w])`, 'i');
}

export function mentions(sentence: string, name: string): boolean {
  return namePattern(name).test(sentence);
}
