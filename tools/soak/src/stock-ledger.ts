import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { physicalName } from '@shop/platform';

/**
 * The stock ledger, read straight from DynamoDB: for every product, at all times,
 *
 *     initialStock + Σ adjustments = stock (available) + Σ reserved + Σ sold
 *
 * reserved: lines of RESERVED reservations; sold: lines of COMMITTED ones. The same equation as
 * inventory-service's `stockLedgers` (apps/inventory-service/src/domain/stock-ledger.ts), written
 * again on purpose: a check that shares the service's code would share its mistakes.
 *
 * The three tables are scanned one after another, not as one snapshot: read it when no stock
 * change is in flight for the products you look at (after their orders ended), or a checkout
 * caught between two scans shows as a difference that is not there.
 */
export interface StockLedgerTables {
  products: string;
  stockAdjustments: string;
  reservations: string;
}

export interface StockLedgerSource {
  dynamodbEndpoint: string;
  tables: StockLedgerTables;
}

export interface ProductStockLedger {
  productId: string;
  /** The stock the product was created with; absent on a product created before it was kept. */
  initialStock?: number;
  adjusted: number;
  available: number;
  reserved: number;
  sold: number;
  /** initialStock + adjusted − (available + reserved + sold): 0 when it balances. */
  difference?: number;
}

export interface StockLedgerViolation {
  productId: string;
  problem: string;
  ledger: ProductStockLedger;
}

export interface StockLedgerReport {
  products: ProductStockLedger[];
  /** Empty when every product's ledger balances. */
  violations: StockLedgerViolation[];
}

/** The three tables of a stage, named as every table is (`shop-<stage>-<service>-<table>`). */
export function stockLedgerTables(stage: string): StockLedgerTables {
  return {
    products: physicalName(stage, 'product-service', 'products'),
    stockAdjustments: physicalName(stage, 'inventory-service', 'stock-adjustments'),
    reservations: physicalName(stage, 'inventory-service', 'reservations'),
  };
}

/**
 * Every product's ledger (or only those of `productIds`), and what does not add up: a difference,
 * stock below 0, a product without an initial stock.
 */
export async function readStockLedger(source: StockLedgerSource, options: { productIds?: readonly string[] } = {}): Promise<StockLedgerReport> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, endpoint: source.dynamodbEndpoint }),
  );
  try {
    const wanted = options.productIds ? new Set(options.productIds) : undefined;
    const products = (await scan(client, source.tables.products)).filter((p) => !wanted || wanted.has(p['productId'] as string));
    const adjustments = await scan(client, source.tables.stockAdjustments);
    const reservations = await scan(client, source.tables.reservations);

    const sums = new Map<string, { adjusted: number; reserved: number; sold: number }>();
    const sum = (productId: string) => {
      let figures = sums.get(productId);
      if (!figures) sums.set(productId, (figures = { adjusted: 0, reserved: 0, sold: 0 }));
      return figures;
    };
    for (const a of adjustments) sum(a['productId'] as string).adjusted += a['delta'] as number;
    for (const r of reservations) {
      const bucket = r['status'] === 'RESERVED' ? 'reserved' : r['status'] === 'COMMITTED' ? 'sold' : undefined;
      if (!bucket) continue;
      for (const line of r['lines'] as { productId: string; quantity: number }[]) sum(line.productId)[bucket] += line.quantity;
    }

    const ledgers = products.map((p): ProductStockLedger => {
      const productId = p['productId'] as string;
      const initialStock = p['initialStock'] as number | undefined;
      const { adjusted, reserved, sold } = sum(productId);
      const available = p['stock'] as number;
      return {
        productId,
        adjusted,
        available,
        reserved,
        sold,
        ...(initialStock === undefined ? {} : { initialStock, difference: initialStock + adjusted - (available + reserved + sold) }),
      };
    });
    return { products: ledgers, violations: ledgers.flatMap(violationsOf) };
  } finally {
    client.destroy();
  }
}

function violationsOf(ledger: ProductStockLedger): StockLedgerViolation[] {
  const { productId, initialStock, adjusted, available, reserved, sold, difference } = ledger;
  const problems = [
    ...(initialStock === undefined ? ['no initialStock on the product item'] : []),
    ...(available < 0 ? [`stock is ${available}, below 0`] : []),
    ...(difference !== undefined && difference !== 0
      ? [`initial ${initialStock} + adjusted ${adjusted} ≠ available ${available} + reserved ${reserved} + sold ${sold} (off by ${difference})`]
      : []),
  ];
  return problems.map((problem) => ({ productId, problem, ledger }));
}

async function scan(client: DynamoDBDocumentClient, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
