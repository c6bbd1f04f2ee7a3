import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSchema } from '../../scripts/print-schema';

describe('schema.graphql', () => {
  it('is current: run `npm run schema` after changing the API', async () => {
    const checkedIn = readFileSync(join(__dirname, '..', '..', 'schema.graphql'), 'utf8');
    expect(checkedIn).toBe(await renderSchema());
  });
});
