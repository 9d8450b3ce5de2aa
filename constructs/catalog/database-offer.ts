/**
 * Why a database offer's `perConsumer` values would not create each consumer's user, or undefined when they do.
 * Every consumer gets a Secret with a user name and password; values that never name `{consumer}` and `{secret}`
 * would hand out credentials of a user nobody creates.
 */
export function perConsumerProblem(perConsumer: Readonly<Record<string, unknown>>): string | undefined {
  const text = JSON.stringify(perConsumer);
  const missing = ['{consumer}', '{secret}'].filter((p) => !text.includes(p));
  if (missing.length === 0) return undefined;
  return `must create each consumer's user and database from the generated Secret: the values name ${missing.join(' and ')} nowhere${Object.keys(perConsumer).length ? '' : ' (got {})'}`;
}
