import type { ServiceManifest } from '@shop/common';
import { loadManifests } from '@shop/manifests';
import { beforeAll, describe, expect, it } from 'vitest';
import { httpRoutes, openApiDocument } from '../src/openapi';

interface Operation {
  operationId: string;
  description?: string;
  security: Record<string, string[]>[];
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, { schema: { required?: string[]; additionalProperties?: unknown } }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

let manifests: ServiceManifest[];
let paths: Record<string, Record<string, Operation>>;

beforeAll(async () => {
  manifests = await loadManifests();
  paths = (openApiDocument(manifests) as { paths: typeof paths }).paths;
});

describe('openApiDocument', () => {
  it('documents every route of every manifest under its path and method', () => {
    const routes = httpRoutes(manifests);
    expect(routes.length).toBeGreaterThan(0);
    for (const { service, functionName, trigger } of routes) {
      expect(paths[trigger.path]?.[trigger.method.toLowerCase()]?.operationId, `${trigger.method} ${trigger.path}`).toBe(
        `${service}.${functionName}`,
      );
    }
    const documented = Object.values(paths).reduce((n, item) => n + Object.keys(item).length, 0);
    expect(documented).toBe(routes.length);
  });

  it('asks a signed-in route for a bearer token and names its roles, and a public route for nothing', () => {
    const createProduct = paths['/products']?.post;
    expect(createProduct?.security).toEqual([{ bearerAuth: [] }]);
    expect(createProduct?.description).toBe('Roles: ADMIN, MANAGER');
    expect(createProduct?.responses).toHaveProperty('401');

    const listProducts = paths['/products']?.get;
    expect(listProducts?.security).toEqual([]);
    expect(listProducts?.responses).not.toHaveProperty('401');
  });

  it('requires name, price and stock to create a product and refuses other properties', () => {
    const schema = paths['/products']?.post?.requestBody?.content['application/json']?.schema;
    expect(schema?.required).toEqual(expect.arrayContaining(['name', 'price', 'stock']));
    expect(schema?.additionalProperties).toBe(false);
  });

  it('documents the idempotency key of POST /orders as a required header', () => {
    expect(paths['/orders']?.post?.parameters).toContainEqual(expect.objectContaining({ name: 'idempotency-key', in: 'header', required: true }));
  });

  it('answers 204 without a body, and every error with the shared Error schema', () => {
    const deleteProduct = paths['/products/{id}']?.delete;
    expect(deleteProduct?.responses['204']?.content).toBeUndefined();
    for (const status of ['400', '403', '404', '500']) {
      expect(deleteProduct?.responses[status]?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/Error' });
    }
  });
});
