import type { EksOwnerAccess } from '../../constructs/aws/eks-cluster';
import type { FargateProfileOptions, FargateSelector } from '../../constructs/aws/fargate-profile';
import type { NodePoolOptions } from '../../constructs/aws/node-pool';
import type { AksNodePoolOptions } from '../../constructs/azure/aks-node-pool';
import type { GkeNodePoolOptions } from '../../constructs/gcp/gke-node-pool';
import type {
  AwsNodePoolConfig,
  AzureNodePoolConfig,
  EksOwnerAccessConfig,
  FargateProfileConfig,
  FargateSelectorConfig,
  GcpNodePoolConfig,
} from '../../config/types';

/** True when A and B accept exactly the same objects; a difference fails `tsc --noEmit`. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <A, B>(proof: Same<A, B>) => proof;

describe('config types', () => {
  it("repeat the cloud constructs' option types exactly, without importing them", () => {
    const proofs = [
      same<Omit<AwsNodePoolConfig, 'name'>, NodePoolOptions>(true),
      same<Omit<FargateProfileConfig, 'name'>, FargateProfileOptions>(true),
      same<FargateSelectorConfig, FargateSelector>(true),
      same<Omit<AzureNodePoolConfig, 'name'>, AksNodePoolOptions>(true),
      same<Omit<GcpNodePoolConfig, 'name'>, GkeNodePoolOptions>(true),
      same<EksOwnerAccessConfig, EksOwnerAccess>(true),
    ];
    expect(proofs).toEqual([true, true, true, true, true, true]);
  });
});
