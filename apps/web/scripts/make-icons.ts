/**
 * Renders the app's PNG icons (PWA manifest, Apple touch icon) from public/icons/favicon.svg, and
 * the life-event icon sprite from antd-mobile-icons. Run it after changing either:
 * `node apps/web/scripts/make-icons.ts`. The results are committed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as icons from 'antd-mobile-icons';
import { type ComponentType, createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import sharp from 'sharp';
import { GENERIC_ICON, LIFE_EVENT_ICONS } from '../src/citizen/life-event-icons.ts';

const dir = join(import.meta.dirname, '..', 'public', 'icons');
const svg = await readFile(join(dir, 'favicon.svg'));

for (const size of [192, 512]) {
  await sharp(svg, { density: 300 })
    .resize(size, size)
    .png()
    .toFile(join(dir, `icon-${size}.png`));
}
// Maskable: the launcher may cut the corners to any shape, so the glyph sits in the safe zone on a full bleed.
const bleed = Buffer.from(
  svg.toString('utf8').replace('rx="112"', 'rx="0"').replace('viewBox="0 0 512 512"', 'viewBox="-64 -64 640 640"'),
);
const maskable = await sharp(bleed, { density: 300 })
  .resize(512, 512)
  .flatten({ background: '#0a4fbf' })
  .png()
  .toBuffer();
await sharp(maskable).toFile(join(dir, 'icon-maskable-512.png'));
await sharp(svg, { density: 300 })
  .resize(180, 180)
  .flatten({ background: '#0a4fbf' })
  .png()
  .toFile(join(dir, 'apple-touch-icon.png'));

// One <symbol> per icon, named after it; ids inside the icons are dropped so none can clash.
const names = [...new Set([...Object.values(LIFE_EVENT_ICONS), GENERIC_ICON])].sort();
const symbols = names.map((name) => {
  const component = (icons as unknown as Record<string, ComponentType>)[name];
  if (!component) throw new Error(`antd-mobile-icons has no ${name}`);
  const markup = renderToStaticMarkup(createElement(component));
  const inner = markup
    .replace(/^<svg[^>]*>/, '')
    .replace(/<\/svg>$/, '')
    .replace(/\s+id="[^"]*"/g, '');
  return `<symbol id="${name}" viewBox="0 0 48 48">${inner}</symbol>`;
});
await writeFile(
  join(dir, 'life-events.svg'),
  `<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true">\n${symbols.join('\n')}\n</svg>\n`,
);
process.stdout.write(`icons written to ${dir}\n`);
