import { mExePolicy } from '../../src/policy/m-exe.policy';

export { loadPolicy } from '../../src/policy';
/** The built-in policy as a site would write it in its own JSON file. */
export const mExePolicyForTests = JSON.parse(JSON.stringify(mExePolicy));
