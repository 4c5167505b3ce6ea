/**
 * Registers the service worker (sw.js, written by vite.config.ts at build time) that caches the built
 * app, its models, the gallery and the test images, so a reload with no network still loads and scores.
 * Development servers have no sw.js: only production builds register it.
 */
export function registerOfflineCache(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`).catch((e: Error) => console.warn(`offline use is not available: ${e.message}`));
  });
}
