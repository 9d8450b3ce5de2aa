import setupTmpdir from './tmpdir.setup';
import { requireTool } from './tools';

/**
 * Before any test file: one temporary folder for the run, and helm and checkov installed. A first run builds helm
 * from its Go module, which takes minutes on an empty Go cache: inside a suite's hook it would hit the hook's timeout.
 */
export default function setup(): void {
  setupTmpdir();
  requireTool('helm');
  requireTool('checkov');
}
