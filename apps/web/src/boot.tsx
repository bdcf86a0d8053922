/**
 * The app's start (loaded by main.ts): settings applied to the document, the language loaded,
 * then the app.
 * When the server drew the page first (a public page: home, search, a service), the app takes
 * over that markup (hydration) with the data the server drew it from, instead of drawing it
 * again; when the server drew it in other settings than this device's, the app draws afresh.
 * Both run as a transition, so the work yields to the browser every few milliseconds.
 * antd-mobile 5 renders Toast and Dialog with React's legacy `render`, which React 19 removed;
 * `unstableSetRender` hands it `createRoot` instead.
 */
import { hydrate } from '@tanstack/react-query';
import { unstableSetRender } from 'antd-mobile';
import { StrictMode, startTransition } from 'react';
import { createRoot, hydrateRoot, type Root } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { AppProviders, appRoutes, createQueryClient } from './App.tsx';
import { FIRST_RENDER_ID, type FirstRender } from './first-render.ts';
import { initI18n } from './shared/i18n/index.ts';
import { applyToDocument, getSettings, storeViewCookie } from './shared/settings.ts';
import './shared/theme.css';

const roots = new WeakMap<Element | DocumentFragment, Root>();
unstableSetRender((node, container) => {
  let root = roots.get(container);
  if (!root) {
    root = createRoot(container);
    roots.set(container, root);
  }
  root.render(node);
  return async () => {
    // Let the closing animation's last frame render before the root goes.
    await new Promise((resolve) => setTimeout(resolve, 0));
    root.unmount();
    roots.delete(container);
  };
});

/** What the server drew the page from, or null when it sent the bare shell. */
function firstRender(): FirstRender | null {
  const text = document.getElementById(FIRST_RENDER_ID)?.textContent;
  if (!text) return null;
  try {
    return JSON.parse(text) as FirstRender;
  } catch {
    return null;
  }
}

const settings = getSettings();
applyToDocument(settings);
storeViewCookie(settings);
await initI18n(settings.language);

const element = document.getElementById('root');
if (!element) throw new Error('#root is missing from index.html');
const queryClient = createQueryClient();
const router = createBrowserRouter(appRoutes);
const app = (
  <StrictMode>
    <AppProviders queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProviders>
  </StrictMode>
);
const drawn = firstRender();
if (drawn && drawn.language === settings.language && drawn.elder === settings.elder) {
  hydrate(queryClient, drawn.queries);
  startTransition(() => {
    hydrateRoot(element, app);
  });
} else {
  element.replaceChildren();
  startTransition(() => {
    createRoot(element).render(app);
  });
}

registerServiceWorker();

/**
 * The service worker (src/sw.js, emitted by the build as /sw.js) lets the installed app start
 * offline; in development it would serve stale modules, so only a production build registers it.
 */
function registerServiceWorker() {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const register = () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      // Without it the app works as before, only not offline.
    });
  };
  // After the page's own loading, so that it does not compete with the first screen.
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
