/*
 * What a sandboxkit process (the app, the CLI, a synthesis thread) does before it loads
 * anything else: each of those entry points imports this module first.
 */
import { enableCompileCache } from './compile-cache';
import './defer-archiver';

// Compiled entry points only: run from TypeScript sources the loader is a test runner's, and it is left alone.
if (__filename.endsWith('.js')) enableCompileCache();
