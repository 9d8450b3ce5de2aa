import { CliError } from './io';

/** Hours in "48h", "2d" or "48"; 1 to 720, as the config allows. */
export function parseTtlHours(text: string, flag = '--ttl'): number {
  const m = /^(\d+)\s*([hd]?)$/.exec(text.trim());
  if (!m) throw new CliError(`${flag} must be hours or days such as 48h or 2d, got "${text}"`);
  const hours = Number(m[1]) * (m[2] === 'd' ? 24 : 1);
  if (hours < 1 || hours > 720) throw new CliError(`${flag} must be between 1h and 720h (30 days), got ${hours}h`);
  return hours;
}

/** "2h 5m" style age or remaining time, for tables; `precise` gives "4.2s" and "1m05s" for elapsed times of steps. */
export function humanDuration(ms: number, precise = false): string {
  const sign = ms < 0 ? '-' : '';
  if (precise) {
    const seconds = Math.abs(ms) / 1000;
    if (seconds < 60) return `${sign}${seconds.toFixed(1)}s`;
    return `${sign}${Math.floor(seconds / 60)}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  }
  const minutes = Math.floor(Math.abs(ms) / 60000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return sign + (d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : `${m}m`);
}
