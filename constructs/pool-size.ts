/** Bounds of an autoscaling node pool, with the names its cloud uses for them. */
export interface PoolSize {
  readonly min: number;
  readonly max: number;
  /** `minSize` on AWS, `minCount` on Azure and Google. */
  readonly minName: string;
  readonly maxName: string;
}

/** Throws, naming the pool and field, unless 0 <= min <= max <= 1000 and both are whole numbers. */
export function assertPoolSize(where: string, size: PoolSize): void {
  const { min, max, minName, maxName } = size;
  if (!Number.isInteger(min) || min < 0)
    throw new Error(`${where}: ${minName} must be a whole number >= 0, got ${min}`);
  if (!Number.isInteger(max) || max < 1)
    throw new Error(`${where}: ${maxName} must be a whole number >= 1, got ${max}`);
  if (min > max) throw new Error(`${where}: ${minName} must be between 0 and ${maxName} (${max}), got ${min}`);
  if (max > 1000) throw new Error(`${where}: ${maxName} must be at most 1000, got ${max}`);
}
