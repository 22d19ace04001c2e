import type { TestClient } from './app.js';

/** Adds an OLT through /olts and returns its id. */
export async function addOlt(client: TestClient, name: string, model = 'ZTE C320'): Promise<number> {
  const response = await client.post('/olts', { name, model, host: '10.0.0.1', description: '' });
  if (response.statusCode !== 302) throw new Error(`could not add OLT ${name}: ${response.body}`);
  const list = await client.get('/olts');
  const row = new RegExp(`<tr id="olt-(\\d+)">\\s*<td>${name}</td>`).exec(list.body);
  if (!row) throw new Error(`OLT ${name} not listed`);
  return Number(row[1]);
}

/** Adds an ONU through /onus/new's form and returns its id. */
export async function addOnu(client: TestClient, fields: Record<string, string>): Promise<number> {
  const response = await client.post('/onus', { shelf: '0', slot: '1', port: '1', number: '1', name: '', mac: '', sn: '', description: '', ...fields });
  const id = /^\/onus\/(\d+)$/.exec(String(response.headers.location ?? ''));
  if (response.statusCode !== 302 || !id) throw new Error(`could not add ONU: ${response.statusCode} ${response.body}`);
  return Number(id[1]);
}

/** Posts a file to /onus/import as a browser form does (multipart, CSRF token in the query string). */
export async function uploadCsv(client: TestClient, content: string | Buffer, options: { fileName?: string; csrf?: 'query' | 'header' | 'none'; headers?: Record<string, string> } = {}) {
  if (!client.csrfToken) await client.get('/onus/import');
  const boundary = '----easypon-test-boundary';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${options.fileName ?? 'onus.csv'}"\r\nContent-Type: text/csv\r\n\r\n`),
    Buffer.isBuffer(content) ? content : Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const csrf = options.csrf ?? 'query';
  const url = csrf === 'query' ? `/onus/import?_csrf=${encodeURIComponent(client.csrfToken)}` : '/onus/import';
  return client.request({
    method: 'POST',
    url,
    payload: body,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...(csrf === 'header' ? { 'x-csrf-token': client.csrfToken } : {}), ...options.headers },
  });
}

/** Decodes the HTML entities Eta writes, so tests can look for text as the user reads it. */
export function textOf(html: string): string {
  return html.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
