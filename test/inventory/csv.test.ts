import t from 'tap';
import { CSV_MAX_FIELD_LENGTH, CSV_MAX_FIELDS, CsvError, readCsvRecords, toCsvLine } from '../../src/inventory/csv.js';

type Expected = [line: number, fields: string[]][];

// Every case is read whole and cut into chunks of these many bytes, so a
// chunk boundary falls inside every field, quote pair, CRLF and multi-byte character.
const CHUNK_SIZES = [1, 2, 3, 5, 64, Infinity];

async function* bytesIn(input: Buffer, chunkSize: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < input.length; at += chunkSize) yield input.subarray(at, at + chunkSize);
}

async function* textIn(input: string): AsyncGenerator<string> {
  yield input;
}

async function readAll(source: AsyncIterable<Buffer | string>): Promise<Expected> {
  const records: Expected = [];
  for await (const { line, fields } of readCsvRecords(source)) records.push([line, fields]);
  return records;
}

async function readUntilError(source: AsyncIterable<Buffer | string>): Promise<{ records: Expected; error: unknown }> {
  const records: Expected = [];
  try {
    for await (const { line, fields } of readCsvRecords(source)) records.push([line, fields]);
  } catch (error) {
    return { records, error };
  }
  return { records, error: undefined };
}

const readCases: { name: string; input: string | Buffer; expected: Expected }[] = [
  {
    name: 'comma separated with LF and a trailing newline',
    input: 'olt,name,mac\nOLT-1,ONU 17,aa:bb:cc:00:00:11\n',
    expected: [
      [1, ['olt', 'name', 'mac']],
      [2, ['OLT-1', 'ONU 17', 'aa:bb:cc:00:00:11']],
    ],
  },
  {
    name: 'no trailing newline',
    input: 'a,b\n1,2',
    expected: [
      [1, ['a', 'b']],
      [2, ['1', '2']],
    ],
  },
  {
    name: 'CRLF',
    input: 'a,b\r\n1,2\r\n3,4\r\n',
    expected: [
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [3, ['3', '4']],
    ],
  },
  {
    name: 'a lone CR ends a line too',
    input: 'a,b\r1,2\r',
    expected: [
      [1, ['a', 'b']],
      [2, ['1', '2']],
    ],
  },
  {
    name: 'UTF-8 BOM is stripped',
    input: Buffer.from('\uFEFFname;mac\nONU;aa\n'),
    expected: [
      [1, ['name', 'mac']],
      [2, ['ONU', 'aa']],
    ],
  },
  {
    name: 'semicolon detected from the header',
    input: 'olt;name;description\nOLT-1;ONU, 17;Flat 4, floor 2\n',
    expected: [
      [1, ['olt', 'name', 'description']],
      [2, ['OLT-1', 'ONU, 17', 'Flat 4, floor 2']],
    ],
  },
  {
    name: 'a semicolon inside header quotes does not count',
    input: '"a;b",c\n1;2,3\n',
    expected: [
      [1, ['a;b', 'c']],
      [2, ['1;2', '3']],
    ],
  },
  {
    name: 'a comma inside header quotes does not count',
    input: '"a,""b"",c";d\n1,2;3\n',
    expected: [
      [1, ['a,"b",c', 'd']],
      [2, ['1,2', '3']],
    ],
  },
  {
    name: 'the more frequent delimiter wins',
    input: 'name;position, shelf;mac\n1;2;3\n',
    expected: [
      [1, ['name', 'position, shelf', 'mac']],
      [2, ['1', '2', '3']],
    ],
  },
  {
    name: 'a single-column file defaults to comma',
    input: 'mac\naa:bb\n',
    expected: [
      [1, ['mac']],
      [2, ['aa:bb']],
    ],
  },
  {
    name: 'quoted fields with an embedded delimiter, quote and newline',
    input: 'a,b,c\n"x,y","say ""hi""","line 1\nline 2"\n',
    expected: [
      [1, ['a', 'b', 'c']],
      [2, ['x,y', 'say "hi"', 'line 1\nline 2']],
    ],
  },
  {
    name: 'a CRLF inside quotes is kept',
    input: 'a\r\n"1\r\n2"\r\n',
    expected: [
      [1, ['a']],
      [2, ['1\r\n2']],
    ],
  },
  {
    name: 'line numbers count the physical lines of a multi-line field',
    input: 'a,b\n1,"one\ntwo\nthree"\n2,x\n\n3,"\n"\n4,y',
    expected: [
      [1, ['a', 'b']],
      [2, ['1', 'one\ntwo\nthree']],
      [5, ['2', 'x']],
      [7, ['3', '\n']],
      [9, ['4', 'y']],
    ],
  },
  {
    name: 'blank lines are skipped, LF or CRLF, before, between and after',
    input: '\n\r\na,b\n\n\r\n1,2\n\n',
    expected: [
      [3, ['a', 'b']],
      [6, ['1', '2']],
    ],
  },
  {
    name: 'empty fields, quoted empty fields and a trailing delimiter',
    input: 'a,b,c\n,,\n"",x,""\ny,\n""\n',
    expected: [
      [1, ['a', 'b', 'c']],
      [2, ['', '', '']],
      [3, ['', 'x', '']],
      [4, ['y', '']],
      [5, ['']],
    ],
  },
  {
    name: 'a quote inside an unquoted field is an ordinary character',
    input: 'screen,note\n12" screen,it\'s ok\n',
    expected: [
      [1, ['screen', 'note']],
      [2, ['12" screen', "it's ok"]],
    ],
  },
  {
    name: 'spaces around fields are kept as typed',
    input: 'a,b\n  1 , 2 \n',
    expected: [
      [1, ['a', 'b']],
      [2, ['  1 ', ' 2 ']],
    ],
  },
  {
    name: 'multi-byte characters (2, 3 and 4 bytes) survive any chunk boundary',
    input: Buffer.from('имя;описание\nОНУ 17;Квартира 4 — €5 🙂\n"日本";"ü""ß"\n'),
    expected: [
      [1, ['имя', 'описание']],
      [2, ['ОНУ 17', 'Квартира 4 — €5 🙂']],
      [3, ['日本', 'ü"ß']],
    ],
  },
  { name: 'a header only', input: 'a,b\n', expected: [[1, ['a', 'b']]] },
  { name: 'an empty file', input: '', expected: [] },
  { name: 'a file with only a BOM and blank lines', input: Buffer.from('\uFEFF\r\n\n'), expected: [] },
];

