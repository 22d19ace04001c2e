import { createUserSideClient, UserSideError, type UserSideClientOptions } from './client.js';

export type ConnectionTestResult =
  | { ok: true; version: string | null; customers: number; message: string }
  | { ok: false; message: string };

/** Asks UserSide for its version and its customer ids at once, so the answer comes within one timeout. */
export async function testUserSideConnection(options: UserSideClientOptions): Promise<ConnectionTestResult> {
  const timeoutMs = options.timeoutMs ?? 9_000;
  const client = createUserSideClient({ ...options, timeoutMs, concurrency: 2 });
  // One deadline for the whole test: a retried request must not double the wait.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new UserSideError('timeout', `UserSide: timed out after ${timeoutMs / 1000} s`)), timeoutMs + 500);
  });
  try {
    const calls = [client.getSystemInfo(), client.getCustomerIds()] as const;
    const [info, ids] = await Promise.allSettled([Promise.race([calls[0], deadline]), Promise.race([calls[1], deadline])]);
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
    clearTimeout(timer);
    await client.close();
  }
}
