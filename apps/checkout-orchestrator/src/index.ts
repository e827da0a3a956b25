import { join } from 'node:path';

// The placeholder convention lives in libs/platform, which infra and the local cloud read too.
export { functionRefs, renderDefinition } from '@shop/platform';

/**
 * Absolute path of the checkout state machine's definition (Amazon States Language, with
 * `${service/function}` placeholders): what the manifest's `stateMachines.checkout.definition` names.
 */
export const checkoutDefinitionPath: string = join(__dirname, 'checkout.asl.json');
