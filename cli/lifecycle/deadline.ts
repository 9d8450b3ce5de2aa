/** A signal that aborts at `deadline` (ms since the epoch), saying that --timeout passed; none without a deadline. */
export function deadlineSignal(deadline: number | undefined): AbortSignal | undefined {
  if (deadline === undefined) return undefined;
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('--timeout passed')), Math.max(0, deadline - Date.now())).unref();
  return controller.signal;
}
