// Form bodies come from @fastify/formbody: a repeated field is an array, a
// missing one undefined, and a hostile client can send either anywhere.

export type FormBody = Record<string, unknown> | undefined | null;

/** The field as one trimmed string ('' when missing or not a string). */
export function formString(body: FormBody, name: string, { trim = true } = {}): string {
  const value = body && typeof body === 'object' ? body[name] : undefined;
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first !== 'string') return '';
  return trim ? first.trim() : first;
}

/** Every value of a repeatable field, trimmed, empty ones kept. */
export function formStrings(body: FormBody, name: string): string[] {
  const value = body && typeof body === 'object' ? body[name] : undefined;
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string').map((v) => v.trim());
}

/** A checkbox (possibly paired with a hidden "off" input of the same name). */
export function formChecked(body: FormBody, name: string): boolean {
  return formStrings(body, name).some((v) => v === 'on' || v === 'true' || v === '1');
}

export type FieldErrors = Record<string, string>;
