import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/common';
import { invokeHandler, routeEvent, type JwtClaims } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/update-product';
import { service } from '../../src/service';
import { ADMIN, CUSTOMER, MANAGER, PRODUCT_ID, storedProduct, TABLE, withProductsTable } from '../fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
const route = httpRoute(service, 'update-product');
withProductsTable();
beforeEach(() => {
  ddb.reset();
});
afterAll(() => {
  ddb.restore();
});

const notListed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const update = (body: unknown, claims: JwtClaims | null = ADMIN(), id = PRODUCT_ID) =>
  invokeHandler<Record<string, unknown>>(handler, routeEvent(route, { pathParameters: { id }, body, ...(claims ? { claims } : {}) }));

describe('PUT /products/{id}', () => {
  it('changes only the given fields and answers the updated product', async () => {
    const after = storedProduct({ stock: 7, price: { amount: 999, currency: 'EUR' }, updatedAt: '2025-02-01T00:00:00.000Z' });
    ddb.on(UpdateCommand).resolves({ Attributes: after });

    const res = await update({ stock: 7, price: { amount: 999, currency: 'EUR' } });

    expect(res.status).toBe(200);
    const { listing: _listing, ...product } = after;
    expect(res.body).toEqual(product);

    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TableName: TABLE,
      Key: { productId: PRODUCT_ID },
      ConditionExpression: 'attribute_exists(productId) AND attribute_not_exists(deletedAt)',
      ReturnValues: 'ALL_NEW',
    });
    const names = Object.values(input?.ExpressionAttributeNames ?? {});
    expect(names).toEqual(['price', 'stock', 'updatedAt']);
    expect(input?.UpdateExpression).not.toMatch(/REMOVE|listing|createdAt|name|description/);
  });

  it('lets a MANAGER update a product', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: storedProduct({ name: 'Tea cup' }) });
    const res = await update({ name: 'Tea cup' }, MANAGER());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Tea cup' });
  });

  it('answers 404 for an unknown or deleted product', async () => {
    ddb.on(UpdateCommand).rejects(notListed());
    const res = await update({ stock: 1 });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Product not found' } });
  });

  it('answers 401 without a signed-in caller and writes nothing', async () => {
    const res = await update({ stock: 1 }, null);
    expect(res.status).toBe(401);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 403 to a CUSTOMER and writes nothing', async () => {
    const res = await update({ stock: 1 }, CUSTOMER());
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each([
    ['no fields at all', {}, 'body'],
    ['malformed JSON', '{"stock":', 'body'],
    ['an unknown field', { stock: 1, listing: 'LISTED' }, 'listing'],
    ['a field the API does not let change', { createdAt: '2020-01-01T00:00:00.000Z' }, 'createdAt'],
    ['a stock that is a string', { stock: '3' }, 'stock'],
    ['a negative stock', { stock: -3 }, 'stock'],
    ['a fractional stock', { stock: 0.5 }, 'stock'],
    ['a negative price', { price: { amount: -100, currency: 'USD' } }, 'price.amount'],
    ['a fractional price', { price: { amount: 1.25, currency: 'USD' } }, 'price.amount'],
    ['a price without currency', { price: { amount: 100 } }, 'price.currency'],
    ['a name over 200 characters', { name: 'n'.repeat(201) }, 'name'],
    ['a null name', { name: null }, 'name'],
  ])('answers 400 naming the field for %s, and writes nothing', async (_, body, field) => {
    const res = await update(body);
    expect(res.status).toBe(400);
    const details = (res.body as { error: { details: { field: string }[] } }).error.details;
    expect(details.map((d) => d.field)).toContain(field);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 400 naming the id when it is not a product id, and writes nothing', async () => {
    const res = await update({ stock: 1 }, ADMIN(), 'not-a-uuid');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { details: [{ field: 'id' }] } });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 413 to a body over 64 KB, and writes nothing', async () => {
    const res = await update({ description: 'd'.repeat(70_000) });
    expect(res.status).toBe(413);
    expect(ddb.calls()).toHaveLength(0);
  });
});
