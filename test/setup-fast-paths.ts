import { useCdktfFastPaths } from '../synth/cdktf-fast-paths';

// Every suite synthesizes the way the command line does, so snapshots hold the output users get.
useCdktfFastPaths();
