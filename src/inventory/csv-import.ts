// The ONU CSV import: the whole file is checked before anything is written,
// the good lines staged (import-staging.ts), then all of them go in at once.
import { CsvError, type CsvRecord } from './csv.js';
import { formatPosition, parseOnuInput } from './onu-input.js';
import type { ClaimKind, ImportStaging } from './import-staging.js';
import type { InventoryRepository, Olt } from './repository.js';

export const IMPORT_COLUMNS = ['olt', 'shelf', 'slot', 'port', 'number', 'name', 'mac', 'sn', 'description'] as const;
type Column = (typeof IMPORT_COLUMNS)[number];
const REQUIRED_COLUMNS: Column[] = ['olt', 'shelf', 'slot', 'port', 'number'];

/** Past this many, bad lines are counted but not listed: the page stays readable. */
export const MAX_LISTED_PROBLEMS = 1000;

export interface ImportProblem {
  line: number;
  reason: string;
}

export interface ImportCheck {
  /** Data lines read (the header and blank lines aside). */
  lines: number;
  /** The first MAX_LISTED_PROBLEMS bad lines, in file order. */
  problems: ImportProblem[];
  problemCount: number;
}

type Lookups = ReturnType<InventoryRepository['onuLookups']>;

const BATCH_LINES = 500;

/**
 * Reads every record and reports each bad line with its number and reasons;
 * while no line is bad, the good ones are staged for the insert.
 */
export async function checkOnuImport(records: AsyncIterable<CsvRecord>, olts: Pick<Olt, 'id' | 'name'>[], lookups: Lookups, staging: ImportStaging): Promise<ImportCheck> {
  const check: ImportCheck = { lines: 0, problems: [], problemCount: 0 };
  const report = (line: number, reason: string) => {
    check.problemCount++;
    if (check.problems.length < MAX_LISTED_PROBLEMS) check.problems.push({ line, reason });
  };
  const oltsByName = new Map(olts.map((olt) => [olt.name.toLowerCase(), olt]));
  let columns: (Column | null)[] | undefined;
  let batch: CsvRecord[] = [];
  // Lines are checked a batch at a time, synchronously, so each batch's staging is one transaction.
  const checkBatch = () => staging.inTransaction(() => {
    for (const record of batch) {
      const reasons = checkLine(record, columns!, oltsByName, staging, lookups);
      if (reasons.length) report(record.line, reasons.join('; '));
    }
    batch = [];
  });

  try {
    for await (const record of records) {
      if (!columns) {
        const header = readHeader(record);
        if ('problem' in header) {
          report(record.line, header.problem);
          return check;
        }
        columns = header.columns;
        continue;
      }
      if (record.fields.every((field) => field.trim() === '')) continue;
      check.lines++;
      batch.push(record);
      if (batch.length >= BATCH_LINES) checkBatch();
    }
    if (columns) checkBatch();
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    report(error.line, `the file cannot be read: ${error.message}`);
    return check;
  }
  if (!columns) report(1, `the file is empty; its first line must be the header: ${IMPORT_COLUMNS.join(',')}`);
  else if (check.lines === 0 && check.problemCount === 0) report(2, 'the file has a header but no ONUs');
  return check;
}

function readHeader(record: CsvRecord): { columns: Column[] } | { problem: string } {
  const names = record.fields.map((field) => field.trim().toLowerCase());
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (!(IMPORT_COLUMNS as readonly string[]).includes(name)) {
      problems.push(name ? `unknown column "${name}"` : 'a column has no name');
    } else if (seen.has(name)) problems.push(`column "${name}" appears twice`);
    seen.add(name);
  }
  for (const name of REQUIRED_COLUMNS) if (!seen.has(name)) problems.push(`no "${name}" column`);
  if (!seen.has('mac') && !seen.has('sn')) problems.push('no "mac" and no "sn" column; at least one is needed');
  if (problems.length) {
    return { problem: `the header is not right: ${problems.join('; ')} (the columns are ${IMPORT_COLUMNS.join(',')}, in any order)` };
  }
  return { columns: names as Column[] };
}

