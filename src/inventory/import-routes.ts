import fastifyMultipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { recordEvent } from '../events/record.js';
import { checkOnuImport, IMPORT_COLUMNS, type ImportCheck } from './csv-import.js';
import { createImportStaging, type ImportStaging } from './import-staging.js';
import { readCsvRecords, toCsvLine } from './csv.js';
import { onuListQuery, type OnuListQuery } from './onu-list-query.js';
import { createInventoryRepository, type InventoryRepository } from './repository.js';

export const MAX_UPLOAD_MB = 50;
const EXPORT_BATCH = 1000;
const BOM = '\uFEFF'; // so spreadsheet programs read the file as UTF-8

interface ImportResult {
  fileName: string;
  message: string;
  check: ImportCheck | null;
}

/** /onus/import (the CSV upload, checked whole, then one transaction), the template and the export. */
export async function importRoutes(app: FastifyInstance) {
  const inventory = createInventoryRepository(app.db, app.inventoryExtensions.searchConditions);
  // Registered here, so only these routes accept multipart bodies.
  await app.register(fastifyMultipart, { limits: { fileSize: MAX_UPLOAD_MB * 1024 * 1024, files: 1, fields: 5, parts: 6 } });

  function renderImport(request: FastifyRequest, reply: FastifyReply, result: ImportResult | null) {
    const data = { title: 'Import ONUs', columns: IMPORT_COLUMNS.join(','), maxMb: MAX_UPLOAD_MB, result };
    if (request.isHtmx) return reply.fragment('inventory/import-result', data);
    return reply.page('inventory/import', data);
  }

  app.get('/onus/import', async function showImportForm(request, reply) {
    return renderImport(request, reply, null);
  });

  app.post('/onus/import', {
    // The body is read after the CSRF check, so the form sends its token in the query string.
    onRequest: async (request) => {
      const token = (request.query as Record<string, unknown>)._csrf;
      if (typeof token === 'string' && !request.headers['x-csrf-token']) request.headers['x-csrf-token'] = token;
    },
  }, async function importOnus(request, reply) {
    const refuse = (status: number, fileName: string, message: string, check: ImportCheck | null = null) =>
      renderImport(request, reply.code(status), { fileName, message, check });
    if (!request.isMultipart()) return refuse(400, '', 'Choose a CSV file to upload.');
    // A multipart body without a boundary, or cut short, is the client's fault: a 400, not a 500.
    const part = await request.file().catch(() => undefined);
    if (!part || !part.filename) {
      if (part) await drain(part.file);
      return refuse(400, '', 'Choose a CSV file to upload.');
    }
    const fileName = part.filename.slice(0, 200);
    const staging = createImportStaging(app.db);
    try {
      return await checkAndImport(request, reply, part, fileName, staging);
    } finally {
      staging.drop();
    }
  });

  async function checkAndImport(request: FastifyRequest, reply: FastifyReply, part: MultipartFile, fileName: string, staging: ImportStaging) {
    const refuse = (status: number, message: string, check: ImportCheck | null = null) =>
      renderImport(request, reply.code(status), { fileName, message, check });
    let check: ImportCheck;
    try {
      check = await checkOnuImport(readCsvRecords(part.file.iterator({ destroyOnReturn: false })), inventory.listOltChoices(), inventory.onuLookups(), staging);
      await drain(part.file);
    } catch (err) {
      if (!isUploadError(err)) throw err;
      return refuse(400, 'The upload was cut short: nothing was imported. Upload the file again.');
    }
    if (part.file.truncated) return refuse(413, `The file is larger than ${MAX_UPLOAD_MB} MB; split it into smaller files.`);

    if (check.problemCount > 0) {
      recordEvent(app.db, {
        kind: 'onu.import.refused', actor: request.actor(), ip: request.ip,
        message: `Refused the import of "${fileName}": ${check.problemCount} bad line${check.problemCount === 1 ? '' : 's'} of ${check.lines}`,
      }, app.now());
      const many = check.problemCount === 1 ? '1 line is' : `${check.problemCount} lines are`;
      return refuse(422, `Nothing was imported: ${many} not right. Fix ${check.problemCount === 1 ? 'it' : 'them'} and upload the file again.`, check);
    }
    const imported = insertStaged(staging, app.now());
    if (imported === null) {
      return refuse(409, 'Nothing was imported: the inventory changed while the file was being checked. Upload the file again.');
    }
    recordEvent(app.db, { kind: 'onu.imported', actor: request.actor(), ip: request.ip, message: `Imported ${imported} ONU${imported === 1 ? '' : 's'} from "${fileName}" (${check.lines} lines)` }, app.now());
    reply.flash('success', `Imported ${imported} ONU${imported === 1 ? '' : 's'} from "${fileName}".`);
    if (request.isHtmx) return reply.header('HX-Redirect', '/onus').code(204).send();
    return reply.redirect('/onus');
  }

  app.get('/onus/import/template.csv', async function downloadImportTemplate(_request, reply) {
    const olt = inventory.listOltChoices()[0]?.name ?? 'OLT-1';
    const example = toCsvLine([olt, 1, 2, 3, 17, 'Flat 12', 'aa:bb:cc:dd:ee:ff', 'ZTEGC6E96AD7', 'Main St 5']);
    return csvDownload(reply, 'onus-template.csv').send(`${BOM}${IMPORT_COLUMNS.join(',')}\r\n${example}\r\n`);
  });

  app.get('/onus/export.csv', async function exportOnus(request, reply) {
    const query = onuListQuery(request.query);
    return csvDownload(reply, 'onus.csv').send(Readable.from(exportLines(inventory, query)));
  });
}

function csvDownload(reply: FastifyReply, fileName: string): FastifyReply {
  return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${fileName}"`);
}

/** The list as the import reads it, fetched a batch at a time so memory stays flat. */
async function* exportLines(inventory: InventoryRepository, query: OnuListQuery): AsyncGenerator<string> {
  yield `${BOM}${IMPORT_COLUMNS.join(',')}\r\n`;
  let afterId: number | undefined;
  for (;;) {
    const batch = inventory.listOnus({ search: query.search, oltId: query.oltId, afterId, limit: EXPORT_BATCH });
    if (!batch.length) return;
    yield batch.map((onu) => toCsvLine([onu.oltName, onu.shelf, onu.slot, onu.port, onu.number, onu.name, onu.mac, onu.sn, onu.description]) + '\r\n').join('');
    afterId = batch[batch.length - 1]!.id;
  }
}

/**
 * Writes every staged ONU in one transaction; null when the database refused:
 * another write took a position, MAC or serial since the check.
 */
function insertStaged(staging: ImportStaging, at: Date): number | null {
  try {
    return staging.insertAll(at);
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) return null;
    throw error;
  }
}

/** Reads the rest of an upload so the request ends cleanly whatever the check stopped at. */
async function drain(stream: NodeJS.ReadableStream & { readableEnded?: boolean; destroyed?: boolean }): Promise<void> {
  if (stream.readableEnded || stream.destroyed) return;
  stream.resume();
  await finished(stream as Readable).catch(() => undefined);
}

// busboy's complaints about a malformed or truncated multipart body.
function isUploadError(err: unknown): boolean {
  return err instanceof Error && /multipart|unexpected end|boundary/i.test(err.message);
}
