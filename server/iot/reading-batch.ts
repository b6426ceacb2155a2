/**
 * One batch of the ingest (reading-ingest.ts): readings and "seen" rows (heartbeats, status online) as the arrays
 * of one insertReadingBatch statement, the rules' actions of each row (run after the commit), the keys that make a
 * second copy of a reading in the same batch one row, and the promise its messages' acknowledgements wait for.
 */

/** What the rules decided on a message's arrival, to run once it is stored. */
export type RuleActions = () => void;

export class Batch {
  codes: string[] = [];
  times: Date[] = [];
  values: number[] = [];
  battery: (number | null)[] = [];
  signal: (number | null)[] = [];
  actions: (RuleActions | null)[] = [];
  seenCodes: string[] = [];
  seenTimes: Date[] = [];
  seenActions: (RuleActions | null)[] = [];
  keys = new Set<string>();
  resolve!: () => void;
  reject!: (error: unknown) => void;
  readonly done: Promise<void>;
  constructor(readonly priority: boolean) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A batch nobody awaits (only duplicates) must not become an unhandled rejection.
    this.done.catch(() => undefined);
  }
  get size() {
    return this.codes.length + this.seenCodes.length;
  }
}
