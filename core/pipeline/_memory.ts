/**
 * Peak resident memory of this process in MB, for the trace: Linux's high-water mark
 * (`VmHWM`) when readable, else the current RSS.
 */
export function peakRssMb(): number {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const kb = status.match(/^VmHWM:\s+(\d+)\s+kB/m)?.[1];
    if (kb) return Math.round(Number(kb) / 1024);
  } catch {
    // Not Linux, or /proc is not mounted: fall back to the current RSS.
  }
  return Math.round(Deno.memoryUsage().rss / 1024 / 1024);
}
