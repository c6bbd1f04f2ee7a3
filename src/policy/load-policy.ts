import { readFileSync } from 'node:fs';
import { ConfigError } from '../config';
import { mExePolicy } from './m-exe.policy';
import { policySchema, type Policy } from './policy.schema';

/**
 * The policy the service runs: m-exe.com's by default, or a site's own JSON file (POLICY_FILE),
 * validated against the same schema. A bad file stops start-up with one line naming the field.
 */
export function loadPolicy(file?: string): Policy {
  let input: unknown = mExePolicy;
  const where = file ? `POLICY_FILE ${file}` : 'the built-in policy';
  if (file) {
    let textContent: string;
    try {
      textContent = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`Invalid setting POLICY_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    try {
      input = JSON.parse(textContent);
    } catch (error) {
      throw new ConfigError(`Invalid setting POLICY_FILE: ${file} is not valid JSON (${(error as Error).message})`);
    }
  }
  const parsed = policySchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid policy in ${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return deepFreeze(parsed.data);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
