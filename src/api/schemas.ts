// JSON schemas of the External API: they validate requests, serialize answers
// and are the OpenAPI document (@fastify/swagger reads them).
import { OLT_MODELS } from '../inventory/olt-models.js';

const MAX_ID = Number.MAX_SAFE_INTEGER;
const id = { type: 'integer', minimum: 1, maximum: MAX_ID } as const;
const isoTime = { type: 'string', format: 'date-time' } as const;

const ERROR_MESSAGES: Record<number, [string, string, string]> = {
  400: ['Invalid input; the message names the field', 'invalid_request', 'limit: must be <= 500'],
  401: ['Missing, malformed, unknown, expired or revoked API key', 'unauthorized', 'A valid API key is required'],
  403: ['The key is read only', 'forbidden', 'This API key is read only'],
  404: ['Not found', 'not_found', 'No ONU with id 42'],
  409: ['Conflicts with the current state', 'conflict', 'mac: This MAC belongs to ONU #7'],
  429: ['Too many requests with this key; see Retry-After', 'rate_limited', 'Rate limit exceeded, retry in 1 minute'],
};

function errorResponse(status: number) {
  const [description, code, message] = ERROR_MESSAGES[status]!;
  return {
    description,
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: { type: 'string' }, message: { type: 'string' } },
      },
    },
    examples: [{ error: { code, message } }],
  };
}

/** The error answers of a route: 401 and 429 always, plus the given ones. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries([400, 401, 429, ...statuses].map((status) => [status, errorResponse(status)]));
}

export const ONU_EXAMPLE = {
  id: 42,
  name: 'Flat 12, Lenina 5',
  olt: { id: 3, name: 'OLT-North' },
  shelf: 1,
  slot: 2,
  port: 7,
  number: 14,
  position: '1/2/7:14',
  mac: 'e0:67:b3:12:34:56',
  sn: 'ZTEGC6E96AD7',
  description: '',
  createdAt: '2025-03-14T09:26:53.000Z',
  customer: { id: 1045, full_name: 'Ivan Petrov', login: 'petrov', balance: 250.5, syncedAt: '2025-06-01T03:00:12.000Z' },
};

export const OLT_EXAMPLE = { id: 3, name: 'OLT-North', model: 'ZTE C320', host: '10.0.0.3', description: 'Main building', onuCount: 512 };

export const RUN_EXAMPLE = {
  id: 17,
  type: 'sync',
  trigger: 'api',
  status: 'succeeded',
  startedAt: '2025-06-01T03:00:00.000Z',
  finishedAt: '2025-06-01T03:00:12.000Z',
  customersTotal: 5210,
  customersFetched: 5210,
  onusLinked: 4870,
  onusChanged: 12,
  onusUnlinked: 3,
  conflicts: 0,
  error: null,
};

export const onuSchema = {
  type: 'object',
  required: ['id', 'name', 'olt', 'shelf', 'slot', 'port', 'number', 'position', 'mac', 'sn', 'description', 'createdAt', 'customer'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    olt: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'integer' }, name: { type: 'string' } } },
    shelf: { type: 'integer' },
    slot: { type: 'integer' },
    port: { type: 'integer' },
    number: { type: 'integer' },
    position: { type: 'string', description: '"shelf/slot/port:number"' },
    mac: { type: ['string', 'null'], description: 'Lower-case aa:bb:cc:dd:ee:ff' },
    sn: { type: ['string', 'null'], description: 'Upper-case serial number' },
    description: { type: 'string' },
    createdAt: isoTime,
    customer: {
      type: ['object', 'null'],
      additionalProperties: true,
      description: 'The linked UserSide customer: the fields selected on the Integration page under their UserSide JSON names, plus syncedAt; null when none is linked',
    },
  },
} as const;

export const oltSchema = {
  type: 'object',
  required: ['id', 'name', 'model', 'host', 'description', 'onuCount'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    model: { type: 'string', enum: [...OLT_MODELS] },
    host: { type: 'string' },
    description: { type: 'string' },
    onuCount: { type: 'integer' },
  },
} as const;

export const runSchema = {
  type: 'object',
  required: ['id', 'type', 'trigger', 'status', 'startedAt', 'finishedAt', 'customersTotal', 'customersFetched', 'onusLinked', 'onusChanged', 'onusUnlinked', 'conflicts', 'error'],
  properties: {
    id: { type: 'integer' },
    type: { type: 'string', enum: ['import', 'sync'] },
    trigger: { type: 'string', enum: ['manual', 'schedule', 'api'] },
    status: { type: 'string', enum: ['running', 'succeeded', 'failed', 'interrupted'] },
    startedAt: isoTime,
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
    customersTotal: { type: ['integer', 'null'] },
    customersFetched: { type: 'integer' },
    onusLinked: { type: 'integer' },
    onusChanged: { type: 'integer' },
    onusUnlinked: { type: 'integer' },
    conflicts: { type: 'integer' },
    error: { type: ['string', 'null'] },
  },
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { ...id, description: 'The ONU id' } },
} as const;

const onuFields = {
  oltId: { ...id, description: 'The OLT the ONU is on' },
  shelf: { type: 'integer', minimum: 0, maximum: 255 },
  slot: { type: 'integer', minimum: 0, maximum: 255 },
  port: { type: 'integer', minimum: 0, maximum: 255 },
  number: { type: 'integer', minimum: 0, maximum: 65535, description: 'The ONU number on its port' },
  name: { type: 'string', maxLength: 100 },
  mac: { type: ['string', 'null'], maxLength: 64, description: 'Any common form (aa:bb:cc:dd:ee:ff, AABB.CCDD.EEFF, aabbccddeeff...); a MAC, a serial number or both' },
  sn: { type: ['string', 'null'], maxLength: 64, description: 'GPON serial number, e.g. ZTEGC6E96AD7' },
  description: { type: 'string', maxLength: 500 },
} as const;

export const onuCreateBody = {
  type: 'object',
  required: ['oltId', 'shelf', 'slot', 'port', 'number'],
  properties: onuFields,
  examples: [{ oltId: 3, shelf: 1, slot: 2, port: 7, number: 14, name: 'Flat 12, Lenina 5', mac: 'E0-67-B3-12-34-56', description: '' }],
} as const;

export const onuPatchBody = {
  type: 'object',
  minProperties: 1,
  properties: onuFields,
  examples: [{ name: 'Flat 14, Lenina 5', sn: 'ztegc6e96ad7' }],
} as const;

export const oltCreateBody = {
  type: 'object',
  required: ['name', 'model'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    model: { type: 'string', enum: [...OLT_MODELS] },
    host: { type: 'string', maxLength: 255, description: 'Host name or IP address' },
    description: { type: 'string', maxLength: 500 },
  },
  examples: [{ name: 'OLT-North', model: 'ZTE C320', host: '10.0.0.3', description: 'Main building' }],
} as const;

export const onuListQuery = {
  type: 'object',
  properties: {
    search: { type: 'string', maxLength: 200, description: 'Part of the name, MAC, serial number, or the linked customer\'s name or login' },
    olt: { ...id, description: 'Only ONUs on this OLT (its id)' },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    cursor: { type: 'string', maxLength: 100, description: 'nextCursor of the previous page' },
  },
} as const;
