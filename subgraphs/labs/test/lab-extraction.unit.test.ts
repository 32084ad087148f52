// The pieces of the upload pipeline on their own (no stack): unit conversion, the line and
// CSV parsers on the sample layouts, dates, and the checks that refuse a file early.
import { findBiomarker } from '../catalog';
import { parseReportCsv } from '../extract/csv';
import { isUnit, parsePrintedDate } from '../extract/fields';
import { parseReportText, parseRow } from '../extract/lines';
import { processConfig } from '../../../shared/config';
import { createPdfReader } from '../extract/pdf';
import { toReadings } from '../readings';
import { printedDateToInstant } from '../upload/dates';
import { readUploadedFile } from '../upload/file';
import { toCanonical, toUcum } from '../units';
import { LAYOUTS, manyPagesPdf, reportCsv, reportPdf, reportText, scannedPdf, type SampleReport } from './support/reports';

const PDF_LIMITS = { maxPages: 50, timeoutMs: 20_000 };
/** The labs services' PDF reader, on this process's settings. */
const pdf = createPdfReader(processConfig().uploads);

function convert(code: string, raw: string, unit: string | null) {
  return toCanonical(findBiomarker(code)!, Number(raw.replace(/^[<>]=?/, '')), raw, unit);
}

describe('units', () => {
  it.each([
    ['GLUCOSE', '5.5', 'mmol/L', 99.1, 'mg/dL'],
    ['GLUCOSE', '99', 'mg/dl', 99, 'mg/dL'],
    ['HBA1C', '48', 'mmol/mol', 6.5, '%'],
    ['HBA1C', '53', 'mmol/mol', 7, '%'],
    ['TESTOSTERONE_TOTAL', '17.3', 'nmol/L', 499, 'ng/dL'],
    ['TESTOSTERONE_TOTAL', '5.0', 'ng/mL', 500, 'ng/dL'],
    ['CHOLESTEROL_TOTAL', '5.2', 'mmol/L', 201, 'mg/dL'],
    ['TRIGLYCERIDES', '1.1', 'mmol/L', 97.4, 'mg/dL'],
    ['CREATININE', '88', 'umol/L', 0.995, 'mg/dL'],
    ['VITAMIN_D_25OH', '75', 'nmol/L', 30, 'ng/mL'],
    ['VITAMIN_B12', '400', 'pmol/L', 542.1, 'pg/mL'],
    ['HEMOGLOBIN', '140', 'g/L', 14, 'g/dL'],
    ['HEMATOCRIT', '0.42', 'L/L', 42, '%'],
    ['TSH', '2.10', 'uIU/mL', 2.1, 'mIU/L'],
    ['TSH', '2.10', 'µIU/mL', 2.1, 'mIU/L'],
    ['INSULIN', '8', 'mIU/L', 8, 'uIU/mL'],
    ['ALT', '30', 'IU/L', 30, 'U/L'],
    ['WBC', '6.1', '10^9/L', 6.1, '10*3/uL'],
    ['WBC', '6.1', 'K/uL', 6.1, '10*3/uL'],
    ['RBC', '4.8', 'x10E6/uL', 4.8, '10*6/uL'],
    ['SODIUM', '140', 'mEq/L', 140, 'mmol/L'],
    ['CALCIUM', '2.35', 'mmol/L', 9.419, 'mg/dL'],
    ['EGFR', '95', 'mL/min/1.73m2', 95, 'mL/min/{1.73_m2}'],
    ['ESR', '12', 'mm/hr', 12, 'mm/h'],
    ['CHOL_HDL_RATIO', '3.2', null, 3.2, '{ratio}'],
  ])('%s %s %s → %d %s', (code, raw, unit, value, canonical) => {
    expect(convert(code, raw, unit)).toMatchObject({ value, unit: canonical });
  });

  it('gives no value, and says why, for a unit it cannot read or convert', () => {
    expect(convert('GLUCOSE', '5.5', 'widgets')).toEqual({ value: null, unit: null, note: '"widgets" is not a unit we can read' });
    expect(convert('GLUCOSE', '5.5', null)).toMatchObject({ value: null, note: expect.stringContaining('no unit printed') });
    expect(convert('GLUCOSE', '99', '%')).toMatchObject({ value: null, note: expect.stringContaining('cannot be converted to mg/dL') });
    // Sodium has no molecular weight in the catalog: mass → molar is refused, not guessed.
    expect(convert('SODIUM', '322', 'mg/dL')).toMatchObject({ value: null, note: expect.stringContaining('cannot be converted to mmol/L') });
    // HbA1c in anything but % or mmol/mol is not a plain ratio conversion.
    expect(convert('HBA1C', '0.065', '{ratio}')).toMatchObject({ value: null });
  });

  it('reads the units labs print, and not "K/uL" as kelvin', () => {
    expect(toUcum('K/uL')).toBe('10*3/uL');
    expect(toUcum('mg/dl')).toBe('mg/dL');
    expect(toUcum('mcg/dL')).toBe('ug/dL');
    expect(toUcum('uIU/mL')).toBe('u[IU]/mL');
    // "EN" (a Quest lab code) is valid UCUM (exanewton): a unit must look like one too.
    expect(isUnit('EN')).toBe(false);
    expect(isUnit('01/02/2024')).toBe(false);
    expect(isUnit('x10E3/uL')).toBe(true);
  });
});

