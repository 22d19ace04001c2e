// A small streaming CSV reader for the ONU import, and one line of CSV for the
// export. Uploads are untrusted, so the reader holds at most the current
// record and one chunk, and refuses fields and records past fixed limits.

export const CSV_MAX_FIELD_LENGTH = 10_000;
export const CSV_MAX_FIELDS = 100;

/** One record and the physical line it starts on (1 = the first line of the file). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** A file the reader cannot read, with the line the problem is on. */
export class CsvError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
    this.name = 'CsvError';
  }
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;
const LF = 0x0a;
const CR = 0x0d;
const BOM = 0xfeff;
const REPLACEMENT_CHARACTER = '\uFFFD';

// Far longer than any real header; past it the delimiter is decided on what was seen.
const HEADER_SNIFF_LIMIT = 64 * 1024;

/**
 * Reads UTF-8 CSV (BOM optional) from a byte or text stream, record by record;
 * `,` or `;` is picked from the header line. Throws CsvError on a broken file,
 * after yielding every record before the problem.
 */
export async function* readCsvRecords(source: AsyncIterable<Buffer | string>): AsyncGenerator<CsvRecord> {
  const decoder = new TextDecoder('utf-8'); // drops a leading BOM by itself
  const reader = new CsvTextReader();
  for await (const chunk of source) {
    // A string after bytes: flush the decoder first so text stays in order.
    const text = typeof chunk === 'string' ? decoder.decode() + chunk : decoder.decode(chunk, { stream: true });
    yield* reader.read(text);
  }
  yield* reader.read(decoder.decode());
  yield* reader.end();
}

/** Holds the text back until the delimiter is known, then hands it to a parser. */
class CsvTextReader {
  private readonly sniffer = new DelimiterSniffer();
  private parser: CsvParser | undefined;
  private atStart = true;

  read(text: string): Iterable<CsvRecord> {
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.charCodeAt(0) === BOM) text = text.slice(1); // text chunks keep theirs
    }
    // The decoder puts U+FFFD where the bytes are not UTF-8 (a Windows-1251 export, say).
    const invalidAt = text.indexOf(REPLACEMENT_CHARACTER);
    const valid = invalidAt === -1 ? text : text.slice(0, invalidAt);
    return recordsUntilFailure((out) => {
      if (this.parser) this.parser.push(valid, out);
      else if (this.sniffer.scan(valid)) this.startParser(out);
      if (invalidAt !== -1) {
        const line = (this.parser ?? this.startParser(out)).line;
        throw new CsvError(line, 'the file is not UTF-8 text; save it as "CSV UTF-8"');
      }
    });
  }

  end(): Iterable<CsvRecord> {
    return recordsUntilFailure((out) => (this.parser ?? this.startParser(out)).end(out));
  }

  private startParser(out: CsvRecord[]): CsvParser {
    this.parser = new CsvParser(this.sniffer.delimiter());
    this.parser.push(this.sniffer.takeText(), out);
    return this.parser;
  }
}

/** Yields the records `parse` produced, then rethrows its failure if it had one. */
function* recordsUntilFailure(parse: (out: CsvRecord[]) => void): Generator<CsvRecord> {
  const records: CsvRecord[] = [];
  let failure: { error: unknown } | undefined;
  try {
    parse(records);
  } catch (error) {
    failure = { error };
  }
  yield* records;
  if (failure) throw failure.error;
}

/**
 * Reads the header line as it arrives: the delimiter is whichever of `,` and `;`
 * occurs more often outside quotes, `,` on a tie or when neither does.
 */
class DelimiterSniffer {
  private text = '';
  private commas = 0;
  private semicolons = 0;
  private quoted = false;
  private justClosedQuote = false;
  private atFieldStart = true;
  private lineHasContent = false;

  /** Adds text; true once the header line is complete (or long enough to decide on). */
  scan(text: string): boolean {
    this.text += text;
    for (let i = 0; i < text.length; i++) {
      if (this.scanChar(text.charCodeAt(i))) return true;
    }
    return this.text.length > HEADER_SNIFF_LIMIT;
  }

  delimiter(): number {
    return this.semicolons > this.commas ? SEMICOLON : COMMA;
  }

  takeText(): string {
    const text = this.text;
    this.text = '';
    return text;
  }

  private scanChar(c: number): boolean {
    if (this.quoted) {
      if (c === QUOTE) {
        this.quoted = false;
        this.justClosedQuote = true;
      }
      return false;
    }
    const reopensQuote = c === QUOTE && (this.atFieldStart || this.justClosedQuote); // `""` inside quotes
    this.justClosedQuote = false;
    this.atFieldStart = false;
    if (c === LF || c === CR) {
      this.atFieldStart = true;
      return this.lineHasContent; // blank lines before the header do not end it
    }
    this.lineHasContent = true;
    if (reopensQuote) this.quoted = true;
    else if (c === COMMA || c === SEMICOLON) {
      this.atFieldStart = true;
      if (c === COMMA) this.commas++;
      else this.semicolons++;
    }
    return false;
  }
}

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3; // a `"` inside quotes: the end of the field, or the first half of `""`

