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
  // Its args are made for AWS Lambda: --single-process there means closing one page can take the
  // whole browser down (the next newPage() then fails), and tests open and close several pages.
  const args = bundled.args.filter((arg) => arg !== '--single-process');
  return chromium.launch({ executablePath: await bundled.executablePath(), args: [...args, ...QUIET] });
}
