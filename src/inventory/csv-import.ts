// The ONU CSV import: the whole file is checked before anything is written,
// and then every line goes in at once (repository.insertOnus, one transaction).
import { CsvError, type CsvRecord } from './csv.js';
import { formatPosition, parseOnuInput, type OnuInput } from './onu-input.js';
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
  /** Every ONU of the file, in order; empty when a problem was found (nothing will be written). */
  rows: OnuInput[];
  /** The first MAX_LISTED_PROBLEMS bad lines, in file order. */
  problems: ImportProblem[];
  problemCount: number;
}

type Lookups = ReturnType<InventoryRepository['onuLookups']>;

/** Reads every record and reports each bad line with its number and reasons. */
export async function checkOnuImport(records: AsyncIterable<CsvRecord>, olts: Pick<Olt, 'id' | 'name'>[], lookups: Lookups): Promise<ImportCheck> {
  const check: ImportCheck = { lines: 0, rows: [], problems: [], problemCount: 0 };
  const report = (line: number, reason: string) => {
    check.problemCount++;
    if (check.problems.length < MAX_LISTED_PROBLEMS) check.problems.push({ line, reason });
    check.rows = [];
  };
  const oltsByName = new Map(olts.map((olt) => [olt.name.toLowerCase(), olt]));
  const seen = { mac: new Map<string, number>(), sn: new Map<string, number>(), position: new Map<string, number>() };
  let columns: (Column | null)[] | undefined;

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
      const reasons = checkLine(record, columns, oltsByName, seen, lookups, check.problemCount === 0 ? check.rows : null);
      if (reasons.length) report(record.line, reasons.join('; '));
    }
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
  seen: { mac: Map<string, number>; sn: Map<string, number>; position: Map<string, number> },
  lookups: Lookups,
  rows: OnuInput[] | null,
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
  const alsoOn = (map: Map<string, number>, key: string) => {
    const line = map.get(key);
    if (line === undefined) map.set(key, record.line);
    return line;
  };
  const samePositionLine = alsoOn(seen.position, positionKey);
  if (samePositionLine !== undefined) reasons.push(`duplicate position ${position} on OLT "${olt.name}" (also on line ${samePositionLine})`);
  else {
    const taken = lookups.idAtPosition(onu);
    if (taken !== undefined) reasons.push(`position ${position} on OLT "${olt.name}" is taken by ONU #${taken}`);
  }
  if (onu.mac) {
    const line = alsoOn(seen.mac, onu.mac);
    if (line !== undefined) reasons.push(`duplicate MAC ${onu.mac} (also on line ${line})`);
    else {
      const owner = lookups.idWithMac(onu.mac);
      if (owner !== undefined) reasons.push(`MAC ${onu.mac} belongs to ONU #${owner}`);
    }
  }
  if (onu.sn) {
    const line = alsoOn(seen.sn, onu.sn);
    if (line !== undefined) reasons.push(`duplicate serial number ${onu.sn} (also on line ${line})`);
    else {
      const owner = lookups.idWithSn(onu.sn);
      if (owner !== undefined) reasons.push(`serial number ${onu.sn} belongs to ONU #${owner}`);
    }
  }
  if (!reasons.length) rows?.push(onu);
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
