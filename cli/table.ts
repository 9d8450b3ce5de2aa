import type { Io } from './io';

// eslint-disable-next-line no-control-regex -- colour codes start with ESC
const visible = (cell: string) => cell.replace(/\u001b\[\d+m/g, '');

/** Prints rows under a header in columns two spaces apart; colour codes do not count towards a column's width. */
export function table(io: Io, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => visible(row[c] ?? '').length)));
  for (const row of all) {
    io.out(
      row
        .map((cell, c) => (c === row.length - 1 ? cell : cell + ' '.repeat(widths[c] - visible(cell).length)))
        .join('  ')
        .trimEnd(),
    );
  }
}
