/**
 * The service worker that lets Concordat open with no network: it keeps the app itself (the
 * page and its hashed assets) so that a contract kept on this device (IndexedDB, see
 * SyncConnection) can be reopened and edited offline, and a reload while offline works.
 *
 * - Pages (navigations): from the network, kept as the app's page; from the cache when the
 *   network fails. Every path of the app is the same page (the client routes).
 * - `/assets/…`: named by content hash, so a cached copy is always right.
 * - Everything else (the API, the sync socket) is left alone: the app handles being offline.
 *
 * Built by Vite as its own entry (`/sw.js`); registered in production only.
 */

/** The parts of the service worker's global scope used here (the DOM library lacks them). */
interface WorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void
  skipWaiting(): Promise<void>
  readonly clients: { claim(): Promise<void> }
  readonly location: Location
}
interface ExtendableEvent extends Event {
  waitUntil(work: Promise<unknown>): void
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request
  respondWith(response: Promise<Response>): void
}

const scope = self as unknown as WorkerScope
const CACHE = 'concordat-app-v1'
/** The cache key of the app's page, whatever path it was loaded from. */
const PAGE = '/'

/** The page and the assets it names, fetched afresh. */
async function keepApp(): Promise<void> {
  const cache = await caches.open(CACHE)
  const response = await fetch(PAGE, { cache: 'no-cache' })
  if (!response.ok) return
  const html = await response.clone().text()
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]!)
  await cache.put(PAGE, response)
  await cache.addAll(assets)
}

scope.addEventListener('install', (event) => {
  event.waitUntil(keepApp().then(() => scope.skipWaiting()))
})

scope.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => scope.clients.claim()),
  )
})

async function pageFromNetworkOrCache(request: Request): Promise<Response> {
  try {
    const response = await fetch(request)
    if (response.ok && response.headers.get('Content-Type')?.includes('text/html')) {
      const cache = await caches.open(CACHE)
      await cache.put(PAGE, response.clone())
    }
    return response
  } catch (error) {
    const kept = await caches.match(PAGE)
    if (kept) return kept
    throw error
  }
}

async function assetFromCacheOrNetwork(request: Request): Promise<Response> {
  const kept = await caches.match(request)
  if (kept) return kept
  const response = await fetch(request)
  if (response.ok) {
    const cache = await caches.open(CACHE)
    await cache.put(request, response.clone())
  }
  return response
}

scope.addEventListener('fetch', (event) => {
  const { request } = event
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== scope.location.origin) return
  if (request.mode === 'navigate') event.respondWith(pageFromNetworkOrCache(request))
  else if (url.pathname.startsWith('/assets/')) event.respondWith(assetFromCacheOrNetwork(request))
})
