// The routes a peptide is given by: what a protocol item may name and a catalog entry may allow.
export const ROUTES = ['subcutaneous', 'intramuscular', 'oral', 'intranasal', 'topical', 'sublingual'] as const;
export type Route = (typeof ROUTES)[number];
