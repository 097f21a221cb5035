// REST calls with the bearer token in the Authorization header (never in the URL). A refusal
// becomes an ApiError carrying the server's problem details (RFC 9457), shown as they are.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
    this.code = problem?.code ?? null;
  }
}

export function createApi(getToken, onUnauthorized) {
  async function request(method, path, body, headers = {}) {
    const token = getToken();
    const init = { method, headers: { Accept: 'application/json, application/problem+json', ...headers } };
    if (token) init.headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const type = response.headers.get('Content-Type') ?? '';
    const data = response.status === 204 ? null : type.includes('json') ? await response.json().catch(() => null) : await response.text();
    if (!response.ok) {
      if (response.status === 401 && token) onUnauthorized?.();
      throw new ApiError(response.status, typeof data === 'object' ? data : { detail: data });
    }
    return data;
  }

  /** A command: a fresh Idempotency-Key, so a retried click never does it twice. */
  function command(method, path, body) {
    return request(method, path, body, { 'Idempotency-Key': crypto.randomUUID() });
  }

  return {
    get: path => request('GET', path),
    post: (path, body) => command('POST', path, body),
    put: (path, body) => command('PUT', path, body),
    del: path => command('DELETE', path),
    anonymous: (method, path, body) => request(method, path, body),
  };
}