describe('the line parser', () => {
  it('reads name, value, flag, range and unit in any column order', () => {
    expect(parseRow('Glucose 5.5 mmol/L 3.9-5.5 H')).toMatchObject({ rawName: 'Glucose', rawValue: '5.5', rawUnit: 'mmol/L', printedRange: '3.9-5.5', labFlag: 'H' });
    expect(parseRow('TESTOSTERONE, TOTAL, MS   1020 H   250-827 ng/dL   EN')).toMatchObject({
      rawName: 'TESTOSTERONE, TOTAL, MS',
      rawValue: '1020',
      rawUnit: 'ng/dL',
      printedRange: '250-827',
      labFlag: 'H',
    });
    expect(parseRow('Glucose 01   93   High   89   01/02/2024   mg/dL   70 - 99')).toMatchObject({
      rawName: 'Glucose',
      rawValue: '93',
      labFlag: 'High',
      rawUnit: 'mg/dL',
      printedRange: '70-99',
    });
    expect(parseRow('HDL Cholesterol\t38L\tmg/dL\t> OR = 40')).toMatchObject({ rawValue: '38', labFlag: 'L', printedRange: '>=40' });
    expect(parseRow('hs-CRP <0.3 mg/L <1.0')).toMatchObject({ rawValue: '<0.3', printedRange: '<1.0' });
  });

  it('keeps an unknown test with a unit or range, and skips headers, addresses and page numbers', () => {
    expect(parseRow('Zonulin Index 12.5 ng/mL <30')).toMatchObject({ rawName: 'Zonulin Index', rawValue: '12.5' });
    for (const line of ['Page 1 of 2', 'Phone: (336) 584-5171', 'Collected: 03/14/2025 08:30', 'Test Name In Range Out Of Range Reference Range Lab', 'Age: 45', 'Quest Diagnostics 500 Plaza Drive', 'Fax 973 520-2700']) {
      expect(parseRow(line)).toBeNull();
    }
  });

  it('finds the lab and the collection date', () => {
    const report = parseReportText('Quest Diagnostics\nCollected: 03/14/2025 08:30 AM   Reported: 03/15/2025\nGLUCOSE 88 65-99 mg/dL EN');
    expect(report).toMatchObject({
      labName: 'Quest Diagnostics',
      collectedAt: { year: 2025, month: 3, day: 14, hour: 8, minute: 30 },
      reportedAt: { year: 2025, month: 3, day: 15 },
    });
    expect(parsePrintedDate('2025-03-14T20:05')).toEqual({ year: 2025, month: 3, day: 14, hour: 20, minute: 5 });
    expect(parsePrintedDate('Mar 14, 2025 8:30 PM')).toEqual({ year: 2025, month: 3, day: 14, hour: 20, minute: 30 });
    expect(parsePrintedDate('02/30/2025')).toBeNull();
  });

  it("reads a printed time in the patient's time zone, a bare date at local noon", () => {
    expect(printedDateToInstant({ year: 2025, month: 3, day: 14, hour: 8, minute: 30 }, 'America/New_York').toISOString()).toBe('2025-03-14T12:30:00.000Z');
    expect(printedDateToInstant({ year: 2025, month: 1, day: 14, hour: 8, minute: 30 }, 'America/New_York').toISOString()).toBe('2025-01-14T13:30:00.000Z');
    expect(printedDateToInstant({ year: 2025, month: 3, day: 14 }, 'Europe/Berlin').toISOString()).toBe('2025-03-14T11:00:00.000Z');
  });
});

