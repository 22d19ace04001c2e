import t from 'tap';
import { normalizeMac, normalizeSn, partialMacPattern } from '../../src/lib/mac-sn.js';

const macCases: [input: string, expected: string | null][] = [
  ['AA-BB-CC-DD-EE-FF', 'aa:bb:cc:dd:ee:ff'],
  ['aabb.ccdd.eeff', 'aa:bb:cc:dd:ee:ff'],
  ['AABBCCDDEEFF', 'aa:bb:cc:dd:ee:ff'],
  ['aa:bb:cc:dd:ee:ff', 'aa:bb:cc:dd:ee:ff'],
  ['AA:bb:Cc:00:11:9F', 'aa:bb:cc:00:11:9f'],
  ['  aa:bb:cc:dd:ee:ff\t', 'aa:bb:cc:dd:ee:ff'],
  ['aa bb cc dd ee ff', 'aa:bb:cc:dd:ee:ff'],
  ['', null],
  ['   ', null],
  ['aa:bb:cc:dd:ee', null],
  ['aa:bb:cc:dd:ee:ff:00', null],
  ['aabbccddeef', null],
  ['aa:bb:cc:dd:ee:fg', null],
  ['gg-hh-ii-jj-kk-ll', null],
  ['aa_bb_cc_dd_ee_ff', null],
  ['ＡＡ:bb:cc:dd:ee:ff', null],
];

for (const [input, expected] of macCases) {
  t.equal(normalizeMac(input), expected, `normalizeMac(${JSON.stringify(input)})`);
}

const snCases: [input: string, expected: string | null][] = [
  ['ztegc6e96ad7', 'ZTEGC6E96AD7'],
  ['ZTEGC6E96AD7', 'ZTEGC6E96AD7'],
  ['ZTEG-C6E96AD7', 'ZTEGC6E96AD7'],
  ['ZTEG:C6E96AD7', 'ZTEGC6E96AD7'],
  [' ZTEG C6E96AD7 ', 'ZTEGC6E96AD7'],
  ['5A544547C6E96AD7', 'ZTEGC6E96AD7'],
  ['5a544547c6e96ad7', 'ZTEGC6E96AD7'],
  ['48575443A1B2C3D4', 'HWTCA1B2C3D4'],
  // 16 hex digits whose first 8 do not spell four letters stay as typed.
  ['0123456789ABCDEF', '0123456789ABCDEF'],
  ['', null],
  ['   ', null],
  ['ZTEG1', null],
  ['Z'.repeat(33), null],
  ['ZTEG.C6E96AD7', null],
  ['ZTEG_C6E96AD7', null],
  ['ZTEGC6E96AD7!', null],
  ['ZTEGC6E96ÄD7', null],
  // These upper-case to ASCII ('ſ' → 'S', 'ß' → 'SS', 'ﬀ' → 'FF') and must still be refused.
  ['ztegc6e96adſ', null],
  ['ztegc6e96aß', null],
  ['ztegc6e96aﬀ', null],
];

for (const [input, expected] of snCases) {
  t.equal(normalizeSn(input), expected, `normalizeSn(${JSON.stringify(input)})`);
}

t.equal(
  normalizeSn('ZTEG-C6E96AD7'),
  normalizeSn('5A544547C6E96AD7'),
  'the printable and the hex spelling of one serial compare equal',
);

const partialCases: [input: string, expected: string | null][] = [
  ['c6:e9', 'c6:e9'],
  ['C6E9', 'c6:e9'],
  ['c6e', 'c6:e'],
  [' AA-BB-CC ', 'aa:bb:cc'],
  ['aabb.ccdd.eeff', 'aa:bb:cc:dd:ee:ff'],
  ['c', null],
  ['', null],
  ['zz', null],
  ['onu 17', null],
];

for (const [input, expected] of partialCases) {
  t.equal(partialMacPattern(input), expected, `partialMacPattern(${JSON.stringify(input)})`);
}
