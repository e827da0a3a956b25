/**
 * The soak: drives hundreds of checkouts through the local cloud while faults fire, waits for
 * quiet, and checks that no money and no stock was lost (`npm run soak`; a small one runs in
 * `npm test`). Also the stock ledger, which the end-to-end suite uses.
 */
export { runSoak, report, type SoakOptions, type SoakResult } from './soak';
export { soakTarget, type SoakTarget } from './target';
export { makeScenario, OUTCOMES_OF, type Scenario, type CheckoutKind, type Outcome } from './scenario';
export { faultPlan } from './fault-plan';
export { judge, MAX_UNPLACED_SHARE, OPERATOR_STATES, type Driven, type InvariantResult, type Judgement } from './invariants';
export {
  readStockLedger,
  stockLedgerTables,
  type ProductStockLedger,
  type StockLedgerReport,
  type StockLedgerSource,
  type StockLedgerTables,
  type StockLedgerViolation,
} from './stock-ledger';