/** The record state machine; its state survives chunk boundaries, whatever they cut. */
class CsvParser {
  /** The physical line the next character is on. */
  line = 1;
  private recordLine = 1;
  private recordStarted = false;
  private fields: string[] = [];
  private fieldSoFar = ''; // the current field's text from earlier chunks
  private state = FIELD_START;
  private skipLf = false; // the last chunk ended on CR

  constructor(private readonly delimiter: number) {}

  push(text: string, out: CsvRecord[]): void {
    const n = text.length;
    const delimiter = this.delimiter;
    let i = 0;
    let segmentStart = 0; // where the current field's text starts in this chunk
    if (this.skipLf && n > 0) {
      this.skipLf = false;
      if (text.charCodeAt(0) === LF) i = segmentStart = 1;
    }

    while (i < n) {
      let c = text.charCodeAt(i);
      switch (this.state) {
        case FIELD_START:
          if (!this.recordStarted) {
            if (c === LF || c === CR) {
              i = this.endLine(text, i); // a blank line
              segmentStart = i;
              continue;
            }
            this.recordStarted = true;
            this.recordLine = this.line;
          }
          if (c === QUOTE) {
            this.state = QUOTED;
            segmentStart = ++i;
            continue;
          }
          this.state = UNQUOTED;
          segmentStart = i;
        // falls through: c is the field's first character
        case UNQUOTED:
          while (c !== delimiter && c !== LF && c !== CR) {
            if (++i === n) break;
            c = text.charCodeAt(i);
          }
          if (i === n) continue;
          this.endField(text.slice(segmentStart, i));
          if (c === delimiter) {
            this.state = FIELD_START;
            segmentStart = ++i;
          } else {
            i = this.endRecord(text, i, out);
            segmentStart = i;
          }
          continue;
        case QUOTED:
          while (c !== QUOTE) {
            if (c === LF) this.line++;
            if (++i === n) break;
            c = text.charCodeAt(i);
          }
          if (i === n) continue;
          this.appendToField(text.slice(segmentStart, i));
          this.state = QUOTE_IN_QUOTED;
          i++;
          continue;
        case QUOTE_IN_QUOTED:
          if (c === QUOTE) {
            this.state = QUOTED;
            segmentStart = i++; // keeps one `"` of the pair
            continue;
          }
          if (c === delimiter) {
            this.endField('');
            this.state = FIELD_START;
            segmentStart = ++i;
            continue;
          }
          if (c === LF || c === CR) {
            this.endField('');
            i = this.endRecord(text, i, out);
            segmentStart = i;
            continue;
          }
          throw new CsvError(this.line, 'a closing quote must be followed by a delimiter or the end of the line');
      }
    }

    if (this.state === UNQUOTED || this.state === QUOTED) this.appendToField(text.slice(segmentStart));
  }

  end(out: CsvRecord[]): void {
    if (this.state === QUOTED) {
      throw new CsvError(this.recordLine, 'a quoted field is never closed; the file ends inside it');
    }
    if (this.recordStarted) {
      this.endField('');
      this.emitRecord(out);
    }
  }

  private appendToField(text: string): void {
    this.fieldSoFar += text;
    if (this.fieldSoFar.length > CSV_MAX_FIELD_LENGTH) {
      throw new CsvError(this.recordLine, `a field is longer than ${CSV_MAX_FIELD_LENGTH} characters`);
    }
  }

  private endField(lastPart: string): void {
    this.appendToField(lastPart);
    if (this.fields.length === CSV_MAX_FIELDS) {
      throw new CsvError(this.recordLine, `a line has more than ${CSV_MAX_FIELDS} fields`);
    }
    this.fields.push(this.fieldSoFar);
    this.fieldSoFar = '';
  }

  private endRecord(text: string, newlineAt: number, out: CsvRecord[]): number {
    this.emitRecord(out);
    return this.endLine(text, newlineAt);
  }

  private emitRecord(out: CsvRecord[]): void {
    out.push({ line: this.recordLine, fields: this.fields });
    this.fields = [];
    this.recordStarted = false;
    this.state = FIELD_START;
  }

  /** Steps over LF, CRLF or a lone CR; returns the index after it. */
  private endLine(text: string, newlineAt: number): number {
    this.line++;
    if (text.charCodeAt(newlineAt) === LF) return newlineAt + 1;
    if (newlineAt + 1 === text.length) {
      this.skipLf = true;
      return newlineAt + 1;
    }
    return text.charCodeAt(newlineAt + 1) === LF ? newlineAt + 2 : newlineAt + 1;
  }
}

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",;\r\n]/;

/**
 * One CSV line (no line break) for export. Text a spreadsheet would run as a
 * formula gets a leading `'`; plain numbers such as `-1` are left alone.
 */
export function toCsvLine(fields: (string | number | null)[]): string {
  return fields.map(toCsvField).join(',');
}

function toCsvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
