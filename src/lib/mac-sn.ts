// One place for MAC and serial-number normalisation: the inventory, the CSV
// import, the External API and the UserSide link all compare through these.

/** `AA-BB-CC-DD-EE-FF`, `aabb.ccdd.eeff`, `AABBCCDDEEFF`, ... → `aa:bb:cc:dd:ee:ff`, or null when not a MAC. */
export function normalizeMac(input: string): string | null {
  const hex = input.trim().replace(/[\s:.\-]/g, '').toLowerCase();
  if (!/^[0-9a-f]{12}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

/**
 * `ztegc6e96ad7`, `ZTEG-C6E96AD7`, `5A544547C6E96AD7` → `ZTEGC6E96AD7`, or null.
 * The 16-hex form spells the 4-letter vendor id in hex; it is folded to the
 * printable form so both spellings of one ONU compare equal.
 */
export function normalizeSn(input: string): string | null {
  const typed = input.trim().replace(/[\s:\-]/g, '');
  // Checked before upper-casing: 'ß', 'ſ', 'ﬀ' upper-case to ASCII letters.
  if (!/^[A-Za-z0-9]{6,32}$/.test(typed)) return null;
  const sn = typed.toUpperCase();
  if (/^[0-9A-F]{16}$/.test(sn)) {
    const vendor = Buffer.from(sn.slice(0, 8), 'hex').toString('latin1');
    if (/^[A-Z]{4}$/.test(vendor)) return vendor + sn.slice(8);
  }
  return sn;
}

/** For search: the hex digits of a partial MAC (`c6:e9` → `c6:e9`, `C6E9` → `c6:e9`) or null. */
export function partialMacPattern(input: string): string | null {
  const hex = input.trim().replace(/[\s:.\-]/g, '').toLowerCase();
  if (hex.length < 2 || !/^[0-9a-f]+$/.test(hex)) return null;
  return hex.match(/.{1,2}/g)!.join(':');
}
