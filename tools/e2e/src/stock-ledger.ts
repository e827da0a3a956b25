import { readStockLedger as readLedger, type StockLedgerReport, stockLedgerTables } from '@shop/soak';
import { cloud } from './cloud';

/** The stock ledger of the suite's local cloud (see tools/soak/src/stock-ledger.ts). */
export function readStockLedger(options: { productIds?: readonly string[] } = {}): Promise<StockLedgerReport> {
  const stage = /^shop-(.+)-product-service-products$/.exec(cloud.tables.products)?.[1];
  if (!stage) throw new Error(`cannot tell the stage from the products table ${cloud.tables.products}`);
  return readLedger({ dynamodbEndpoint: cloud.dynamodbEndpoint, tables: stockLedgerTables(stage) }, options);
}
