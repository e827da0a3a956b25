import { join } from 'node:path';

export { functionRefs, renderDefinition } from './domain/render-definition';

/**
 * Absolute path of the checkout state machine's definition (Amazon States Language, with
 * `${service/function}` placeholders): what the manifest's `stateMachines.checkout.definition` names.
 */
export const checkoutDefinitionPath: string = join(__dirname, 'checkout.asl.json');
