import { formatPosition } from '../inventory/onu-input.js';
import type { Olt, OnuWithOlt } from '../inventory/repository.js';

/** An ONU as the External API shows it (product.md "ONU JSON"). */
export function toOnuJson(onu: OnuWithOlt, customer: Record<string, unknown> | null) {
  return {
    id: onu.id,
    name: onu.name,
    olt: { id: onu.oltId, name: onu.oltName },
    shelf: onu.shelf,
    slot: onu.slot,
    port: onu.port,
    number: onu.number,
    position: formatPosition(onu),
    mac: onu.mac,
    sn: onu.sn,
    description: onu.description,
    createdAt: onu.createdAt.toISOString(),
    customer,
  };
}

/** An OLT as the External API shows it (product.md "OLT JSON"). */
export function toOltJson(olt: Olt, onuCount: number) {
  return { id: olt.id, name: olt.name, model: olt.model, host: olt.host, description: olt.description, onuCount };
}

// Cursors are opaque to clients: today the last id of the page, encoded so nobody builds on that.
const CURSOR_SHAPE = /^onu:(\d{1,15})$/;

export function encodeOnuCursor(lastId: number): string {
  return Buffer.from(`onu:${lastId}`).toString('base64url');
}

/** The id to continue after, or null when the text is not a cursor this API gave out. */
export function decodeOnuCursor(cursor: string): number | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const match = CURSOR_SHAPE.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : null;
}
