// The Chromium the browser tests drive with playwright-core: CHROMIUM_PATH, else the system's
// (/usr/bin/chromium, Debian's package), else the headless Chromium that @sparticuz/chromium
// unpacks from the npm registry, so `npm install && npm test` needs nothing but Node.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';
/** Without these, Chromium keeps calling home, which a closed network refuses many times a second. */
const QUIET = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export async function launchChromium(): Promise<Browser> {
  const configured = process.env.CHROMIUM_PATH ?? (existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined);
  if (configured) return chromium.launch({ executablePath: configured, args: QUIET });
  const bundled = (await import('@sparticuz/chromium')).default;
  return chromium.launch({ executablePath: await bundled.executablePath(), args: [...bundled.args, ...QUIET] });
}
