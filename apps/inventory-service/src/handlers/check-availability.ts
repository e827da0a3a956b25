import { invokeHandler } from '@shop/common';
import { CheckAvailabilityRequest } from '@shop/contracts';
import { dynamoInventoryStore } from '../adapters/dynamodb-inventory-store';
import { checkAvailability } from '../domain/stock-reservations';

const store = dynamoInventoryStore();

export const handler = invokeHandler(CheckAvailabilityRequest, async ({ payload }) => checkAvailability(payload, store));