for (const { name, input, expected } of readCases) {
  t.test(name, async (t) => {
    const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input);
    for (const size of CHUNK_SIZES) {
      t.same(await readAll(bytesIn(bytes, size)), expected, `bytes in chunks of ${size}`);
    }
    t.same(await readAll(textIn(bytes.toString('utf8'))), expected, 'one text chunk');
  });
}

t.test('a BOM at the start of text chunks is stripped as well', async (t) => {
  t.same(await readAll(textIn('\uFEFFa;b\n1;2')), [
    [1, ['a', 'b']],
    [2, ['1', '2']],
  ]);
});

const longest = 'x'.repeat(CSV_MAX_FIELD_LENGTH);
const mostFields = Array.from({ length: CSV_MAX_FIELDS }, (_, i) => `f${i}`);

const errorCases: { name: string; input: string | Buffer; line: number; message: RegExp; before: number }[] = [
  {
    name: 'an unquoted field one character too long',
    input: `a,b\n1,${longest}\n2,${longest}x\n`,
    line: 3,
    message: /longer than 10000 characters/,
    before: 2,
  },
  {
    name: 'a quoted field one character too long',
    input: `a,b\n1,"${longest}"\n"\n${longest}",2\n`,
    line: 3,
    message: /longer than 10000 characters/,
    before: 2,
  },
  {
    name: 'a line with one field too many',
    input: `${mostFields.join(',')}\n${mostFields.join(',')},one more\n`,
    line: 2,
    message: /more than 100 fields/,
    before: 1,
  },
  {
    name: 'an unterminated quote at the end of the file',
    input: 'a,b\n1,2\n3,"never closed\nstill open\n',
    line: 3,
    message: /never closed/,
    before: 2,
  },
  {
    name: 'text after a closing quote',
    input: 'a,b\n1,"2"x\n',
    line: 2,
    message: /closing quote/,
    before: 1,
  },
  {
    name: 'bytes that are not UTF-8 (Windows-1251)',
    input: Buffer.concat([Buffer.from('a;b\n1;2\n3;'), Buffer.from([0xca, 0xe2, 0xe0, 0xf0]), Buffer.from('\n')]),
    line: 3,
    message: /not UTF-8/,
    before: 2,
  },
  {
    name: 'bytes that are not UTF-8 in the header',
    input: Buffer.concat([Buffer.from('\n\nname;'), Buffer.from([0xcc, 0xc0, 0xca]), Buffer.from('\n1;2\n')]),
    line: 3,
    message: /not UTF-8/,
    before: 0,
  },
  {
    name: 'a multi-byte character cut off by the end of the file',
    input: Buffer.concat([Buffer.from('a\nb\n'), Buffer.from('€').subarray(0, 2)]),
    line: 3,
    message: /not UTF-8/,
    before: 2,
  },
];

