/**
 * A small HTTP client for API tests: keeps cookies like a browser (one jar per client), sends
 * JSON, and remembers the CSRF token the server hands out.
 */
export interface ApiResponse<T = any> {
  readonly status: number
  readonly body: T
  readonly headers: Headers
}

export class ApiClient {
  readonly #baseUrl: string
  readonly #cookies = new Map<string, string>()
  csrfToken: string | null = null
  /** Sent as `Authorization: Bearer …` when set. */
  bearer: string | null = null

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl
  }

  /** The Cookie header this client would send (for WebSocket upgrades in tests). */
  get cookieHeader(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  cookie(name: string): string | undefined {
    return this.#cookies.get(name)
  }

  async request<T = any>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { Accept: 'application/json', ...extraHeaders }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (this.#cookies.size > 0) headers.Cookie = this.cookieHeader
    if (this.csrfToken && method !== 'GET' && !('X-CSRF-Token' in extraHeaders)) headers['X-CSRF-Token'] = this.csrfToken
    if (this.bearer) headers.Authorization = `Bearer ${this.bearer}`
    const response = await fetch(this.#baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const [name, ...value] = pair!.split('=')
      const isExpired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a))
      if (isExpired) this.#cookies.delete(name!.trim())
      else this.#cookies.set(name!.trim(), value.join('='))
    }
    const text = await response.text()
    const parsed = text ? JSON.parse(text) : null
    if (parsed && typeof parsed.csrfToken === 'string') this.csrfToken = parsed.csrfToken
    return { status: response.status, body: parsed as T, headers: response.headers }
  }

  signIn(email: string, password: string): Promise<ApiResponse> {
    return this.request('POST', '/api/session', { email, password })
  }
}
