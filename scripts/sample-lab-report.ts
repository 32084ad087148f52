// npm run -s sample:lab-report -- report.pdf: writes a small lab report PDF (the line layout the
// parser reads, with a text layer) to try the upload without a real report. Today's date.
import { writeFileSync } from 'node:fs';
import { reportPdf } from '../subgraphs/labs/test/support/reports';

const out = process.argv[2] ?? 'report.pdf';
const now = new Date();
const collected = `${String(now.getMonth() + 1).padStart(2, '0')}/${String(now.getDate()).padStart(2, '0')}/${now.getFullYear()} 08:30`;

reportPdf(
  {
    collected,
    rows: [
      { name: 'Glucose', value: '104', unit: 'mg/dL', range: '70-99', flag: 'H' },
      { name: 'Hemoglobin A1c', value: '5.6', unit: '%', range: '4.0-5.6' },
      { name: 'LDL Cholesterol', value: '131', unit: 'mg/dL', range: '0-99', flag: 'H' },
      { name: 'HDL Cholesterol', value: '52', unit: 'mg/dL', range: '>39' },
      { name: 'Triglycerides', value: '140', unit: 'mg/dL', range: '0-149' },
      { name: 'TSH', value: '2.1', unit: 'uIU/mL', range: '0.45-4.5' },
      { name: 'Vitamin D, 25-Hydroxy', value: '24', unit: 'ng/mL', range: '30-100', flag: 'L' },
      { name: 'Ferritin', value: '85', unit: 'ng/mL', range: '30-400' },
    ],
  },
  'lines',
).then((bytes) => {
  writeFileSync(out, bytes);
  console.error(`wrote ${out}`);
});
