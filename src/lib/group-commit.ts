import DataLoader from "dataloader";

export interface GroupCommitOptions {
  /** The most items one batch carries. */
  maxBatch?: number;
  /**
   * Whether a failed batch certainly left nothing behind, so that its items may be run again one by
   * one (a statement the database refused); otherwise every item of the batch gets the failure.
   * `run` must then be all or nothing: one statement, with anything after it answered per item.
   */
  undone?: (error: unknown) => boolean;
}

/**
 * Group commit: `run` takes several items at once (one SQL statement for all of them) and answers
 * each in order, with a result or that item's Error. Under no load an item goes alone, on the next
 * turn of the event loop; under load the items that arrive while a batch is in flight go together
 * in the next, so the statements per item fall as the load rises. If a batch of several fails,
 * and the failure certainly undid it (`undone`), its items are run again alone, one after another
 * in submitted order: one item's failure (or a deadlock between two batches) is only ever that
 * item's.
 *
 * DataLoader does the collecting; its `batchScheduleFn` holds a batch back while another runs
 * (one in flight: what arrives meanwhile goes in the next). Nothing is cached: every call is a new
 * item.
 */
export function groupCommit<I, O>(
  run: Run<I, O>,
  options: GroupCommitOptions = {},
): (item: I) => Promise<O> {
  // A batch is in flight or scheduled to start; held-back batches wait in `waiting`.
  let busy = false;
  const waiting: Array<() => void> = [];
  const loader = new DataLoader<I, O>(
    async (items) => {
      try {
        return await runOrSplit(run, items, options.undone ?? (() => false));
      } finally {
        const next = waiting.shift();
        if (next) next();
        else busy = false;
      }
    },
    {
      cache: false,
      maxBatchSize: options.maxBatch ?? 100,
      batchScheduleFn: (dispatch) => {
        if (busy) return void waiting.push(dispatch);
        busy = true;
        setImmediate(dispatch);
      },
    },
  );
  return (item) => loader.load(item);
}

type Run<I, O> = (items: readonly I[]) => Promise<ReadonlyArray<O | Error>>;

async function runOrSplit<I, O>(
  run: Run<I, O>,
  items: readonly I[],
  undone: (error: unknown) => boolean,
): Promise<ReadonlyArray<O | Error>> {
  try {
    return answered(items.length, await run(items));
  } catch (error) {
    if (items.length === 1 || !undone(error)) throw error;
  }
  // One at a time, in the order they were submitted: as they would have gone with no load.
  const results: Array<O | Error> = [];
  for (const item of items) {
    try {
      results.push(answered(1, await run([item]))[0]!);
    } catch (failure) {
      results.push(failure instanceof Error ? failure : new Error(String(failure)));
    }
  }
  return results;
}

function answered<O>(
  expected: number,
  results: ReadonlyArray<O | Error>,
): ReadonlyArray<O | Error> {
  if (results.length !== expected)
    throw new Error(`A batch of ${expected} items answered ${results.length} results`);
  return results;
}
