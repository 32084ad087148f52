// What every extractor (line parser, CSV, AI) hands on: the rows as printed, nothing
// interpreted yet. Matching, units and classification happen once, after, in readings.ts.

/** A date and time as printed on the report: a wall-clock time in the patient's zone. */
export interface PrintedDate {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
}

export interface ExtractedRow {
  rawName: string;
  /** As printed, flag letters removed: "5.5", "<0.3", "1,020". */
  rawValue: string;
  rawUnit: string | null;
  printedRange: string | null;
  labFlag: string | null;
  /** The line of the report the row was read from. */
  sourceLine: string;
}

export interface ExtractedReport {
  labName: string | null;
  collectedAt: PrintedDate | null;
  reportedAt: PrintedDate | null;
  rows: ExtractedRow[];
  /** Which extractor read it. */
  extractor: 'parser' | 'csv' | 'ai';
}
