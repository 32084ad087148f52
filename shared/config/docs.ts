// The README's settings table, rendered from the catalog: one table per section, one row per
// setting (or per family of settings that differ only by a name). scripts/settings-table.ts
// writes it into the README; test/settings.unit.test.ts fails when the README differs.
import type { Setting } from './define';
import { CATALOG } from './settings';

export const TABLE_BEGIN = '<!-- settings-table:begin -->';
export const TABLE_END = '<!-- settings-table:end -->';

function shownDefault(spec: Setting): string {
  if (spec.shown) return spec.shown;
  if (spec.default === undefined) return 'unset';
  if (Array.isArray(spec.default)) return spec.default.length ? `\`${spec.default.join(',')}\`` : 'unset';
  return `\`${String(spec.default)}\``;
}

export function settingsTable(): string {
  const parts: string[] = [];
  for (const { title, section } of CATALOG) {
    parts.push(`**${title}**`, '', '| variable | default | meaning |', '|---|---|---|');
    const families = new Set<string>();
    for (const spec of Object.values(section)) {
      if (spec.family) {
        if (families.has(spec.family)) continue;
        families.add(spec.family);
      }
      parts.push(`| \`${spec.family ?? spec.env}\` | ${shownDefault(spec)} | ${spec.doc.replace(/\|/g, '\\|')} |`);
    }
    parts.push('');
  }
  return [TABLE_BEGIN, '', ...parts, TABLE_END].join('\n');
}

/** `readme` with its settings table replaced by the current one. */
export function withSettingsTable(readme: string): string {
  const begin = readme.indexOf(TABLE_BEGIN);
  const end = readme.indexOf(TABLE_END);
  if (begin < 0 || end < begin) throw new Error('README.md has no settings-table markers');
  return readme.slice(0, begin) + settingsTable() + readme.slice(end + TABLE_END.length);
}
