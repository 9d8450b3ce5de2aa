import type { EksClusterLookup } from '../constructs/aws/eks-lookup';
import type { AksClusterLookup } from '../constructs/azure/aks-lookup';
import type { GkeClusterLookup } from '../constructs/gcp/gke-lookup';

/*
 * A cloud's lookup (and with it the cloud's provider package and constructs) is loaded only
 * when a config has a cluster on that cloud: a config of existing clusters needs none.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const eksLookup = () =>
  (require('../constructs/aws/eks-lookup') as { EksClusterLookup: typeof EksClusterLookup }).EksClusterLookup;
export const aksLookup = () =>
  (require('../constructs/azure/aks-lookup') as { AksClusterLookup: typeof AksClusterLookup }).AksClusterLookup;
export const gkeLookup = () =>
  (require('../constructs/gcp/gke-lookup') as { GkeClusterLookup: typeof GkeClusterLookup }).GkeClusterLookup;
/* eslint-enable @typescript-eslint/no-require-imports */
