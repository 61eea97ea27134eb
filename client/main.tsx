/**
 * The browser entry point: renders {@link App} into `#root` (see index.html).
 */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.tsx'
import './styles.css'

const root = document.getElementById('root')
if (root === null) throw new Error('index.html has no #root element to render Concordat into')

// Keeps the app on this device so that contracts kept here open offline (see serviceWorker.ts).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js').catch((error: unknown) => console.warn('Offline use is unavailable:', error))
}

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
