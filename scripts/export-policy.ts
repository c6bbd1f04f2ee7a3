/** Prints the built-in m-exe.com policy as JSON: the starting point for a site's own POLICY_FILE. */
import { mExePolicy } from '../src/policy/m-exe.policy';

process.stdout.write(`${JSON.stringify(mExePolicy, null, 2)}\n`);
