/**
 * The web app's entry: settings applied to the document, the language loaded, then the app.
 * antd-mobile 5 renders Toast and Dialog with React's legacy `render`, which React 19 removed;
 * `unstableSetRender` hands it `createRoot` instead.
 */
import { unstableSetRender } from 'antd-mobile';
import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { App } from './App.tsx';
import { initI18n } from './shared/i18n/index.ts';
import { applyToDocument, getSettings } from './shared/settings.ts';
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

const settings = getSettings();
applyToDocument(settings);
await initI18n(settings.language);

const element = document.getElementById('root');
if (!element) throw new Error('#root is missing from index.html');
createRoot(element).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// The service worker (src/sw.js, emitted by the build as /sw.js) lets the installed app start
// offline; in development it would serve stale modules, so only a production build registers it.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  const register = () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      // Without it the app works as before, only not offline.
    });
  };
  // After the page's own loading, so that it does not compete with the first screen.
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
