import type { Order } from '@shop/api-client';
import { useEffect, useState } from 'preact/hooks';
import { attempt } from '../api';
import type { Problem } from '../problem';
import { useShop } from '../shop-context';
import { isSettled, pollDelayMs } from './order-status';

/** Polls the order until nothing more will change by itself: quickly at first, then more and more slowly (`pollDelayMs`). */
export function useLiveOrder(orderId: string): { order?: Order; problem?: Problem; refresh: () => void } {
  const shop = useShop();
  const [order, setOrder] = useState<Order>();
  const [problem, setProblem] = useState<Problem>();
  const [round, setRound] = useState(0);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const started = Date.now();
    const poll = async () => {
      const outcome = await attempt(shop.session, () => shop.client.GET('/orders/{orderId}', { params: { path: { orderId } } }), 'order');
      if (stopped) return;
      if (outcome.ok) {
        setOrder(outcome.data);
        setProblem(undefined);
        if (isSettled(outcome.data)) return;
      } else {
        setProblem(outcome.problem);
        if (outcome.problem.status >= 400 && outcome.problem.status < 500 && outcome.problem.status !== 429) return;
      }
      timer = setTimeout(poll, pollDelayMs(Date.now() - started));
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [shop, orderId, round]);
  return { ...(order ? { order } : {}), ...(problem ? { problem } : {}), refresh: () => setRound((r) => r + 1) };
}