for (const { name, input, line, message, before } of errorCases) {
  t.test(name, async (t) => {
    const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input);
    for (const size of [1, 7, 4096, Infinity]) {
      const { records, error } = await readUntilError(bytesIn(bytes, size));
      t.type(error, CsvError, `a CsvError, chunks of ${size}`);
      t.equal((error as CsvError).line, line, `on line ${line}, chunks of ${size}`);
      t.match((error as CsvError).message, message);
      t.equal(records.length, before, `the records before it are read first, chunks of ${size}`);
    }
  });
}

t.test('the limits themselves are allowed', async (t) => {
  const records = await readAll(textIn(`${mostFields.join(',')}\n"${longest}"\n`));
  t.equal(records[0][1].length, CSV_MAX_FIELDS);
  t.equal(records[1][1][0].length, CSV_MAX_FIELD_LENGTH);
});

// A hostile upload that never ends a field must fail early, not fill memory.
async function* endless(prefix: string, filler: string): AsyncGenerator<Buffer> {
  yield Buffer.from(prefix);
  const chunk = Buffer.from(filler.repeat(16 * 1024));
  for (let sent = 0; sent < 1024; sent++) yield chunk; // 1024 chunks would be 16 MiB or more
  throw new Error('the reader kept reading a field past its limit');
}

for (const [name, prefix, filler] of [
  ['an endless unquoted field', 'a,b\n1,', 'x'],
  ['an endless quoted field', 'a,b\n1,"', 'x\n'],
  ['an endless header', '', 'x'],
]) {
  t.test(name, async (t) => {
    const { error } = await readUntilError(endless(prefix, filler));
    t.type(error, CsvError);
    t.match((error as CsvError).message, /longer than 10000 characters/);
  });
}

const csvLineCases: [fields: (string | number | null)[], expected: string][] = [
  [['OLT-1', 0, 1, 3, 17, 'ONU 17'], 'OLT-1,0,1,3,17,ONU 17'],
  [[null, '', 'x'], ',,x'],
  [['a,b', 'semi;colon', 'say "hi"', 'two\nlines', 'cr\r'], '"a,b","semi;colon","say ""hi""","two\nlines","cr\r"'],
  [['Квартира 4 🙂'], 'Квартира 4 🙂'],
  [['=SUM(A1:A9)', '+cmd', '-2+3', '@foo', '\tx'], "'=SUM(A1:A9),'+cmd,'-2+3,'@foo,'\tx"],
  [['=HYPERLINK("http://x", "y")'], `"'=HYPERLINK(""http://x"", ""y"")"`],
  [['-1', '+1', '-1.5', '-.5', '-1e3', -1, -0.25], '-1,+1,-1.5,-.5,-1e3,-1,-0.25'],
  [['- spare', '-', '='], "'- spare,'-,'="],
  [['a=b', 'x-1'], 'a=b,x-1'],
];

for (const [fields, expected] of csvLineCases) {
  t.equal(toCsvLine(fields), expected, `toCsvLine(${JSON.stringify(fields)})`);
}

t.test('toCsvLine output reads back to the same fields', async (t) => {
  const rows: (string | number | null)[][] = [
    ['name', 'mac', 'description'],
    ['ONU "17"', 'aa:bb:cc:00:00:11', 'Flat 4; floor 2, left'],
    ['multi\nline', null, 42],
    ['Квартира 🙂', '', '-7'],
    ['', '', ''],
  ];
  const file = rows.map(toCsvLine).join('\r\n') + '\r\n';
  for (const size of [1, Infinity]) {
    const records = await readAll(bytesIn(Buffer.from(file), size));
    t.same(
      records.map(([, fields]) => fields),
      rows.map((row) => row.map((value) => (value === null ? '' : String(value)))),
      `chunks of ${size}`,
    );
  }
});
