/** `npm run cost`: what an order costs on AWS, from what checkouts on the local cloud used. */
export { priceUsage, formatCost, type CostLine, type CostReport } from './price';
export { PRICES, type Prices } from './prices';
