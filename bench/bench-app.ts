// Shared set-up for the inventory benchmarks: the real app on a temporary
// database, listening on loopback, with a signed-in session for HTTP clients.
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createInventoryRepository } from '../src/inventory/repository.js';
import { ADMIN_PASSWORD, TestClient } from '../test/helpers/app.js';

export interface BenchApp {
  app: FastifyInstance;
  baseUrl: string;
  /** The Cookie header of a signed-in admin. */
  cookie: string;
  csrfToken: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function startBenchApp(): Promise<BenchApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'easypon-bench-'));
  const app = await buildApp(loadConfig({ DATA_DIR: dataDir, ADMIN_PASSWORD, LOG_LEVEL: 'silent' }));
  const client = await new TestClient(app).signIn('admin', ADMIN_PASSWORD);
  await client.get('/onus/import');
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    cookie: [...client.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; '),
    csrfToken: client.csrfToken,
    dataDir,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `count` ONUs spread over `olts` new OLTs (MACs and serials from benchMac/benchSn); returns the OLT ids. */
export function seedBenchOnus(app: FastifyInstance, count: number, olts: number): number[] {
  const inventory = createInventoryRepository(app.db, app.inventoryExtensions.searchConditions);
  const oltIds = Array.from({ length: olts }, (_, i) => inventory.createOlt({ name: `OLT-${i + 1}`, model: 'ZTE C320', host: '', description: '' }).id);
  inventory.insertOnus((function* () {
    for (let i = 1; i <= count; i++) {
      const k = Math.floor((i - 1) / olts);
      yield { oltId: oltIds[(i - 1) % olts]!, shelf: 0, slot: Math.floor(k / 2048), port: Math.floor(k / 128) % 16, number: k % 128, name: `Subscriber ${i}`, mac: benchMac(i), sn: benchSn(i), description: '' };
    }
  })(), new Date());
  app.db.$client.pragma('optimize');
  return oltIds;
}

/** A deterministic MAC per index, spread over the address space (so partial searches hit a few). */
export function benchMac(i: number): string {
  const x = (Math.imul(i, 2654435761) >>> 0).toString(16).padStart(8, '0');
  return `02:${(i >> 16 & 255).toString(16).padStart(2, '0')}:${x.match(/../g)!.join(':')}`;
}

export function benchSn(i: number): string {
  return 'BNCH' + i.toString(16).toUpperCase().padStart(8, '0');
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}
