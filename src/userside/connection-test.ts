import { createUserSideClient, UserSideError, type UserSideClientOptions } from './client.js';

export type ConnectionTestResult =
  | { ok: true; version: string | null; customers: number; message: string }
  | { ok: false; message: string };

/** Asks UserSide for its version and its customer ids at once, so the answer comes within one timeout. */
export async function testUserSideConnection(options: UserSideClientOptions): Promise<ConnectionTestResult> {
  const client = createUserSideClient({ timeoutMs: 9_000, ...options, concurrency: 2 });
  try {
    const [info, ids] = await Promise.allSettled([client.getSystemInfo(), client.getCustomerIds()]);
    // The system call's failure explains best (a wrong key, a wrong address), so it is the one reported.
    const failed = [info, ids].find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed || info.status !== 'fulfilled' || ids.status !== 'fulfilled') {
      const err = failed?.reason;
      return { ok: false, message: `Connection failed: ${err instanceof UserSideError ? err.message : 'UserSide: the request failed'}` };
    }
    const version = info.value.version;
    const customers = ids.value.length;
    return {
      ok: true,
      version,
      customers,
      message: `Connected: UserSide ${version ?? '(version not reported)'}, ${customers.toLocaleString('en-US')} customer${customers === 1 ? '' : 's'}`,
    };
  } finally {
    await client.close();
  }
}
