/**
 * sandboxkit: the cloud-neutral part. Cloud constructs live in
 * `sandboxkit/aws`, `sandboxkit/azure`, `sandboxkit/gcp` and `sandboxkit/existing`,
 * so that a user of one cloud never loads another cloud's provider; the
 * ready-made stacks of the command line app are in `sandboxkit/stacks`.
 */
export * from './config';
export * from './constructs';