const FIELD_COLUMNS: Record<string, Column> = { oltId: 'olt', shelf: 'shelf', slot: 'slot', port: 'port', number: 'number', name: 'name', mac: 'mac', sn: 'sn', description: 'description' };

function checkLine(
  record: CsvRecord,
  columns: (Column | null)[],
  oltsByName: Map<string, Pick<Olt, 'id' | 'name'>>,
  staging: ImportStaging,
  lookups: Lookups,
): string[] {
  if (record.fields.length !== columns.length) {
    return [`has ${record.fields.length} fields, the header has ${columns.length}`];
  }
  const raw: Record<string, string> = {};
  columns.forEach((column, i) => {
    if (column) raw[column] = unescapeFormula(record.fields[i]!.trim());
  });

  const reasons: string[] = [];
  const oltName = raw.olt ?? '';
  const olt = oltsByName.get(oltName.toLowerCase());
  if (!oltName) reasons.push('no OLT');
  else if (!olt) reasons.push(`unknown OLT ${quoted(oltName)}`);

  const parsed = parseOnuInput({ ...raw, oltId: olt ? String(olt.id) : '' });
  if (!parsed.ok) {
    for (const [field, message] of Object.entries(parsed.errors)) {
      if (field === 'oltId') continue;
      reasons.push(fieldReason(field, message, raw));
    }
    return reasons;
  }
  if (!olt) return reasons;

  const onu = parsed.value;
  const position = formatPosition(onu);
  const positionKey = `${onu.oltId}/${position}`;
  const alsoOn = (kind: ClaimKind, key: string) => staging.claim(kind, key, record.line);
  const samePositionLine = alsoOn('position', positionKey);
  if (samePositionLine !== undefined) reasons.push(`duplicate position ${position} on OLT "${olt.name}" (also on line ${samePositionLine})`);
  else {
    const taken = lookups.idAtPosition(onu);
    if (taken !== undefined) reasons.push(`position ${position} on OLT "${olt.name}" is taken by ONU #${taken}`);
  }
  if (onu.mac) {
    const line = alsoOn('mac', onu.mac);
    if (line !== undefined) reasons.push(`duplicate MAC ${onu.mac} (also on line ${line})`);
    else {
      const owner = lookups.idWithMac(onu.mac);
      if (owner !== undefined) reasons.push(`MAC ${onu.mac} belongs to ONU #${owner}`);
    }
  }
  if (onu.sn) {
    const line = alsoOn('sn', onu.sn);
    if (line !== undefined) reasons.push(`duplicate serial number ${onu.sn} (also on line ${line})`);
    else {
      const owner = lookups.idWithSn(onu.sn);
      if (owner !== undefined) reasons.push(`serial number ${onu.sn} belongs to ONU #${owner}`);
    }
  }
  if (!reasons.length) staging.add(record.line, onu);
  return reasons;
}

function fieldReason(field: string, message: string, raw: Record<string, string>): string {
  const column = FIELD_COLUMNS[field] ?? field;
  const value = raw[column] ?? '';
  if (field === 'mac' && !value) return 'no MAC and no serial number; give at least one';
  if (field === 'mac') return `bad MAC ${quoted(value)}`;
  if (field === 'sn') return `bad serial number ${quoted(value)}`;
  const lowered = message.charAt(0).toLowerCase() + message.slice(1);
  return value ? `${column} ${quoted(value)}: ${lowered}` : `${column} is empty: ${lowered}`;
}

/** The export writes `'=x` for text a spreadsheet would run as a formula; this reads it back as `=x`. */
function unescapeFormula(value: string): string {
  return /^'[=+\-@]/.test(value) ? value.slice(1) : value;
}

/** A typed value inside a reason, cut short: a field can be 10,000 characters long. */
function quoted(value: string): string {
  return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
}
