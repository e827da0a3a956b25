import type { TableAction } from './manifest';

/**
 * The IAM actions a call of each DynamoDB command class needs (`@aws-sdk/lib-dynamodb`'s and
 * `@aws-sdk/client-dynamodb`'s). A read transaction is authorized item by item as GetItem; a write
 * transaction item by item, as {@link TRANSACTION_ITEM_ACTIONS} says.
 */
export const DYNAMODB_COMMAND_ACTIONS: Readonly<Record<string, readonly TableAction[]>> = {
  GetCommand: ['GetItem'],
  GetItemCommand: ['GetItem'],
  PutCommand: ['PutItem'],
  PutItemCommand: ['PutItem'],
  UpdateCommand: ['UpdateItem'],
  UpdateItemCommand: ['UpdateItem'],
  DeleteCommand: ['DeleteItem'],
  DeleteItemCommand: ['DeleteItem'],
  QueryCommand: ['Query'],
  ScanCommand: ['Scan'],
  BatchGetCommand: ['BatchGetItem'],
  BatchGetItemCommand: ['BatchGetItem'],
  BatchWriteCommand: ['BatchWriteItem'],
  BatchWriteItemCommand: ['BatchWriteItem'],
  TransactGetCommand: ['GetItem'],
  TransactGetItemsCommand: ['GetItem'],
  TransactWriteCommand: [],
  TransactWriteItemsCommand: [],
};

/** The item kinds of a write transaction (`{ Update: { TableName, … } }`) and the action each is authorized as. */
export const TRANSACTION_ITEM_ACTIONS: Readonly<Record<string, TableAction>> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
};
