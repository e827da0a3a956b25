import type { Money } from '@shop/api-client';
import { formatMoney } from '../money';

export function Price({ money }: { money: Money }) {
  return <span class="price">{formatMoney(money)}</span>;
}
