import { waveCut } from './plan-waves';

// `tsx tools/deploy-plan/src/wave-main.ts <plan.json> <stacks dir> <later stack>...`: prints the
// later stacks that read what the plan changes (one per line; nothing when none), for the prod
// plan job to stop there. See plan-waves.ts.
const [planJson, stacksDir, ...later] = process.argv.slice(2);
if (!planJson || !stacksDir) {
  console.error('usage: wave-main.ts <terraform show -json output> <synthesized stacks dir> <later stack>...');
  process.exit(2);
}
for (const stack of waveCut(planJson, stacksDir, later)) console.log(stack);
