// A test name as printed → a catalog entry. The catalog's matchBiomarker knows the names and
// abbreviations; labs also append the assay method ("VITAMIN D,25-OH,TOTAL,IA",
// "TESTOSTERONE, TOTAL, LC/MS/MS"), which does not change the analyte and is dropped here.
// Only method words are dropped, never an analyte word: "Bilirubin, Indirect" must not
// become "Bilirubin" (total).
import { matchBiomarker, type BiomarkerDefinition } from './catalog';

const METHOD_SUFFIX = /[\s,]+(?:IA|MS|LC\/MS|LC\/MS\/MS|LCMS|ECL|ECLIA|ICMA|CLIA|RIA|EIA|ELISA|calc|calculated|\(calc\))\s*$/i;

export function matchPrintedName(rawName: string): BiomarkerDefinition | undefined {
  let name = rawName.trim();
  for (let i = 0; i < 3; i++) {
    const found = matchBiomarker(name);
    if (found) return found;
    const shorter = name.replace(METHOD_SUFFIX, '');
    if (shorter === name || !shorter) return undefined;
    name = shorter;
  }
  return matchBiomarker(name);
}
