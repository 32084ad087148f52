// npm run docs:settings: rewrites the README's settings table from shared/config/settings.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../shared/config';
import { withSettingsTable } from '../shared/config/docs';

const README = path.join(projectRoot, 'README.md');
writeFileSync(README, withSettingsTable(readFileSync(README, 'utf8')));
console.log('README.md: settings table updated');
