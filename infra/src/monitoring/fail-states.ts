/**
 * The Fail states of an Amazon States Language definition with the error they end the execution
 * with, at any depth (Parallel branches, Map iterators). A Fail state whose error is computed
 * (`ErrorPath`) has no name to alarm on and is left out.
 */
export interface FailState {
  state: string;
  error: string;
}

interface StatesContainer {
  States?: Record<string, AslState>;
}

interface AslState {
  Type?: string;
  Error?: unknown;
  Branches?: StatesContainer[];
  Iterator?: StatesContainer;
  ItemProcessor?: StatesContainer;
}

export function failStates(asl: object): FailState[] {
  const found: FailState[] = [];
  const visit = (container: StatesContainer | undefined): void => {
    for (const [state, def] of Object.entries(container?.States ?? {})) {
      if (def.Type === 'Fail' && typeof def.Error === 'string') found.push({ state, error: def.Error });
      for (const branch of def.Branches ?? []) visit(branch);
      visit(def.Iterator);
      visit(def.ItemProcessor);
    }
  };
  visit(asl as StatesContainer);
  return found;
}
