// Sample lab reports, written by the tests themselves with pdf-lib, in the layouts the
// parser claims to read: one line per result, a table of columns, and Quest-like and
// Labcorp-like reports (column order, lab codes, previous results as those labs print them).
// Plus the files an upload must refuse: a scan (no text), thousands of pages.
import zlib from 'node:zlib';
import { PDFDocument, PDFName, PDFRawStream, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';

export interface SampleRow {
  name: string;
  value: string;
  unit: string;
  range: string;
  /** H, L, ... as the lab prints it. */
  flag?: string;
}

export interface SampleReport {
  /** MM/DD/YYYY HH:MM, as US labs print it. */
  collected: string;
  reported?: string;
  patientName?: string;
  rows: SampleRow[];
}

export type Layout = 'lines' | 'table' | 'quest' | 'labcorp';
export const LAYOUTS: Layout[] = ['lines', 'table', 'quest', 'labcorp'];

const PAGE: [number, number] = [612, 792];
const SIZE = 9;

interface Writer {
  text(x: number, s: string, size?: number): void;
  next(gap?: number): void;
}

async function document(write: (w: Writer) => void): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font: PDFFont = await pdf.embedFont(StandardFonts.Helvetica);
  let page: PDFPage = pdf.addPage(PAGE);
  let y = PAGE[1] - 50;
  write({
    text: (x, s, size = SIZE) => page.drawText(s, { x, y, size, font }),
    next: (gap = 14) => {
      y -= gap;
      if (y < 50) {
        page = pdf.addPage(PAGE);
        y = PAGE[1] - 50;
      }
    },
  });
  return pdf.save();
}

const longFlag = (flag?: string) => (flag === 'H' ? 'High' : flag === 'L' ? 'Low' : (flag ?? ''));

export function reportPdf(report: SampleReport, layout: Layout): Promise<Uint8Array> {
  return document((w) => {
    const header = (lines: string[]) => {
      for (const line of lines) {
        w.text(50, line, 11);
        w.next(16);
      }
      w.next(6);
    };
    switch (layout) {
      case 'lines':
        header(['Laboratory Report', `Patient: ${report.patientName ?? 'Test Patient'}`, `Collected: ${report.collected}`]);
        for (const r of report.rows) {
          w.text(50, [r.name, r.value, r.unit, r.range, r.flag].filter(Boolean).join(' '));
          w.next();
        }
        break;
      case 'table':
        header(['Clinical Laboratory Results', `Specimen collected: ${report.collected}`, 'Performing lab: Northside Clinical Lab']);
        for (const [x, title] of [[50, 'Test'], [250, 'Result'], [310, 'Flag'], [350, 'Units'], [450, 'Reference Interval']] as const) w.text(x, title);
        w.next(18);
        for (const r of report.rows) {
          w.text(50, r.name);
          w.text(250, r.value);
          if (r.flag) w.text(310, r.flag);
          w.text(350, r.unit);
          w.text(450, r.range);
          w.next();
        }
        break;
      case 'quest':
        header([
          'Quest Diagnostics',
          `Patient: ${(report.patientName ?? 'Test Patient').toUpperCase()}   Specimen: EN123456R`,
          `Collected: ${report.collected}   Received: ${report.collected}   Reported: ${report.reported ?? report.collected}`,
        ]);
        for (const [x, title] of [[50, 'Test Name'], [260, 'In Range'], [330, 'Out Of Range'], [410, 'Reference Range'], [540, 'Lab']] as const) w.text(x, title);
        w.next(18);
        for (const r of report.rows) {
          w.text(50, r.name.toUpperCase());
          if (r.flag) w.text(330, `${r.value} ${r.flag}`);
          else w.text(260, r.value);
          w.text(410, `${r.range} ${r.unit}`);
          w.text(540, 'EN');
          w.next();
        }
        break;
      case 'labcorp':
        header([
          'Labcorp',
          `Patient Details: ${report.patientName ?? 'Test Patient'}   Phone: (336) 584-5171`,
          `Date Collected: ${report.collected}   Date Reported: ${report.reported ?? report.collected}`,
        ]);
        for (const [x, title] of [[50, 'Test'], [220, 'Current Result and Flag'], [330, 'Previous Result and Date'], [430, 'Units'], [510, 'Reference Interval']] as const) {
          w.text(x, title, 8);
        }
        w.next(18);
        for (const r of report.rows) {
          w.text(50, `${r.name} 01`);
          w.text(220, `${r.value} ${longFlag(r.flag)}`.trim());
          w.text(330, `${r.value} 01/02/2024`);
          w.text(430, r.unit);
          w.text(510, r.range);
          w.next();
        }
        w.next(10);
        w.text(50, 'Page 1 of 1');
        break;
    }
  });
}

export function reportText(report: SampleReport): string {
  return ['LAB REPORT', `Collected: ${report.collected}`, '', ...report.rows.map((r) => [r.name, r.value, r.unit, r.range, r.flag].filter(Boolean).join('  '))].join('\n');
}

export function reportCsv(report: SampleReport): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['Test,Result,Units,Reference Range,Flag,Collected'];
  for (const r of report.rows) lines.push([r.name, r.value, r.unit, r.range, r.flag ?? '', report.collected].map(quote).join(','));
  return lines.join('\r\n');
}

/** A "scan": one page with shapes and no text layer. */
export function scannedPdf(): Promise<Uint8Array> {
  return (async () => {
    const pdf = await PDFDocument.create();
    const page = pdf.addPage(PAGE);
    for (let i = 0; i < 20; i++) page.drawRectangle({ x: 50, y: 700 - i * 20, width: 400, height: 8, color: rgb(0.2, 0.2, 0.2) });
    return pdf.save();
  })();
}

export async function manyPagesPdf(pages: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) pdf.addPage([200, 200]).drawText(`Glucose ${90 + (i % 9)} mg/dL 70-99`, { x: 10, y: 100, size: 8, font });
  return pdf.save();
}

export const base64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');

/**
 * A flate bomb: a one-page PDF whose content stream is `inflatedBytes` of text compressed with
 * FlateDecode (about 1,000 to 1). The compressed bytes are made by streaming zlib over a reused
 * chunk, so the bomb never exists inflated in the test's own memory.
 */
export async function flateBombPdf(inflatedBytes: number): Promise<Uint8Array> {
  const chunk = Buffer.alloc(4 * 1024 * 1024, '(A) Tj ');
  const deflate = zlib.createDeflate({ level: 9 });
  const compressed: Buffer[] = [];
  deflate.on('data', (data: Buffer) => compressed.push(data));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  deflate.write('BT /F1 12 Tf 72 720 Td ');
  for (let written = 0; written < inflatedBytes; written += chunk.length) {
    if (!deflate.write(chunk)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end(' ET');
  await done;
  const doc = await PDFDocument.create();
  const page = doc.addPage(PAGE);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.node.setFontDictionary(PDFName.of('F1'), font.ref);
  const body = Buffer.concat(compressed);
  const stream = PDFRawStream.of(doc.context.obj({ Filter: 'FlateDecode', Length: body.length }), body);
  page.node.set(PDFName.of('Contents'), doc.context.register(stream));
  return doc.save({ useObjectStreams: false });
}
