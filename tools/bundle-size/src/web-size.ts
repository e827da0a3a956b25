import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatWebSize, INITIAL_JS_BUDGET_BYTES, measureWeb } from './web-measure';

// `npm run web-size`: the storefront's JavaScript, after `nx build storefront`; fails over the budget.
const dir = join(process.cwd(), 'dist', 'web', 'storefront');
if (!existsSync(join(dir, 'index.html'))) {
  console.error('No storefront in dist/web/storefront: build it first with `npx nx build storefront`.');
  process.exit(1);
}
const size = measureWeb(dir);
console.log(formatWebSize(size));
if (size.initialGzipBytes > INITIAL_JS_BUDGET_BYTES) {
  console.error(`\nThe storefront's initial JavaScript is over its budget of ${INITIAL_JS_BUDGET_BYTES / 1000} KB gzipped.`);
  process.exit(1);
}