const SAMPLE: SampleReport = {
  collected: '03/14/2025 08:30',
  rows: [
    { name: 'Glucose', value: '5.5', unit: 'mmol/L', range: '3.9-5.5' },
    { name: 'Hemoglobin A1c', value: '48', unit: 'mmol/mol', range: '20-42', flag: 'H' },
    { name: 'Testosterone, Total', value: '17.3', unit: 'nmol/L', range: '8.6-29.0' },
    { name: 'TSH', value: '2.10', unit: 'uIU/mL', range: '0.45 - 4.50' },
    { name: 'eGFR', value: '95', unit: 'mL/min/1.73 m2', range: '> OR = 60' },
    { name: 'Zonulin Index', value: '12.5', unit: 'ng/mL', range: '<30' },
  ],
};
const EXPECTED = [
  ['GLUCOSE', 99.1, 'mg/dL'],
  ['HBA1C', 6.5, '%'],
  ['TESTOSTERONE_TOTAL', 499, 'ng/dL'],
  ['TSH', 2.1, 'mIU/L'],
  ['EGFR', 95, 'mL/min/{1.73_m2}'],
  [null, 12.5, 'ng/mL'],
];

describe('sample reports', () => {
  it.each(LAYOUTS)('the %s layout reads back to the same rows', async (layout) => {
    const report = parseReportText(await pdf.text(await reportPdf(SAMPLE, layout), PDF_LIMITS));
    expect(report.collectedAt).toEqual({ year: 2025, month: 3, day: 14, hour: 8, minute: 30 });
    expect(report.rows.map((r) => r.rawValue)).toEqual(SAMPLE.rows.map((r) => r.value));
    expect(toReadings(report.rows, 'MALE', 40).map((r) => [r.code, r.value, r.unit])).toEqual(EXPECTED);
  });

  it('reads plain text and CSV the same way', () => {
    for (const report of [parseReportText(reportText(SAMPLE)), parseReportCsv(reportCsv(SAMPLE))]) {
      expect(report.collectedAt).toEqual({ year: 2025, month: 3, day: 14, hour: 8, minute: 30 });
      expect(toReadings(report.rows, 'MALE', 40).map((r) => [r.code, r.value, r.unit])).toEqual(EXPECTED);
    }
  });
});

describe('refusing a file early', () => {
  const file = (content: Buffer | string, mimeType = 'application/pdf', filename = 'report.pdf') => ({
    filename,
    mimeType,
    contentBase64: Buffer.from(content).toString('base64'),
  });

  it('refuses by size before decoding, by declared type, and by content', () => {
    expect(() => readUploadedFile(file(Buffer.alloc(2048, 65), 'text/plain', 'a.txt'), 1024)).toThrow(/file: is 2 KB; the limit is 1 KB/);
    expect(() => readUploadedFile(file('x', 'image/png', 'a.png'), 1024)).toThrow(/"image\/png" is not accepted/);
    expect(() => readUploadedFile(file('not a pdf at all'), 1024)).toThrow(/declared a PDF but is not one/);
    expect(() => readUploadedFile(file(Buffer.from([0, 1, 2, 3, 0]), 'text/csv', 'a.csv'), 1024)).toThrow(/binary data/);
    expect(() => readUploadedFile({ filename: 'a.txt', mimeType: 'text/plain', contentBase64: '@@@' }, 1024)).toThrow(/not valid base64/);
    expect(readUploadedFile(file('Glucose 90 mg/dL', 'application/octet-stream', 'r.csv'), 1024).kind).toBe('csv');
  });

  // The refusal names the page count (read before any page's text), not a deadline: no timing asserted.
  it('refuses a PDF of thousands of pages by its page count', async () => {
    const bytes = await manyPagesPdf(5000);
    await expect(pdf.text(bytes, PDF_LIMITS)).rejects.toMatchObject({ message: expect.stringContaining('5000 pages'), extensions: { code: 'BAD_USER_INPUT', reason: 'TOO_MANY_PAGES' } });
  });

  it('refuses a PDF without text (a scan) and one that is not a PDF inside', async () => {
    await expect(pdf.text(await scannedPdf(), PDF_LIMITS)).rejects.toMatchObject({ extensions: { reason: 'NO_TEXT' }, message: expect.stringMatching(/no text layer/) });
    await expect(pdf.text(Buffer.from('%PDF-1.7\nthis is not a pdf'), PDF_LIMITS)).rejects.toMatchObject({ extensions: { reason: 'UNREADABLE_PDF' } });
  });
});

// The PDF worker pool runs in this process here: end its thread.
afterAll(() => pdf.close());
