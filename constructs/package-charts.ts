import { existsSync } from 'fs';
import { resolve } from 'path';

/** The folder of the charts shipped with this package, wherever it is installed (sources or `dist/`). */
export const PACKAGE_CHARTS_DIR = resolve(
  __dirname,
  existsSync(resolve(__dirname, '..', 'charts')) ? '..' : '../..',
  'charts',
);
