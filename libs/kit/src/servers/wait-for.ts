/** Polls a readiness check until it passes: starting servers are waited on, never slept on. */
export const waitFor = async (
  check: () => Promise<boolean> | boolean,
  options: { timeoutMs: number; what: string; intervalMs?: number; detail?: () => string },
): Promise<void> => {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) {
      const detail = options.detail?.();
      throw new Error(`timed out after ${options.timeoutMs}ms waiting for ${options.what}${detail ? `\n${detail}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
};
