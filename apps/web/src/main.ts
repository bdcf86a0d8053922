/**
 * The web app's entry, kept tiny. A page the server drew (see first-render.ts) is already on
 * the screen and its links already work: the app's code is fetched once the page has loaded,
 * so that it never competes with the page's own first paint, and it is run in a few steps with
 * the browser free to respond between them (React, then the app's screens and texts, then the
 * start), rather than in one long stretch. A bare page (any other) starts the app at once.
 */
import { FIRST_RENDER_ID } from './first-render.ts';

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

if (document.getElementById(FIRST_RENDER_ID)) {
  if (document.readyState !== 'complete') {
    await new Promise((resolve) => window.addEventListener('load', resolve, { once: true }));
  }
  await import('react-dom/client');
  await nextTask();
  await import('./App.tsx');
  await nextTask();
}
await import('./boot.tsx');
